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
	Regions     []*Region
	Services    []*Service

	once       sync.Once
	regions    map[string]*Region
	services   map[string]*Service
	regionIDs  []string
	serviceIDs []string
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
	s.regionIDs, s.serviceIDs = s.RegionIDs(), s.ServiceIDs()
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
