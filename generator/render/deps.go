package render

import (
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"time"

	"statusgen/generator/status"
)

// A Dep names one thing an output reads. Every output declares its deps
// when the build lists it (Build.Outputs); after a change, a session asks
// the build before and the build after for the Signature of each dep the
// change may touch, and renders again exactly the outputs that read a dep
// whose signature differs. Deps are comparable values, kept in maps.
//
// What the whole site shares, site.yaml's settings, is no dep: a change to
// it renders everything.
type Dep interface{ isDep() }

// Deps of the theme.
type (
	// Layout is a layout file a page renders with; base.html stands for
	// itself and every partial, which all pages share.
	Layout struct{ File string }
	// Strings is the UI strings of one language.
	Strings struct{ Lang string }
	// Assets is the fingerprinted names of the assets, which pages link.
	Assets struct{}
)

// Deps of the status.
type (
	// Incident is everything about one incident: all its posts, bodies
	// included, and what they derive at now. Its page reads it.
	Incident struct{ ID string }
	// State is the current state of a scope: of the site, a region, a
	// service, or one pair when both Region and Service are set.
	State struct{ Scope status.Scope }
	// Since is when a pair's current state began.
	Since struct{ Pair status.Pair }
	// Updated is the time of a scope's latest past post (a pair's when
	// both are set).
	Updated struct{ Scope status.Scope }
	// Days is a pair's history window in its region's zone: the days
	// region pages show as squares, and its uptime.
	Days struct{ Pair status.Pair }
	// Timeline is a pair's whole past: the state before any time.
	Timeline struct{ Pair status.Pair }
	// Lists is a scope's incident lists as pages show them: the open
	// incidents, maintenance in progress, what is scheduled and the
	// recent incidents, each with its title, state, stage and times.
	Lists struct{ Scope status.Scope }
	// Feed is a scope's feed items: which updates, their titles, dates
	// and bodies.
	Feed struct{ Scope status.Scope }
	// HistoryPage is one page of the incident archive: its incidents as
	// listed and its neighbours.
	HistoryPage struct{ Dir string }
	// Published is the list of published incidents, which the sitemap
	// names.
	Published struct{}
	// APIList is which incidents one JSON file lists, in order; the
	// file reads each of them as an Incident, with its pairs' Timeline,
	// State and Updated.
	APIList struct{ File string }
	// APIPage is the page object every JSON file starts with: when the
	// site began and when it was last updated.
	APIPage struct{}
	// Calendar is the maintenance windows maintenance.ics holds.
	Calendar struct{}
)

// Changed is a set of deps that changed.
type Changed struct {
	deps  map[Dep]bool
	theme bool // some dep of the theme is in it
}

// Add puts d in the set.
func (c *Changed) Add(d Dep) {
	if c.deps == nil {
		c.deps = map[Dep]bool{}
	}
	c.deps[d] = true
	switch d.(type) {
	case Layout, Strings, Assets:
		c.theme = true
	}
}

// Has reports whether d is in the set; deps of the theme, which every page
// reads, are looked up only when one changed.
func (c *Changed) Has(d Dep) bool {
	switch d.(type) {
	case Layout, Strings, Assets:
		if !c.theme {
			return false
		}
	}
	return c.deps[d]
}

// Reads reports whether the output reads a dep of the set.
func (o *Output) Reads(c *Changed) bool { return slices.ContainsFunc(o.Deps, c.Has) }

func (Layout) isDep()      {}
func (Strings) isDep()     {}
func (Assets) isDep()      {}
func (Incident) isDep()    {}
func (State) isDep()       {}
func (Since) isDep()       {}
func (Updated) isDep()     {}
func (Days) isDep()        {}
func (Timeline) isDep()    {}
func (Lists) isDep()       {}
func (Feed) isDep()        {}
func (HistoryPage) isDep() {}
func (Published) isDep()   {}
func (APIList) isDep()     {}
func (APIPage) isDep()     {}
func (Calendar) isDep()    {}

// Signature sums up what the outputs reading d see of it in this build:
// two builds whose signatures of d are equal show d alike. Deps of the
// theme are compared by Theme.Changes instead, and Incident by its posts
// (a post read again is a new one); both have no signature.
func (b *Build) Signature(d Dep) string {
	var s sig
	st := b.st
	switch d := d.(type) {
	case State:
		s.int(int(st.ScopeState(d.Scope)))
	case Since:
		s.time(st.Since(d.Pair))
	case Updated:
		s.time(st.LastUpdated(d.Scope))
	case Days:
		s.days(st, d.Pair, b.site.Region(d.Pair.Region).Location)
	case Timeline:
		for _, seg := range st.Timeline(d.Pair) {
			s.time(seg.From)
			s.int(int(seg.State))
			s.int(b2i(seg.Post != nil))
		}
	case Lists:
		b.listsSig(&s, d.Scope)
	case Feed:
		for _, it := range b.feedItems(d.Scope) {
			s.post(it.Post)
			s.body(it.Post)
			s.str(it.Title)
		}
	case HistoryPage:
		if h, ok := b.historyPage(d.Dir); ok {
			s.str(h.newer)
			s.str(h.older)
			for _, v := range h.views {
				s.view(v)
			}
		}
	case Published:
		for _, v := range st.Views(status.Scope{}) {
			if published(v) {
				s.str(v.ID)
			}
		}
	case APIList:
		for _, v := range b.apiList(d.File) {
			s.str(v.ID)
		}
	case APIPage:
		created, updated := b.apiTimes()
		s.time(created)
		s.time(updated)
	case Calendar:
		for _, e := range b.events() {
			s.str(e.uid + e.summary + e.description)
			s.time(e.start)
			s.time(e.end)
			s.time(e.stamp)
		}
	}
	return s.String()
}

// listsSig sums up the lists of a scope's pages.
func (b *Build) listsSig(s *sig, sc status.Scope) {
	l := b.lists(sc)
	for _, part := range [][]*status.IncidentView{l.open, l.maintenance, l.closed[:min(len(l.closed), b.recentShown())]} {
		for _, v := range part {
			s.view(v)
		}
		s.str("|")
	}
	for _, u := range l.upcoming {
		s.str(u.Incident.ID)
		s.post(u.Post)
	}
}

// sig builds a signature.
type sig struct{ strings.Builder }

func (s *sig) str(x string) {
	s.WriteString(strconv.Itoa(len(x)))
	s.WriteByte(':')
	s.WriteString(x)
}

func (s *sig) int(n int) { s.str(strconv.Itoa(n)) }

func (s *sig) time(t time.Time) { s.int(int(t.UnixNano())) }

// post writes all a post says but its body.
func (s *sig) post(p *status.Post) {
	if p == nil {
		s.str("-")
		return
	}
	s.str(p.Path)
	s.str(p.Title)
	s.str(p.Incident)
	s.str(p.Language)
	for _, n := range []int{int(p.State), int(p.Stage), b2i(p.StageSet), b2i(p.Explicit), b2i(p.Draft)} {
		s.int(n)
	}
	for _, t := range []time.Time{p.Timestamp, p.Until, p.Ends, p.Announced} {
		s.time(t)
	}
	for _, pair := range p.Pairs {
		s.str(pair.Region)
		s.str(pair.Service)
	}
}

// seed hashes bodies for signatures, which live only as long as a process.
var seed = maphash.MakeSeed()

func (s *sig) body(p *status.Post) { s.int(int(maphash.Bytes(seed, p.Body))) }

// view writes what an incident list shows of an incident.
func (s *sig) view(v *status.IncidentView) {
	s.str(v.ID)
	for _, n := range []int{int(v.State), int(v.Stage), b2i(v.Open), b2i(v.Upcoming), b2i(v.Maintenance)} {
		s.int(n)
	}
	s.time(v.Start)
	s.time(v.End)
	s.post(v.First())
	s.post(v.Latest)
}

// days writes what a region page shows of a pair's history window: each
// day's worst state and how long it lasted, and the uptime.
func (s *sig) days(st *status.Status, p status.Pair, loc *time.Location) {
	days := st.History(p, loc, status.HistoryDays)
	s.time(days[0].Date)
	for _, d := range days {
		s.int(int(d.Worst))
		s.int(int(d.In[d.Worst]))
	}
	s.int(status.Uptime(days))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Candidates lists the deps of the status whose signatures may differ
// between the build before and this one, when the posts of the incidents
// touched changed: the pairs those incidents touch, before and after, and
// their regions, services and the site; the history pages that list them
// or changed; and the site-wide lists. Incident deps themselves are not
// listed: a touched incident's are changed.
func Candidates(old, cur *Build, touched map[string]bool) []Dep {
	pairs := map[status.Pair]bool{}
	for id := range touched {
		for _, st := range []*status.Status{old.st, cur.st} {
			if inc := st.Incident(id); inc != nil {
				for _, pair := range inc.Pairs {
					pairs[pair] = true
				}
			}
		}
	}
	scopes := map[status.Scope]bool{{}: true}
	var out []Dep
	for pair := range pairs {
		scopes[status.Scope{Region: pair.Region}] = true
		scopes[status.Scope{Service: pair.Service}] = true
		for _, b := range []*Build{old, cur} {
			if g := b.site.RegionGroupOf(pair.Region); g != nil {
				scopes[status.Scope{Group: g}] = true
			}
			if g := b.site.ServiceGroupOf(pair.Service); g != nil {
				scopes[status.Scope{Group: g}] = true
			}
		}
		out = append(out, State{status.PairScope(pair)}, Since{pair}, Updated{status.PairScope(pair)}, Days{pair}, Timeline{pair})
	}
	for sc := range scopes {
		out = append(out, State{sc}, Updated{sc}, Lists{sc}, Feed{sc})
	}
	out = append(out, Published{}, APIPage{}, Calendar{})
	for _, name := range apiFiles {
		out = append(out, APIList{name})
	}
	return append(out, historyCandidates(old.historyLayout(), cur.historyLayout(), touched)...)
}

// historyCandidates lists the history pages that list a touched incident,
// or whose incidents or neighbours are others than before.
func historyCandidates(old, cur []historyPage, touched map[string]bool) []Dep {
	before := map[string]historyPage{}
	for _, h := range old {
		before[h.dir] = h
	}
	var out []Dep
	for _, h := range cur {
		o, ok := before[h.dir]
		if !ok || !sameIDs(o, h) || slices.ContainsFunc(h.views, func(v *status.IncidentView) bool { return touched[v.ID] }) {
			out = append(out, HistoryPage{h.dir})
		}
	}
	return out
}

func sameIDs(a, b historyPage) bool {
	return a.newer == b.newer && a.older == b.older &&
		slices.EqualFunc(a.views, b.views, func(x, y *status.IncidentView) bool { return x.ID == y.ID })
}
