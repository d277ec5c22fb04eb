package source

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

var testSite = sitetest.Site

// check loads and validates files (path -> text) and returns the sorted
// error lines.
func check(t *testing.T, files map[string]string) []string {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, text := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(text)}
	}
	var errs ErrorList
	c := Load(fsys, "", &errs)
	c.Validate(&errs)
	var lines []string
	for _, e := range errs.Sort() {
		lines = append(lines, e.Error())
	}
	return lines
}

func TestPostErrors(t *testing.T) {
	tests := []struct {
		name, post string
		want       []string
	}{
		{"valid", "---\nregion: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00-07:00\n---\nBody.\n", nil},
		{"no front-matter", "region: na\n", []string{"content/p.md:1:1: missing front-matter: a post starts with a line of three hyphens (---)"}},
		{"unterminated", "---\nregion: na\nservice: psn\n", []string{"content/p.md:1:1: unterminated front-matter: no closing --- line after this opening one"}},
		{"empty file", "", []string{"content/p.md:1:1: empty file: a post needs front-matter between --- lines"}},
		{"empty front-matter", "---\n---\n", []string{"content/p.md:1:1: empty YAML: expected key: value lines"}},
		{"invalid YAML line mapped", "---\nregion: na\nservice: psn\nstate: [major\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{"content/p.md:4:1: invalid YAML: did not find expected ',' or ']'"}},
		{"invalid YAML in a block list", "---\nregion:\n  - na\n - jp\nservice: psn\n---\n",
			[]string{`content/p.md:4:2: invalid YAML: this "- " is not lined up with the items of the list above: start every "- " of a list in the same column`}},
		{"invalid YAML scanner error", "---\nregion: na\nservice: psn: x\n---\n",
			[]string{`content/p.md:3:13: invalid YAML: the ": " in the value of service makes YAML read it as another key: write each key: value on a line of its own`}},
		{"the first instant taken: times compared only when given", "---\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 1970-01-01T00:00:00Z\nuntil: 1970-01-01T00:00:00Z\n---\n",
			[]string{"content/p.md:6:8: until: must be after timestamp 1970-01-01T00:00:00Z"}},
		{"tab indentation", "---\nregion: na\n\tservice: psn\n---\n", []string{"content/p.md:3:1: invalid YAML: a tab before the text: YAML lines are indented with spaces only; replace the tab with spaces"}},
		{"missing keys at opening fence", "---\ntitle: x\nregion: na\n---\n", []string{
			`content/p.md:1:1: missing required key "service"`,
			`content/p.md:1:1: missing required key "state"`,
			`content/p.md:1:1: missing required key "timestamp"`}},
		{"unknown key with hint, not also missing", "---\nregion: na\nservice: psn\nstate: operational\ntimestmp: 2011-04-20T16:00:00Z\n---\n", []string{
			`content/p.md:5:1: unknown key "timestmp" (did you mean "timestamp"?); known keys: title, region, service, state, timestamp, incident, stage, until, announced, draft, language`}},
		{"language not a tag", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\nlanguage: Japanese\n---\n",
			[]string{`content/p.md:6:11: language: "Japanese" is not a language tag such as en or ja`}},
		{"unknown region in list", "---\nregion: [na, jpn]\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:2:14: unknown region "jpn" (did you mean "jp"?)`}},
		{"unknown service", "---\nregion: na\nservice: stor\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:3:10: unknown service "stor" (did you mean "store"?)`}},
		{"service not offered", "---\nregion: jp\nservice: [psn, store]\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:3:16: region "jp" does not offer service "store" (its services: psn)`}},
		{"all with others", "---\nregion: [all, na]\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:2:9: region: all already means every region; list no others beside it`}},
		{"invalid state", "---\nregion: na\nservice: psn\nstate: down\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:4:8: state: "down" is not a state; use one of operational, maintenance, degraded, partial_outage, major_outage`}},
		{"state typo", "---\nregion: na\nservice: psn\nstate: major-outage\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:4:8: state: "major-outage" is not a state (did you mean "major_outage"?); use one of operational, maintenance, degraded, partial_outage, major_outage`}},
		{"state of wrong type", "---\nregion: na\nservice: psn\nstate: [a]\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:4:8: state: expected text, found a list`}},
		{"region number", "---\nregion: 5\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:2:9: region: expected text, found the number "5"`}},
		{"invalid stage", "---\nregion: na\nservice: psn\nstate: operational\nstage: fixed\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:5:8: stage: "fixed" is not a stage; use one of investigating, identified, monitoring, resolved`}},
		{"timestamp without offset", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00\n---\n",
			[]string{`content/p.md:5:12: timestamp: "2011-04-20T16:00:00" is not an RFC 3339 time with an offset, such as 2011-05-14T23:00:00-07:00 or 2011-05-15T06:00:00Z`}},
		{"timestamp words", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: yesterday\n---\n",
			[]string{`content/p.md:5:12: timestamp: "yesterday" is not an RFC 3339 time with an offset, such as 2011-05-14T23:00:00-07:00 or 2011-05-15T06:00:00Z`}},
		{"timestamp before 1970", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 0000-01-01T00:00:00+23:59\n---\n",
			[]string{`content/p.md:5:12: timestamp: "0000-01-01T00:00:00+23:59" is outside the years 1970 to 9999 (in UTC) that statusgen takes`}},
		{"timestamp past 9999 in UTC", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 9999-12-31T23:30:00-01:00\n---\n",
			[]string{`content/p.md:5:12: timestamp: "9999-12-31T23:30:00-01:00" is outside the years 1970 to 9999 (in UTC) that statusgen takes`}},
		{"leap second accepted", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2016-12-31T23:59:60Z\n---\n", nil},
		{"leap second only at the end of a UTC day", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2016-12-31T12:00:60Z\n---\n",
			[]string{`content/p.md:5:12: timestamp: "2016-12-31T12:00:60Z" is not an RFC 3339 time with an offset, such as 2011-05-14T23:00:00-07:00 or 2011-05-15T06:00:00Z`}},
		{"leap second in another zone", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2017-01-01T08:59:60+09:00\n---\n", nil},
		{"second 61 refused", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2016-12-31T23:59:61Z\n---\n",
			[]string{`content/p.md:5:12: timestamp: "2016-12-31T23:59:61Z" is not an RFC 3339 time with an offset, such as 2011-05-14T23:00:00-07:00 or 2011-05-15T06:00:00Z`}},
		{"until outside maintenance", "---\nregion: na\nservice: psn\nstate: degraded\ntimestamp: 2011-04-20T16:00:00Z\nuntil: 2011-04-20T18:00:00Z\n---\n",
			[]string{`content/p.md:6:8: until: only a post in state maintenance has an end time`}},
		{"until before start", "---\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-04-20T16:00:00Z\nuntil: 2011-04-20T15:00:00Z\n---\n",
			[]string{`content/p.md:6:8: until: must be after timestamp 2011-04-20T16:00:00Z`}},
		{"bad incident id", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\nincident: PSN Outage\n---\n",
			[]string{`content/p.md:6:11: incident id "PSN Outage": use only lowercase letters, digits and hyphens`}},
		{"duplicate key", "---\nregion: na\nregion: jp\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:3:1: duplicate key "region"`}},
		{"id listed twice", "---\nregion: [na, na]\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:2:14: region "na" listed twice`}},
		{"empty list", "---\nregion: na\nservice: []\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
			[]string{`content/p.md:3:10: service: expected an id or a list of ids, found an empty list`}},
		{"until checked even when timestamp is bad", "---\nregion: na\nservice: psn\nstate: degraded\ntimestamp: soon\nuntil: 2011-04-20T18:00:00Z\n---\n", []string{
			`content/p.md:5:12: timestamp: "soon" is not an RFC 3339 time with an offset, such as 2011-05-14T23:00:00-07:00 or 2011-05-15T06:00:00Z`,
			`content/p.md:6:8: until: only a post in state maintenance has an end time`}},
		{"incident id that looks like a date", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\nincident: 2011-04-20\n---\n", nil},
		{"invalid UTF-8", "---\nregion: na\ntitle: caf\xe9\n---\n", []string{"content/p.md:3:11: invalid UTF-8: save the file as UTF-8"}},
		{"NUL byte", "---\nregion: n\x00a\n---\n", []string{"content/p.md:2:10: NUL byte: this looks like a binary file, not Markdown"}},
		{"lone CR line ends accepted", "---\rregion: na\rservice: psn\rstate: operational\rtimestamp: 2011-04-20T16:00:00Z\r---\rBody\r", nil},
		{"lone CR line ends positioned", "---\rregion: na\rservice: psn\rstate: down\rtimestamp: 2011-04-20T16:00:00Z\r---\r",
			[]string{`content/p.md:4:8: state: "down" is not a state; use one of operational, maintenance, degraded, partial_outage, major_outage`}},
		{"NUL after lone CRs on its line", "---\rregion: na\rtitle: a\x00b\r---\r", []string{"content/p.md:3:9: NUL byte: this looks like a binary file, not Markdown"}},
		{"BOM and CRLF accepted", "\uFEFF---\r\nregion: na\r\nservice: psn\r\nstate: operational\r\ntimestamp: 2011-04-20T16:00:00Z\r\n---\r\nBody\r\n", nil},
		{"hyphens in body accepted", "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\nOne\n\n---\n\nTwo\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, map[string]string{SiteFile: testSite, "content/p.md": tt.post})
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSiteErrors(t *testing.T) {
	tests := []struct {
		name, site string
		want       []string
	}{
		{"valid", testSite, nil},
		{"empty", "", []string{"content/site.yaml:1:1: empty YAML: expected key: value lines"}},
		{"invalid UTF-8 where it stands", testSite + "description: caf\xe9\n", []string{
			fmt.Sprintf("content/site.yaml:%d:17: invalid UTF-8: save the file as UTF-8", strings.Count(testSite, "\n")+1)}},
		{"NUL byte where it stands", "title: a\x00\n", []string{"content/site.yaml:1:9: NUL byte: this looks like a binary file, not YAML"}},
		{"missing keys", "description: x\n", []string{
			`content/site.yaml:1:1: missing required key "base_url"`,
			`content/site.yaml:1:1: missing required key "title"`,
			`content/site.yaml:1:1: regions: declare at least one region`,
			`content/site.yaml:1:1: services: declare at least one service`}},
		{"unknown key", strings.Replace(testSite, "base_url:", "baseurl:", 1), []string{
			`content/site.yaml:2:1: unknown key "baseurl" (did you mean "base_url"?); known keys: title, description, base_url, home_url, support_url, language, timezone, feed_limit, stale_incident_days, websub_hub, unsafe_html, regions, services, region_groups, service_groups, deploy, notify`}},
		{"relative base_url", strings.Replace(testSite, "https://status.example.com/", "/status/", 1),
			[]string{`content/site.yaml:2:11: base_url: "/status/" is not an absolute http or https URL`}},
		{"bad ids", strings.NewReplacer("id: na", "id: ../x", "id: store", "id: Store").Replace(testSite), []string{
			`content/site.yaml:4:9: region id "../x": use only lowercase letters, digits and hyphens`,
			`content/site.yaml:14:9: service id "Store": use only lowercase letters, digits and hyphens`}},
		{"reserved id", strings.Replace(testSite, "id: na", "id: all", 1),
			[]string{`content/site.yaml:4:9: region id "all" is reserved: it stands for every region`}},
		{"duplicate id", strings.Replace(testSite, "id: jp", "id: na", 1),
			[]string{`content/site.yaml:6:9: duplicate region id "na"`}},
		{"bad zone", strings.Replace(testSite, "Asia/Tokyo", "Asia/Tokio", 1),
			[]string{`content/site.yaml:8:15: timezone: "Asia/Tokio" is not an IANA time zone such as UTC or Asia/Tokyo`}},
		{"bad language", strings.Replace(testSite, "language: ja", "language: Japanese", 1),
			[]string{`content/site.yaml:9:15: language: "Japanese" is not a language tag such as en or ja`}},
		{"unknown offered service", strings.Replace(testSite, "services: [psn]", "services: [psm]", 1),
			[]string{`content/site.yaml:10:16: region "jp": unknown service "psm" (did you mean "psn"?)`}},
		{"missing name", strings.Replace(testSite, "    name: Japan\n", "", 1),
			[]string{`content/site.yaml:6:5: region "jp": missing required key "name"`}},
		{"base_url with a query", strings.Replace(testSite, "https://status.example.com/", "https://status.example.com/?x=1", 1),
			[]string{`content/site.yaml:2:11: base_url: "https://status.example.com/?x=1" has a query or fragment; give the address of a folder`}},
		{"service listed twice", strings.Replace(testSite, "services: [psn]", "services: [psn, psn]", 1),
			[]string{`content/site.yaml:10:21: region "jp": service "psn" listed twice`}},
		{"unclosed bracket on the last line", "title: x\nbase_url: [https://x/\n",
			[]string{`content/site.yaml:2:1: invalid YAML: did not find expected ',' or ']'`}},
		{"feed_limit type", testSite + "feed_limit: many\n",
			[]string{`content/site.yaml:16:13: feed_limit: expected a whole number, found the value "many"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, map[string]string{SiteFile: tt.site})
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestMissingSite(t *testing.T) {
	got := check(t, map[string]string{"content/p.md": "---\nregion: na\n---\n"})
	want := "content/site.yaml:1:1: missing site file: every site declares its title, regions and services in content/site.yaml"
	if strings.Join(got, "\n") != want {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

func TestIncidentCollisions(t *testing.T) {
	post := func(extra string) string {
		return "---\nregion: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00Z\n" + extra + "---\n"
	}
	got := check(t, map[string]string{
		SiteFile:                   testSite,
		"content/a/outage.md":      post(""),
		"content/b/outage.md":      post(""),
		"content/c/update.md":      post("incident: big\n"),
		"content/d/update.md":      post("incident: big\n"),
		"content/big.md":           post(""),
		"content/e/other-thing.md": post("incident: big\n"),
	})
	want := []string{
		`content/a/outage.md:1:1: incident id "outage", taken from the file name, is also used by content/b/outage.md; set incident: or rename the file`,
		`content/b/outage.md:1:1: incident id "outage", taken from the file name, is also used by content/a/outage.md; set incident: or rename the file`,
		`content/big.md:1:1: incident id "big", taken from the file name, is also used by content/c/update.md; set incident: or rename the file`,
		`content/d/update.md:1:1: update anchor "update" is also used by content/c/update.md in incident "big"; rename one file`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEditorLeftoversIgnored(t *testing.T) {
	for _, name := range []string{".#p.md", "p.md~", "p.md.swp", "p.md.swx", "#p.md#", "p.md.tmp", "p.md.bak", ".hidden/p.md"} {
		if !Ignored(strings.TrimPrefix(name, ".hidden/")) && name != ".hidden/p.md" {
			t.Errorf("Ignored(%q) = false", name)
		}
		got := check(t, map[string]string{SiteFile: testSite, "content/" + name: "garbage"})
		if len(got) > 0 {
			t.Errorf("%s was read: %v", name, got)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		s          string
		candidates []string
		want       string
	}{
		{"jpn", []string{"na", "jp"}, ` (did you mean "jp"?)`},
		{"biuld", []string{"build", "check"}, ` (did you mean "build"?)`},
		{"chekc", []string{"build", "check"}, ` (did you mean "check"?)`},
		{"timestmp", postKeys, ` (did you mean "timestamp"?)`},
		{"ot", []string{"site", "now"}, ""},
		{"ot", []string{"site", "out", "now"}, ` (did you mean "out"?)`},
		{"down", status.StateNames, ""},
	}
	for _, tt := range tests {
		if got := DidYouMean(tt.s, tt.candidates); got != tt.want {
			t.Errorf("DidYouMean(%q, %v) = %q, want %q", tt.s, tt.candidates, got, tt.want)
		}
	}
}

func TestPostNamedAll(t *testing.T) {
	got := check(t, map[string]string{SiteFile: testSite, "content/all.md": "---\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\n---\n"})
	want := `content/all.md:1:1: file name "all.md": all is reserved; name the file otherwise or set incident:`
	if strings.Join(got, "\n") != want {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

func TestStaleDaysChecked(t *testing.T) {
	got := check(t, map[string]string{SiteFile: testSite + "stale_incident_days: 0\n"})
	want := `content/site.yaml:16:22: stale_incident_days: must be at least 1`
	if len(got) != 1 || got[0] != want {
		t.Errorf("errors %q, want %q", got, want)
	}
}

// TestCloseBidi: what a name or title opens, it closes at its end,
// innermost first; closers without an opener, and balanced text, stay as
// they are.
func TestCloseBidi(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                "plain",
		"a\u202eb":             "a\u202eb\u202c",
		"a\u2067b\u202ac":      "a\u2067b\u202ac\u202c\u2069",
		"a\u2066b\u2069c":      "a\u2066b\u2069c",
		"\u2069x\u202c":        "\u2069x\u202c",
		"\u202ax\u2069":        "\u202ax\u2069\u202c",
		"\u2066\u202bx\u2069y": "\u2066\u202bx\u2069y",
		"\u202e\u202e\u202cx":  "\u202e\u202e\u202cx\u202c",
	} {
		if got := CloseBidi(in); got != want {
			t.Errorf("CloseBidi(%+q) = %+q, want %+q", in, got, want)
		}
	}
}

// TestUILanguages: a page's language needs UI strings, the defaults' or
// the site's, its own or its primary language's; the message lists those
// there are, whatever they are.
func TestUILanguages(t *testing.T) {
	defaults := fstest.MapFS{
		"layouts/i18n/en.yaml":     {Data: []byte("a: b\n")},
		"layouts/i18n/ja.yaml":     {Data: []byte("a: b\n")},
		"layouts/i18n/x.yaml~":     {Data: []byte("a: b\n")}, // an editor's backup
		"layouts/i18n/README":      {Data: []byte("no strings\n")},
		"layouts/i18n/no_tag.yaml": {Data: []byte("a: b\n")},
	}
	site := fstest.MapFS{"layouts/i18n/fr.yaml": {Data: []byte("a: b\n")}}
	langs := UILanguages(defaults, site, fstest.MapFS{})
	if got := strings.Join(langs, ","); got != "en,fr,ja" {
		t.Fatalf("UILanguages = %s, want en,fr,ja", got)
	}
	tests := []struct{ site, want string }{
		{"language: de\n", `content/site.yaml:3:11: language: no UI strings for "de"; the languages there are: en, fr, ja (or add layouts/i18n/de.yaml with its strings)`},
		{"language: fr\n", ""},
		{"language: en-GB\n", ""}, // English strings, lang="en-GB"
		{"language: de-CH\n", `content/site.yaml:3:11: language: no UI strings for "de-CH"; the languages there are: en, fr, ja (or add layouts/i18n/de.yaml with its strings)`},
		{"language: sr-Latn\n", `content/site.yaml:3:11: language: no UI strings for "sr-Latn"; the languages there are: en, fr, ja (or add layouts/i18n/sr-Latn.yaml with its strings)`},
		{"language: Deutsch\n", `content/site.yaml:3:11: language: "Deutsch" is not a language tag such as en or ja`},
		{"", ""},
		{"regions:\n  - id: r\n    name: R\n    language: pt\nservices:\n  - id: s\n    name: S\n", `content/site.yaml:6:15: language: no UI strings for "pt"; the languages there are: en, fr, ja (or add layouts/i18n/pt.yaml with its strings)`},
	}
	for _, tt := range tests {
		yml := "title: T\nbase_url: https://example.com/\n" + tt.site
		if !strings.Contains(tt.site, "regions:") {
			yml += "regions:\n  - id: r\n    name: R\nservices:\n  - id: s\n    name: S\n"
		}
		fsys := fstest.MapFS{SiteFile: {Data: []byte(yml)}}
		var errs ErrorList
		ReadSite(fsys, "", langs, &errs)
		if got := errs.Sort().Error(); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.site, got, tt.want)
		}
		errs = nil
		ReadSite(fsys, "", nil, &errs) // nil: not checked
		if len(errs) > 0 && !strings.Contains(tt.want, "not a language tag") {
			t.Errorf("%q unchecked: %v", tt.site, errs)
		}
	}
}

// TestStringsFiles: a tag takes the strings of the languages that serve
// it, the more general first, whatever its case.
func TestStringsFiles(t *testing.T) {
	ui := []string{"de", "de-CH", "en", "ja", "pt-BR", "zh-Hans", "zh-Hant"}
	tests := []struct{ lang, want string }{
		{"de", "de"},
		{"de-CH", "de,de-CH"},
		{"de-AT", "de"},
		{"DE-ch", "de,de-CH"},
		{"zh-TW", "zh-Hant"},
		{"zh-HK", "zh-Hant"},
		{"zh-Hant-HK", "zh-Hant"},
		{"zh-hant-tw", "zh-Hant"},
		{"zh-CN", "zh-Hans"},
		{"zh-SG", "zh-Hans"},
		{"zh", "zh-Hans"},
		{"pt", "pt-BR"},
		{"en-GB", "en"},
		{"ja-JP", "ja"},
		{"sv", ""},
		{"fr", ""},
		{"ko", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(StringsFiles(tt.lang, ui), ","); got != tt.want {
			t.Errorf("StringsFiles(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := CanonicalLanguage("zh-hant-tw"); got != "zh-Hant-TW" {
		t.Errorf("CanonicalLanguage(zh-hant-tw) = %q", got)
	}
}
