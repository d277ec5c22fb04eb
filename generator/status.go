package generator

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Status is what the posts say at one instant, now: every pair's current
// state, the roll-ups, and the incidents.
type Status struct {
	Site      *Site
	Now       time.Time
	Posts     []*Post              // published (not draft), by time then path
	Incidents []*Incident          // newest first
	timelines map[Pair][]Segment   // past segments of every pair, oldest first
	byID      map[string]*Incident // incidents by id
	views     sync.Map             // Scope -> []*IncidentView
}

// Segment is a stretch of a pair's timeline: from From on, the pair is in
// State, as Post said (nil when a maintenance window ended by itself).
type Segment struct {
	From  time.Time
	State State
	Post  *Post
}

// byTime orders posts by timestamp; at the same instant the worse state and
// then the later path come last, so the last post of a run is the one that
// holds.
func byTime(a, b *Post) int {
	return cmp.Or(a.Timestamp.Compare(b.Timestamp), cmp.Compare(a.State, b.State), cmp.Compare(a.Path, b.Path))
}

// Derive computes the status at now from validated posts, leaving out what
// is not public yet.
func Derive(site *Site, posts []*Post, now time.Time) *Status {
	st := &Status{Site: site, Now: now, timelines: map[Pair][]Segment{}, byID: map[string]*Incident{}}
	for _, p := range posts {
		if isPublic(p, now) {
			st.Posts = append(st.Posts, p)
		}
	}
	slices.SortFunc(st.Posts, byTime)
	st.buildTimelines()
	st.buildIncidents()
	return st
}

func (st *Status) buildTimelines() {
	byPair := map[Pair][]*Post{}
	for _, p := range st.Posts {
		if st.isPast(p) {
			for _, pair := range p.Pairs {
				byPair[pair] = append(byPair[pair], p)
			}
		}
	}
	for pair, posts := range byPair {
		st.timelines[pair] = timeline(posts, st.Now)
	}
}

// timeline turns a pair's past posts, in byTime order, into segments. A
// maintenance post with until returns the pair at until to the state before
// its window, unless a later post came first.
func timeline(posts []*Post, now time.Time) []Segment {
	var segs []Segment
	state := Operational
	var windowEnd time.Time // end of the open maintenance window, if any
	var beforeWindow State
	for _, p := range posts {
		inWindow := !windowEnd.IsZero()
		if inWindow && windowEnd.Before(p.Timestamp) {
			segs = append(segs, Segment{From: windowEnd, State: beforeWindow})
			state, inWindow = beforeWindow, false
		}
		windowEnd = time.Time{}
		if p.State == Maintenance && !p.Ends.IsZero() {
			// A window that replaces a window returns to what the first
			// interrupted, not to maintenance.
			if !inWindow {
				beforeWindow = state
			}
			windowEnd = p.Ends
		}
		segs = append(segs, Segment{From: p.Timestamp, State: p.State, Post: p})
		state = p.State
	}
	if !windowEnd.IsZero() && !windowEnd.After(now) {
		segs = append(segs, Segment{From: windowEnd, State: beforeWindow})
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

func (st *Status) isPast(p *Post) bool { return !p.Timestamp.After(st.Now) }

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

// LastUpdated is the time of the latest past post that passes keep (nil
// keeps all), or the zero time.
func (st *Status) LastUpdated(keep func(Pair) bool) time.Time {
	for i := len(st.Posts) - 1; i >= 0; i-- {
		if p := st.Posts[i]; st.isPast(p) && touches(p, keep) {
			return p.Timestamp
		}
	}
	return time.Time{}
}

func touches(p *Post, keep func(Pair) bool) bool {
	if keep == nil {
		return true
	}
	return slices.ContainsFunc(p.Pairs, keep)
}

// InRegion keeps the pairs of one region.
func InRegion(id string) func(Pair) bool { return func(p Pair) bool { return p.Region == id } }

// OfService keeps the pairs of one service.
func OfService(id string) func(Pair) bool { return func(p Pair) bool { return p.Service == id } }

// stateBefore is the pair's state just before t.
func (st *Status) stateBefore(p Pair, t time.Time) State {
	state := Operational
	for _, s := range st.timelines[p] {
		if !s.From.Before(t) {
			break
		}
		state = s.State
	}
	return state
}
