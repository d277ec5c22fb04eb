package generator

import (
	"bytes"
	"cmp"
	"html/template"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Session builds a site once and then again after each change, as watch and
// serve do: it re-reads only the files that changed and re-renders only the
// outputs whose inputs changed, and it replaces each changed output file
// atomically. The output always equals what a fresh build with the same now
// gives. A build with errors writes nothing and keeps the last good site.
// Builds of one session run one at a time: its theme serves one build.
type Session struct {
	opts    Options
	out     string
	site    *Site
	siteErr ErrorList         // problems of site.yaml
	posts   map[string]*entry // by path
	order   []string          // the paths of posts, sorted; nil when to be sorted again
	outputs map[string]bool   // output files of the last good build

	good    *Status         // the last good build's status
	changed map[string]bool // post paths changed since the last good build
	full    bool            // the next build renders everything
	bodies  *feedBodies     // feed bodies kept from build to build
	look    *look           // the theme, kept until it or site.yaml changes

	// Incidents are checked and threaded again only when one of their
	// posts changed: touched names them, threadErrs keeps each one's
	// problems and derive the posts of those checked but not yet threaded.
	touched    map[string]bool
	threadErrs map[string]ErrorList
	derive     map[string][]*Post
}

// entry is one post as last read, with its problems.
type entry struct {
	post      *Post
	parseErrs ErrorList
	checkErrs ErrorList
	checked   bool // validated against the current site
}

// Rebuild reports one build of a session.
type Rebuild struct {
	Stats             // the whole site
	BasePath string   // the site's path on its host, e.g. "/status/"
	Rendered int      // output files rendered this time
	Written  []string // output files added or changed
	Removed  []string // output files no longer part of the site
}

// NewSession prepares builds of opts's site into the folder out.
func NewSession(opts Options, out string) *Session {
	return &Session{opts: opts, out: out, posts: map[string]*entry{}, changed: map[string]bool{}, full: true,
		touched: map[string]bool{}, threadErrs: map[string]ErrorList{}}
}

// Build brings the output up to date after the given site paths changed
// (files or folders under content/, layouts/ or assets/, created, written,
// renamed or removed); the first build reads everything.
func (s *Session) Build(changed []string, now time.Time) (Rebuild, error) {
	s.opts.Now = now
	s.read(changed)
	posts, errs := s.check()
	if len(errs) > 0 {
		return Rebuild{}, errs.Err()
	}
	for _, group := range s.derive {
		deriveThread(group)
	}
	clear(s.touched)
	st := Derive(s.site, posts, now)
	if s.full || s.look == nil {
		s.look = newLook(s.site, s.opts.Site, s.opts.Defaults)
	}
	var errList ErrorList
	r := newRenderer(st, s.look, &errList)
	if len(errList) > 0 {
		return Rebuild{}, errList.Err()
	}
	if s.full || s.bodies == nil {
		s.bodies = &feedBodies{html: map[*Post]template.HTML{}, used: map[*Post]bool{}} // the base URL may have changed
	}
	r.bodies = s.bodies
	defer s.bodies.keep()
	jobs := r.jobs()
	res := Rebuild{Stats: count(jobs, len(posts)), BasePath: r.base.Path}
	var err error
	if s.good == nil {
		err = s.publish(r, jobs, &res)
	} else {
		err = s.update(r, jobs, s.dirty(st), &res)
	}
	if err != nil {
		return Rebuild{}, err
	}
	s.good, s.full = st, false
	clear(s.changed)
	return res, nil
}

// read re-reads what changed: site.yaml, posts, or whole folders (a new
// content/ folder brings its site.yaml too).
func (s *Session) read(changed []string) {
	if s.site == nil && s.siteErr == nil {
		changed = []string{"content"}
	}
	var content []string
	for _, p := range changed {
		p = path.Clean(p)
		switch {
		case hasIgnored(p):
		case under(p, "layouts") || under(p, "assets"):
			s.full = true
		case under(p, "content"):
			if under(SiteFile, p) {
				s.readSite()
			}
			if p != SiteFile {
				content = append(content, p)
			}
		}
	}
	if len(content) > 0 {
		s.readContent(content)
	}
}

// under reports whether p is the folder dir or inside it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// hasIgnored reports whether any part of a path is an editor leftover.
func hasIgnored(p string) bool { return slices.ContainsFunc(strings.Split(p, "/"), Ignored) }

func (s *Session) readSite() {
	var errs ErrorList
	site := readSite(s.opts.Site, &errs)
	if site != nil {
		if s.opts.BaseURL != "" {
			site.BaseURL = s.opts.BaseURL
		}
		site.Validate(&errs)
	}
	s.site, s.siteErr, s.full = site, errs, true
	for _, e := range s.posts {
		e.checked = false
	}
}

// readContent forgets the posts at or under the changed paths and reads
// what is there now, with the rules of a full load: no links followed, no
// folder named like a post, regular files only.
func (s *Session) readContent(changed []string) {
	if s.order == nil {
		s.order = slices.Sorted(maps.Keys(s.posts))
	}
	gone := map[string]bool{}
	for _, p := range changed {
		if _, ok := s.posts[p]; ok {
			gone[p] = true
		}
		// If p is or was a folder, its posts sort together after p+"/".
		i, _ := slices.BinarySearch(s.order, p+"/")
		for ; i < len(s.order) && strings.HasPrefix(s.order[i], p+"/"); i++ {
			gone[s.order[i]] = true
		}
	}
	for p := range gone {
		if old := s.posts[p].post; old != nil {
			s.touched[old.Incident] = true
		}
		delete(s.posts, p)
		s.changed[p] = true
	}
	var errs ErrorList
	var paths []string
	for _, p := range changed {
		paths = append(paths, postsAt(s.opts.Site, p, &errs)...)
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	for _, e := range errs {
		s.posts[e.Pos.Path] = &entry{parseErrs: ErrorList{e}, checked: true}
	}
	read, perFile := readPostsEach(s.opts.Site, slices.Values(paths))
	for i, q := range paths {
		s.posts[q] = &entry{post: read[i], parseErrs: perFile[i]}
		s.changed[q] = true
	}
	// Keep the paths sorted without sorting them all again: every path
	// read lies at or under a changed path, so it is new unless gone.
	var added []string
	for _, e := range errs {
		added = append(added, e.Pos.Path)
	}
	added = append(added, paths...)
	slices.Sort(added)
	added = slices.DeleteFunc(slices.Compact(added), func(p string) bool { return gone[p] })
	went := false
	for p := range gone {
		went = went || s.posts[p] == nil
	}
	if went {
		s.order = slices.DeleteFunc(s.order, func(p string) bool { return gone[p] && s.posts[p] == nil })
	}
	s.order = merge(s.order, added)
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

// check validates what needs it and gathers every problem of the site.
func (s *Session) check() ([]*Post, ErrorList) {
	errs := append(ErrorList(nil), s.siteErr...)
	var posts []*Post
	if s.order == nil {
		s.order = slices.Sorted(maps.Keys(s.posts))
	}
	for _, p := range s.order {
		e := s.posts[p]
		if e.post != nil && s.site != nil && !e.checked {
			e.checkErrs = nil
			e.post.Validate(s.site, &e.checkErrs)
			e.checked = true
			s.touched[e.post.Incident] = true
		}
		errs = append(errs, e.parseErrs...)
		errs = append(errs, e.checkErrs...)
		if e.post != nil {
			posts = append(posts, e.post)
		}
	}
	if s.site == nil {
		return posts, errs
	}
	var changed []*Post
	for _, p := range posts {
		if s.touched[p.Incident] {
			changed = append(changed, p)
		}
	}
	for id := range s.touched {
		delete(s.threadErrs, id)
	}
	s.derive = groupByIncident(changed)
	for id, group := range s.derive {
		var found ErrorList
		checkIncident(id, group, &found)
		if len(found) > 0 {
			s.threadErrs[id] = found
		}
	}
	for _, found := range s.threadErrs {
		errs = append(errs, found...)
	}
	return posts, errs
}

// dirty names what the changes since the last good build touch: the
// incidents of the changed posts, before and after, with their regions and
// services; the history pages whose list of incidents changed; everything after
// a change of site.yaml, layouts or assets, or when now moved across a
// post's time or a day.
func (s *Session) dirty(st *Status) map[string]bool {
	if s.full || s.movedTime(st) {
		return nil
	}
	keys := map[string]bool{"site": true}
	for _, old := range []*Status{s.good, st} {
		for _, p := range old.Posts {
			if s.changed[p.Path] {
				markIncident(keys, old, p.Incident)
			}
		}
	}
	for p := range s.changed {
		if e := s.posts[p]; e != nil && e.post != nil {
			markIncident(keys, st, e.post.Incident)
		}
	}
	before := historySigns(s.good)
	for dir, sign := range historySigns(st) {
		if before[dir] != sign {
			keys["history:"+dir+"index.html"] = true
		}
	}
	return keys
}

func markIncident(keys map[string]bool, st *Status, id string) {
	keys["incident:"+id] = true
	if inc := st.Incident(id); inc != nil {
		for _, pair := range inc.Pairs {
			keys["region:"+pair.Region] = true
			keys["service:"+pair.Service] = true
		}
	}
}

// historySigns sums up each history page: its incidents and neighbours.
func historySigns(st *Status) map[string]string {
	signs := map[string]string{}
	for _, h := range historyLayout(st) {
		var ids []string
		for _, v := range h.views {
			ids = append(ids, v.ID)
		}
		signs[h.dir] = strings.Join(ids, " ") + "|" + h.newer + "|" + h.older
	}
	return signs
}

// movedTime reports whether pages may differ only because now moved: a
// post's timestamp, announced time or window end passed, or a day began in
// one of the site's zones.
func (s *Session) movedTime(st *Status) bool {
	from, to := s.good.Now, st.Now
	if from.Equal(to) {
		return false
	}
	zones := []*time.Location{st.Site.Location}
	for _, r := range st.Site.Regions {
		zones = append(zones, r.Location)
	}
	for _, z := range zones {
		a, b := from.In(z), to.In(z)
		if a.YearDay() != b.YearDay() || a.Year() != b.Year() {
			return true
		}
	}
	lo, hi := minTime(from, to), maxTime(from, to)
	between := func(t time.Time) bool { return t.After(lo) && !t.After(hi) }
	for _, e := range s.posts {
		if p := e.post; p != nil && (between(p.Timestamp) || between(p.Announced) || between(p.Ends)) {
			return true
		}
	}
	return false
}

// publish makes the first build: the whole site staged and swapped in.
func (s *Session) publish(r *renderer, jobs []job, res *Rebuild) error {
	_, err := Publish(s.out, func(emit func(string, []byte) error) error {
		layoutErrs, err := r.run(jobs, emit)
		if len(layoutErrs) > 0 {
			return layoutErrs.Err()
		}
		return err
	})
	if err != nil {
		return err
	}
	s.outputs = map[string]bool{}
	for _, j := range jobs {
		s.outputs[j.path] = true
		res.Written = append(res.Written, j.path)
	}
	res.Rendered = len(jobs)
	slices.Sort(res.Written)
	return nil
}

// update renders the jobs the dirty keys name (all when nil), then writes
// those whose bytes changed and removes outputs no longer built. Nothing is
// written unless every job rendered.
func (s *Session) update(r *renderer, jobs []job, dirty map[string]bool, res *Rebuild) error {
	var todo []job
	now := map[string]bool{}
	for _, j := range jobs {
		now[j.path] = true
		if dirty == nil || !s.outputs[j.path] || slices.ContainsFunc(j.keys(), func(k string) bool { return dirty[k] }) {
			todo = append(todo, j)
		}
	}
	var mu sync.Mutex
	rendered := map[string][]byte{}
	layoutErrs, err := r.run(todo, func(p string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		rendered[p] = bytes.Clone(data)
		return nil
	})
	if len(layoutErrs) > 0 {
		return layoutErrs.Err()
	}
	if err != nil {
		return err
	}
	res.Rendered = len(todo)
	// The marker lists every output: new ones before they are written, so
	// that a failure or a kill midway leaves none unlisted.
	if !setContains(s.outputs, now) {
		all := maps.Clone(s.outputs)
		maps.Copy(all, now)
		if err := s.writeMarker(all); err != nil {
			return err
		}
	}
	written, err := s.replaceAll(rendered)
	if err != nil {
		return err
	}
	res.Written = written
	for p := range s.outputs {
		if !now[p] {
			removeOutput(s.out, p)
			res.Removed = append(res.Removed, p)
		}
	}
	slices.Sort(res.Removed)
	if err := s.writeMarker(now); err != nil {
		return err
	}
	s.outputs = now
	return nil
}

// writeMarker lists outputs in the marker; unchanged, it is left alone.
func (s *Session) writeMarker(outputs map[string]bool) error {
	_, err := replaceFile(filepath.Join(s.out, Marker), markerFor(slices.Sorted(maps.Keys(outputs))))
	return err
}

// setContains reports whether every key of b is in a.
func setContains(a, b map[string]bool) bool {
	for k := range b {
		if !a[k] {
			return false
		}
	}
	return true
}

// replaceAll replaces the output files whose bytes changed, several at a
// time: most of a replacement is the file system's wait, which overlaps. It
// returns the paths written, sorted.
func (s *Session) replaceAll(files map[string][]byte) ([]string, error) {
	var (
		mu      sync.Mutex
		written []string
		first   error
		wg      sync.WaitGroup
	)
	limit := make(chan struct{}, 8)
	for p, data := range files {
		limit <- struct{}{}
		wg.Go(func() {
			defer func() { <-limit }()
			wrote, err := replaceFile(filepath.Join(s.out, filepath.FromSlash(p)), data)
			mu.Lock()
			defer mu.Unlock()
			if wrote {
				written = append(written, p)
			}
			first = cmp.Or(first, err)
		})
	}
	wg.Wait()
	slices.Sort(written)
	return written, first
}

// replaceFile writes data to name through a temporary file renamed over
// it, so that readers see the old or the new file whole; a file whose bytes
// are the same is left alone, with its mtime.
func replaceFile(name string, data []byte) (bool, error) {
	if sameBytes(name, data) {
		return false, nil
	}
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(dir, ".statusgen-*.tmp")
	if err != nil {
		return false, err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return false, err
	}
	return true, nil
}

// removeOutput deletes an output file and the folders it leaves empty.
func removeOutput(out, p string) {
	os.Remove(filepath.Join(out, filepath.FromSlash(p)))
	for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
		if os.Remove(filepath.Join(out, filepath.FromSlash(dir))) != nil {
			break // not empty
		}
	}
}
