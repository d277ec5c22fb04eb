package build

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// TestTimesAtTheEdges: posts at the first instant taken (1970), at a leap
// second and in the last hour of 9999 give dates every reader takes: RFC
// 3339 in JSON and Atom, RFC 1123 in RSS, and the calendar's UTC form.
func TestTimesAtTheEdges(t *testing.T) {
	post := func(ts, state, extra string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nregion: na\nservice: psn\nstate: " + state + "\ntimestamp: " + ts + "\n" + extra + "---\nBody.\n")}
	}
	fsys := fstest.MapFS{
		source.SiteFile:               {Data: []byte(sitetest.Site)},
		"content/posts/first.md":      post("1970-01-01T00:00:00Z", "major_outage", ""),
		"content/posts/leap.md":       post("2016-12-31T23:59:60Z", "operational", ""),
		"content/posts/last.md":       post("9999-12-31T22:00:00Z", "maintenance", "until: 9999-12-31T23:59:59Z\n"),
		"content/posts/last-start.md": post("9999-12-31T21:00:00Z", "degraded", ""),
	}
	out := build(t, fsys, Options{Now: time.Date(9999, 12, 31, 22, 30, 0, 0, time.UTC)})
	var api struct {
		Incidents []struct {
			CreatedAt string `json:"created_at"`
			Updates   []struct {
				CreatedAt string `json:"created_at"`
			} `json:"incident_updates"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal(out["api/v2/incidents.json"], &api); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, inc := range api.Incidents {
		for _, s := range append([]string{inc.CreatedAt}, func() (u []string) {
			for _, x := range inc.Updates {
				u = append(u, x.CreatedAt)
			}
			return
		}()...) {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				t.Errorf("incidents.json: %q is not RFC 3339", s)
			}
			seen[s] = true
		}
	}
	for _, want := range []string{"1970-01-01T00:00:00Z", "2017-01-01T00:00:00Z", "9999-12-31T21:00:00Z"} {
		if !seen[want] {
			t.Errorf("incidents.json lacks the time %s (has %v)", want, seen)
		}
	}
	for _, d := range regexp.MustCompile(`<pubDate>([^<]+)</pubDate>`).FindAllStringSubmatch(string(out["feed.xml"]), -1) {
		if _, err := time.Parse(time.RFC1123Z, d[1]); err != nil {
			t.Errorf("feed.xml: pubDate %q is not RFC 1123", d[1])
		}
	}
	for _, d := range regexp.MustCompile(`<(?:updated|published)>([^<]+)</`).FindAllStringSubmatch(string(out["atom.xml"]), -1) {
		if _, err := time.Parse(time.RFC3339, d[1]); err != nil {
			t.Errorf("atom.xml: %q is not RFC 3339", d[1])
		}
	}
	ics := string(out["maintenance.ics"])
	if !strings.Contains(ics, "DTEND:99991231T235959Z") {
		t.Errorf("maintenance.ics lacks the window's end in the calendar's form:\n%s", ics)
	}
	for _, d := range regexp.MustCompile(`(?m)^(?:DTSTART|DTEND|DTSTAMP):(.*)\r$`).FindAllStringSubmatch(ics, -1) {
		if !regexp.MustCompile(`^\d{8}T\d{6}Z$`).MatchString(d[1]) {
			t.Errorf("maintenance.ics: %q is not a UTC date-time", d[1])
		}
	}
}
