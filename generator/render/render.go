package render

import (
	"bytes"
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"statusgen/generator/source"
	"statusgen/generator/status"
)

// Build renders one status with one theme: it lists the site's outputs
// with what each reads (Outputs) and renders any of them (Render). What
// several outputs share — incident lists, feed items, the history's pages,
// post bodies — it works out once, when first asked.
type Build struct {
	theme  *Theme
	st     *status.Status
	site   *status.Site
	bodies *Bodies                // shared with the builds before and after
	words  map[string]*Translator // by language
	common map[string][]Dep       // themeDeps by kind and language

	partials     sync.Map // partialCached's outputs, by name and variants
	scopes       sync.Map // status.Scope -> *scopeData
	api          func() *api
	history      func() []historyPage
	historyIndex func() map[string]int // each history page's place, by folder
	recent       *atomic.Int64         // the most recent incidents a page asked for
	langs        sync.Map              // *status.Post -> the language its words are in
	resolved     sync.Map              // resolvingKey -> the posts that resolve the incident in the scope
	pairsOnce    sync.Once
	pairs        int // the site's pairs, counted once
}

// NewBuild prepares the rendering of st with the theme. prev, when given,
// is the build before in a session: what its pages asked for is carried
// over, and with the same theme the bodies that feeds show.
func NewBuild(st *status.Status, theme *Theme, prev *Build) *Build {
	b := &Build{theme: theme, st: st, site: st.Site, words: map[string]*Translator{}, common: map[string][]Dep{},
		bodies: newBodies(theme), recent: &atomic.Int64{}}
	if prev != nil && prev.theme == theme {
		b.bodies = prev.bodies
	}
	if prev != nil {
		// Pages a theme change does not render again ask what they asked.
		b.recent = prev.recent
	}
	b.bodies.next()
	for lang := range theme.strings {
		b.words[lang] = theme.Translator(lang)
	}
	b.api = sync.OnceValue(b.newAPI)
	b.history = sync.OnceValue(func() []historyPage { return historyLayout(st) })
	b.historyIndex = sync.OnceValue(func() map[string]int {
		index := map[string]int{}
		for i, h := range b.history() {
			index[h.dir] = i
		}
		return index
	})
	return b
}

// Status is the status the build renders.
func (b *Build) Status() *status.Status { return b.st }

func (b *Build) translator(lang string) *Translator {
	if tr := b.words[lang]; tr != nil {
		return tr
	}
	return b.theme.Translator(lang)
}

// Kind sorts outputs for the summary line.
type Kind int

const (
	PageKind Kind = iota // HTML pages
	FeedKind             // RSS and Atom feeds
	FileKind             // everything else: JSON, badges, calendar, sitemap, assets
)

// Output is one file of the site: where it goes, what it reads, and how to
// render it.
type Output struct {
	Path   string
	Kind   Kind
	Deps   []Dep
	render func(*bytes.Buffer) error
}

// Outputs lists every output file of the build, each with its deps.
func (b *Build) Outputs() []*Output {
	var out []*Output
	for _, p := range b.pages() {
		out = append(out, &Output{Path: p.Path, Kind: PageKind, Deps: b.pageDeps(p), render: b.page(p)})
	}
	// Incident pages, thousands of them, are made when rendered: most
	// rebuilds render one.
	for _, v := range b.st.Views(status.Scope{}) {
		lang := b.site.Language
		if reg := soleRegion(b.site, v.Incident); reg != nil {
			lang = b.site.LanguageOf(reg)
		}
		out = append(out, &Output{Path: "incidents/" + v.ID + "/index.html", Kind: PageKind,
			Deps:   append(b.themeDeps("incident", lang, 1), Incident{v.ID}),
			render: func(buf *bytes.Buffer) error { return b.page(b.incidentPage(v))(buf) }})
	}
	out = append(out, b.feedOutputs()...)
	out = append(out, b.apiOutputs()...)
	out = append(out, &Output{Path: "sitemap.xml", Kind: FileKind, Deps: []Dep{Published{}}, render: b.sitemap})
	out = append(out, b.badgeOutputs()...)
	out = append(out, &Output{Path: "maintenance.ics", Kind: FileKind, Deps: []Dep{Calendar{}, Strings{b.site.Language}}, render: b.calendar})
	for name, data := range b.theme.files {
		out = append(out, &Output{Path: name, Kind: FileKind, render: func(buf *bytes.Buffer) error { _, err := buf.Write(data); return err }})
	}
	return out
}

func (b *Build) page(p *Page) func(*bytes.Buffer) error {
	return func(buf *bytes.Buffer) error { return b.theme.layouts[p.Kind].Execute(buf, p) }
}

// pages lists the HTML pages but the incidents', each with its language
// and zone.
func (b *Build) pages() []*Page {
	site := b.site
	pages := []*Page{b.newPage("index", "", site.Language, site.Location)}
	for _, reg := range site.Regions {
		p := b.newPage("region", scopeDir(status.Scope{Region: reg.ID}), site.LanguageOf(reg), reg.Location)
		p.Region = reg
		pages = append(pages, p)
	}
	for _, svc := range site.Services {
		p := b.newPage("service", scopeDir(status.Scope{Service: svc.ID}), site.Language, site.Location)
		p.Service = svc
		pages = append(pages, p)
	}
	for _, g := range b.groupScopes() {
		p := b.newPage("group", scopeDir(g), site.Language, site.Location)
		p.Group = g.Group
		pages = append(pages, p)
	}
	if b.wholeGridPage() {
		// The whole grid, which the overview then leaves out.
		pages = append(pages, b.newPage("group", "regions/", site.Language, site.Location))
	}
	for _, h := range b.history() {
		p := b.newPage("history", h.dir, site.Language, site.Location)
		p.Incidents, p.Newer, p.Older = h.views, h.newer, h.older
		pages = append(pages, p)
	}
	nf := b.newPage("404", "", site.Language, site.Location)
	nf.Path, nf.URL = "404.html", b.theme.url("404.html")
	return append(pages, nf)
}

// incidentPage is the page of an incident as the site sees it, in the
// language and zone of its region when it touches only one.
func (b *Build) incidentPage(v *status.IncidentView) *Page {
	site := b.site
	p := b.newPage("incident", "incidents/"+v.ID+"/", site.Language, site.Location)
	p.Incident = v
	if reg := soleRegion(site, v.Incident); reg != nil {
		p.Lang, p.Loc, p.Translator = site.LanguageOf(reg), reg.Location, b.translator(site.LanguageOf(reg))
	}
	return p
}

func (b *Build) newPage(kind, dir, lang string, loc *time.Location) *Page {
	return &Page{Kind: kind, Path: dir + "index.html", URL: b.theme.url(dir), Lang: lang, Loc: loc,
		Site: b.site, Status: b.st, Translator: b.translator(lang), b: b}
}

// pageDeps is what a page reads: its layouts, strings and assets, and of
// the status what its kind shows.
func (b *Build) pageDeps(p *Page) []Dep {
	deps := b.themeDeps(p.Kind, p.Lang, 0)
	sc := p.scope()
	switch p.Kind {
	case "index":
		deps = append(deps, State{sc}, Lists{sc}, Updated{sc})
		for _, r := range b.site.Regions {
			deps = append(deps, State{status.Scope{Region: r.ID}})
		}
		for _, pair := range b.st.Pairs(sc) {
			deps = append(deps, State{status.PairScope(pair)})
		}
	case "region":
		deps = append(deps, State{sc}, Lists{sc}, Updated{sc})
		for _, pair := range b.st.Pairs(sc) {
			deps = append(deps, State{status.PairScope(pair)}, Days{pair})
		}
	case "service":
		deps = append(deps, State{sc}, Lists{sc}, Updated{sc})
		for _, pair := range b.st.Pairs(sc) {
			deps = append(deps, State{status.PairScope(pair)}, Since{pair})
		}
	case "history":
		deps = append(deps, HistoryPage{p.Rel()})
	case "group":
		deps = append(deps, State{sc}, Lists{sc}, Updated{sc})
		for _, pair := range b.st.Pairs(sc) {
			deps = append(deps, State{status.PairScope(pair)})
		}
	}
	if p.Kind == "index" || p.Kind == "service" {
		for _, g := range b.site.RegionGroups {
			deps = append(deps, State{status.Scope{Group: g}})
		}
	}
	return deps
}

// groupScopes are the scopes of the site's groups: regions' first, then
// services', each with its page, feeds and badge.
// wholeGridPage reports whether the site has the regions/ page: the whole
// grid, which the overview of a large site without region groups links to.
func (b *Build) wholeGridPage() bool {
	return len(b.site.RegionGroups) == 0 && b.pairCount() > gridCells
}

func (b *Build) groupScopes() []status.Scope {
	var out []status.Scope
	for _, g := range b.site.RegionGroups {
		out = append(out, status.Scope{Group: g})
	}
	for _, g := range b.site.ServiceGroups {
		out = append(out, status.Scope{Group: g})
	}
	return out
}

// themeDeps are what a page of a kind reads of the theme, with room for
// more deps.
func (b *Build) themeDeps(kind, lang string, room int) []Dep {
	key := kind + "\x00" + lang
	common, ok := b.common[key]
	if !ok {
		common = []Dep{Layout{layoutFile(kind)}, Layout{sharedLayout}, Strings{lang}, Assets{}}
		b.common[key] = common
	}
	return append(make([]Dep, 0, len(common)+room), common...)
}

// soleRegion is the region of an incident that touches only one, whose
// readers then see its page in their language and zone.
func soleRegion(site *status.Site, inc *status.Incident) *status.Region {
	id := inc.Pairs[0].Region
	for _, p := range inc.Pairs {
		if p.Region != id {
			return nil
		}
	}
	return site.Region(id)
}

// scopeData is what the pages and feeds of one scope share.
type scopeData struct {
	lists func() *lists
	feed  func() *feed
}

func (b *Build) scopeData(sc status.Scope) *scopeData {
	if d, ok := b.scopes.Load(sc); ok {
		return d.(*scopeData)
	}
	d := &scopeData{
		lists: sync.OnceValue(func() *lists { return b.newLists(sc) }),
		feed:  sync.OnceValue(func() *feed { return b.newFeed(sc) }),
	}
	actual, _ := b.scopes.LoadOrStore(sc, d)
	return actual.(*scopeData)
}

// lists are a scope's incidents as its pages list them.
type lists struct {
	open, maintenance []*status.IncidentView
	closed            []*status.IncidentView // newest first; pages show the most recent
	upcoming          []Scheduled            // soonest first
}

func (b *Build) lists(sc status.Scope) *lists { return b.scopeData(sc).lists() }

func (b *Build) newLists(sc status.Scope) *lists {
	l := &lists{}
	for _, v := range b.st.Views(sc) {
		switch {
		case v.Open && v.Maintenance:
			l.maintenance = append(l.maintenance, v)
		case v.Open:
			l.open = append(l.open, v)
		case !v.Upcoming:
			l.closed = append(l.closed, v)
		}
		for _, post := range v.Updates {
			if post.Timestamp.After(b.st.Now) {
				l.upcoming = append(l.upcoming, Scheduled{post, v})
			}
		}
		for _, post := range v.Scheduled {
			if post.Timestamp.After(b.st.Now) {
				l.upcoming = append(l.upcoming, Scheduled{post, v})
			}
		}
	}
	slices.SortFunc(l.upcoming, func(x, y Scheduled) int { return status.ByTime(x.Post, y.Post) })
	return l
}

// showRecent notes that a page lists n recent incidents, so that changes
// are looked for that far down the list.
func (b *Build) showRecent(n int) {
	for {
		cur := b.recent.Load()
		if int64(n) <= cur || b.recent.CompareAndSwap(cur, int64(n)) {
			return
		}
	}
}

// recentShown is the most recent incidents any page of the build, or of
// the builds before it with the same layouts, listed.
func (b *Build) recentShown() int { return int(b.recent.Load()) }

// Render renders the outputs on all cores and hands each result to emit,
// which must not keep the slice. Layout errors come back positioned and
// sorted, with the first failure of emit (a full disk); the output is then
// dropped whole, so the outputs after it need no stopping.
func (b *Build) Render(outs []*Output, emit func(path string, data []byte) error) (source.ErrorList, error) {
	var mu sync.Mutex
	var errs source.ErrorList
	var writeErr error
	work := make(chan *Output)
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) { // twice the cores: while one waits on the file system, another renders
		wg.Go(func() {
			var buf bytes.Buffer
			for o := range work {
				buf.Reset()
				if err := o.render(&buf); err != nil {
					mu.Lock()
					errs = append(errs, b.layoutError(o, err))
					mu.Unlock()
					continue
				}
				if err := emit(o.Path, buf.Bytes()); err != nil {
					mu.Lock()
					writeErr = cmp.Or(writeErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, o := range outs {
		work <- o
	}
	close(work)
	wg.Wait()
	return errs.Sort(), writeErr
}

func (b *Build) layoutError(o *Output, err error) *source.Error {
	pos, msg := templatePos(err, "layouts/"+o.Path, b.theme.fs)
	return &source.Error{Pos: pos, Msg: msg}
}

// Theme is the theme the build renders with.
func (b *Build) Theme() *Theme { return b.theme }
