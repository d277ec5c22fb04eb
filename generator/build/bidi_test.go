package build

import (
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// TestBidiControlsClosed: a right-to-left override left open in a region's
// name and an isolate left open in a post's title are closed where each
// ends, in feed item titles, JSON and the calendar, so that the words
// statusgen writes after them read in their own order.
func TestBidiControlsClosed(t *testing.T) {
	site := strings.Replace(sitetest.Site, "name: North America", "name: \"North \\u202eAmerica\"", 1)
	fsys := fstest.MapFS{
		source.SiteFile:         {Data: []byte(site)},
		"content/posts/down.md": {Data: []byte("---\ntitle: \"Down \u2066ABC\"\nregion: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00Z\n---\nBody.\n")},
		"content/posts/work.md": {Data: []byte("---\ntitle: \"Work \u202bon the network\"\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-04-21T16:00:00Z\nuntil: 2011-04-21T18:00:00Z\n---\nBody.\n")},
	}
	out := build(t, fsys, Options{Now: sitetest.At("2011-04-21T17:00:00Z")})
	var titles []string
	for _, it := range parseFeed(t, out, "regions/na/feed.xml").Items {
		titles = append(titles, it.Title)
	}
	for _, want := range []string{
		"North \u202eAmerica\u202c · PlayStation Network: Major outage — Down \u2066ABC\u2069",
		"North \u202eAmerica\u202c · PlayStation Network: Under maintenance — Work \u202bon the network\u202c",
	} {
		found := false
		for _, got := range titles {
			found = found || got == want
		}
		if !found {
			t.Errorf("no feed item titled %q in %q", want, titles)
		}
	}
	for _, f := range []string{"api/v2/components.json", "api/v2/incidents.json", "maintenance.ics"} {
		text := string(out[f])
		if strings.Contains(text, "\u202eAmerica") && !strings.Contains(text, "\u202eAmerica\u202c") ||
			strings.Contains(text, `\u202eAmerica`) && !strings.Contains(text, `\u202eAmerica\u202c`) {
			t.Errorf("%s holds the override without its end", f)
		}
	}
}

// TestBidiInUIStringsClosed: a site's own UI string that opens an override
// is closed too: it stands in feed item titles beside a post's title.
func TestBidiInUIStringsClosed(t *testing.T) {
	fsys := fstest.MapFS{
		source.SiteFile:         {Data: []byte(sitetest.Site)},
		"layouts/i18n/en.yaml":  {Data: []byte("state_major_outage: \"Major \\u202eoutage\"\n")},
		"content/posts/down.md": {Data: []byte("---\ntitle: Down\nregion: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00Z\n---\nBody.\n")},
	}
	out := build(t, fsys, Options{Now: sitetest.At("2011-04-21T17:00:00Z")})
	items := parseFeed(t, out, "feed.xml").Items
	if len(items) != 1 || !strings.Contains(items[0].Title, "Major \u202eoutage\u202c — Down") {
		t.Errorf("feed item titles: %+q", func() (ts []string) {
			for _, it := range items {
				ts = append(ts, it.Title)
			}
			return
		}())
	}
}
