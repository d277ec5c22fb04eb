package status

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Incident is the thread of posts sharing an incident id.
type Incident struct {
	ID          string
	Posts       []*Post // public posts, oldest first (ByTime)
	Maintenance bool    // planned work, not a failure
	Pairs       []Pair  // every pair its posts touch, in site order
	first       time.Time
	views       sync.Map // Scope -> *IncidentView; Rederive keeps an incident only while its views hold

	byServiceOnce sync.Once
	byService     map[string][]Pair // Pairs by service, made when a service's view is asked for
}

// IncidentView is an incident as one scope (the site, a region, a service)
// sees it: only the scope's pairs count toward open, end and state.
type IncidentView struct {
	*Incident
	Updates   []*Post   // the scope's published posts (past or announced), newest first
	Scheduled []*Post   // the scope's future posts not announced, soonest first
	Latest    *Post     // the newest past update; nil while upcoming
	Upcoming  bool      // no past post yet
	Open      bool      //
	Start     time.Time // first past post
	End       time.Time // the post (or window end) that closed it; zero while open
	State     State     // worst of the pairs' latest states inside the incident; what is scheduled while upcoming
	Stage     Stage     // of the latest past post
	InScope   []Pair    // the incident's pairs that the scope holds
}

// buildIncidents threads the public posts into incidents, newest first.
func (st *Status) buildIncidents() {
	st.thread(st.Posts)
	for _, inc := range st.Incidents {
		st.finish(inc)
	}
	st.sortIncidents()
}

// thread adds posts, in time order, to their incidents, made as needed.
func (st *Status) thread(posts []*Post) {
	for _, p := range posts {
		inc := st.byID[p.Incident]
		if inc == nil {
			inc = &Incident{ID: p.Incident, first: p.Timestamp}
			st.byID[p.Incident] = inc
			st.Incidents = append(st.Incidents, inc)
		}
		inc.Posts = append(inc.Posts, p)
	}
}

// finish works out what an incident's posts make of it.
func (st *Status) finish(inc *Incident) {
	inc.Maintenance = isMaintenance(inc.Posts)
	for _, p := range inc.Posts {
		inc.Pairs = append(inc.Pairs, p.Pairs...)
	}
	slices.SortFunc(inc.Pairs, func(a, b Pair) int { return st.order[a] - st.order[b] })
	inc.Pairs = slices.Compact(inc.Pairs)
}

func (st *Status) sortIncidents() {
	slices.SortStableFunc(st.Incidents, func(a, b *Incident) int {
		return cmp.Or(b.first.Compare(a.first), cmp.Compare(a.ID, b.ID))
	})
}

// isMaintenance: every post says maintenance, save operational posts after
// the first that report the work done (as Statuspage's "completed").
func isMaintenance(posts []*Post) bool {
	if posts[0].State != Maintenance {
		return false
	}
	for _, p := range posts {
		if p.State != Maintenance && p.State != Operational {
			return false
		}
	}
	return true
}

// postsOrNil is the incident's posts, none for no incident.
func (inc *Incident) postsOrNil() []*Post {
	if inc == nil {
		return nil
	}
	return inc.Posts
}

// Incident returns the incident with the given id, or nil.
func (st *Status) Incident(id string) *Incident {
	if st == nil {
		return nil
	}
	return st.byID[id]
}

// View returns the incident as the scope sees it, or nil when none of its
// posts touches the scope.
func (st *Status) View(inc *Incident, sc Scope) *IncidentView {
	if !slices.ContainsFunc(inc.Posts, sc.Touches) {
		return nil // most incidents, for a region's or a service's pages: no view made
	}
	if v, ok := inc.views.Load(sc); ok {
		return v.(*IncidentView)
	}
	v := st.view(inc, sc)
	actual, _ := inc.views.LoadOrStore(sc, v)
	return actual.(*IncidentView)
}

func (st *Status) view(inc *Incident, sc Scope) *IncidentView {
	v := &IncidentView{Incident: inc, Upcoming: true, InScope: inc.pairsIn(st.Site, sc)}
	var past []*Post // the scope's past posts, oldest first
	for _, p := range inc.Posts {
		if !sc.Touches(p) {
			continue
		}
		if st.Published(p) {
			v.Updates = append(v.Updates, p)
		} else {
			v.Scheduled = append(v.Scheduled, p)
		}
		if st.IsPast(p) {
			if v.Upcoming {
				v.Upcoming, v.Start = false, p.Timestamp
			}
			v.Stage, v.Latest = p.Stage, p
			past = append(past, p)
		}
	}
	slices.Reverse(v.Updates)
	st.settle(v, past)
	return v
}

// pairsIn lists the incident's pairs that the scope holds, in site order,
// without going through all of them for one region or one service.
func (inc *Incident) pairsIn(site *Site, sc Scope) []Pair {
	switch {
	case sc == Scope{}:
		return inc.Pairs
	case sc.Group == nil && sc.Region != "":
		// Pairs are in site order, a region's together.
		at := func(p Pair, id string) int { return cmp.Compare(site.RegionAt(p.Region), site.RegionAt(id)) }
		i, _ := slices.BinarySearchFunc(inc.Pairs, sc.Region, at)
		j := i
		for j < len(inc.Pairs) && inc.Pairs[j].Region == sc.Region {
			j++
		}
		return slices.DeleteFunc(slices.Clone(inc.Pairs[i:j]), func(p Pair) bool { return !sc.Holds(p) })
	case sc.Group == nil:
		inc.byServiceOnce.Do(func() {
			inc.byService = map[string][]Pair{}
			for _, p := range inc.Pairs {
				inc.byService[p.Service] = append(inc.byService[p.Service], p)
			}
		})
		return inc.byService[sc.Service]
	}
	var out []Pair
	for _, p := range inc.Pairs {
		if sc.Holds(p) {
			out = append(out, p)
		}
	}
	return out
}

// latestSetting returns, for each of the pairs, the latest of the posts
// (oldest first) that sets it, or nil. Going back from the newest post,
// each looks at its own pairs or at the pairs still unsettled, whichever
// are fewer: an incident of a thousand posts over a thousand regions costs
// what its posts name, not pairs times posts.
func latestSetting(pairs []Pair, posts []*Post) []*Post {
	latest := make([]*Post, len(pairs))
	var at map[Pair]int
	left := len(pairs)
	for i := len(posts) - 1; i >= 0 && left > 0; i-- {
		q := posts[i]
		if len(q.Pairs) < left {
			if at == nil {
				at = make(map[Pair]int, len(pairs))
				for j, pair := range pairs {
					at[pair] = j
				}
			}
			for _, pair := range q.Pairs {
				if j, ok := at[pair]; ok && latest[j] == nil {
					latest[j], left = q, left-1
				}
			}
			continue
		}
		for j, pair := range pairs {
			if latest[j] == nil && q.Sets(pair) {
				latest[j], left = q, left-1
			}
		}
	}
	return latest
}

// settle decides open, end and state from each pair's latest post inside
// the incident (past holds the scope's past posts, oldest first). A
// maintenance window whose end has passed is over.
func (st *Status) settle(v *IncidentView, past []*Post) {
	if v.Upcoming {
		for _, p := range append(v.Updates, v.Scheduled...) {
			v.State = max(v.State, p.State)
		}
		return
	}
	for _, p := range latestSetting(v.InScope, past) {
		if p == nil {
			continue
		}
		state, closed := p.State, p.Timestamp
		if p.WindowOver(st.Now) { // the window's end closed it
			state, closed = Operational, p.Ends
		}
		v.State = max(v.State, state)
		if state != Operational {
			v.Open = true
		} else if closed.After(v.End) {
			v.End = closed
		}
	}
	if v.Open {
		v.End = time.Time{}
	}
}

// PairStates gives each pair of InScope, at the same index, its own state
// in the incident: while the incident is open, the state its latest update
// there left it in (operational once a maintenance window is over); once
// closed, the worst state an update gave it, which says more of a past
// incident than "operational" everywhere. Nil while upcoming.
func (st *Status) PairStates(v *IncidentView) []State {
	if v.Upcoming {
		return nil
	}
	var past []*Post // oldest first
	for i := len(v.Updates) - 1; i >= 0; i-- {
		if st.IsPast(v.Updates[i]) {
			past = append(past, v.Updates[i])
		}
	}
	if !v.Open {
		// The last post setting a pair, in this order, gave its worst state.
		slices.SortStableFunc(past, func(a, b *Post) int { return cmp.Compare(a.State, b.State) })
	}
	out := make([]State, len(v.InScope))
	for i, p := range latestSetting(v.InScope, past) {
		switch {
		case p == nil: // only a post ahead sets it: operational so far
		case v.Open && p.WindowOver(st.Now):
			out[i] = Operational
		default:
			out[i] = p.State
		}
	}
	return out
}

// Duration is how long a closed incident lasted; zero while it goes on, as
// pages must not change with the clock alone.
func (v *IncidentView) Duration() time.Duration {
	if v.Open || v.Upcoming {
		return 0
	}
	return v.End.Sub(v.Start)
}

// MaintenanceStatus is where a maintenance stands: scheduled, in_progress
// or completed (the Statuspage words).
func (v *IncidentView) MaintenanceStatus() string {
	switch {
	case v.Upcoming:
		return "scheduled"
	case v.Open:
		return "in_progress"
	}
	return "completed"
}

// First is the incident's first public post, whose title names it.
func (inc *Incident) First() *Post { return inc.Posts[0] }

// Scope is what a page or feed is about: the whole site (the zero Scope),
// one region, one service, one pair when both are set, or a group of
// regions or of services.
type Scope struct {
	Region, Service string
	Group           *Group
	// Within, with a Group of regions, keeps only the pairs of these
	// services: what a notify target following some services in some
	// regions hears of.
	Within *Group
}

// PairScope is the scope of one pair.
func PairScope(p Pair) Scope { return Scope{Region: p.Region, Service: p.Service} }

// Holds reports whether the pair is in the scope.
func (sc Scope) Holds(p Pair) bool {
	if g := sc.Group; g != nil {
		if sc.Within != nil && !sc.Within.Has(p.Service) {
			return false
		}
		if g.Regions {
			return g.Has(p.Region)
		}
		return g.Has(p.Service)
	}
	return (sc.Region == "" || p.Region == sc.Region) && (sc.Service == "" || p.Service == sc.Service)
}

// Touches reports whether the post sets a pair of the scope. It costs the
// same for a post of one pair as for one of thousands.
func (sc Scope) Touches(p *Post) bool {
	switch {
	case sc.Within != nil:
		return slices.ContainsFunc(p.Pairs, sc.Holds)
	case sc.Group != nil:
		members, named := sc.Group.Members, p.Services
		if sc.Group.Regions {
			named = p.Regions
		}
		if len(named) < len(members) {
			return slices.ContainsFunc(named, sc.Group.Has)
		}
		if sc.Group.Regions {
			return slices.ContainsFunc(members, p.inRegion)
		}
		return slices.ContainsFunc(members, p.inService)
	case sc.Region != "" && sc.Service != "":
		return p.Sets(Pair{sc.Region, sc.Service})
	case sc.Region != "":
		return p.inRegion(sc.Region)
	case sc.Service != "":
		return p.inService(sc.Service)
	}
	return true
}

// indexTouching lists each region's and each service's incidents, in the
// order of st.Incidents, and their public posts, in the order of st.Posts.
func (st *Status) indexTouching() touching {
	t := touching{map[string][]*Incident{}, map[string][]*Incident{}, map[string][]*Post{}, map[string][]*Post{}, make(map[*Incident]int, len(st.Incidents))}
	for i, inc := range st.Incidents {
		t.place[inc] = i
	}
	for _, p := range st.Posts {
		for _, r := range p.Regions {
			t.regionPosts[r] = append(t.regionPosts[r], p)
		}
		for _, v := range p.Services {
			t.servicePosts[v] = append(t.servicePosts[v], p)
		}
	}
	add := func(m map[string][]*Incident, id string, inc *Incident) {
		if l := m[id]; len(l) == 0 || l[len(l)-1] != inc {
			m[id] = append(l, inc)
		}
	}
	for _, inc := range st.Incidents {
		for _, p := range inc.Posts {
			for _, r := range p.Regions {
				add(t.regions, r, inc)
			}
			for _, v := range p.Services {
				add(t.services, v, inc)
			}
		}
	}
	return t
}

// ofGroup returns the incidents touching any member of the group, in the
// order of st.Incidents: a site of many small groups then costs what the
// groups' members touch, not groups times incidents.
func (t touching) ofGroup(g *Group) []*Incident {
	lists := t.services
	if g.Regions {
		lists = t.regions
	}
	seen := map[*Incident]bool{}
	var out []*Incident
	for _, m := range g.Members {
		for _, inc := range lists[m] {
			if !seen[inc] {
				seen[inc] = true
				out = append(out, inc)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Incident) int { return t.place[a] - t.place[b] })
	return out
}

// PostsFor returns the public posts, oldest first, among which are all
// that touch the scope: for a region or a service, only its own.
func (st *Status) PostsFor(sc Scope) []*Post {
	switch {
	case sc.Group != nil:
	case sc.Region != "":
		return st.touching().regionPosts[sc.Region]
	case sc.Service != "":
		return st.touching().servicePosts[sc.Service]
	}
	return st.Posts
}

// Views returns the incidents touching the scope, newest first. They are
// worked out once per scope and build, as many pages ask.
func (st *Status) Views(sc Scope) []*IncidentView {
	if v, ok := st.views.Load(sc); ok {
		return v.([]*IncidentView)
	}
	var out []*IncidentView
	candidates := st.Incidents
	switch t := st.touching(); {
	case sc.Group != nil:
		candidates = t.ofGroup(sc.Group)
	case sc.Region != "":
		candidates = t.regions[sc.Region]
	case sc.Service != "":
		candidates = t.services[sc.Service]
	}
	for _, inc := range candidates {
		if v := st.View(inc, sc); v != nil {
			out = append(out, v)
		}
	}
	st.views.Store(sc, out)
	return out
}
