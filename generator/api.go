package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
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

// apiJobs lists the JSON files under api/v2/. What they share is worked
// out once, by the first of them to run, so that a rebuild that needs none
// of them pays nothing.
func (r *renderer) apiJobs() []job {
	shared := sync.OnceValue(r.newAPI)
	all := func(*IncidentView) bool { return true }
	files := map[string]func(a *api) any{
		"summary.json":                func(a *api) any { return a.summary() },
		"status.json":                 func(a *api) any { return statusFile{a.page, a.status()} },
		"components.json":             func(a *api) any { return componentsFile{a.page, a.components} },
		"incidents.json":              func(a *api) any { return incidentsFile{a.page, a.incidents(all)} },
		"incidents/unresolved.json":   func(a *api) any { return incidentsFile{a.page, a.incidents(unresolved)} },
		"scheduled-maintenances.json": func(a *api) any { return maintenancesFile{a.page, a.maintenances(all)} },
		"scheduled-maintenances/upcoming.json": func(a *api) any {
			return maintenancesFile{a.page, a.maintenances(func(v *IncidentView) bool { return v.Upcoming })}
		},
		"scheduled-maintenances/active.json": func(a *api) any {
			return maintenancesFile{a.page, a.maintenances(func(v *IncidentView) bool { return v.Open })}
		},
	}
	var out []job
	for name, file := range files {
		out = append(out, job{path: "api/v2/" + name, kind: "file", render: func(b *bytes.Buffer) error {
			return json.NewEncoder(b).Encode(file(shared()))
		}})
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
func unresolved(v *IncidentView) bool { return v.Open || v.Stage != Resolved }

type api struct {
	r          *renderer
	page       apiPage
	components []apiComponent
	byID       map[string]apiComponent
	created    string // the first post's time: when the components began
}

func (r *renderer) newAPI() *api {
	a := &api{r: r, byID: map[string]apiComponent{}}
	sum := sha256.Sum256([]byte(r.site.BaseURL))
	first := time.Unix(0, 0)
	if len(r.st.Posts) > 0 {
		first = r.st.Posts[0].Timestamp
	}
	a.created = apiTime(first)
	a.page = apiPage{hex.EncodeToString(sum[:6]), r.site.Title, r.site.BaseURL, r.site.Timezone, apiTime(cmpTime(r.st.LastUpdated(nil), first))}
	a.buildComponents()
	return a
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
func (a *api) buildComponents() {
	st := a.r.st
	pos := 0
	for _, reg := range a.r.site.Regions {
		pos++
		group := a.component(reg.ID, reg.Name, st.RegionState(reg), st.LastUpdated(InRegion(reg.ID)), pos)
		group.Group = true
		for _, s := range reg.Services {
			group.Components = append(group.Components, reg.ID+"."+s)
		}
		a.add(group)
		for _, s := range reg.Services {
			pos++
			pair := Pair{reg.ID, s}
			c := a.component(reg.ID+"."+s, a.r.site.Service(s).Name, st.Current(pair), st.LastUpdated(func(q Pair) bool { return q == pair }), pos)
			c.GroupID = ptr(reg.ID)
			a.add(c)
		}
	}
}

func (a *api) component(id, name string, s State, updated time.Time, pos int) apiComponent {
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
	s := a.r.st.SiteState()
	return apiStatus{apiIndicators[s], apiStatusText[s]}
}

func (a *api) summary() any {
	return struct {
		Page                  apiPage        `json:"page"`
		Components            []apiComponent `json:"components"`
		Incidents             []apiIncident  `json:"incidents"`
		ScheduledMaintenances []apiIncident  `json:"scheduled_maintenances"`
		Status                apiStatus      `json:"status"`
	}{a.page, a.components,
		a.incidents(unresolved),
		a.maintenances(func(v *IncidentView) bool { return v.Open || v.Upcoming }),
		a.status()}
}

// incidents lists the incidents (not maintenance) that have begun, newest
// first.
func (a *api) incidents(keep func(*IncidentView) bool) []apiIncident {
	out := []apiIncident{}
	for _, v := range a.r.st.Views(Scope{}) {
		if !v.Maintenance && !v.Upcoming && keep(v) && len(out) < APIIncidentLimit {
			out = append(out, a.incident(v))
		}
	}
	return out
}

// maintenances lists maintenance, scheduled ones included, newest first.
func (a *api) maintenances(keep func(*IncidentView) bool) []apiIncident {
	out := []apiIncident{}
	for _, v := range a.r.st.Views(Scope{}) {
		if v.Maintenance && keep(v) && len(out) < APIIncidentLimit {
			m := a.incident(v)
			m.Status, m.Impact = v.MaintenanceStatus(), "maintenance"
			start, end := maintenanceWindow(v)
			m.ScheduledFor, m.ScheduledUntil = ptr(apiTime(start)), ptr(apiTime(end))
			out = append(out, m)
		}
	}
	return out
}

// maintenanceWindow is when a maintenance runs: from its first post to the
// latest end any post gives, else DefaultWindow after its start.
func maintenanceWindow(v *IncidentView) (start, end time.Time) {
	start = v.First().Timestamp
	for _, p := range v.Posts {
		if p.Ends.After(end) {
			end = p.Ends
		}
	}
	if end.IsZero() {
		end = start.Add(DefaultWindow)
	}
	return start, end
}

func (a *api) incident(v *IncidentView) apiIncident {
	r := a.r
	// Newest first, as Statuspage lists updates: what is scheduled, then
	// what was published.
	posts := slices.Clone(v.Scheduled)
	slices.Reverse(posts)
	posts = append(posts, v.Updates...)
	worst := Operational
	for _, p := range posts {
		worst = max(worst, p.State)
	}
	// Created when its first post appeared; updated at the latest update.
	created := publishedAt(posts[len(posts)-1])
	for _, p := range posts {
		created = minTime(created, publishedAt(p))
	}
	updated := created
	for _, p := range v.Updates {
		updated = maxTime(updated, publishedAt(p))
	}
	inc := apiIncident{
		ID:        v.ID,
		Name:      r.words(r.site.Language).IncidentTitle(v),
		Status:    v.Stage.String(),
		CreatedAt: apiTime(created),
		UpdatedAt: apiTime(updated),
		Impact:    apiIndicators[worst],
		Shortlink: r.absURL("incidents/" + v.ID + "/"),
		StartedAt: apiTime(cmpTime(v.Start, created)),
		PageID:    a.page.ID,
	}
	if !unresolved(v) {
		inc.ResolvedAt = ptr(apiTime(v.End))
	}
	for i := len(v.Updates) - 1; i >= 0; i-- {
		if p := v.Updates[i]; p.Stage == Monitoring && inc.MonitoringAt == nil {
			inc.MonitoringAt = ptr(apiTime(publishedAt(p)))
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

func (a *api) update(v *IncidentView, p *Post) apiUpdate {
	at := apiTime(publishedAt(p))
	u := apiUpdate{ID: p.Name, Status: p.Stage.String(), Body: strings.TrimSpace(string(p.Body)), IncidentID: v.ID,
		CreatedAt: at, UpdatedAt: at, DisplayAt: at, DeliverNotifications: true}
	if v.Maintenance {
		u.Status = maintenanceUpdateStatus(a.r.st, p)
	}
	for _, pair := range p.Pairs {
		code := pair.Region + "." + pair.Service
		u.AffectedComponents = append(u.AffectedComponents, apiAffected{code,
			a.r.site.Region(pair.Region).Name + " " + a.r.site.Service(pair.Service).Name,
			apiStateWords[a.r.st.stateBefore(pair, p.Timestamp)], apiStateWords[p.State]})
	}
	return u
}

// maintenanceUpdateStatus is a maintenance update's Statuspage word: what
// the work was doing when the update was posted.
func maintenanceUpdateStatus(st *Status, p *Post) string {
	switch {
	case p.State != Maintenance:
		return "completed"
	case p.Timestamp.After(st.Now):
		return "scheduled"
	}
	return "in_progress"
}
