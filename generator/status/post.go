package status

import "time"

// Post is one update as the site states it: as of Timestamp, every pair in
// Pairs is in State. Posts are made by checking a post file against the
// site (package source) and are not changed once a Status holds them.
type Post struct {
	Path      string // relative to the site folder, slash-separated
	Name      string // file name without .md: the update's anchor
	Title     string // "" when the author gave none; layouts derive one
	State     State
	Stage     Stage
	StageSet  bool // false: derived by Thread from whether the post closes its incident
	Timestamp time.Time
	Incident  string    // the file name when the front-matter names none
	Explicit  bool      // the front-matter names the incident
	Until     time.Time // end of a maintenance window, as written
	Ends      time.Time // end of the window the post is in: Until, else inherited (Thread)
	Announced time.Time
	Draft     bool
	Language  string // as written; "" leaves it to the pages
	Body      []byte
	BodyLine  int    // file line the body starts on
	Pairs     []Pair // region × service expanded against the site, in site order
	// The regions and services of Pairs, each once in site order: Pairs
	// are exactly those of their combinations the region offers. Place
	// sets them.
	Regions  []string
	Services []string
	reach    reach
}

// reach is which regions and services a post sets, as bits by their
// places in site order, so that asking whether a post touches a scope
// costs the same for a post naming one region as for one naming a
// thousand.
type reach struct {
	site              *Site
	regions, services bits
}

type bits []uint64

func (b bits) has(i int) bool { return i >= 0 && i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

func (b *bits) add(i int) {
	for len(*b) <= i/64 {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

// Place works out Regions, Services and what scopes the post touches from
// its Pairs, which must be in site order. Its maker calls it once the
// pairs are known.
func (p *Post) Place(site *Site) {
	p.reach = reach{site: site}
	p.Regions, p.Services = nil, nil
	for _, pair := range p.Pairs {
		if i := site.RegionAt(pair.Region); !p.reach.regions.has(i) {
			p.reach.regions.add(i)
			p.Regions = append(p.Regions, pair.Region)
		}
		if i := site.ServiceAt(pair.Service); !p.reach.services.has(i) {
			p.reach.services.add(i)
		}
	}
	for _, v := range site.Services {
		if p.reach.services.has(site.ServiceAt(v.ID)) {
			p.Services = append(p.Services, v.ID)
		}
	}
}

// Sets reports whether the post sets the pair.
func (p *Post) Sets(pair Pair) bool {
	site := p.reach.site
	return p.reach.regions.has(site.RegionAt(pair.Region)) && p.reach.services.has(site.ServiceAt(pair.Service)) &&
		site.Region(pair.Region).Offers(pair.Service)
}

// inRegion and inService report whether the post sets a pair of the region
// or of the service.
func (p *Post) inRegion(id string) bool { return p.reach.regions.has(p.reach.site.RegionAt(id)) }

func (p *Post) inService(id string) bool { return p.reach.services.has(p.reach.site.ServiceAt(id)) }

// Pair is one service in one region: the unit whose state posts set.
type Pair struct {
	Region  string
	Service string
}

// PublishedAt is when a post appeared: its announced time when it was
// announced ahead, else its timestamp. It never changes, so neither does a
// feed item's date.
func (p *Post) PublishedAt() time.Time {
	if !p.Announced.IsZero() {
		return p.Announced
	}
	return p.Timestamp
}

// SameHeader reports whether two posts say the same but perhaps in other
// words below the front-matter: everything but the body is equal.
func SameHeader(a, b *Post) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || len(a.Pairs) != len(b.Pairs) {
		return false
	}
	for i := range a.Pairs {
		if a.Pairs[i] != b.Pairs[i] {
			return false
		}
	}
	return a.Path == b.Path && a.Title == b.Title && a.State == b.State && a.Stage == b.Stage &&
		a.StageSet == b.StageSet && a.Timestamp.Equal(b.Timestamp) && a.Incident == b.Incident &&
		a.Explicit == b.Explicit && a.Until.Equal(b.Until) && a.Ends.Equal(b.Ends) &&
		a.Announced.Equal(b.Announced) && a.Draft == b.Draft && a.Language == b.Language
}
