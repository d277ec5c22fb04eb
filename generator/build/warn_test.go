package build

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// warn checks a site of posts (file name -> front-matter lines and body)
// as of 2011-05-20 and returns the warnings, one line each.
func warn(t *testing.T, site string, posts map[string]string) []string {
	t.Helper()
	fsys := fstest.MapFS{source.SiteFile: {Data: []byte(site)}}
	for name, text := range posts {
		fsys["content/posts/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	_, warns, err := Check(Options{Site: fsys, Defaults: sitetest.Defaults, Now: sitetest.At("2011-05-20T00:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, w := range warns {
		lines = append(lines, w.Error())
	}
	return lines
}

func postText(front, body string) string { return "---\n" + front + "---\n" + body }

func TestWarnings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		site  string // "" is sitetest.Site
		posts map[string]string
		want  []string
	}{
		{"a clean site", "", map[string]string{
			"2011-05-10-a.md": postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-10T00:00:00Z\nincident: x\n", "Down.\n"),
			// the same state again in the same incident is a progress update
			"2011-05-11-b.md": postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-11T00:00:00Z\nincident: x\nstage: identified\n", "Found it. See [Japan](../../regions/jp/) and [the history](/history/).\n"),
			"2011-05-19-c.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-19T00:00:00Z\nincident: x\n", "Back.\n"),
			// a draft is not looked at
			"2011-05-19-d.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-06-19T00:00:00Z\ndraft: true\n", ""),
			// planned work may lie ahead
			"2011-05-30-m.md": postText("region: jp\nservice: psn\nstate: maintenance\ntimestamp: 2011-05-30T00:00:00Z\nuntil: 2011-05-30T02:00:00Z\n", "Work.\n"),
		}, nil},
		{"an incident left open", "", map[string]string{
			"2011-05-01-a.md": postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-01T00:00:00Z\nincident: x\n", "Down.\n"),
			"2011-05-12-b.md": postText("region: na\nservice: psn\nstate: partial_outage\ntimestamp: 2011-05-12T00:00:00Z\nincident: x\n", "Better.\n"),
		}, []string{`content/posts/2011-05-12-b.md:1:1: warning: incident "x" is still open and its latest update is 8 d old (stale_incident_days: 7): post an update, or resolve it`}},
		{"stale_incident_days from site.yaml", sitetest.Site + "stale_incident_days: 9\n", map[string]string{
			"2011-05-12-b.md": postText("region: na\nservice: psn\nstate: partial_outage\ntimestamp: 2011-05-12T00:00:00Z\n", "Slow.\n"),
		}, nil},
		{"the state a pair already has from another incident", "", map[string]string{
			"2011-05-10-a.md": postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-18T00:00:00Z\n", "Down.\n"),
			"2011-05-18-b.md": postText("title: Down again\nregion: [na, jp]\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-19T00:00:00Z\n", "Down.\n"),
		}, []string{`content/posts/2011-05-18-b.md:5:8: warning: na/psn is already major_outage since content/posts/2011-05-10-a.md (incident "2011-05-10-a"): this post changes nothing there; did it mean that incident, or another state?`}},
		{"two pairs that already have the state", "", map[string]string{
			"2011-05-10-a.md": postText("region: na\nservice: [psn, store]\nstate: major_outage\ntimestamp: 2011-05-18T00:00:00Z\n", "Down.\n"),
			"2011-05-18-b.md": postText("title: Down again\nregion: na\nservice: [psn, store]\nstate: major_outage\ntimestamp: 2011-05-19T00:00:00Z\n", "Down.\n"),
		}, []string{`content/posts/2011-05-18-b.md:5:8: warning: na/psn, na/store are already major_outage since content/posts/2011-05-10-a.md (incident "2011-05-10-a"): this post changes nothing there; did it mean that incident, or another state?`}},
		{"maintenance after a window that ended is a change", "", map[string]string{
			"2011-05-10-m.md": postText("region: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-05-10T00:00:00Z\nuntil: 2011-05-10T02:00:00Z\n", "Work.\n"),
			"2011-05-17-m.md": postText("region: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-05-17T00:00:00Z\nuntil: 2011-05-17T02:00:00Z\n", "More work.\n"),
		}, nil},
		{"a future post that is not maintenance", "", map[string]string{
			"2011-05-21-a.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-21T03:00:00Z\n", "Back tomorrow.\n"),
		}, []string{`content/posts/2011-05-21-a.md:5:12: warning: timestamp is 1 d 3 h ahead of now: readers see this operational post only from then (announced: shows it earlier); planned work takes state maintenance`}},
		{"file names out of time order", "", map[string]string{
			"2011-05-10-b.md": postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-10T00:00:00Z\nincident: x\n", "Down.\n"),
			"2011-05-10-a.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-11T00:00:00Z\nincident: x\n", "Back.\n"),
		}, []string{`content/posts/2011-05-10-a.md:1:1: warning: this update is later than content/posts/2011-05-10-b.md but its file name sorts before it; start file names with the date and time of their timestamp, as statusgen new does, e.g. 2011-05-11-0000-…`}},
		{"names of date and time, each in its own offset", "", map[string]string{
			// Tokyo's 09:00 is before New York's 20:30 of the day before.
			"2011-05-10-0900-tokyo.md":  postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-10T09:00:00+09:00\nincident: x\n", "Down.\n"),
			"2011-05-09-2030-nyc.md":    postText("region: na\nservice: psn\nstate: degraded\ntimestamp: 2011-05-09T20:30:00-04:00\nincident: x\n", "Better.\n"),
			"2011-05-10-0100-b-same.md": postText("region: na\nservice: psn\nstate: degraded\ntimestamp: 2011-05-10T01:00:00Z\nincident: x\n", "Same.\n"),
			"2011-05-10-0100-a-same.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T01:00:30Z\nincident: x\n", "Back.\n"),
		}, nil},
		{"a name of date and time that is not its own", "", map[string]string{
			"2011-05-10-0900-a.md": postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-10T09:00:00Z\nincident: x\n", "Down.\n"),
			"2011-05-10-0800-b.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T10:00:00Z\nincident: x\n", "Back.\n"),
		}, []string{`content/posts/2011-05-10-0800-b.md:1:1: warning: this update is later than content/posts/2011-05-10-0900-a.md but its file name sorts before it; start file names with the date and time of their timestamp, as statusgen new does, e.g. 2011-05-10-1000-…`}},
		{"a name of the date alone before one of date and time, as new writes", "", map[string]string{
			// The old post's name is the one to change, not new's.
			"2011-05-03-jp-still-offline.md":      postText("region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-03T09:00:00+09:00\nincident: x\n", "Down.\n"),
			"2011-05-03-1800-still-down-later.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-03T18:00:00+09:00\nincident: x\n", "Better.\n"),
		}, []string{`content/posts/2011-05-03-jp-still-offline.md:1:1: warning: this update is earlier than content/posts/2011-05-03-1800-still-down-later.md but its file name sorts after it; start file names with the date and time of their timestamp, as statusgen new does, e.g. 2011-05-03-0900-…`}},
		{"a title naming a region or service the post does not set", "", map[string]string{
			"a.md": postText("title: PlayStation Network restored in japan\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\nincident: t\n", "Back.\n"),
			"b.md": postText("title: \"Store: North America, PlayStation Store and PlayStation Network\"\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\nincident: t\n", "Back.\n"),
			// named as set, after an excluding word, or inside a word: no warning
			"c.md": postText("title: Back in North America, outside Japan; not the PlayStation Storefront\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\nincident: t\n", "Back.\n"),
			"d.md": postText("title: 日本でPlayStation Networkを再開\nregion: jp\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\n", "Back.\n"),
		}, []string{
			`content/posts/a.md:2:8: warning: the title names Japan (region jp), which this post does not set: add it to region:, or reword the title`,
			`content/posts/b.md:2:8: warning: the title names PlayStation Store (service store), which this post does not set: add it to service:, or reword the title`,
		}},
		{"a name inside a longer one, and groups", strings.Replace(sitetest.Site, "    name: PlayStation Store\n", "    name: PlayStation Network Store\n", 1) +
			"region_groups:\n  - id: americas\n    name: The Americas\n    regions: [na]\n  - id: asia\n    name: Asia\n    regions: [jp]\n" +
			"service_groups:\n  - id: online\n    name: Online\n    services: [psn, store]\n", map[string]string{
			"a.md": postText("title: PlayStation Network Store back in the Americas\nregion: na\nservice: store\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\n", "Back.\n"),
			"b.md": postText("title: Online services down in Asia and Japan\nregion: na\nservice: store\nstate: major_outage\ntimestamp: 2011-05-19T00:00:00Z\n", "Down.\n"),
		}, []string{
			`content/posts/b.md:2:8: warning: the title names Asia (region group asia), Japan (region jp), which this post does not set: add them to region:, or reword the title`,
		}},
		{"names in capitals match only so", strings.Replace(sitetest.Site, "    name: North America\n", "    name: US\n", 1), map[string]string{
			"a.md": postText("title: \"Payments slow in Japan: contact us, or let us know\"\nregion: jp\nservice: psn\nstate: degraded\ntimestamp: 2011-05-19T00:00:00Z\n", "Slow.\n"),
			"b.md": postText("title: Payments restored in the US\nregion: jp\nservice: psn\nstate: operational\ntimestamp: 2011-05-11T00:00:00Z\n", "Back.\n"),
		}, []string{
			`content/posts/b.md:2:8: warning: the title names US (region na), which this post does not set: add it to region:, or reword the title`,
		}},
		{"an empty body, or only the placeholder comment", "", map[string]string{
			"a.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\n", "\n  \n"),
			"b.md": postText("region: na\nservice: store\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\n", "<!-- Say what readers need to know. -->\n"),
		}, []string{
			`content/posts/a.md:7:1: warning: the post has no text: readers see only its title and state`,
			`content/posts/b.md:7:1: warning: the post has no text: readers see only its title and state`,
		}},
		{"links on a site under a path", strings.Replace(sitetest.Site, "https://status.example.com/", "https://Example.com/status/", 1), map[string]string{
			"a.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\n",
				"[Japan](/regions/jp/), [ok](/status/regions/jp/?x=1#top), [gone](https://example.com/status/regions/xx/),\n[elsewhere](/about/) and [mail](mailto:x@example.com).\n"),
		}, []string{
			`content/posts/a.md:7:9: warning: link to /regions/jp/ lies outside the site, which is under /status/: write /status/regions/jp/, or a link relative to the page`,
			`content/posts/a.md:7:66: warning: link to https://example.com/status/regions/xx/: this site has no such page`,
		}},
		{"links to pages the site lacks", "", map[string]string{
			"a.md": postText("region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\n",
				"See [Europe](../../regions/eu/),\nthe ![map](/assets/map.png) and https://status.example.com/services/psn/ and\n<https://status.example.com/regions/na/> and [elsewhere](https://example.org/x).\n"),
		}, []string{
			`content/posts/a.md:7:14: warning: link to https://status.example.com/regions/eu/: this site has no such page`,
			`content/posts/a.md:8:12: warning: link to https://status.example.com/assets/map.png: this site has no such page`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := tc.site
			if site == "" {
				site = sitetest.Site
			}
			got := warn(t, site, tc.posts)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
