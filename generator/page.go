package generator

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
)

// Page is what a layout receives as its dot. Fields name what the page is
// about; methods answer the questions layouts ask of the status, in the
// page's language, time zone and scope.
type Page struct {
	Kind      string          // index, region, service, incident, history, 404
	Path      string          // output file, e.g. regions/jp/index.html
	URL       string          // root-relative, with the base path
	Lang      string          // language of the page's UI strings
	Loc       *time.Location  // zone every time is shown in
	Site      *Site           //
	Status    *Status         //
	Region    *Region         // region pages
	Service   *Service        // service pages
	Incident  *IncidentView   // incident pages
	Incidents []*IncidentView // history pages: the incidents of this page
	Newer     string          // history pages: the newer page's folder, or ""
	Older     string          // history pages: the older page's folder, or ""

	r *renderer
}

// area is what the page is about: the site, a region or a service.
func (p *Page) area() Scope {
	switch {
	case p.Region != nil:
		return Scope{Region: p.Region.ID}
	case p.Service != nil:
		return Scope{Service: p.Service.ID}
	}
	return Scope{}
}

// scope keeps the pairs the page is about.
func (p *Page) scope() func(Pair) bool { return p.area().keep() }

// T returns the UI string key in the page's language, English when the
// language lacks it; args fill its % verbs.
func (p *Page) T(key string, args ...any) (string, error) {
	s, ok := p.r.strings[p.Lang][key]
	if !ok {
		if s, ok = p.r.strings["en"][key]; !ok {
			return "", fmt.Errorf("no UI string %q in layouts/i18n/en.yaml", key)
		}
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s, nil
}

func (p *Page) mustT(key string, args ...any) string {
	s, err := p.T(key, args...)
	if err != nil {
		return key
	}
	return s
}

// StateText is how readers see a state, e.g. "Major outage".
func (p *Page) StateText(s State) string { return p.mustT("state_" + s.String()) }

// StageText is how readers see a stage, e.g. "Monitoring".
func (p *Page) StageText(s Stage) string { return p.mustT("stage_" + s.String()) }

// Time shows t in the page's zone, named, inside a <time> element.
func (p *Page) Time(t time.Time) template.HTML { return p.timeIn(t, p.Loc, "format_datetime") }

// TimeIn shows t in the region's zone.
func (p *Page) TimeIn(t time.Time, r *Region) template.HTML {
	return p.timeIn(t, r.Location, "format_datetime")
}

func (p *Page) timeIn(t time.Time, loc *time.Location, format string) template.HTML {
	local := t.In(loc)
	text := local.Format(p.mustT(format))
	// Zones without an abbreviation (Asia/Dubai) are named by offset:
	// "+04" alone would not read as a zone.
	if abbr, _ := local.Zone(); strings.HasPrefix(abbr, "+") || strings.HasPrefix(abbr, "-") {
		text = strings.Replace(text, abbr, "UTC"+abbr, 1)
	}
	return template.HTML(fmt.Sprintf(`<time datetime="%s">%s</time>`,
		local.Format(time.RFC3339), template.HTMLEscapeString(text)))
}

// Duration reads like "3 days 4 hours" in the page's language.
func (p *Page) Duration(d time.Duration) string {
	days, hours, minutes := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	switch {
	case days > 0:
		return p.mustT("duration_days", days, hours)
	case hours > 0:
		return p.mustT("duration_hours", hours, minutes)
	}
	return p.mustT("duration_minutes", minutes)
}

// Cell is one square of the regions × services grid.
type Cell struct {
	Region  *Region
	Service *Service
	Offered bool
	State   State
	Since   time.Time // when the state began; zero when no post set it
}

// Cell returns the grid square of a region and a service.
func (p *Page) Cell(r *Region, s *Service) Cell {
	pair := Pair{r.ID, s.ID}
	return Cell{Region: r, Service: s, Offered: r.Offers(s.ID), State: p.Status.Current(pair), Since: p.Status.Since(pair)}
}

// State is the worst current state in the page's scope.
func (p *Page) State() State {
	switch {
	case p.Region != nil:
		return p.Status.RegionState(p.Region)
	case p.Service != nil:
		return p.Status.ServiceState(p.Service.ID)
	}
	return p.Status.SiteState()
}

// Open lists the scope's open incidents, newest first.
func (p *Page) Open() []*IncidentView {
	return p.filter(func(v *IncidentView) bool { return v.Open && !v.Maintenance })
}

// Maintenance lists the scope's maintenance in progress.
func (p *Page) Maintenance() []*IncidentView {
	return p.filter(func(v *IncidentView) bool { return v.Open && v.Maintenance })
}

// Upcoming lists the scope's future posts, soonest first, each with its
// incident.
func (p *Page) Upcoming() []Scheduled {
	var out []Scheduled
	for _, v := range p.Status.Views(p.area()) {
		for _, post := range append(slices.Clone(v.Updates), v.Scheduled...) {
			if post.Timestamp.After(p.Status.Now) {
				out = append(out, Scheduled{post, v})
			}
		}
	}
	slices.SortFunc(out, func(a, b Scheduled) int { return byTime(a.Post, b.Post) })
	return out
}

// Scheduled is a future post with the incident it belongs to.
type Scheduled struct {
	Post     *Post
	Incident *IncidentView
}

// Recent lists up to n of the scope's closed incidents, newest first.
func (p *Page) Recent(n int) []*IncidentView {
	out := p.filter(func(v *IncidentView) bool { return !v.Open && !v.Upcoming })
	return out[:min(n, len(out))]
}

func (p *Page) filter(keep func(*IncidentView) bool) []*IncidentView {
	var out []*IncidentView
	for _, v := range p.Status.Views(p.area()) {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
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
	Service *Service
	State   State
	Days    []Day
	Bars    []Bar  // the days as shown, oldest first
	Uptime  string // percent, e.g. "99.95"
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
	for _, id := range p.Region.Services {
		pair := Pair{p.Region.ID, id}
		days := p.Status.History(pair, p.Region.Location, HistoryDays)
		bars := make([]Bar, len(days))
		for i, d := range days {
			bars[i] = Bar{p.Mark(d.Worst).Class, p.DayText(d)}
		}
		rows = append(rows, Row{p.Site.Service(id), p.Status.Current(pair), days, bars, FormatUptime(Uptime(days))})
	}
	return rows
}

// Regions returns the regions that offer a service page's service.
func (p *Page) Regions() []*Region {
	var out []*Region
	for _, r := range p.Site.Regions {
		if r.Offers(p.Service.ID) {
			out = append(out, r)
		}
	}
	return out
}

// Mark is a state as a layout shows it: never colour alone.
type Mark struct {
	Class string // CSS class, e.g. major-outage
	Icon  string // a shape that differs per state
	Text  string // the state in words
}

var stateIcons = []string{"✓", "◆", "▲", "◐", "✕"}

// Mark returns how the page shows a state.
func (p *Page) Mark(s State) Mark {
	return Mark{strings.ReplaceAll(s.String(), "_", "-"), stateIcons[s], p.StateText(s)}
}

// Banner sums up the scope in one sentence, e.g. "Major outage in Japan".
func (p *Page) Banner() string {
	if p.Region != nil {
		if s := p.State(); s != Operational {
			return p.StateText(s)
		}
		return p.mustT("banner_services_operational")
	}
	var hit []*Region
	worst := Operational
	for _, r := range p.Site.Regions {
		var s State
		if p.Service != nil {
			if !r.Offers(p.Service.ID) {
				continue
			}
			s = p.Status.Current(Pair{r.ID, p.Service.ID})
		} else {
			s = p.Status.RegionState(r)
		}
		if s != Operational {
			hit, worst = append(hit, r), max(worst, s)
		}
	}
	switch len(hit) {
	case 0:
		return p.mustT("banner_operational")
	case 1:
		return p.mustT("banner_one_region", p.StateText(worst), hit[0].Name)
	}
	return p.mustT("banner_regions", p.StateText(worst), len(hit))
}

// Rel is the page's path below the base URL, e.g. regions/jp/.
func (p *Page) Rel() string { return strings.TrimPrefix(p.URL, p.r.base.Path) }

// DayText is the accessible text of one history cell: the day, its worst
// state and how long that lasted, "May 12: Major outage, 24 h". Today's
// has no length, as the day is not over.
func (p *Page) DayText(d Day) string {
	day := d.Date.Format(p.mustT("format_day"))
	if d.Today {
		return p.mustT("history_today", day, p.StateText(d.Worst))
	}
	return p.mustT("history_day", day, p.StateText(d.Worst), p.span(d.In[d.Worst]))
}

// span writes a part of a day in hours and minutes: "24 h", "7 h 30 min",
// "45 min".
func (p *Page) span(d time.Duration) string {
	hours, minutes := int(d/time.Hour), int(d/time.Minute)%60
	switch {
	case hours > 0 && minutes == 0:
		return p.mustT("duration_whole_hours", hours)
	case hours > 0:
		return p.mustT("duration_hours", hours, minutes)
	}
	return p.mustT("duration_minutes", minutes)
}

// IncidentList is a list of incidents together with the page showing it,
// for the incident-list partial.
type IncidentList struct {
	Views []*IncidentView
	Page  *Page
}

// List pairs incidents with the page for the incident-list partial.
func (p *Page) List(views []*IncidentView) IncidentList { return IncidentList{views, p} }

// Affected is one region an incident touches, with its services there and
// the incident's state in that region alone.
type Affected struct {
	Region   *Region
	Services []*Service
	State    State
}

// Affected lists an incident page's regions and services, in site order.
func (p *Page) Affected() []Affected {
	var out []Affected
	for _, pair := range p.Incident.InScope {
		if len(out) == 0 || out[len(out)-1].Region.ID != pair.Region {
			v := p.Status.View(p.Incident.Incident, InRegion(pair.Region))
			out = append(out, Affected{Region: p.Site.Region(pair.Region), State: v.State})
		}
		last := &out[len(out)-1]
		last.Services = append(last.Services, p.Site.Service(pair.Service))
	}
	return out
}

// Where names the regions and services a post speaks of, e.g.
// "North America, Europe · PlayStation Network".
func (p *Page) Where(post *Post) string { return p.whereIn(post, nil) }

// whereIn is Where for the pairs keep holds (nil holds all).
func (p *Page) whereIn(post *Post, keep func(Pair) bool) string {
	var regions, services []string
	for _, pair := range post.Pairs {
		if keep != nil && !keep(pair) {
			continue
		}
		if r := p.Site.Region(pair.Region).Name; !slices.Contains(regions, r) {
			regions = append(regions, r)
		}
		if s := p.Site.Service(pair.Service).Name; !slices.Contains(services, s) {
			services = append(services, s)
		}
	}
	return p.mustT("where", strings.Join(regions, ", "), strings.Join(services, ", "))
}

// PostTitle is a post's title, or one made of its services and state in
// the page's language when the author gave none.
func (p *Page) PostTitle(post *Post) string {
	if post.Title != "" {
		return post.Title
	}
	var names []string
	for _, pair := range post.Pairs {
		if n := p.Site.Service(pair.Service).Name; !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return p.mustT("derived_title", strings.Join(names, ", "), p.StateText(post.State))
}

// LangOf is the language a post's words are in when it differs from the
// page's, for a lang attribute, else "": its language: key, else the
// language its regions share, else the site's. A post for Japan alone is
// Japanese, on the overview too, so that screen readers read it with a
// Japanese voice.
func (p *Page) LangOf(post *Post) string {
	lang := post.Language
	for _, pair := range post.Pairs {
		if post.Language != "" {
			break
		}
		l := cmp.Or(p.Site.Region(pair.Region).Language, p.Site.Language)
		if lang != "" && l != lang {
			lang = p.Site.Language
			break
		}
		lang = l
	}
	if lang = cmp.Or(lang, p.Site.Language); lang == p.Lang {
		return ""
	}
	return lang
}

// TitleLang is LangOf for a post's title: "" for a title derived from the
// post's services and state, which is in the page's language.
func (p *Page) TitleLang(post *Post) string {
	if post.Title == "" {
		return ""
	}
	return p.LangOf(post)
}

// IncidentTitle names an incident after its first post.
func (p *Page) IncidentTitle(v *IncidentView) string { return p.PostTitle(v.First()) }

// Progress is where an incident stands in words: its stage, or for
// maintenance scheduled, in progress or completed.
func (p *Page) Progress(v *IncidentView) string {
	if v.Maintenance {
		return p.mustT("maintenance_" + v.MaintenanceStatus())
	}
	return p.StageText(v.Stage)
}

// Update is one post on an incident page, for the update partial, with
// what the partial shows worked out in the page's language and zone: a
// layout reads a field for a fraction of what a method call costs it, and
// incident pages show thousands of updates.
type Update struct {
	Page      *Page
	Post      *Post
	Title     string        // PostTitle
	TitleLang string        // TitleLang
	Lang      string        // LangOf
	Mark      Mark          // the post's state
	Stage     string        // the stage in words; "" on maintenance posts that set none
	Time      template.HTML // Time of the timestamp
	Ends      template.HTML // Time of until, "" without one
	Where     string        // Where
}

// One pairs a post with the page for the update partial.
func (p *Page) One(post *Post) *Update {
	u := &Update{
		Page: p, Post: post,
		Title:     p.PostTitle(post),
		TitleLang: p.TitleLang(post),
		Lang:      p.LangOf(post),
		Mark:      p.Mark(post.State),
		Time:      p.Time(post.Timestamp),
		Where:     p.Where(post),
	}
	if post.StageSet || p.Incident == nil || !p.Incident.Maintenance {
		u.Stage = p.StageText(post.Stage)
	}
	if !post.Ends.IsZero() {
		u.Ends = p.Time(post.Ends)
	}
	return u
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
	dirs := []string{""}
	if p.Region != nil || p.Service != nil {
		dirs = []string{p.Rel(), ""}
	}
	for _, dir := range dirs {
		name := p.Site.Title
		if dir != "" {
			name = p.r.feedTitle(p)
		}
		out = append(out,
			FeedLink{name + " (RSS)", rssType, dir + "feed.xml"},
			FeedLink{name + " (Atom)", atomType, dir + "atom.xml"})
	}
	return out
}
