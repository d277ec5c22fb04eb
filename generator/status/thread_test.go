package status_test

import (
	"strings"
	"testing"

	"statusgen/generator/status"
)

// TestDerivedStage checks the stage of posts that give none: resolved when
// the post closes its incident, else the stage the incident is at.
func TestDerivedStage(t *testing.T) {
	const inc = "incident: i"
	tests := []struct {
		name  string
		posts map[string]string // file name -> front-matter
		want  string            // each post's stage, by file name
	}{
		{"first post: investigating", map[string]string{
			"1": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc),
		}, "investigating"},
		{"one region restored after identified: still identified", map[string]string{
			"1": post("[na, jp]", "psn", "major_outage", "2011-04-20T00:00:00Z", inc, "stage: identified"),
			"2": post("na", "psn", "operational", "2011-05-14T00:00:00Z", inc),
		}, "identified identified"},
		{"the latest stage given wins", map[string]string{
			"1": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc, "stage: identified"),
			"2": post("na", "psn", "partial_outage", "2011-04-21T00:00:00Z", inc, "stage: monitoring"),
			"3": post("na", "psn", "degraded", "2011-04-22T00:00:00Z", inc),
			"4": post("na", "psn", "degraded", "2011-04-23T00:00:00Z", inc),
		}, "identified monitoring monitoring monitoring"},
		{"closing post: resolved", map[string]string{
			"1": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc, "stage: monitoring"),
			"2": post("na", "psn", "operational", "2011-04-21T00:00:00Z", inc),
		}, "monitoring resolved"},
		{"a stage given on the closing post stays", map[string]string{
			"1": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc),
			"2": post("na", "psn", "operational", "2011-04-21T00:00:00Z", inc, "stage: monitoring"),
		}, "investigating monitoring"},
		{"opened again after it closed: investigating", map[string]string{
			"1": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc, "stage: identified"),
			"2": post("na", "psn", "operational", "2011-04-21T00:00:00Z", inc),
			"3": post("na", "psn", "degraded", "2011-04-22T00:00:00Z", inc),
		}, "identified resolved investigating"},
		{"resolved given while still open is not carried", map[string]string{
			"1": post("[na, jp]", "psn", "major_outage", "2011-04-20T00:00:00Z", inc, "stage: identified"),
			"2": post("na", "psn", "operational", "2011-04-21T00:00:00Z", inc, "stage: resolved"),
			"3": post("jp", "psn", "major_outage", "2011-04-22T00:00:00Z", inc),
		}, "identified resolved identified"},
		{"a future post counts: stages do not move with the clock", map[string]string{
			"1": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc),
			"2": post("na", "psn", "major_outage", "2099-01-01T00:00:00Z", inc, "stage: identified"),
			"3": post("na", "psn", "partial_outage", "2099-01-02T00:00:00Z", inc),
		}, "investigating identified identified"},
		{"a draft's stage is not carried", map[string]string{
			"1": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc),
			"2": post("na", "psn", "major_outage", "2011-04-21T00:00:00Z", inc, "stage: identified", "draft: true"),
			"3": post("na", "psn", "partial_outage", "2011-04-22T00:00:00Z", inc),
		}, "investigating identified investigating"},
		{"posts out of file order are threaded by time", map[string]string{
			"1": post("na", "psn", "partial_outage", "2011-04-22T00:00:00Z", inc),
			"2": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", inc, "stage: identified"),
		}, "identified identified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := site(t, tt.posts)
			byName := map[string]*status.Post{}
			for _, p := range c.Posts {
				byName[p.Name] = p
			}
			var got []string
			for i := range len(tt.posts) {
				got = append(got, byName[string(rune('1'+i))].Stage.String())
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("stages %q, want %q", g, tt.want)
			}
		})
	}
}
