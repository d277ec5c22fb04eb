package source

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"statusgen/internal/sitetest"
)

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"Payments API errors", "payments-api-errors"},
		{"Café: Zahlungen langsam", "cafe-zahlungen-langsam"},
		{"Grüße aus Köln: Straße gesperrt", "grusse-aus-koln-strasse-gesperrt"},
		{"Ærø, Øresund, Łódź, Dvořák, Şişli, Țară", "aero-oresund-lodz-dvorak-sisli-tara"},
		{"ŒUVRE ÉTÉ İSTANBUL ẞ", "oeuvre-ete-istanbul-ss"},
		{"Cafe\u0301 decomposed", "cafe-decomposed"}, // e and a combining accent
		{"Hà Nội: mất kết nối", "ha-noi-mat-ket-noi"},
		{"Þingvellir and Ðakovo; ĳs, ŋ", "thingvellir-and-dakovo-ijs-ng"},
		{"Slow 🐢    sign-in", "slow-sign-in"},
		{"  --Down!!  ", "down"},
		{"v2.1 API: 503s", "v2-1-api-503s"},
		{"日本でPlayStation Networkを再開", "playstation-network"},
		{"復旧しました", ""},
		{"Σφάλμα δικτύου", ""},
		{"Сбой сети", ""},
		{"عطل في الشبكة", ""},
		{"", ""},
		{"!!! ???", ""},
		// at most MaxSlug characters, cut between words
		{strings.Repeat("word ", 30), strings.TrimSuffix(strings.Repeat("word-", 12), "-")},
		// one word longer than that is cut
		{strings.Repeat("x", 100) + " more", strings.Repeat("x", MaxSlug)},
	} {
		if got := slug(tc.title); got != tc.want {
			t.Errorf("slug(%q) = %q, want %q", tc.title, got, tc.want)
		}
		if got := slug(tc.title); len(got) > MaxSlug || !(got == "" || idPattern.MatchString(got)) {
			t.Errorf("slug(%q) = %q: not an id of at most %d characters", tc.title, got, MaxSlug)
		}
	}
}

// The table maps only lowercase letters to lowercase ASCII.
func TestLatinTable(t *testing.T) {
	for r, s := range latin {
		if r < 0x80 || strings.ToLower(string(r)) != string(r) {
			t.Errorf("%q (%U) is in the table but not a lowercase non-ASCII letter", r, r)
		}
		if s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("%q maps to %q", r, s)
		}
	}
}

const composeSite = sitetest.Site + `region_groups:
  - id: americas
    name: Americas
    regions: [na]
  - id: asia
    name: Asia
    regions: [jp]
`

// compose runs Compose on a site of posts (name under content/posts ->
// front-matter lines).
func compose(t *testing.T, n NewPost, posts map[string]string) (*Draft, error) {
	t.Helper()
	fsys := fstest.MapFS{SiteFile: {Data: []byte(composeSite)}}
	for name, fm := range posts {
		fsys["content/posts/"+name] = &fstest.MapFile{Data: []byte("---\n" + fm + "---\nText.\n")}
	}
	var errs ErrorList
	c := Load(fsys, "", &errs)
	c.Validate(&errs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return n.Compose(c)
}

func TestComposeChoosesOpenPairs(t *testing.T) {
	posts := map[string]string{
		"a.md": "region: all\nservice: all\nstate: major_outage\ntimestamp: 2011-05-01T00:00:00Z\nincident: x\n",
		"b.md": "region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-02T00:00:00Z\nincident: x\n",
		"c.md": "region: jp\nservice: psn\nstate: degraded\ntimestamp: 2011-05-03T00:00:00Z\nincident: x\n",
		"d.md": "region: na\nservice: store\nstate: operational\ntimestamp: 2011-05-04T00:00:00Z\nincident: x\ndraft: true\n",
	}
	at := time.Date(2011, 5, 5, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name             string
		region, service  []string
		state            string
		wantR, wantS     string
		wantFrom, errSub string
	}{
		// open: na/store (the draft does not count) and jp/psn
		{name: "restore, all open", state: "operational", errSub: `still has open: na/store, jp/psn; one post names a list of regions and one of services`},
		{name: "restore in a region", region: []string{"jp"}, state: "operational", wantR: "jp", wantS: "psn", wantFrom: `still open in incident "x"`},
		{name: "restore in a group", region: []string{"americas"}, state: "operational", wantR: "americas", wantS: "store"},
		{name: "restore of a service", service: []string{"store"}, state: "operational", wantR: "na", wantS: "store"},
		{name: "other states follow the latest update", state: "degraded", wantR: "jp", wantS: "psn", wantFrom: `as the latest update of incident "x", content/posts/c.md`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := compose(t, NewPost{Title: "Back", Region: tc.region, Service: tc.service, State: tc.state, Incident: "x", Time: at}, posts)
			if tc.errSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSub) {
					t.Fatalf("err = %v, want %q", err, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r, s := idList(d.Region), idList(d.Service); r != tc.wantR || s != tc.wantS {
				t.Errorf("region %s, service %s; want %s, %s", r, s, tc.wantR, tc.wantS)
			}
			if tc.wantFrom != "" && d.From[1] != tc.wantFrom {
				t.Errorf("from %q, want %q", d.From[1], tc.wantFrom)
			}
		})
	}
}

func TestComposeNothingOpen(t *testing.T) {
	posts := map[string]string{
		"a.md": "region: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-01T00:00:00Z\nincident: x\n",
		"b.md": "region: na\nservice: psn\nstate: operational\ntimestamp: 2011-05-02T00:00:00Z\nincident: x\n",
		// a window over by now is not open
		"m.md": "region: jp\nservice: psn\nstate: maintenance\ntimestamp: 2011-05-01T00:00:00Z\nuntil: 2011-05-01T02:00:00Z\nincident: m\n",
	}
	at := time.Date(2011, 5, 5, 0, 0, 0, 0, time.UTC)
	for _, id := range []string{"x", "m"} {
		_, err := compose(t, NewPost{Title: "Back", State: "operational", Incident: id, Time: at}, posts)
		if err == nil || !strings.Contains(err.Error(), "has no region or service still open as of 2011-05-05T00:00:00Z") {
			t.Errorf("incident %s: err = %v", id, err)
		}
	}
	// Before the window ends it is open.
	d, err := compose(t, NewPost{Title: "Done early", State: "operational", Incident: "m", Time: at.AddDate(0, 0, -4).Add(time.Hour)}, posts)
	if err != nil || idList(d.Region) != "jp" {
		t.Errorf("during the window: %v, %v", d, err)
	}
}

func TestComposeSchedule(t *testing.T) {
	tokyo := time.FixedZone("", 9*3600)
	start := time.Date(2026, 12, 5, 1, 0, 0, 0, tokyo) // 2026-12-04 in UTC
	n := NewPost{Title: "Network maintenance", Region: []string{"jp"}, Service: []string{"psn"}, State: "maintenance", Time: start, Until: start.Add(2 * time.Hour)}
	d, err := compose(t, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Path != "content/posts/2026-12-05-0100-network-maintenance.md" {
		t.Errorf("path %s", d.Path)
	}
	for _, line := range []string{"timestamp: 2026-12-05T01:00:00+09:00\n", "until: 2026-12-05T03:00:00+09:00\n"} {
		if !strings.Contains(string(d.Text), line) {
			t.Errorf("text lacks %q:\n%s", line, d.Text)
		}
	}
	for _, tc := range []struct {
		change func(*NewPost)
		want   string
	}{
		{func(n *NewPost) { n.State = "degraded" }, "--until: only a maintenance window has an end"},
		{func(n *NewPost) { n.Until = n.Time }, "--until: 2026-12-05T01:00:00+09:00 is not after the window's start, 2026-12-05T01:00:00+09:00"},
		{func(n *NewPost) { n.Until = n.Time.Add(-time.Hour) }, "is not after the window's start"},
	} {
		m := n
		tc.change(&m)
		if _, err := compose(t, m, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

func TestComposeNames(t *testing.T) {
	at := time.Date(2024, 3, 2, 12, 4, 0, 0, time.FixedZone("", -5*3600))
	for _, tc := range []struct {
		n    NewPost
		want string
	}{
		{NewPost{Title: "Café: Zahlungen langsam", Region: []string{"na"}, Service: []string{"psn"}, State: "degraded"}, "2024-03-02-1204-cafe-zahlungen-langsam.md"},
		{NewPost{Title: "復旧しました", Region: []string{"na", "jp"}, Service: []string{"psn"}, State: "major_outage"}, "2024-03-02-1204-na-jp-psn-major-outage.md"},
		{NewPost{Title: "Σφάλμα", Region: []string{"all"}, Service: []string{"psn"}, State: "degraded", Incident: "net-2024"}, "2024-03-02-1204-net-2024.md"},
	} {
		tc.n.Time = at
		d, err := compose(t, tc.n, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d.Path != "content/posts/"+tc.want {
			t.Errorf("%q: %s, want %s", tc.n.Title, d.Path, tc.want)
		}
	}
}
