package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"statusgen/generator/render"
	"statusgen/generator/status"
)

// An event is something a target may be told of, before it is worded:
// working out which are due costs no rendering, so a first run on a site
// of ten thousand posts words only the few it sends.
type event struct {
	key  string
	kind Event
	post *status.Post
	at   time.Time // when it happened; due only once at is inside the target's bounds
}

// scope is what a target follows, and how its messages are worded.
type scope struct {
	sc       status.Scope
	tr       *render.Translator
	loc      *time.Location
	name     string // what the reader follows: a region, a group, the site
	url      string // its page
	siteWide bool
}

// targetScope works out a target's scope. One region, service, group or
// pair is the scope of a feed, and the target's messages are worded as
// that feed words them. Several regions (or services) are a group of
// their own, worded as a group's feed is; in their language when they
// share one, else the site's.
func targetScope(b *render.Build, t *status.NotifyTarget) scope {
	site := b.Status().Site
	regions := expand(site, t.Regions, true)
	services := expand(site, t.Services, false)
	var s scope
	lang, loc := site.Language, site.Location
	switch {
	case len(t.Regions) == 1 && len(t.Services) == 1 && site.Region(t.Regions[0]) != nil && site.Service(t.Services[0]) != nil:
		s.sc = status.Scope{Region: t.Regions[0], Service: t.Services[0]}
	case len(t.Regions) > 0 && len(t.Services) > 0:
		// Some services in some regions: a scope of the target's own.
		s.sc = status.Scope{Group: ownGroup(t.Name, regions, true), Within: ownGroup(t.Name, services, false)}
	case len(t.Regions) > 0:
		s.sc = oneScope(site, t.Regions, regions, true, t.Name)
	case len(t.Services) > 0:
		s.sc = oneScope(site, t.Services, services, false, t.Name)
	default:
		s.siteWide = true
	}
	switch {
	case s.sc.Region != "":
		// A region's feed, or a pair's: the region's words and zone.
		lang, loc = b.ScopeLanguage(s.sc), site.Region(s.sc.Region).Location
	case s.sc.Group != nil && own(s.sc.Group) && len(regions) > 0:
		lang, loc = shared(site, regions)
	}
	if loc == nil {
		loc = site.Location
	}
	s.tr, s.loc = b.Words(lang), loc
	s.name, s.url = scopeName(s.tr, s.sc, site), b.AbsURL(render.ScopeDir(s.sc))
	if s.sc.Group != nil && own(s.sc.Group) {
		s.url = b.AbsURL("") // a group of the target's own has no page
	}
	return s
}

// ownGroup is a group made for a target, named after it.
func ownGroup(name string, members []string, regions bool) *status.Group {
	return &status.Group{ID: "notify-" + name, Name: name, Members: members, Regions: regions}
}

// own reports whether a group is one made for a target.
func own(g *status.Group) bool { return strings.HasPrefix(g.ID, "notify-") }

// expand turns ids of regions (or services) and of their groups into
// region (service) ids, in site order.
func expand(site *status.Site, ids []string, regions bool) []string {
	if len(ids) == 0 {
		return nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		g := site.ServiceGroup(id)
		if regions {
			g = site.RegionGroup(id)
		}
		if g != nil {
			for _, m := range g.Members {
				want[m] = true
			}
		} else {
			want[id] = true
		}
	}
	all := site.ServiceIDs()
	if regions {
		all = site.RegionIDs()
	}
	return slices.DeleteFunc(slices.Clone(all), func(id string) bool { return !want[id] })
}

// oneScope is the scope of one region, service or group, or a group of
// the target's own for several.
func oneScope(site *status.Site, ids, members []string, regions bool, name string) status.Scope {
	if len(ids) == 1 {
		if g := site.RegionGroup(ids[0]); regions && g != nil {
			return status.Scope{Group: g}
		}
		if g := site.ServiceGroup(ids[0]); !regions && g != nil {
			return status.Scope{Group: g}
		}
		if regions {
			return status.Scope{Region: ids[0]}
		}
		return status.Scope{Service: ids[0]}
	}
	return status.Scope{Group: ownGroup(name, members, regions)}
}

func toSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// shared is the language and zone the regions share, else the site's.
func shared(site *status.Site, regions []string) (string, *time.Location) {
	lang, loc := site.LanguageOf(site.Region(regions[0])), site.Region(regions[0]).Location
	for _, id := range regions[1:] {
		r := site.Region(id)
		if site.LanguageOf(r) != lang {
			lang = site.Language
		}
		if r.Location.String() != loc.String() {
			loc = site.Location
		}
	}
	if loc == nil {
		loc = site.Location
	}
	return lang, loc
}

// scopeName names a scope as its feed does, in the words of tr: names
// joined by the language's list separator, regions and services by where.
func scopeName(tr *render.Translator, sc status.Scope, site *status.Site) string {
	list := func(ids []string, regions bool) string {
		return strings.Join(names(site, ids, regions), tr.Say("list_separator"))
	}
	switch {
	case sc.Within != nil:
		return tr.Say("where", list(sc.Group.Members, true), list(sc.Within.Members, false))
	case sc.Group != nil && own(sc.Group):
		return list(sc.Group.Members, sc.Group.Regions)
	case sc.Group != nil:
		return sc.Group.Name
	case sc.Region != "" && sc.Service != "":
		return tr.Say("where", site.Region(sc.Region).Name, site.Service(sc.Service).Name)
	case sc.Region != "":
		return site.Region(sc.Region).Name
	case sc.Service != "":
		return site.Service(sc.Service).Name
	}
	return site.Title
}

func names(site *status.Site, ids []string, regions bool) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if regions {
			out[i] = site.Region(id).Name
		} else {
			out[i] = site.Service(id).Name
		}
	}
	return out
}

// touches reports whether a post is for the target.
func (s scope) touches(p *status.Post) bool {
	return s.sc.Touches(p)
}

// events lists what the target may be told of at the build's instant,
// oldest first. told reports whether the ledger holds a key already:
// planned work announced ahead is told of again when it starts.
//
//   - An update (a past post, or one announced ahead) is told of once.
//   - Planned work (a post in state maintenance) still to come is told
//     of as scheduled; when it starts, as started if it was told of
//     before, else as the update it now is; when its window ends with no
//     later post of its incident, as completed.
func events(st *status.Status, s scope, want map[Event]bool, told func(string) bool) []event {
	var out []event
	lastBefore := map[*status.Post]bool{} // posts no later post of their incident followed before their window ended
	for _, p := range st.PostsFor(s.sc) {
		if !s.touches(p) {
			continue
		}
		key := p.Incident + "#" + p.Name
		switch {
		case p.State != status.Maintenance:
			if st.Published(p) {
				out = append(out, event{key, Update, p, p.PublishedAt()})
			}
		case !st.IsPast(p):
			if want[Scheduled] {
				// Made public when first built, a time no one wrote:
				// the build's, at the latest.
				out = append(out, event{key + "/scheduled", Scheduled, p, minTime(p.PublishedAt(), st.Now)})
			}
		case told(key + "/scheduled"):
			if want[Started] {
				out = append(out, event{key + "/started", Started, p, p.Timestamp})
			}
		default:
			out = append(out, event{key, Update, p, p.Timestamp})
		}
		if !p.Ends.IsZero() && !p.Ends.After(st.Now) {
			lastBefore[p] = true
		}
	}
	if want[Completed] {
		out = append(out, completions(st, s, lastBefore)...)
	}
	slices.SortStableFunc(out, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return status.ByTime(a.post, b.post)
	})
	return out
}

// completions are the ends of the windows of ended planned work that no
// later post of its incident in the scope spoke of before the end.
func completions(st *status.Status, s scope, ended map[*status.Post]bool) []event {
	var out []event
	seen := map[string]bool{}
	for p := range ended {
		if seen[p.Incident] {
			continue
		}
		seen[p.Incident] = true
		var prev *status.Post // the scope's posts of the incident, in order
		for _, q := range st.Incident(p.Incident).Posts {
			if !s.touches(q) {
				continue
			}
			if prev != nil && ended[prev] && q.Timestamp.After(prev.Ends) {
				out = append(out, completed(prev))
			}
			prev = q
		}
		if prev != nil && ended[prev] {
			out = append(out, completed(prev))
		}
	}
	return out
}

func completed(p *status.Post) event {
	return event{p.Incident + "#" + p.Name + "/completed", Completed, p, p.Ends}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// thread is the key of the incident's first message to the target, the
// same from run to run: its first post's, as planned work announced
// ahead if it was (or is to be), else as an update.
func thread(st *status.Status, s scope, incident string, want map[Event]bool, told func(string) bool) string {
	for _, q := range st.Incident(incident).Posts {
		if !s.touches(q) {
			continue
		}
		key := q.Incident + "#" + q.Name
		ahead := q.State == status.Maintenance && (told(key+"/scheduled") || !st.IsPast(q) && want[Scheduled])
		if ahead {
			return key + "/scheduled"
		}
		return key
	}
	return incident
}

// hash is a short stable name for a key, for ids that must not show it.
func hash(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:16])
}
