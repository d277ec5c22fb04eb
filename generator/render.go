package generator

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
)

// HistoryPageSize is how many incidents one history page lists.
const HistoryPageSize = 20

// renderer turns a Status into output files.
type renderer struct {
	*look
	site     *Site
	st       *Status
	base     *url.URL // base_url, ending in "/"
	md       goldmark.Markdown
	pageList []*Page
	bodies   *feedBodies // feed bodies of earlier builds of a session, or nil
	partials sync.Map    // partialCached's outputs of this build, by key
}

// look is what a build takes from the theme: layouts, UI strings and
// assets. A session keeps it from build to build until the theme or
// site.yaml changes, so that layouts are neither parsed nor escaped again.
type look struct {
	theme   fs.FS // the site's layouts and assets over the defaults
	layouts map[string]*template.Template
	shared  *template.Template           // base.html and the partials, for partialCached
	strings map[string]map[string]string // UI strings by language
	assets  map[string]string            // asset name -> fingerprinted path
	files   map[string][]byte            // fingerprinted path -> bytes
	errs    ErrorList
	r       *renderer // the build the layouts' functions serve
}

// newLook reads the theme of site over the defaults.
func newLook(s *Site, site, defaults fs.FS) *look {
	l := &look{theme: overlay{site, defaults}}
	var langs []string
	for _, reg := range s.Regions {
		langs = append(langs, reg.Language)
	}
	l.strings = loadStrings([]fs.FS{defaults, site}, append(langs, s.Language), &l.errs)
	var err error
	if l.assets, l.files, err = fingerprint(l.theme); err != nil {
		l.errs.add(Pos{"assets", 1, 1}, "cannot read assets: %v", unwrapPath(err))
	}
	l.shared, l.layouts = parseLayouts(l.theme, l.funcs(), &l.errs)
	return l
}

// funcs is the one FuncMap every layout sees. Each function serves the
// build in progress, as the layouts outlive a build.
func (l *look) funcs() template.FuncMap {
	return template.FuncMap{
		"url":      func(p string) string { return l.r.url(p) },
		"absURL":   func(p string) string { return l.r.absURL(p) },
		"asset":    func(name string) (string, error) { return l.r.asset(name) },
		"markdown": func(p *Post) (template.HTML, error) { return l.r.body(p) },
		"partialCached": func(name string, data any, variants ...any) (template.HTML, error) {
			return l.r.partialCached(name, data, variants)
		},
	}
}

// newRenderer prepares the build of st with the theme l; its problems are
// added to errs.
func newRenderer(st *Status, l *look, errs *ErrorList) *renderer {
	r := &renderer{look: l, site: st.Site, st: st, md: newMarkdown(st.Site.UnsafeHTML)}
	r.base, _ = url.Parse(st.Site.BaseURL)
	l.r = r
	*errs = append(*errs, l.errs...)
	return r
}

// url makes a site path root-relative with the base path, so pages work
// at any depth and under a subpath.
func (r *renderer) url(p string) string { return r.base.Path + strings.TrimPrefix(p, "/") }

// absURL makes a site path absolute, for sitemaps, feeds and canonical links.
func (r *renderer) absURL(p string) string { return r.site.BaseURL + strings.TrimPrefix(p, "/") }

func (r *renderer) asset(name string) (string, error) {
	out, ok := r.assets[name]
	if !ok {
		return "", fmt.Errorf("no asset %q in assets/", name)
	}
	return r.url(out), nil
}

// body renders a post's Markdown for a page. Page bodies are not kept, so
// that memory does not grow with the number of posts; only the few feed
// bodies are (feedBodies).
func (r *renderer) body(p *Post) (template.HTML, error) { return renderBody(r.md, p, nil) }

// partialCached renders the template name of base.html or the partials
// once a build for each list of variants, as Hugo's function of that name
// does: the output must depend on nothing but the variants and what is the
// same for the whole build. The header's ten region links were a third of
// the time of each of thousands of incident pages.
func (r *renderer) partialCached(name string, data any, variants []any) (template.HTML, error) {
	key := name + "\x00" + fmt.Sprintf("%#v", variants)
	if html, ok := r.partials.Load(key); ok {
		return html.(template.HTML), nil
	}
	// A page's own layout may define the partial anew, as for {{template}}.
	set := r.shared
	if p, ok := data.(*Page); ok && r.layouts[p.Kind] != nil {
		set = r.layouts[p.Kind]
	}
	var b strings.Builder
	if err := set.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	// Two workers may render it at once: the first stored is kept, so that
	// every page shows the same.
	html, _ := r.partials.LoadOrStore(key, template.HTML(b.String()))
	return html.(template.HTML), nil
}

// job is one output file and how to make it.
type job struct {
	path   string
	kind   string // "page", "feed" or "file", for the summary
	render func(*bytes.Buffer) error
	deps   []string // what the file shows beyond what its path says; see keys
}

// keys name what a file depends on, so that a rebuild renders only the
// files a change touches: "site" (anything), "theme" (layouts and assets,
// which render everything anyway), "region:<id>", "service:<id>",
// "incident:<id>", and "history:<path>" (which incidents a history page
// lists, and its neighbours). A page under regions/jp/ shows only Japan's pairs and the
// incidents touching them, an incident page only its incident.
func (j job) keys() []string {
	parts := strings.Split(strings.TrimSuffix(j.path, ".svg"), "/")
	if parts[0] == "badges" {
		parts = parts[1:] // badges/regions/jp/psn.svg is Japan's
	}
	switch parts[0] {
	case "assets":
		return []string{"theme"}
	case "regions":
		return []string{"region:" + parts[1]}
	case "services":
		return []string{"service:" + parts[1]}
	case "incidents":
		return []string{"incident:" + parts[1]}
	case "history":
		return j.deps
	}
	return []string{"site"}
}

// jobs lists every output file of the build.
func (r *renderer) jobs() []job {
	var out []job
	r.pageList = r.pages()
	for _, p := range r.pageList {
		j := job{path: p.Path, kind: "page", render: r.page(p)}
		if p.Kind == "history" {
			j.deps = []string{"history:" + p.Path}
			for _, v := range p.Incidents {
				j.deps = append(j.deps, "incident:"+v.ID)
			}
		}
		out = append(out, j)
	}
	out = append(out, r.feedJobs()...)
	out = append(out, r.apiJobs()...)
	out = append(out, job{path: "sitemap.xml", kind: "file", render: r.sitemap})
	out = append(out, r.badgeJobs()...)
	out = append(out, job{path: "maintenance.ics", kind: "file", render: r.calendar})
	for name, data := range r.files {
		out = append(out, job{path: name, kind: "file", render: func(b *bytes.Buffer) error { _, err := b.Write(data); return err }})
	}
	return out
}

func (r *renderer) page(p *Page) func(*bytes.Buffer) error {
	return func(b *bytes.Buffer) error { return r.layouts[p.Kind].Execute(b, p) }
}

// pages lists every HTML page, each with its language and zone.
func (r *renderer) pages() []*Page {
	site := r.site
	pages := []*Page{r.newPage("index", "", site.Language, site.Location)}
	for _, reg := range site.Regions {
		p := r.newPage("region", "regions/"+reg.ID+"/", orDefault(reg.Language, site.Language), reg.Location)
		p.Region = reg
		pages = append(pages, p)
	}
	for _, svc := range site.Services {
		p := r.newPage("service", "services/"+svc.ID+"/", site.Language, site.Location)
		p.Service = svc
		pages = append(pages, p)
	}
	for _, v := range r.st.Views(Scope{}) { // every incident, as the site sees it
		inc := v.Incident
		p := r.newPage("incident", "incidents/"+inc.ID+"/", site.Language, site.Location)
		p.Incident = v
		if reg := soleRegion(site, inc); reg != nil {
			p.Lang, p.Loc = orDefault(reg.Language, site.Language), reg.Location
		}
		pages = append(pages, p)
	}
	pages = append(pages, r.historyPages()...)
	nf := r.newPage("404", "", site.Language, site.Location)
	nf.Path, nf.URL = "404.html", r.url("404.html")
	return append(pages, nf)
}

func (r *renderer) newPage(kind, dir, lang string, loc *time.Location) *Page {
	return &Page{Kind: kind, Path: dir + "index.html", URL: r.url(dir), Lang: lang, Loc: loc, Site: r.site, Status: r.st, r: r}
}

// words is a page that is no file, for phrasing states and titles in a
// language exactly as pages do, in outputs that are not pages (badges, the
// calendar).
func (r *renderer) words(lang string) *Page {
	return &Page{Lang: lang, Loc: r.site.Location, Site: r.site, Status: r.st, r: r}
}

// soleRegion is the region of an incident that touches only one, whose
// readers then see its page in their language and zone.
func soleRegion(site *Site, inc *Incident) *Region {
	id := inc.Pairs[0].Region
	for _, p := range inc.Pairs {
		if p.Region != id {
			return nil
		}
	}
	return site.Region(id)
}

// historyPages splits the archive of published incidents into pages,
// newest first: history/ holds the 1 to HistoryPageSize newest, the older
// ones follow HistoryPageSize a page. The pages are cut and numbered from
// the oldest (history/page/2/ holds the oldest), so that a page keeps its
// address and its incidents as new ones come: a new incident changes
// history/ and, once in HistoryPageSize times, starts a page.
func (r *renderer) historyPages() []*Page {
	var pages []*Page
	for _, h := range historyLayout(r.st) {
		p := r.newPage("history", h.dir, r.site.Language, r.site.Location)
		p.Incidents, p.Newer, p.Older = h.views, h.newer, h.older
		pages = append(pages, p)
	}
	return pages
}

// historyPage is one page of the history: its folder, its incidents and
// its neighbours' folders.
type historyPage struct {
	dir          string
	views        []*IncidentView
	newer, older string
}

// historyLayout cuts the published incidents into history pages.
func historyLayout(st *Status) []historyPage {
	var all []*IncidentView
	for _, v := range st.Views(Scope{}) {
		if len(v.Updates) > 0 {
			all = append(all, v)
		}
	}
	first := len(all) % HistoryPageSize
	if first == 0 {
		first = min(len(all), HistoryPageSize)
	}
	pages := []historyPage{{dir: "history/", views: all[:first]}}
	for i := first; i < len(all); i += HistoryPageSize {
		number := (len(all)-i)/HistoryPageSize + 1 // the oldest page is 2
		pages = append(pages, historyPage{dir: historyDir(number), views: all[i : i+HistoryPageSize]})
	}
	for i := range pages {
		if i > 0 {
			pages[i].newer = pages[i-1].dir
		}
		if i+1 < len(pages) {
			pages[i].older = pages[i+1].dir
		}
	}
	return pages
}

func historyDir(n int) string {
	if n == 1 {
		return "history/"
	}
	return fmt.Sprintf("history/page/%d/", n)
}

// published reports whether any update of the incident has appeared in
// feeds: past, or announced ahead of time.
func published(v *IncidentView) bool { return len(v.Updates) > 0 }

// run renders every job on all cores and hands each result to emit, which
// must not keep the slice. Layout errors come back positioned and sorted,
// with the first failure of emit (a full disk); the staged output is then
// dropped whole, so the jobs after it need no stopping.

func (r *renderer) run(jobs []job, emit func(path string, data []byte) error) (ErrorList, error) {
	var mu sync.Mutex
	var errs ErrorList
	var writeErr error
	work := make(chan job)
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) { // twice the cores: while one waits on the file system, another renders
		wg.Go(func() {
			var buf bytes.Buffer
			for j := range work {
				buf.Reset()
				if err := j.render(&buf); err != nil {
					mu.Lock()
					errs = append(errs, r.layoutError(j, err))
					mu.Unlock()
					continue
				}
				if err := emit(j.path, buf.Bytes()); err != nil {
					mu.Lock()
					writeErr = cmp.Or(writeErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	return errs.Sort(), writeErr
}

func (r *renderer) layoutError(j job, err error) *Error {
	pos, msg := templatePos(err, "layouts/"+j.path, r.theme)
	return &Error{pos, msg}
}
