package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"statusgen/generator/status"
)

// The API is shaped after the Atlassian Statuspage v2 public API, so that
// clients written for it read a statusgen site unchanged. Components are
// one group per region holding one component per offered service.

type apiPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type apiStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type apiComponent struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	Position           int      `json:"position"`
	Description        *string  `json:"description"`
	Showcase           bool     `json:"showcase"`
	StartDate          *string  `json:"start_date"`
	GroupID            *string  `json:"group_id"`
	PageID             string   `json:"page_id"`
	Group              bool     `json:"group"`
	OnlyShowIfDegraded bool     `json:"only_show_if_degraded"`
	Components         []string `json:"components,omitempty"`
}

type apiIncident struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	MonitoringAt    *string        `json:"monitoring_at"`
	ResolvedAt      *string        `json:"resolved_at"`
	Impact          string         `json:"impact"`
	Shortlink       string         `json:"shortlink"`
	StartedAt       string         `json:"started_at"`
	PageID          string         `json:"page_id"`
	IncidentUpdates []apiUpdate    `json:"incident_updates"`
	Components      []apiComponent `json:"components"`
	ScheduledFor    *string        `json:"scheduled_for,omitempty"`
	ScheduledUntil  *string        `json:"scheduled_until,omitempty"`
}

type apiUpdate struct {
	ID                   string        `json:"id"`
	Status               string        `json:"status"`
	Body                 string        `json:"body"`
	IncidentID           string        `json:"incident_id"`
	CreatedAt            string        `json:"created_at"`
	UpdatedAt            string        `json:"updated_at"`
	DisplayAt            string        `json:"display_at"`
	AffectedComponents   []apiAffected `json:"affected_components"`
	DeliverNotifications bool          `json:"deliver_notifications"`
	CustomTweet          *string       `json:"custom_tweet"`
	TweetID              *string       `json:"tweet_id"`
}

type apiAffected struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// Statuspage's words for states, indicators and their descriptions.
var (
	apiStateWords = []string{"operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"}
	apiIndicators = []string{"none", "maintenance", "minor", "major", "critical"}
	apiStatusText = []string{"All Systems Operational", "Service Under Maintenance", "Minor Service Outage", "Partial System Outage", "Major System Outage"}
)

// APIIncidentLimit is how many incidents and maintenances the full lists
// hold, newest first, as Statuspage's do.
const APIIncidentLimit = 50

// apiFiles are the JSON files under api/v2/, each with what it lists.
var apiFiles = []string{
	"summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
	"scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
}

// apiOutputs lists the JSON files under api/v2/. What they share is worked
// out once, by the first of them to run, so that a rebuild that needs none
// of them pays nothing.
func (b *Build) apiOutputs() []*Output {
	var out []*Output
	for _, name := range apiFiles {
		deps := []Dep{APIPage{}, Strings{b.site.Language}, APIList{name}}
		if name == "summary.json" || name == "components.json" {
			for _, r := range b.site.Regions {
				deps = append(deps, State{status.Scope{Region: r.ID}}, Updated{status.Scope{Region: r.ID}})
			}
			for _, pair := range b.st.Pairs(status.Scope{}) {
				deps = append(deps, State{status.PairScope(pair)}, Updated{status.PairScope(pair)})
			}
		}
		if name == "summary.json" || name == "status.json" {
			deps = append(deps, State{status.Scope{}})
		}
		for _, v := range b.apiList(name) {
			deps = append(deps, Incident{v.ID})
			for _, pair := range v.Pairs {
				deps = append(deps, Timeline{pair})
			}
		}
		out = append(out, &Output{Path: "api/v2/" + name, Kind: FileKind, Deps: deps, render: func(buf *bytes.Buffer) error {
			return json.NewEncoder(buf).Encode(b.api().file(name))
		}})
	}
	return out
}

// file is the content of one JSON file.
func (a *api) file(name string) any {
	list := a.b.apiList(name)
	switch name {
	case "summary.json":
		return struct {
			Page                  apiPage        `json:"page"`
			Components            []apiComponent `json:"components"`
			Incidents             []apiIncident  `json:"incidents"`
			ScheduledMaintenances []apiIncident  `json:"scheduled_maintenances"`
			Status                apiStatus      `json:"status"`
		}{a.page, a.components, a.incidents(list), a.maintenances(a.b.apiMaintenances(func(v *status.IncidentView) bool { return v.Open || v.Upcoming })), a.status()}
	case "status.json":
		return statusFile{a.page, a.status()}
	case "components.json":
		return componentsFile{a.page, a.components}
	case "incidents.json", "incidents/unresolved.json":
		return incidentsFile{a.page, a.incidents(list)}
	}
	return maintenancesFile{a.page, a.maintenances(list)}
}

// apiList is which incidents a JSON file lists, newest first: the
// summary's unresolved incidents (its maintenance is listed apart).
func (b *Build) apiList(name string) []*status.IncidentView {
	all := func(*status.IncidentView) bool { return true }
	switch name {
	case "summary.json":
		return append(b.apiIncidents(unresolved), b.apiMaintenances(func(v *status.IncidentView) bool { return v.Open || v.Upcoming })...)
	case "incidents.json":
		return b.apiIncidents(all)
	case "incidents/unresolved.json":
		return b.apiIncidents(unresolved)
	case "scheduled-maintenances.json":
		return b.apiMaintenances(all)
	case "scheduled-maintenances/upcoming.json":
		return b.apiMaintenances(func(v *status.IncidentView) bool { return v.Upcoming })
	case "scheduled-maintenances/active.json":
		return b.apiMaintenances(func(v *status.IncidentView) bool { return v.Open })
	}
	return nil
}

// apiIncidents lists the incidents (not maintenance) that have begun and
// pass keep, newest first.
func (b *Build) apiIncidents(keep func(*status.IncidentView) bool) []*status.IncidentView {
	return b.apiViews(func(v *status.IncidentView) bool { return !v.Maintenance && !v.Upcoming && keep(v) })
}

// apiMaintenances lists maintenance that passes keep, scheduled ones
// included, newest first.
func (b *Build) apiMaintenances(keep func(*status.IncidentView) bool) []*status.IncidentView {
	return b.apiViews(func(v *status.IncidentView) bool { return v.Maintenance && keep(v) })
}

// apiViews lists the first APIIncidentLimit incidents that keep holds,
// newest first.
func (b *Build) apiViews(keep func(*status.IncidentView) bool) []*status.IncidentView {
	var out []*status.IncidentView
	for _, v := range b.st.Views(status.Scope{}) {
		if len(out) == APIIncidentLimit {
			break
		}
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// The files other than the summary: the page object, then one list.
type (
	statusFile struct {
		Page   apiPage   `json:"page"`
		Status apiStatus `json:"status"`
	}
	componentsFile struct {
		Page       apiPage        `json:"page"`
		Components []apiComponent `json:"components"`
	}
	incidentsFile struct {
		Page      apiPage       `json:"page"`
		Incidents []apiIncident `json:"incidents"`
	}
	maintenancesFile struct {
		Page                  apiPage       `json:"page"`
		ScheduledMaintenances []apiIncident `json:"scheduled_maintenances"`
	}
)

// unresolved: Statuspage clients take an incident as resolved only once its
// status says so, so one that is back to operational while its last update
// says monitoring is still unresolved here.
func unresolved(v *status.IncidentView) bool { return v.Open || v.Stage != status.Resolved }

type api struct {
	b          *Build
	page       apiPage
	components []apiComponent
	byID       map[string]apiComponent
	created    string // the first post's time: when the components began
}

func (b *Build) newAPI() *api {
	a := &api{b: b, byID: map[string]apiComponent{}}
	sum := sha256.Sum256([]byte(b.site.BaseURL))
	created, updated := b.apiTimes()
	a.created = apiTime(created)
	a.page = apiPage{hex.EncodeToString(sum[:6]), b.site.Title, b.site.BaseURL, b.site.Timezone, apiTime(updated)}
	a.buildComponents()
	return a
}

// apiTimes are when the site's components began (its first published
// post, else the Unix epoch) and when it was last updated.
func (b *Build) apiTimes() (created, updated time.Time) {
	created = time.Unix(0, 0)
	if len(b.st.Posts) > 0 {
		created = b.st.Posts[0].Timestamp
	}
	return created, cmpTime(b.st.LastUpdated(status.Scope{}), created)
}

// cmpTime is t, or def when t is zero.
func cmpTime(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func ptr(s string) *string { return &s }

// buildComponents lists each region as a group, followed by its services.
// Groups of the site nest as Statuspage groups do, one level each: a region
// group holds its regions, a region its service groups, and those hold the
// region's services (ids <region>.<group>); a client that reads one level
// still sees every member's worst state.
func (a *api) buildComponents() {
	st, site := a.b.st, a.b.site
	pos := 0
	add := func(id, name string, state status.State, updated time.Time, parent string, members []string) {
		pos++
		c := a.component(id, name, state, updated, pos)
		if parent != "" {
			c.GroupID = ptr(parent)
		}
		c.Group, c.Components = members != nil, members
		a.add(c)
	}
	pairs := func(reg *status.Region, g *status.Group, parent string) {
		for _, s := range reg.Services {
			if g == nil || g.Has(s) {
				pair := status.Pair{Region: reg.ID, Service: s}
				add(reg.ID+"."+s, site.Service(s).Name, st.Current(pair), st.PairUpdated(pair), parent, nil)
			}
		}
	}
	region := func(reg *status.Region, parent string) {
		var members []string
		var groups []*status.Group
		for _, g := range site.ServiceGroups {
			if slices.ContainsFunc(g.Members, reg.Offers) {
				groups = append(groups, g)
				members = append(members, reg.ID+"."+g.ID)
			}
		}
		if len(site.ServiceGroups) == 0 {
			for _, s := range reg.Services {
				members = append(members, reg.ID+"."+s)
			}
		}
		add(reg.ID, reg.Name, st.RegionState(reg), st.LastUpdated(status.Scope{Region: reg.ID}), parent, members)
		if len(site.ServiceGroups) == 0 {
			pairs(reg, nil, reg.ID)
		}
		for _, g := range groups {
			var ids []string
			worst, updated := status.Operational, time.Time{}
			for _, s := range reg.Services {
				if g.Has(s) {
					pair := status.Pair{Region: reg.ID, Service: s}
					ids = append(ids, reg.ID+"."+s)
					worst, updated = max(worst, st.Current(pair)), maxTime(updated, st.PairUpdated(pair))
				}
			}
			add(reg.ID+"."+g.ID, g.Name, worst, updated, reg.ID, ids)
			pairs(reg, g, reg.ID+"."+g.ID)
		}
	}
	if len(site.RegionGroups) == 0 {
		for _, reg := range site.Regions {
			region(reg, "")
		}
		return
	}
	for _, g := range site.RegionGroups {
		sc := status.Scope{Group: g}
		add(g.ID, g.Name, st.ScopeState(sc), st.LastUpdated(sc), "", slices.Clone(g.Members))
		for _, id := range g.Members {
			region(site.Region(id), g.ID)
		}
	}
}

func (a *api) component(id, name string, s status.State, updated time.Time, pos int) apiComponent {
	up := a.created
	if !updated.IsZero() {
		up = apiTime(updated)
	}
	return apiComponent{ID: id, Name: name, Status: apiStateWords[s], CreatedAt: a.created, UpdatedAt: up, Position: pos, PageID: a.page.ID}
}

func (a *api) add(c apiComponent) {
	a.components = append(a.components, c)
	a.byID[c.ID] = c
}

func (a *api) status() apiStatus {
	s := a.b.st.SiteState()
	return apiStatus{apiIndicators[s], apiStatusText[s]}
}

// incidents turns the incidents (not maintenance) of a list into the API's.
func (a *api) incidents(list []*status.IncidentView) []apiIncident {
	out := []apiIncident{}
	for _, v := range list {
		if !v.Maintenance {
			out = append(out, a.incident(v))
		}
	}
	return out
}

// maintenances turns the maintenance of a list into the API's.
func (a *api) maintenances(list []*status.IncidentView) []apiIncident {
	out := []apiIncident{}
	for _, v := range list {
		if v.Maintenance {
			m := a.incident(v)
			m.Status, m.Impact = v.MaintenanceStatus(), "maintenance"
			start, end := v.Window()
			m.ScheduledFor, m.ScheduledUntil = ptr(apiTime(start)), ptr(apiTime(end))
			out = append(out, m)
		}
	}
	return out
}

func (a *api) incident(v *status.IncidentView) apiIncident {
	b := a.b
	// Newest first, as Statuspage lists updates: what is scheduled, then
	// what was published.
	posts := slices.Clone(v.Scheduled)
	slices.Reverse(posts)
	posts = append(posts, v.Updates...)
	worst := status.Operational
	for _, p := range posts {
		worst = max(worst, p.State)
	}
	// Created when its first post appeared; updated at the latest update.
	created := posts[len(posts)-1].PublishedAt()
	for _, p := range posts {
		created = minTime(created, p.PublishedAt())
	}
	updated := created
	for _, p := range v.Updates {
		updated = maxTime(updated, p.PublishedAt())
	}
	inc := apiIncident{
		ID:        v.ID,
		Name:      b.translator(b.site.Language).plain().PostTitle(b.site, v.First()),
		Status:    v.Stage.String(),
		CreatedAt: apiTime(created),
		UpdatedAt: apiTime(updated),
		Impact:    apiIndicators[worst],
		Shortlink: b.theme.absURL("incidents/" + v.ID + "/"),
		StartedAt: apiTime(cmpTime(v.Start, created)),
		PageID:    a.page.ID,
	}
	if !unresolved(v) {
		inc.ResolvedAt = ptr(apiTime(v.End))
	}
	for i := len(v.Updates) - 1; i >= 0; i-- {
		if p := v.Updates[i]; p.Stage == status.Monitoring && inc.MonitoringAt == nil {
			inc.MonitoringAt = ptr(apiTime(p.PublishedAt()))
		}
	}
	for _, p := range posts {
		inc.IncidentUpdates = append(inc.IncidentUpdates, a.update(v, p))
	}
	for _, pair := range v.InScope {
		inc.Components = append(inc.Components, a.byID[pair.Region+"."+pair.Service])
	}
	return inc
}

func (a *api) update(v *status.IncidentView, p *status.Post) apiUpdate {
	at := apiTime(p.PublishedAt())
	u := apiUpdate{ID: p.Name, Status: p.Stage.String(), Body: strings.TrimSpace(string(p.Body)), IncidentID: v.ID,
		CreatedAt: at, UpdatedAt: at, DisplayAt: at, DeliverNotifications: true}
	if v.Maintenance {
		u.Status = maintenanceUpdateStatus(a.b.st, p)
	}
	site := a.b.site
	for _, pair := range p.Pairs {
		code := pair.Region + "." + pair.Service
		u.AffectedComponents = append(u.AffectedComponents, apiAffected{code,
			site.Region(pair.Region).Name + " " + site.Service(pair.Service).Name,
			apiStateWords[a.b.st.StateBefore(pair, p.Timestamp)], apiStateWords[p.State]})
	}
	return u
}

// maintenanceUpdateStatus is a maintenance update's Statuspage word: what
// the work was doing when the update was posted.
func maintenanceUpdateStatus(st *status.Status, p *status.Post) string {
	switch {
	case p.State != status.Maintenance:
		return "completed"
	case p.Timestamp.After(st.Now):
		return "scheduled"
	}
	return "in_progress"
}
