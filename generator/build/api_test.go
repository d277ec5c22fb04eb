package build

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"statusgen/internal/sitetest"
)

// The Statuspage v2 public API's objects, field by field as it documents
// them; decoding with DisallowUnknownFields and checking that every field
// is present keeps statusgen's JSON to that list.
type spPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

type spComponent struct {
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
	Components         []string `json:"components"`
}

type spUpdate struct {
	ID                 string `json:"id"`
	Status             string `json:"status"`
	Body               string `json:"body"`
	IncidentID         string `json:"incident_id"`
	CreatedAt          string `json:"created_at"`
	UpdatedAt          string `json:"updated_at"`
	DisplayAt          string `json:"display_at"`
	AffectedComponents []struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		OldStatus string `json:"old_status"`
		NewStatus string `json:"new_status"`
	} `json:"affected_components"`
	DeliverNotifications bool    `json:"deliver_notifications"`
	CustomTweet          *string `json:"custom_tweet"`
	TweetID              *string `json:"tweet_id"`
}

type spIncident struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Status          string        `json:"status"`
	CreatedAt       string        `json:"created_at"`
	UpdatedAt       string        `json:"updated_at"`
	MonitoringAt    *string       `json:"monitoring_at"`
	ResolvedAt      *string       `json:"resolved_at"`
	Impact          string        `json:"impact"`
	Shortlink       string        `json:"shortlink"`
	StartedAt       string        `json:"started_at"`
	PageID          string        `json:"page_id"`
	IncidentUpdates []spUpdate    `json:"incident_updates"`
	Components      []spComponent `json:"components"`
	ScheduledFor    *string       `json:"scheduled_for"`
	ScheduledUntil  *string       `json:"scheduled_until"`
}

type spStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type spFile struct {
	Page                  spPage        `json:"page"`
	Status                *spStatus     `json:"status"`
	Components            []spComponent `json:"components"`
	Incidents             []spIncident  `json:"incidents"`
	ScheduledMaintenances []spIncident  `json:"scheduled_maintenances"`
}

func decodeAPI(t *testing.T, out map[string][]byte, name string) spFile {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out["api/v2/"+name]))
	dec.DisallowUnknownFields()
	var f spFile
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if f.Page.ID == "" || f.Page.URL != "https://status.example.com/" || f.Page.UpdatedAt == "" {
		t.Errorf("%s: page object %+v", name, f.Page)
	}
	return f
}

func TestExampleAPI(t *testing.T) {
	out := build(t, exampleFS(t), Options{Now: sitetest.At("2011-05-20T00:00:00Z")})
	sum := decodeAPI(t, out, "summary.json")
	if sum.Status == nil || sum.Status.Indicator != "critical" || sum.Status.Description != "Major System Outage" {
		t.Errorf("status %+v, want critical", sum.Status)
	}
	comp := map[string]spComponent{}
	for _, c := range sum.Components {
		comp[c.ID] = c
	}
	checks := map[string]string{"jp": "major_outage", "jp.psn": "major_outage", "na.psn": "operational", "na.store": "major_outage", "na": "major_outage"}
	for id, want := range checks {
		if comp[id].Status != want {
			t.Errorf("component %s is %q, want %q", id, comp[id].Status, want)
		}
	}
	if !comp["jp"].Group || comp["jp.psn"].GroupID == nil || *comp["jp.psn"].GroupID != "jp" || comp["jp.psn"].Name != "PlayStation Network" {
		t.Errorf("jp group or jp.psn component malformed: %+v %+v", comp["jp"], comp["jp.psn"])
	}
	if _, ok := comp["jp.qriocity"]; ok || !slices.Equal(comp["jp"].Components, []string{"jp.psn", "jp.store"}) {
		t.Errorf("Japan's group holds %v; Qriocity is not offered there", comp["jp"].Components)
	}
	if len(sum.Incidents) != 1 || sum.Incidents[0].Status != "identified" || sum.Incidents[0].Impact != "critical" || sum.Incidents[0].ResolvedAt != nil {
		t.Fatalf("unresolved incidents in the summary: %+v", sum.Incidents)
	}
	inc := sum.Incidents[0]
	if inc.Shortlink != "https://status.example.com/incidents/psn-intrusion-2011/" || inc.IncidentUpdates[0].ID != "2011-05-16-jp-meti-review" {
		t.Errorf("incident shortlink %q, newest update %q", inc.Shortlink, inc.IncidentUpdates[0].ID)
	}
	for _, name := range []string{"status.json", "components.json", "incidents.json", "incidents/unresolved.json", "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json"} {
		decodeAPI(t, out, name)
	}
	year := build(t, exampleFS(t), Options{Now: sitetest.At("2011-12-31T00:00:00Z")})
	done := decodeAPI(t, year, "incidents.json")
	if len(done.Incidents) != 1 || done.Incidents[0].Status != "resolved" || done.Incidents[0].ResolvedAt == nil || *done.Incidents[0].ResolvedAt != "2011-07-06T01:00:00Z" {
		t.Errorf("at year end the incident should be resolved on July 6: %+v", done.Incidents)
	}
	if s := decodeAPI(t, year, "status.json").Status; s == nil || s.Indicator != "none" {
		t.Errorf("year-end status %+v, want none", s)
	}
}

// TestAPIFieldsPresent: every field of the Statuspage objects is written,
// null where it has no value, so clients that index them find them.
func TestAPIFieldsPresent(t *testing.T) {
	out := build(t, exampleFS(t), Options{Now: sitetest.At("2011-05-20T00:00:00Z")})
	var raw struct {
		Components []map[string]json.RawMessage `json:"components"`
		Incidents  []map[string]json.RawMessage `json:"incidents"`
	}
	if err := json.Unmarshal(out["api/v2/summary.json"], &raw); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"component": {"id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date", "group_id", "page_id", "group", "only_show_if_degraded"},
		"incident":  {"id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact", "shortlink", "started_at", "page_id", "incident_updates", "components"},
	}
	for _, c := range raw.Components {
		for _, k := range want["component"] {
			if _, ok := c[k]; !ok {
				t.Errorf("component lacks %q", k)
			}
		}
	}
	for _, c := range raw.Incidents {
		for _, k := range want["incident"] {
			if _, ok := c[k]; !ok {
				t.Errorf("incident lacks %q", k)
			}
		}
	}
}

func TestMaintenanceAPI(t *testing.T) {
	fsys := smallSite(map[string]string{
		"content/now.md":  "---\nregion: na\nservice: store\nstate: maintenance\ntimestamp: 2011-05-01T00:00:00Z\nuntil: 2011-05-01T04:00:00Z\n---\n",
		"content/next.md": "---\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-06-01T00:00:00Z\nuntil: 2011-06-01T02:00:00Z\n---\n",
		"content/past.md": "---\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-04-01T00:00:00Z\nuntil: 2011-04-01T02:00:00Z\n---\n",
	})
	out := build(t, fsys, Options{Now: sitetest.At("2011-05-01T01:00:00Z")})
	ids := func(name string) []string {
		var out2 []string
		for _, m := range decodeAPI(t, out, name).ScheduledMaintenances {
			out2 = append(out2, m.ID+":"+m.Status+":"+m.Impact)
		}
		return out2
	}
	if got := ids("scheduled-maintenances/active.json"); !slices.Equal(got, []string{"now:in_progress:maintenance"}) {
		t.Errorf("active: %v", got)
	}
	if got := ids("scheduled-maintenances/upcoming.json"); !slices.Equal(got, []string{"next:scheduled:maintenance"}) {
		t.Errorf("upcoming: %v", got)
	}
	if got := ids("scheduled-maintenances.json"); !slices.Equal(got, []string{"next:scheduled:maintenance", "now:in_progress:maintenance", "past:completed:maintenance"}) {
		t.Errorf("all: %v", got)
	}
	next := decodeAPI(t, out, "scheduled-maintenances/upcoming.json").ScheduledMaintenances[0]
	if next.ScheduledFor == nil || *next.ScheduledFor != "2011-06-01T00:00:00Z" || next.ScheduledUntil == nil || *next.ScheduledUntil != "2011-06-01T02:00:00Z" {
		t.Errorf("scheduled_for/until: %v %v", next.ScheduledFor, next.ScheduledUntil)
	}
	if len(decodeAPI(t, out, "incidents.json").Incidents) != 1 {
		t.Error("maintenance listed among incidents")
	}
}
