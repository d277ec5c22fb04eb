package status

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"
)

// Status is what the posts say at one instant, now: every pair's current
// state, the roll-ups, and the incidents. It is worked out once per build
// and read by every output; nothing changes it afterwards.
type Status struct {
	Site      *Site
	Now       time.Time
	Posts     []*Post              // public (not draft), by time then path
	Incidents []*Incident          // newest first
	timelines map[Pair][]Segment   // past segments of every pair, oldest first
	byID      map[string]*Incident // incidents by id
	order     map[Pair]int         // each pair's place in site order
	views     sync.Map             // Scope -> []*IncidentView
	touching  func() touching      // the incidents each region and service appears in
}

// touching lists, for each region and each service, the incidents with a
// post that sets it, newest first: a region's page then looks at its own
// incidents, not at every incident of a thousand regions.
type touching struct {
	regions, services         map[string][]*Incident
	regionPosts, servicePosts map[string][]*Post // public posts, oldest first
	place                     map[*Incident]int  // each incident's place in st.Incidents
}

// Segment is a stretch of a pair's timeline: from From on, the pair is in
// State, as Post said (nil when a maintenance window ended by itself).
type Segment struct {
	From  time.Time
	State State
	Post  *Post
}

// ByTime orders posts by timestamp; at the same instant the worse state and
// then the later path come last, so the last post of a run is the one that
// holds.
func ByTime(a, b *Post) int {
	return cmp.Or(a.Timestamp.Compare(b.Timestamp), cmp.Compare(a.State, b.State), cmp.Compare(a.Path, b.Path))
}

// Derive computes the status at now from checked and threaded posts,
// leaving out what is not public yet.
func Derive(site *Site, posts []*Post, now time.Time) *Status {
	st := &Status{Site: site, Now: now, timelines: map[Pair][]Segment{}, byID: map[string]*Incident{}, order: map[Pair]int{}}
	st.touching = sync.OnceValue(st.indexTouching)
	for i, pair := range st.Pairs(Scope{}) {
		st.order[pair] = i
	}
	for _, p := range posts {
		if isPublic(p, now) {
			st.Posts = append(st.Posts, p)
		}
	}
	slices.SortFunc(st.Posts, ByTime)
	st.buildTimelines()
	st.buildIncidents()
	return st
}

// Rederive is Derive for posts that are the very ones st was derived from
// but in the incidents touched, whose posts are all new (fresh lists them):
// it takes over from st what those do not change, so that its work grows
// with the change, not with the site. now may differ from st's as long as
// no post's timestamp, announced time or window end, and no midnight of
// the site's zones, lies between them: the caller knows. For another site
// it derives anew.
func (st *Status) Rederive(site *Site, posts, fresh []*Post, touched map[string]bool, now time.Time) *Status {
	if st == nil || site != st.Site {
		return Derive(site, posts, now)
	}
	next := &Status{Site: site, Now: now, timelines: make(map[Pair][]Segment, len(st.timelines)),
		byID: make(map[string]*Incident, len(st.byID)), order: st.order}
	next.touching = sync.OnceValue(next.indexTouching)
	var added []*Post
	pairs := map[Pair]bool{}
	for _, p := range fresh {
		if isPublic(p, now) {
			added = append(added, p)
		}
		for _, pair := range p.Pairs {
			pairs[pair] = true
		}
	}
	slices.SortFunc(added, ByTime)
	gone := map[*Post]bool{}
	for id := range touched {
		for _, p := range st.Incident(id).postsOrNil() {
			gone[p] = true
			for _, pair := range p.Pairs {
				pairs[pair] = true
			}
		}
	}
	kept := make([]*Post, 0, len(st.Posts))
	for _, p := range st.Posts {
		if !gone[p] {
			kept = append(kept, p)
		}
	}
	next.Posts = mergePosts(kept, added)
	for pair, segs := range st.timelines {
		if !pairs[pair] {
			next.timelines[pair] = segs
		}
	}
	for pair := range pairs {
		// The pair's past posts: those of its timeline that stay, and the
		// new ones.
		var posts []*Post
		for _, seg := range st.timelines[pair] {
			if seg.Post != nil && !gone[seg.Post] {
				posts = append(posts, seg.Post)
			}
		}
		var fresh []*Post
		for _, p := range added {
			if next.IsPast(p) && slices.Contains(p.Pairs, pair) {
				fresh = append(fresh, p)
			}
		}
		if posts = mergePosts(posts, fresh); len(posts) > 0 {
			next.timelines[pair] = timeline(posts, now)
		}
	}
	next.reuseIncidents(st, added, touched)
	// The incident lists of scopes no touched incident touches stay,
	// views included: what they show of now did not change.
	changed := slices.Collect(maps.Keys(pairs))
	st.views.Range(func(k, v any) bool {
		sc := k.(Scope)
		if sc != (Scope{}) && !slices.ContainsFunc(changed, sc.Holds) {
			next.views.Store(sc, v)
		}
		return true
	})
	return next
}

// mergePosts merges two lists in ByTime order.
func mergePosts(a, b []*Post) []*Post {
	out := make([]*Post, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if ByTime(a[0], b[0]) <= 0 {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// buildTimelines works out the timeline of every pair.
func (st *Status) buildTimelines() {
	byPair := map[Pair][]*Post{}
	for _, p := range st.Posts {
		if st.IsPast(p) {
			for _, pair := range p.Pairs {
				byPair[pair] = append(byPair[pair], p)
			}
		}
	}
	for pair, posts := range byPair {
		st.timelines[pair] = timeline(posts, st.Now)
	}
}

// reuseIncidents takes over old's incidents but the touched ones, which
// the public posts added make anew.
func (st *Status) reuseIncidents(old *Status, added []*Post, touched map[string]bool) {
	for _, inc := range old.Incidents {
		if !touched[inc.ID] {
			st.Incidents = append(st.Incidents, inc)
			st.byID[inc.ID] = inc
		}
	}
	st.thread(added)
	for id := range touched {
		if inc := st.byID[id]; inc != nil {
			st.finish(inc)
		}
	}
	st.sortIncidents()
}

// timeline turns a pair's past posts, in ByTime order, into segments,
// maintenance windows ending by the rule of window.go.
func timeline(posts []*Post, now time.Time) []Segment {
	segs := make([]Segment, 0, len(posts))
	state := Operational
	var w window
	for _, p := range posts {
		if back := w.enter(p, state); back != nil {
			segs = append(segs, *back)
		}
		segs = append(segs, Segment{From: p.Timestamp, State: p.State, Post: p})
		state = p.State
	}
	if back := w.close(now); back != nil {
		segs = append(segs, *back)
	}
	return segs
}

// isPublic: drafts never are; a post is once its timestamp or announced
// time has come. Before that only maintenance is: scheduled work is news,
// while any other post written ahead waits for its time, as a scheduled
// article does.
func isPublic(p *Post, now time.Time) bool {
	switch {
	case p.Draft:
		return false
	case !p.Announced.IsZero():
		return !p.Announced.After(now)
	}
	return !p.Timestamp.After(now) || p.State == Maintenance
}

// IsPast reports whether the post's time has come.
func (st *Status) IsPast(p *Post) bool { return !p.Timestamp.After(st.Now) }

// Published reports whether a post is in feeds and history: past, or
// announced ahead of its time.
func (st *Status) Published(p *Post) bool {
	return st.IsPast(p) || !p.Announced.IsZero()
}

// Timeline is the pair's past segments, oldest first.
func (st *Status) Timeline(p Pair) []Segment { return st.timelines[p] }

// Current is the state of a pair now: that of its latest past post, else
// operational.
func (st *Status) Current(p Pair) State {
	segs := st.timelines[p]
	if len(segs) == 0 {
		return Operational
	}
	return segs[len(segs)-1].State
}

// Since is when the pair's current state began, or the zero time when no
// post has set it.
func (st *Status) Since(p Pair) time.Time {
	segs := st.timelines[p]
	var since time.Time
	for i := len(segs) - 1; i >= 0 && segs[i].State == segs[len(segs)-1].State; i-- {
		since = segs[i].From
	}
	return since
}

// PairUpdated is the time of the latest past post touching the pair, or
// the zero time.
func (st *Status) PairUpdated(p Pair) time.Time {
	segs := st.timelines[p]
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i].Post != nil {
			return segs[i].Post.Timestamp
		}
	}
	return time.Time{}
}

// RegionState is the worst current state of the region's pairs.
func (st *Status) RegionState(r *Region) State {
	worst := Operational
	for _, s := range r.Services {
		worst = max(worst, st.Current(Pair{r.ID, s}))
	}
	return worst
}

// ServiceState is the worst current state of the service over the regions
// offering it.
func (st *Status) ServiceState(service string) State {
	worst := Operational
	for _, r := range st.Site.Regions {
		if r.Offers(service) {
			worst = max(worst, st.Current(Pair{r.ID, service}))
		}
	}
	return worst
}

// SiteState is the worst state of all.
func (st *Status) SiteState() State {
	worst := Operational
	for _, r := range st.Site.Regions {
		worst = max(worst, st.RegionState(r))
	}
	return worst
}

// ScopeState is the worst current state in a scope.
func (st *Status) ScopeState(sc Scope) State {
	switch {
	case sc.Group != nil:
		worst := Operational
		for _, pair := range st.Pairs(sc) {
			worst = max(worst, st.Current(pair))
		}
		return worst
	case sc.Region != "" && sc.Service != "":
		return st.Current(Pair{sc.Region, sc.Service})
	case sc.Region != "":
		return st.RegionState(st.Site.Region(sc.Region))
	case sc.Service != "":
		return st.ServiceState(sc.Service)
	}
	return st.SiteState()
}

// LastUpdated is the time of the scope's latest past post, or the zero
// time.
func (st *Status) LastUpdated(sc Scope) time.Time {
	var last time.Time
	for _, pair := range st.Pairs(sc) {
		if t := st.PairUpdated(pair); t.After(last) {
			last = t
		}
	}
	return last
}

// StateBefore is the pair's state just before t.
func (st *Status) StateBefore(p Pair, t time.Time) State {
	state := Operational
	for _, s := range st.timelines[p] {
		if !s.From.Before(t) {
			break
		}
		state = s.State
	}
	return state
}

// Pairs lists the scope's pairs in site order: regions as declared, each
// with its services as declared. It costs what the scope holds, not what
// the site does.
func (st *Status) Pairs(sc Scope) []Pair {
	site := st.Site
	var out []Pair
	addRegion := func(r *Region) {
		for _, s := range r.Services {
			if sc.Service == "" || s == sc.Service {
				out = append(out, Pair{r.ID, s})
			}
		}
	}
	switch g := sc.Group; {
	case g != nil && g.Regions:
		for _, id := range g.Members {
			addRegion(site.Region(id))
		}
	case g != nil:
		for _, r := range site.Regions {
			for _, s := range r.Services {
				if g.Has(s) {
					out = append(out, Pair{r.ID, s})
				}
			}
		}
	case sc.Region != "":
		addRegion(site.Region(sc.Region))
	case sc.Service != "":
		for _, r := range site.Regions {
			if r.Offers(sc.Service) {
				out = append(out, Pair{r.ID, sc.Service})
			}
		}
	default:
		for _, r := range site.Regions {
			addRegion(r)
		}
	}
	return out
}
