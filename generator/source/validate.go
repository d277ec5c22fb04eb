package source

import (
	"runtime"
	"sync"

	"statusgen/generator/status"
)

// Validate checks every post against the site and the incidents the posts
// thread into, and returns what they say: the site's updates, checked and
// threaded (status.Thread), in the order of c.Files. Without a site there
// is nothing to check against, and nothing is returned.
func (c *Content) Validate(errs *ErrorList) []*status.Post {
	if c.Site == nil {
		return nil
	}
	// Posts are checked on all cores, each chunk into its own list: one
	// core alone made this the longest step between loading and rendering.
	models := make([]*status.Post, len(c.Files))
	chunks := make([]ErrorList, runtime.GOMAXPROCS(0))
	size := (len(c.Files) + len(chunks) - 1) / len(chunks)
	var wg sync.WaitGroup
	for i := range chunks {
		lo, hi := min(i*size, len(c.Files)), min((i+1)*size, len(c.Files))
		wg.Go(func() {
			for j := lo; j < hi; j++ {
				models[j] = c.Files[j].Validate(c.Site, &chunks[i])
			}
		})
	}
	wg.Wait()
	for _, l := range chunks {
		*errs = append(*errs, l...)
	}
	for id, group := range GroupByIncident(c.Files) {
		CheckIncident(id, group, errs)
		status.Thread(modelsOf(group))
	}
	c.Posts = models
	return models
}

// CheckIncident checks the posts of one incident id, drafts included,
// as Validate last made them. A post without an incident id is an incident
// of its own named after its file, so another post may not use that name.
// Updates of one incident need distinct file names, as those are their
// anchors.
func CheckIncident(id string, group []*Post, errs *ErrorList) {
	if len(group) == 1 {
		return // nothing to clash with
	}
	names := map[string]*Post{}
	for _, p := range group {
		explicit := p.model.Explicit
		if !explicit {
			errs.Add(p.fm.at, "incident id %q, taken from the file name, is also used by %s; set incident: or rename the file", id, other(group, p).Path)
		}
		if q := names[p.Name]; q != nil && explicit {
			errs.Add(p.fm.at, "update anchor %q is also used by %s in incident %q; rename one file", p.Name, q.Path, id)
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

// GroupByIncident groups validated posts by the incident they belong to.
func GroupByIncident(posts []*Post) map[string][]*Post {
	groups := map[string][]*Post{}
	for _, p := range posts {
		groups[p.model.Incident] = append(groups[p.model.Incident], p)
	}
	return groups
}

// modelsOf lists what Validate made of the posts.
func modelsOf(posts []*Post) []*status.Post {
	out := make([]*status.Post, len(posts))
	for i, p := range posts {
		out[i] = p.model
	}
	return out
}
