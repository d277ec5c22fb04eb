package generator

import (
	"runtime"
	"slices"
	"sync"
	"time"
)

// Validate checks the content as a whole: the site, every post against it,
// and the incidents the posts thread into. It also fills in what posts leave
// to be derived (pairs, titles, stages).
func (c *Content) Validate(errs *ErrorList) {
	if c.Site == nil {
		return // without the site no id can be checked
	}
	c.Site.Validate(errs)
	// Posts are checked on all cores, each chunk into its own list: one
	// core alone made this the longest step between loading and rendering.
	chunks := make([]ErrorList, runtime.GOMAXPROCS(0))
	size := (len(c.Posts) + len(chunks) - 1) / len(chunks)
	var wg sync.WaitGroup
	for i := range chunks {
		part := c.Posts[min(i*size, len(c.Posts)):min((i+1)*size, len(c.Posts))]
		wg.Go(func() {
			for _, p := range part {
				p.Validate(c.Site, &chunks[i])
			}
		})
	}
	wg.Wait()
	for _, l := range chunks {
		*errs = append(*errs, l...)
	}
	groups := groupByIncident(c.Posts)
	for id, group := range groups {
		checkIncident(id, group, errs)
		deriveThread(group)
	}
}

// checkIncident checks the posts of one incident id, drafts included. A
// post without an incident id is an incident of its own named after its
// file, so another post may not use that name. Updates of one incident need
// distinct file names, as those are their anchors.
func checkIncident(id string, group []*Post, errs *ErrorList) {
	if len(group) == 1 {
		return // nothing to clash with
	}
	names := map[string]*Post{}
	for _, p := range group {
		explicit := p.Explicit
		if !explicit && len(group) > 1 {
			errs.add(p.fm.at, "incident id %q, taken from the file name, is also used by %s; set incident: or rename the file", id, other(group, p).Path)
		}
		if q := names[p.Name]; q != nil && explicit {
			errs.add(p.fm.at, "update anchor %q is also used by %s in incident %q; rename one file", p.Name, q.Path, id)
		}
		names[p.Name] = p
	}
}

func other(group []*Post, p *Post) *Post {
	for _, q := range group {
		if q != p {
			return q
		}
	}
	return p
}

func groupByIncident(posts []*Post) map[string][]*Post {
	groups := map[string][]*Post{}
	for _, p := range posts {
		groups[p.Incident] = append(groups[p.Incident], p)
	}
	return groups
}

// deriveThread fills in what one incident's posts leave to be derived, in
// time order. A post without a stage is resolved when, after it, every pair
// of its incident is operational again, else investigating. A maintenance
// post without until that follows one with until, inside its window, ends
// with it. Every non-draft post counts, past or future, so neither depends
// on the build time. Drafts take no part.
func deriveThread(group []*Post) {
	live := slices.DeleteFunc(slices.Clone(group), func(p *Post) bool { return p.Draft })
	slices.SortFunc(live, byTime)
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
		p.Ends = p.Until
		if p.State == Maintenance && p.Until.IsZero() && windowEnd.After(p.Timestamp) {
			p.Ends = windowEnd
		}
		if !p.Ends.IsZero() {
			windowEnd = p.Ends
		}
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
