package status

import (
	"slices"
	"time"
)

// Thread fills in what one incident's posts leave to be derived, in time
// order, on posts that no Status holds yet. A post without a stage is
// resolved when, after it, every pair of its incident is operational
// again; else it keeps the stage the incident is at: the latest one other
// than resolved given since the incident was last resolved, else
// investigating. So an operational update for one region, after an
// identified one, still reads identified, and a post that opens a resolved
// incident again starts at investigating. A maintenance post without
// until inherits the end of the window it continues (see window.go).
// Every non-draft post counts, past or future, so neither depends on the
// build time. Drafts take no part.
func Thread(group []*Post) {
	live := slices.DeleteFunc(slices.Clone(group), func(p *Post) bool { return p.Draft })
	slices.SortFunc(live, ByTime)
	latest := map[Pair]State{}
	down := 0 // pairs of latest not operational: counted, as a thread may name thousands
	stage := Investigating
	var windowEnd time.Time
	for _, p := range live {
		for _, pair := range p.Pairs {
			if s, ok := latest[pair]; ok && s != Operational {
				down--
			}
			if p.State != Operational {
				down++
			}
			latest[pair] = p.State
		}
		if !p.StageSet {
			p.Stage = stage
			if down == 0 {
				p.Stage = Resolved
			}
		}
		switch {
		case down == 0:
			stage = Investigating
		case p.Stage != Resolved:
			stage = p.Stage
		}
		windowEnd = inherit(p, windowEnd)
	}
}
