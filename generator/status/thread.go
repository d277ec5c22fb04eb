package status

import (
	"slices"
	"time"
)

// Thread fills in what one incident's posts leave to be derived, in time
// order, on posts that no Status holds yet. A post without a stage is
// resolved when, after it, every pair of its incident is operational
// again, else investigating. A maintenance post without until inherits the
// end of the window it continues (see window.go). Every non-draft post
// counts, past or future, so neither depends on the build time. Drafts
// take no part.
func Thread(group []*Post) {
	live := slices.DeleteFunc(slices.Clone(group), func(p *Post) bool { return p.Draft })
	slices.SortFunc(live, ByTime)
	latest := map[Pair]State{}
	var windowEnd time.Time
	for _, p := range live {
		for _, pair := range p.Pairs {
			latest[pair] = p.State
		}
		if !p.StageSet {
			p.Stage = Investigating
			if allOperational(latest) {
				p.Stage = Resolved
			}
		}
		windowEnd = inherit(p, windowEnd)
	}
}

func allOperational(states map[Pair]State) bool {
	for _, s := range states {
		if s != Operational {
			return false
		}
	}
	return true
}
