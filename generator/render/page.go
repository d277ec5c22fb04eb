package render

import (
	"cmp"
	"html/template"
	"slices"
	"strings"
	"time"

	"statusgen/generator/status"
)

// Page is what a layout receives as its dot. Fields name what the page is
// about; methods answer the questions layouts ask of the status, in the
// page's language (through its Translator), time zone and scope. See
// doc.go for the whole list.
type Page struct {
	Kind      string                 // index, region, service, incident, history, 404
	Path      string                 // output file, e.g. regions/jp/index.html
	URL       string                 // root-relative, with the base path
	Lang      string                 // language of the page's UI strings
	Loc       *time.Location         // zone every time is shown in
	Site      *status.Site           //
	Status    *status.Status         //
	Region    *status.Region         // region pages
	Service   *status.Service        // service pages
	Group     *status.Group          // group pages: a group of regions or of services
	Incident  *status.IncidentView   // incident pages
	Incidents []*status.IncidentView // history pages: the incidents of this page
	Newer     string                 // history pages: the newer page's folder, or ""
	Older     string                 // history pages: the older page's folder, or ""

	*Translator // T, StateText, StageText, Mark, Duration, DayText

	b *Build // the build the page belongs to
}

// scope is what the page is about: the site, a region or a service.
func (p *Page) scope() status.Scope {
	switch {
	case p.Group != nil:
		return status.Scope{Group: p.Group}
	case p.Region != nil:
		return status.Scope{Region: p.Region.ID}
	case p.Service != nil:
		return status.Scope{Service: p.Service.ID}
	}
	return status.Scope{}
}

// Time shows t in the page's zone, named, inside a <time> element.
func (p *Page) Time(t time.Time) template.HTML { return p.timeIn(t, p.Loc) }

// TimeIn shows t in the region's zone.
func (p *Page) TimeIn(t time.Time, r *status.Region) template.HTML { return p.timeIn(t, r.Location) }

// Cell is one square of the regions × services grid.
type Cell struct {
	Region  *status.Region
	Service *status.Service
	Offered bool
	State   status.State
	Since   time.Time // when the state began; zero when no post set it
}

// Cell returns the grid square of a region and a service.
func (p *Page) Cell(r *status.Region, s *status.Service) Cell {
	pair := status.Pair{Region: r.ID, Service: s.ID}
	return Cell{Region: r, Service: s, Offered: r.Offers(s.ID), State: p.Status.Current(pair), Since: p.Status.Since(pair)}
}

// State is the worst current state in the page's scope.
func (p *Page) State() status.State { return p.Status.ScopeState(p.scope()) }

// Open lists the scope's open incidents, newest first.
func (p *Page) Open() []*status.IncidentView { return p.b.lists(p.scope()).open }

// Maintenance lists the scope's maintenance in progress.
func (p *Page) Maintenance() []*status.IncidentView { return p.b.lists(p.scope()).maintenance }

// Upcoming lists the scope's future posts, soonest first, each with its
// incident.
func (p *Page) Upcoming() []Scheduled { return p.b.lists(p.scope()).upcoming }

// Scheduled is a future post with the incident it belongs to.
type Scheduled struct {
	Post     *status.Post
	Incident *status.IncidentView
}

// Recent lists up to n of the scope's closed incidents, newest first.
func (p *Page) Recent(n int) []*status.IncidentView {
	p.b.showRecent(n)
	closed := p.b.lists(p.scope()).closed
	return closed[:min(n, len(closed))]
}

// LastUpdated is the time of the scope's latest past post: the site's, the
// region's, the service's or the incident's. History pages and the 404 page
// have none, so that they change only with what they list.
func (p *Page) LastUpdated() time.Time {
	switch {
	case p.Incident != nil && p.Incident.Latest != nil:
		return p.Incident.Latest.Timestamp
	case p.Kind == "incident" || p.Kind == "history" || p.Kind == "404":
		return time.Time{}
	}
	return p.Status.LastUpdated(p.scope())
}

// Row is one service of a region page: its state, days and uptime.
type Row struct {
	Service  *status.Service
	State    status.State
	Days     []status.Day
	Bars     []Bar         // the days as shown, oldest first
	BarsHTML template.HTML // the bars as the default layout lists them
	Uptime   string        // percent as the language writes it, e.g. "99.95%"
	Quiet    bool          // on a page of many services, no incident in the 90 days: shown in one line
}

// Bar is one day of a row as a region page shows it.
type Bar struct {
	Class string // the day's worst state as a CSS class
	Text  string // the day in words, e.g. "May 12: Major outage"
}

// Rows returns a region page's services with their 90-day history in the
// region's zone.
func (p *Page) Rows() []Row {
	var rows []Row
	// Most services spend most days alike: each text is made once.
	type day struct {
		i     int
		worst status.State
		in    time.Duration
	}
	type shown struct{ text, html string }
	texts := map[day]shown{}
	// Services without an incident in the window show the same days: on a
	// region of two hundred services most do.
	var calm *Row
	from := status.WindowStart(p.Status.Now, p.Region.Location, status.HistoryDays)
	for _, id := range p.Region.Services {
		pair := status.Pair{Region: p.Region.ID, Service: id}
		if calm != nil && p.Status.Calm(pair, from) { // its days are the calm row's
			rows = append(rows, Row{p.Site.Service(id), status.Operational, calm.Days, calm.Bars, calm.BarsHTML, calm.Uptime, calm.Quiet})
			continue
		}
		days := p.Status.History(pair, p.Region.Location, status.HistoryDays)
		quiet := !slices.ContainsFunc(days, func(d status.Day) bool { return d.Worst != status.Operational })
		bars := make([]Bar, len(days))
		var html strings.Builder
		for i, d := range days {
			key := day{i, d.Worst, d.In[d.Worst]}
			sh, ok := texts[key]
			if !ok {
				sh.text = p.DayText(d)
				// As the layout would write them, escaped alike: 90
				// squares a service, each two calls of the escapers.
				sh.html = `<li class="` + template.HTMLEscaper(stateClasses[d.Worst]) + `"><span class="vh">` + template.HTMLEscaper(sh.text) + `</span></li>`
				texts[key] = sh
			}
			bars[i] = Bar{stateClasses[d.Worst], sh.text}
			html.WriteString(sh.html)
		}
		rows = append(rows, Row{p.Site.Service(id), p.Status.Current(pair), days, bars, template.HTML(html.String()), p.Translator.Percent(status.Uptime(days)), quiet && len(p.Region.Services) > manyRows})
		if quiet {
			c := rows[len(rows)-1]
			calm = &c
		}
	}
	return rows
}

// Regions returns the regions that offer a service page's service.
func (p *Page) Regions() []*status.Region {
	var out []*status.Region
	for _, r := range p.Site.Regions {
		if r.Offers(p.Service.ID) {
			out = append(out, r)
		}
	}
	return out
}

// Banner sums up the scope in one sentence, e.g. "Major outage in Japan".
func (p *Page) Banner() string {
	if p.Region != nil {
		if s := p.State(); s != status.Operational {
			return p.StateText(s)
		}
		return p.must("banner_services_operational")
	}
	// The scope's regions not operational, from its pairs, which come
	// region by region.
	var hit []*status.Region
	worst := status.Operational
	for _, pair := range p.Status.Pairs(p.scope()) {
		s := p.Status.Current(pair)
		if s == status.Operational {
			continue
		}
		if len(hit) == 0 || hit[len(hit)-1].ID != pair.Region {
			hit = append(hit, p.Site.Region(pair.Region))
		}
		worst = max(worst, s)
	}
	switch len(hit) {
	case 0:
		return p.must("banner_operational")
	case 1:
		return p.must("banner_one_region", p.StateText(worst), hit[0].Name)
	}
	return p.must("banner_regions", p.StateText(worst), len(hit))
}

// Rel is the page's path below the base URL, e.g. regions/jp/.
func (p *Page) Rel() string { return strings.TrimPrefix(p.URL, p.b.theme.base.Path) }

// IncidentList is a list of incidents together with the page showing it,
// for the incident-list partial.
type IncidentList struct {
	Views []*status.IncidentView
	Page  *Page
}

// List pairs incidents with the page for the incident-list partial.
func (p *Page) List(views []*status.IncidentView) IncidentList { return IncidentList{views, p} }

// Affected is the regions where an incident's pairs are in one state with
// the same services: each pair in the state PairStates gives it, now while
// the incident is open, at worst once it is closed.
type Affected struct {
	State    status.State // the zero State while the incident is upcoming
	Regions  []Name       // summed up as names lists are, whole groups by their names
	Services []Name
}

// Affected lists an incident page's pairs by state, worst first, each state
// by the sets of services it holds in a region, in site order: North
// America, Europe: Store — Major outage. Regions sharing a state and
// services share a line, so an incident over a thousand regions in one
// state is one line; the lines never hold more names than the incident
// has pairs.
func (p *Page) Affected() []Affected {
	v := p.Incident
	states := p.Status.PairStates(v)
	type group struct {
		state             status.State
		regions, services []string
	}
	var groups []*group
	index := map[string]*group{}                 // by state and services
	var byState [status.MajorOutage + 1][]string // a region's services, by state
	flush := func(region string) {
		for s, services := range byState {
			if len(services) == 0 {
				continue
			}
			key := status.StateNames[s] + ":" + strings.Join(services, ",")
			g := index[key]
			if g == nil {
				g = &group{state: status.State(s), services: services}
				index[key] = g
				groups = append(groups, g)
			}
			g.regions = append(g.regions, region)
			byState[s] = nil
		}
	}
	for i, pair := range v.InScope {
		if i > 0 && pair.Region != v.InScope[i-1].Region {
			flush(v.InScope[i-1].Region)
		}
		var s status.State
		if states != nil {
			s = states[i]
		}
		byState[s] = append(byState[s], pair.Service)
	}
	if n := len(v.InScope); n > 0 {
		flush(v.InScope[n-1].Region)
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(b.state, a.state) })
	out := make([]Affected, len(groups))
	for i, g := range groups {
		out[i] = Affected{g.state, p.nameList(p.Site, g.regions, true, -1), p.nameList(p.Site, g.services, false, -1)}
	}
	return out
}

// Where names the regions and services a post speaks of, e.g.
// "North America, Europe · PlayStation Network".
func (p *Page) Where(post *status.Post) string { return p.where(p.Site, post, status.Scope{}) }

// PostTitle is a post's title, or one made of its services and state in
// the page's language when the author gave none.
func (p *Page) PostTitle(post *status.Post) string { return p.Translator.PostTitle(p.Site, post) }

// LangOf is the language a post's words are in when it differs from the
// page's, for a lang attribute, else "": its language: key, else the
// language its regions share, else the site's. A post for Japan alone is
// Japanese, on the overview too, so that screen readers read it with a
// Japanese voice.
func (p *Page) LangOf(post *status.Post) string {
	if lang := p.b.postLang(post); lang != p.Lang {
		return lang
	}
	return ""
}

// postLanguage is the language a post's words are in.
func postLanguage(site *status.Site, post *status.Post) string {
	lang := post.Language
	for _, id := range post.Regions {
		if post.Language != "" {
			break
		}
		l := cmp.Or(site.Region(id).Language, site.Language)
		if lang != "" && l != lang {
			lang = site.Language
			break
		}
		lang = l
	}
	return cmp.Or(lang, site.Language)
}

// postLang is postLanguage worked out once a build: every feed of a
// region a post touches asks.
func (b *Build) postLang(post *status.Post) string {
	if l, ok := b.langs.Load(post); ok {
		return l.(string)
	}
	l := postLanguage(b.site, post)
	b.langs.Store(post, l)
	return l
}

// TitleLang is LangOf for a post's title: "" for a title derived from the
// post's services and state, which is in the page's language.
func (p *Page) TitleLang(post *status.Post) string {
	if post.Title == "" {
		return ""
	}
	return p.LangOf(post)
}

// IncidentTitle names an incident after its first post.
func (p *Page) IncidentTitle(v *status.IncidentView) string { return p.PostTitle(v.First()) }

// Progress is where an incident stands in words: its stage, or for
// maintenance scheduled, in progress or completed.
func (p *Page) Progress(v *status.IncidentView) string {
	if v.Maintenance {
		return p.must("maintenance_" + v.MaintenanceStatus())
	}
	return p.StageText(v.Stage)
}

// Update is one post on an incident page, for the update partial, with
// what the partial shows worked out in the page's language and zone: a
// layout reads a field for a fraction of what a method call costs it, and
// incident pages show thousands of updates.
type Update struct {
	Page      *Page
	Post      *status.Post
	Title     string        // PostTitle
	TitleLang string        // TitleLang
	Lang      string        // LangOf
	Mark      Mark          // the post's state
	Stage     string        // the stage in words; "" on maintenance posts that set none
	Time      template.HTML // Time of the timestamp
	Ends      template.HTML // Time of until, "" without one
	Where     string        // Where
	Body      template.HTML // the body as HTML, rendered once a build
}

// One pairs a post with the page for the update partial.
func (p *Page) One(post *status.Post) (*Update, error) {
	body, err := p.b.body(post)
	if err != nil {
		return nil, err
	}
	u := &Update{
		Page: p, Post: post,
		Title:     p.PostTitle(post),
		TitleLang: p.TitleLang(post),
		Lang:      p.LangOf(post),
		Mark:      p.Mark(post.State),
		Time:      p.Time(post.Timestamp),
		Where:     p.Where(post),
		Body:      body,
	}
	if post.StageSet || p.Incident == nil || !p.Incident.Maintenance {
		u.Stage = p.StageText(post.Stage)
	}
	if !post.Ends.IsZero() {
		u.Ends = p.Time(post.Ends)
	}
	return u, nil
}

// FeedLink is one feed a page points readers to.
type FeedLink struct {
	Title string
	Type  template.HTMLAttr // type="application/rss+xml", as written: feed discovery reads it literally
	Path  string            // site path, e.g. regions/jp/feed.xml
}

// Feed types, trusted as attributes so that html/template leaves their "+"
// as it is.
const (
	rssType  template.HTMLAttr = `type="application/rss+xml"`
	atomType template.HTMLAttr = `type="application/atom+xml"`
)

// Feeds are the feeds of the page's scope, then the site's: every page
// announces them with <link rel="alternate">.
func (p *Page) Feeds() []FeedLink {
	var out []FeedLink
	scopes := []status.Scope{{}}
	if sc := p.scope(); sc != (status.Scope{}) {
		scopes = []status.Scope{sc, {}}
	}
	for _, sc := range scopes {
		out = append(out,
			FeedLink{p.b.feedTitle(sc) + " (RSS)", rssType, scopeDir(sc) + "feed.xml"},
			FeedLink{p.b.feedTitle(sc) + " (Atom)", atomType, scopeDir(sc) + "atom.xml"})
	}
	return out
}

// scopeDir is the folder of a scope's page and feeds, e.g. regions/jp/.
func scopeDir(sc status.Scope) string {
	switch {
	case sc.Group != nil && sc.Group.Regions:
		return "regions/" + sc.Group.ID + "/"
	case sc.Group != nil:
		return "services/" + sc.Group.ID + "/"
	case sc.Region != "":
		return "regions/" + sc.Region + "/"
	case sc.Service != "":
		return "services/" + sc.Service + "/"
	}
	return ""
}
