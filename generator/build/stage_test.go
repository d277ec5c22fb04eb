package build

import (
	"strings"
	"testing"

	"statusgen/internal/sitetest"
)

// TestDerivedStageShown: an update without a stage shows the stage its
// incident is at, alike on the incident page, in the JSON and in the feed:
// an operational update for one service after an identified one is
// identified, not investigating; the update that closes the incident is
// resolved.
func TestDerivedStageShown(t *testing.T) {
	post := func(title, service, state, ts, extra string) string {
		return "---\ntitle: " + title + "\nregion: na\nservice: " + service + "\nstate: " + state +
			"\ntimestamp: " + ts + "\nincident: x\n" + extra + "---\nText.\n"
	}
	out := build(t, smallSite(map[string]string{
		"content/x1.md": post("Cause found", "[psn, store]", "major_outage", "2011-04-21T00:00:00Z", "stage: identified\n"),
		"content/x2.md": post("Network back", "psn", "operational", "2011-04-22T00:00:00Z", ""),
		"content/x3.md": post("Store back", "store", "operational", "2011-04-23T00:00:00Z", ""),
	}), Options{Now: sitetest.At("2011-05-01T00:00:00Z")})

	page := string(out["incidents/x/index.html"])
	for anchor, stage := range map[string]string{"x1": "Identified", "x2": "Identified", "x3": "Resolved"} {
		_, li, _ := strings.Cut(page, `<li id="`+anchor+`">`)
		li, _, _ = strings.Cut(li, "</li>")
		if _, meta, _ := strings.Cut(li, `<p class="meta">`); !strings.Contains(meta, "</span> · "+stage+" · <time") {
			t.Errorf("incident page, update %s: want stage %s in%s", anchor, stage, li)
		}
	}

	var updates map[string]string
	for _, inc := range decodeAPI(t, out, "incidents.json").Incidents {
		if inc.ID != "x" {
			continue
		}
		updates = map[string]string{}
		for _, u := range inc.IncidentUpdates {
			updates[u.ID] = u.Status
		}
		if inc.Status != "resolved" {
			t.Errorf("incidents.json: incident x is %s, want resolved", inc.Status)
		}
	}
	want := map[string]string{"x1": "identified", "x2": "identified", "x3": "resolved"}
	for id, w := range want {
		if updates[id] != w {
			t.Errorf("incidents.json: update %s is %q, want %q", id, updates[id], w)
		}
	}

	titles := map[string]string{}
	for _, it := range parseFeed(t, out, "feed.xml").Items {
		_, anchor, _ := strings.Cut(it.Link, "#")
		titles[anchor] = it.Title
	}
	for anchor, resolved := range map[string]bool{"x1": false, "x2": false, "x3": true} {
		if strings.HasPrefix(titles[anchor], "[Resolved] ") != resolved {
			t.Errorf("feed.xml: item %s titled %q; resolved should be %v", anchor, titles[anchor], resolved)
		}
	}
}
