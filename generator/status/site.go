package status

import (
	"sync"
	"time"
)

// Site is what content/site.yaml declares: the site's identity, its
// regions and services, and its settings.
type Site struct {
	Title       string
	Description string
	BaseURL     string // absolute, ends in "/"
	HomeURL     string
	SupportURL  string
	Language    string
	Timezone    string
	Location    *time.Location
	FeedLimit   int
	StaleDays   int // stale_incident_days: check warns of incidents left open longer
	WebSubHub   string
	UnsafeHTML  bool
	Regions     []*Region  // in display order: group by group when grouped
	Services    []*Service // likewise
	// Groups of regions and of services, in display order; nil when the
	// site declares none. Each region (service) is in exactly one.
	RegionGroups  []*Group
	ServiceGroups []*Group
	// Deploy lists where `statusgen deploy` publishes the built site. The
	// model carries it so that check reports its problems with the rest.
	Deploy []*DeployTarget
	// Notify lists where `statusgen notify` tells of new updates.
	Notify []*NotifyTarget

	once          sync.Once
	regions       map[string]*Region
	services      map[string]*Service
	regionIndex   map[string]int
	serviceIndex  map[string]int
	regionGroups  map[string]*Group
	serviceGroups map[string]*Group
	groupOf       [2]map[string]*Group // a region's group, a service's group
	regionIDs     []string
	serviceIDs    []string
}

// Group is a named set of regions or of services, shown together, as a
// cloud's geographies or its product categories.
type Group struct {
	ID      string
	Name    string
	Members []string // region or service ids, in display order
	Regions bool     // a group of regions, else of services

	once sync.Once
	has  map[string]bool
}

// MembersOr is the group's members, or all when the group is nil: the
// regions or services of a site without groups.
func (g *Group) MembersOr(all func() []string) []string {
	if g == nil {
		return all()
	}
	return g.Members
}

// Has reports whether the region or service is a member.
func (g *Group) Has(id string) bool {
	g.once.Do(func() {
		g.has = make(map[string]bool, len(g.Members))
		for _, m := range g.Members {
			g.has[m] = true
		}
	})
	return g.has[id]
}

// Region is one place readers live in; its page and feeds show only its pairs.
type Region struct {
	ID       string
	Name     string
	Language string // "" means the site's
	Timezone string // "" means the site's
	Location *time.Location
	Services []string // the ids of the services offered here, in site order

	once    sync.Once
	offered map[string]bool
}

// Service is one product whose state the site reports.
type Service struct {
	ID   string
	Name string
}

// index maps ids to regions and services on first use, once the site is
// complete: pages look names up for every pair they show.
func (s *Site) index() {
	s.regions = make(map[string]*Region, len(s.Regions))
	for _, r := range s.Regions {
		if _, dup := s.regions[r.ID]; !dup {
			s.regions[r.ID] = r
		}
	}
	s.services = make(map[string]*Service, len(s.Services))
	for _, v := range s.Services {
		if _, dup := s.services[v.ID]; !dup {
			s.services[v.ID] = v
		}
	}
	s.regionIndex = make(map[string]int, len(s.Regions))
	for i, r := range s.Regions {
		s.regionIndex[r.ID] = i
	}
	s.serviceIndex = make(map[string]int, len(s.Services))
	for i, v := range s.Services {
		s.serviceIndex[v.ID] = i
	}
	s.regionGroups = groupMap(s.RegionGroups)
	s.serviceGroups = groupMap(s.ServiceGroups)
	for i, groups := range [][]*Group{s.RegionGroups, s.ServiceGroups} {
		s.groupOf[i] = map[string]*Group{}
		for _, g := range groups {
			for _, m := range g.Members {
				s.groupOf[i][m] = g
			}
		}
	}
	s.regionIDs, s.serviceIDs = s.RegionIDs(), s.ServiceIDs()
}

func groupMap(groups []*Group) map[string]*Group {
	m := make(map[string]*Group, len(groups))
	for _, g := range groups {
		if _, dup := m[g.ID]; !dup {
			m[g.ID] = g
		}
	}
	return m
}

// RegionGroup returns the group of regions with the given id, or nil.
func (s *Site) RegionGroup(id string) *Group {
	s.once.Do(s.index)
	return s.regionGroups[id]
}

// ServiceGroup returns the group of services with the given id, or nil.
func (s *Site) ServiceGroup(id string) *Group {
	s.once.Do(s.index)
	return s.serviceGroups[id]
}

// RegionGroupOf returns the group a region is in, or nil.
func (s *Site) RegionGroupOf(region string) *Group {
	s.once.Do(s.index)
	return s.groupOf[0][region]
}

// ServiceGroupOf returns the group a service is in, or nil.
func (s *Site) ServiceGroupOf(service string) *Group {
	s.once.Do(s.index)
	return s.groupOf[1][service]
}

// RegionAt and ServiceAt are a region's and a service's places in display
// order, -1 for an unknown id.
func (s *Site) RegionAt(id string) int {
	s.once.Do(s.index)
	if i, ok := s.regionIndex[id]; ok {
		return i
	}
	return -1
}

func (s *Site) ServiceAt(id string) int {
	s.once.Do(s.index)
	if i, ok := s.serviceIndex[id]; ok {
		return i
	}
	return -1
}

// IDs returns the regions' and the services' ids in display order, shared
// by all callers: not to be changed.
func (s *Site) IDs() (regions, services []string) {
	s.once.Do(s.index)
	return s.regionIDs, s.serviceIDs
}

// Region returns the region with the given id, or nil.
func (s *Site) Region(id string) *Region {
	s.once.Do(s.index)
	return s.regions[id]
}

// Service returns the service with the given id, or nil.
func (s *Site) Service(id string) *Service {
	s.once.Do(s.index)
	return s.services[id]
}

// RegionIDs lists the regions' ids in display order.
func (s *Site) RegionIDs() []string {
	ids := make([]string, len(s.Regions))
	for i, r := range s.Regions {
		ids[i] = r.ID
	}
	return ids
}

// ServiceIDs lists the services' ids in display order.
func (s *Site) ServiceIDs() []string {
	ids := make([]string, len(s.Services))
	for i, v := range s.Services {
		ids[i] = v.ID
	}
	return ids
}

// LanguageOf is the language a region's pages speak.
func (s *Site) LanguageOf(r *Region) string {
	if r.Language != "" {
		return r.Language
	}
	return s.Language
}

// Offers reports whether the region offers the service.
func (r *Region) Offers(service string) bool {
	r.once.Do(func() {
		r.offered = make(map[string]bool, len(r.Services))
		for _, id := range r.Services {
			r.offered[id] = true
		}
	})
	return r.offered[service]
}
