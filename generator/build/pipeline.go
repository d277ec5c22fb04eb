package build

import (
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"statusgen/generator/render"
	"statusgen/generator/source"
	"statusgen/generator/status"
)

// pipeline is a site's sources as last read and checked, and its last
// good build: what a session keeps from build to build. Its first run
// reads everything; each later one reads again only the paths it is told
// changed, checks again only what they touch, and derives and lists the
// whole site anew.
type pipeline struct {
	opts     Options
	site     *status.Site
	siteErrs source.ErrorList
	uiLangs  []string          // the languages with UI strings when site.yaml was read
	posts    map[string]*entry // by path
	order    []string          // the paths of posts, sorted; nil when to be sorted again
	read     bool              // the sources were read once

	theme      *render.Theme               // nil when to be loaded again
	settings   bool                        // site.yaml changed since the last good build
	touched    map[string]bool             // incidents whose posts changed since then
	threadErrs map[string]source.ErrorList // each incident's own problems
	prev       *render.Build               // the last good build
}

// entry is one post file as last read, with its problems and what it says.
type entry struct {
	file      *source.Post // nil when it could not be read
	parseErrs source.ErrorList
	checkErrs source.ErrorList
	model     *status.Post // as checked and threaded; nil while to be checked
}

// run is one build's plan: the status, its outputs and what to render.
type run struct {
	build   *render.Build
	posts   []*status.Post // every post checked, drafts and future ones included
	moved   bool           // now moved across a post's time or a day since the last good build
	outputs []*render.Output
	stats   Stats
	theme   []render.Dep // what changed in the theme; nil when it did not
}

func newPipeline(opts Options) *pipeline {
	return &pipeline{opts: opts, posts: map[string]*entry{}, touched: map[string]bool{}, threadErrs: map[string]source.ErrorList{}}
}

// run reads what changed (everything the first time), checks it, derives
// the status at now and lists the outputs. It changes nothing on disk.
func (p *pipeline) run(changed []string, now time.Time) (*run, error) {
	if !p.read {
		p.readAll()
	} else {
		p.readChanged(changed)
	}
	models, fresh, errs := p.check()
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	r := &run{posts: models}
	if p.theme == nil {
		var themeErrs source.ErrorList
		theme := render.LoadTheme(p.site, p.opts.Site, p.opts.Defaults, &themeErrs)
		if len(themeErrs) > 0 {
			return nil, themeErrs.Err()
		}
		if p.prev != nil {
			r.theme = theme.Changes(p.prevTheme())
		}
		p.theme = theme
	}
	var st *status.Status
	if p.prev != nil {
		r.moved = movedTime(p.prev.Status().Now, now, p.site, models)
	}
	if p.prev == nil || r.moved {
		st = status.Derive(p.site, models, now)
	} else {
		st = p.prev.Status().Rederive(p.site, models, fresh, p.touched, now)
	}
	r.build = render.NewBuild(st, p.theme, p.prev)
	r.outputs = r.build.Outputs()
	r.stats = count(r.outputs, len(p.posts))
	r.stats.BaseURL = p.site.BaseURL
	return r, nil
}

func (p *pipeline) prevTheme() *render.Theme { return p.prev.Theme() }

// render renders outs and hands them to emit.
func (p *pipeline) render(r *run, outs []*render.Output, emit func(string, []byte) error) error {
	return render1(r, outs, emit)
}

// render1 renders outs of a run and hands them to emit.
func render1(r *run, outs []*render.Output, emit func(string, []byte) error) error {
	layoutErrs, err := r.build.Render(outs, emit)
	if len(layoutErrs) > 0 {
		return layoutErrs.Err()
	}
	return err
}

// commit makes a run the last good build.
func (p *pipeline) commit(r *run) {
	p.prev = r.build
	p.settings = false
	clear(p.touched)
}

// readAll reads site.yaml and every post, posts while content/ is still
// being walked.
func (p *pipeline) readAll() {
	p.read = true
	p.readSite()
	var walkErrs source.ErrorList
	var paths []string
	files, perFile := source.ReadPosts(p.opts.Site, func(yield func(string) bool) {
		for q := range source.Walk(p.opts.Site, "content", &walkErrs) {
			paths = append(paths, q)
			if !yield(q) {
				return
			}
		}
	}, true)
	for _, e := range walkErrs {
		p.posts[e.Pos.Path] = &entry{parseErrs: source.ErrorList{e}}
	}
	for i, q := range paths {
		p.posts[q] = &entry{file: files[i], parseErrs: perFile[i]}
	}
	p.order = nil
}

// readChanged re-reads what changed: site.yaml, posts, or whole folders
// (a new content/ folder brings its site.yaml too).
func (p *pipeline) readChanged(changed []string) {
	if p.site == nil && p.siteErrs == nil {
		changed = []string{"content"}
	}
	var content []string
	for _, q := range changed {
		q = path.Clean(q)
		switch {
		case hasIgnored(q):
		case (under(q, source.UIStringsDir) || under(source.UIStringsDir, q)) && !slices.Equal(p.uiLangs, p.languages()):
			p.readSite() // site.yaml may name a language that came or went
		case under(q, "layouts") || under(q, "assets"):
			p.theme = nil
		case under(q, "content"):
			if under(source.SiteFile, q) {
				p.readSite()
			}
			if q != source.SiteFile {
				content = append(content, q)
			}
		}
	}
	if len(content) > 0 {
		p.readContent(content)
	}
}

// under reports whether p is the folder dir or inside it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// hasIgnored reports whether any part of a path is an editor leftover.
func hasIgnored(p string) bool { return slices.ContainsFunc(strings.Split(p, "/"), source.Ignored) }

// readSite reads site.yaml again, and which languages have UI strings:
// every post is checked again, and the theme, which serves the site's
// settings, loaded again.
func (p *pipeline) readSite() {
	var errs source.ErrorList
	p.uiLangs = p.languages()
	p.site = source.ReadSite(p.opts.Site, p.opts.BaseURL, p.uiLangs, &errs)
	p.siteErrs, p.theme, p.settings = errs, nil, true
	for _, e := range p.posts {
		e.forget(p.touched)
	}
}

// languages lists the languages with UI strings, the defaults' or the
// site's.
func (p *pipeline) languages() []string {
	return source.UILanguages(p.opts.Defaults, p.opts.Site)
}

// forget drops what a post was checked to say, noting its incident as
// touched.
func (e *entry) forget(touched map[string]bool) {
	if e.model != nil {
		touched[e.model.Incident] = true
	}
	e.model, e.checkErrs = nil, nil
}

// readContent forgets the posts at or under the changed paths and reads
// what is there now, with the rules of a full read: no links followed, no
// folder named like a post, regular files only.
func (p *pipeline) readContent(changed []string) {
	if p.order == nil {
		p.order = slices.Sorted(maps.Keys(p.posts))
	}
	gone := map[string]bool{}
	for _, q := range changed {
		if _, ok := p.posts[q]; ok {
			gone[q] = true
		}
		// If q is or was a folder, its posts sort together after q+"/".
		i, _ := slices.BinarySearch(p.order, q+"/")
		for ; i < len(p.order) && strings.HasPrefix(p.order[i], q+"/"); i++ {
			gone[p.order[i]] = true
		}
	}
	for q := range gone {
		p.posts[q].forget(p.touched)
		delete(p.posts, q)
	}
	var errs source.ErrorList
	var paths []string
	for _, q := range changed {
		paths = append(paths, source.PostsAt(p.opts.Site, q, &errs)...)
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	for _, e := range errs {
		p.posts[e.Pos.Path] = &entry{parseErrs: source.ErrorList{e}}
	}
	files, perFile := source.ReadPosts(p.opts.Site, slices.Values(paths), false)
	for i, q := range paths {
		p.posts[q] = &entry{file: files[i], parseErrs: perFile[i]}
	}
	// Keep the paths sorted without sorting them all again: every path
	// read lies at or under a changed path, so it is new unless gone.
	var added []string
	for _, e := range errs {
		added = append(added, e.Pos.Path)
	}
	added = append(added, paths...)
	slices.Sort(added)
	added = slices.DeleteFunc(slices.Compact(added), func(q string) bool { return gone[q] })
	if went := slices.ContainsFunc(slices.Collect(maps.Keys(gone)), func(q string) bool { return p.posts[q] == nil }); went {
		p.order = slices.DeleteFunc(p.order, func(q string) bool { return gone[q] && p.posts[q] == nil })
	}
	p.order = merge(p.order, added)
}

// merge merges two sorted lists.
func merge(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// check checks against the site what needs it — the posts read again, and
// every post of an incident they touch, which its thread derives anew —
// and gathers every problem of the site. It returns the site's posts, and
// those of the touched incidents, all checked anew.
func (p *pipeline) check() (posts, fresh []*status.Post, errs source.ErrorList) {
	errs = slices.Clone(p.siteErrs)
	if p.order == nil {
		p.order = slices.Sorted(maps.Keys(p.posts))
	}
	entries := make([]*entry, len(p.order))
	for i, q := range p.order {
		entries[i] = p.posts[q]
	}
	if p.site == nil {
		for _, e := range entries {
			errs = append(errs, e.parseErrs...)
		}
		return nil, nil, errs
	}
	// Posts read again name the incidents they join; those incidents'
	// other posts are checked anew too, so that no post a build holds is
	// changed by threading.
	var todo []*entry
	for _, e := range entries {
		if e.file != nil && e.model == nil {
			todo = append(todo, e)
		}
	}
	p.validate(todo)
	validated := make(map[*entry]bool, len(todo))
	for _, e := range todo {
		p.touched[e.model.Incident] = true
		validated[e] = true
	}
	todo = todo[:0]
	groups := map[string][]*source.Post{}
	for _, e := range entries {
		if e.file == nil || !p.touched[e.model.Incident] {
			continue
		}
		if !validated[e] {
			todo = append(todo, e)
		}
		groups[e.model.Incident] = append(groups[e.model.Incident], e.file)
	}
	p.validate(todo)
	for id := range p.touched {
		delete(p.threadErrs, id)
	}
	for id, group := range groups {
		var found source.ErrorList
		source.CheckIncident(id, group, &found)
		if len(found) > 0 {
			p.threadErrs[id] = found
		}
		models := make([]*status.Post, len(group))
		for i, f := range group {
			models[i] = f.Model()
		}
		status.Thread(models)
		fresh = append(fresh, models...)
	}
	posts = make([]*status.Post, 0, len(entries))
	for _, e := range entries {
		errs = append(errs, e.parseErrs...)
		errs = append(errs, e.checkErrs...)
		if e.model != nil {
			posts = append(posts, e.model)
		}
	}
	for _, found := range p.threadErrs {
		errs = append(errs, found...)
	}
	return posts, fresh, errs
}

// validate checks posts against the site, a large number on all cores.
func (p *pipeline) validate(todo []*entry) {
	chunks := 1
	if len(todo) > 256 {
		chunks = runtime.GOMAXPROCS(0)
	}
	size := (len(todo) + chunks - 1) / max(chunks, 1)
	var wg sync.WaitGroup
	for i := range chunks {
		part := todo[min(i*size, len(todo)):min((i+1)*size, len(todo))]
		wg.Go(func() {
			for _, e := range part {
				e.checkErrs = nil
				e.model = e.file.Validate(p.site, &e.checkErrs)
			}
		})
	}
	wg.Wait()
}

// content is the sources as source.Warnings reads them.
func (p *pipeline) content() *source.Content {
	c := &source.Content{Site: p.site}
	for _, q := range p.order {
		if e := p.posts[q]; e.file != nil {
			c.Files = append(c.Files, e.file)
			c.Posts = append(c.Posts, e.model)
		}
	}
	return c
}
