package build

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

func smallSite(extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		source.SiteFile:   {Data: []byte(sitetest.Site)},
		"content/down.md": {Data: []byte("---\nregion: jp\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00Z\n---\nDown.\n")},
	}
	for p, s := range extra {
		fsys[p] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}

func TestLayoutOverride(t *testing.T) {
	out := build(t, smallSite(map[string]string{
		"layouts/404.html":     `{{template "base" .}}{{define "main"}}<p>Lost? {{.T "back_to_overview"}}</p>{{end}}`,
		"assets/style.css":     "body{color:red}",
		"assets/extra.txt":     "hello",
		"layouts/i18n/en.yaml": "back_to_overview: Go home\n",
	}), Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	if got := string(out["404.html"]); !strings.Contains(got, "<p>Lost? Go home</p>") {
		t.Errorf("the site's 404 layout or UI string was not used:\n%s", got)
	}
	if !strings.Contains(string(out["index.html"]), "Skip to content") {
		t.Error("a UI string missing from the site's en.yaml did not fall back to the default")
	}
	var css, extra bool
	for p, data := range out {
		css = css || (strings.HasPrefix(p, "assets/style.") && string(data) == "body{color:red}")
		extra = extra || strings.HasPrefix(p, "assets/extra.")
	}
	if !css || !extra {
		t.Errorf("site assets not used: style %v, extra %v", css, extra)
	}
}

// TestNewLanguage: a language is added by a strings file alone; a string
// it lacks is shown in English.
func TestNewLanguage(t *testing.T) {
	fsys := smallSite(map[string]string{"layouts/i18n/sv.yaml": "services_heading: Tjänster\n"})
	fsys[source.SiteFile].Data = []byte(strings.Replace(sitetest.Site, "language: ja", "language: sv", 1))
	jp := string(build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})["regions/jp/index.html"])
	for _, want := range []string{`<html lang="sv" dir="ltr">`, `>Tjänster</h2>`, `>Open incidents</h2>`} {
		if !strings.Contains(jp, want) {
			t.Errorf("the Swedish region page lacks %s", want)
		}
	}
}

func TestLayoutErrorsArePositioned(t *testing.T) {
	tests := map[string]string{
		"{{template \"base\" .}}\n{{define \"main\"}}\n{{.Nope}}\n{{end}}":                              `layouts/404.html:3:3: executing "main" at <.Nope>: can't evaluate field Nope in type *render.Page`,
		"{{template \"base\" .}}\n{{define \"main\"}}\n日本 {{.Nope}}\n{{end}}":                           `layouts/404.html:3:6: executing "main" at <.Nope>`,
		"{{template \"base\" .}}\n{{define \"main\"}}\n{{if}}\n{{end}}":                                 `layouts/404.html:3:1: missing value for if`,
		"{{template \"base\" .}}{{define \"main\"}}{{.T \"no_such\"}}{{end}}":                           `layouts/404.html:1:41: executing "main" at <.T>: error calling T: no UI string "no_such" in layouts/i18n/en.yaml`,
		"{{template \"base\" .}}{{define \"main\"}}{{end}}{{define \"site-header\"}}\n{{.Nope}}{{end}}": `layouts/404.html:2:3: executing "site-header" at <.Nope>: can't evaluate field Nope in type *render.Page`,
		"{{template \"base\" .}}{{define \"main\"}}{{partialCached \"nope\" .}}{{end}}":                 `layouts/404.html:1:41: executing "main" at <partialCached "nope" .>: error calling partialCached: html/template: "nope" is undefined`,
	}
	for layout, want := range tests {
		opts := Options{Site: smallSite(map[string]string{"layouts/404.html": layout}), Defaults: sitetest.Defaults, Now: sitetest.At("2011-05-01T00:00:00Z")}
		_, err := Generate(opts, func(string, []byte) error { return nil })
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("layout %q: error\n%v\nwant one starting\n%s", layout, err, want)
		}
	}
}

// TestPartialCached: a partial is rendered once for each list of
// variants, and each list gets its own.
func TestPartialCached(t *testing.T) {
	fsys := smallSite(map[string]string{
		"layouts/partials/site-header.html": `{{define "site-header"}}<p class="h">{{.Rel}}</p>{{end}}`,
		// A kind's own layout may define the partial anew.
		"layouts/404.html": `{{template "base" .}}{{define "main"}}{{end}}{{define "site-header"}}<p class="h">lost</p>{{end}}`,
		"content/na-1.md":  "---\nregion: na\nservice: psn\nstate: degraded\ntimestamp: 2011-04-21T16:00:00Z\n---\nSlow.\n",
		"content/na-2.md":  "---\nregion: na\nservice: store\nstate: degraded\ntimestamp: 2011-04-22T16:00:00Z\n---\nSlow.\n",
	})
	out := build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	header := func(p string) string {
		_, after, _ := strings.Cut(string(out[p]), `<p class="h">`)
		before, _, _ := strings.Cut(after, "</p>")
		return before
	}
	// The default base keys the header on language, kind, region and
	// service.
	if jp, na := header("regions/jp/index.html"), header("regions/na/index.html"); jp != "regions/jp/" || na != "regions/na/" {
		t.Errorf("region pages share a header or miss theirs: %q, %q", jp, na)
	}
	if psn, store := header("services/psn/index.html"), header("services/store/index.html"); psn != "services/psn/" || store != "services/store/" {
		t.Errorf("service pages share a header or miss theirs: %q, %q", psn, store)
	}
	if lost := header("404.html"); lost != "lost" {
		t.Errorf("the 404 layout's own header was not used: %q", lost)
	}
	one, two := header("incidents/na-1/index.html"), header("incidents/na-2/index.html")
	if one != two || !strings.HasPrefix(one, "incidents/na-") {
		t.Errorf("English incident pages should share the header rendered first: %q, %q", one, two)
	}
	if jp := header("incidents/down/index.html"); jp != "incidents/down/" {
		t.Errorf("the Japanese incident page has the header %q", jp)
	}
}

func TestHistoryPages(t *testing.T) {
	extra := map[string]string{}
	for i := range 45 {
		extra[fmt.Sprintf("content/i%02d.md", i)] = fmt.Sprintf("---\nregion: na\nservice: store\nstate: degraded\ntimestamp: 2011-03-%02dT10:00:00Z\n---\n", i%28+1)
	}
	out := build(t, smallSite(extra), Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	count := func(page string) int { return strings.Count(string(out[page]), `<li class="incident">`) }
	// 46 incidents: cut from the oldest, history/ holds the 6 newest,
	// page 3 the next 20 and page 2 the oldest 20.
	if count("history/index.html") != 6 || count("history/page/3/index.html") != 20 || count("history/page/2/index.html") != 20 {
		t.Errorf("history pages hold %d, %d, %d incidents; want 6, 20, 20",
			count("history/index.html"), count("history/page/3/index.html"), count("history/page/2/index.html"))
	}
	if _, ok := out["history/page/4/index.html"]; ok {
		t.Error("an empty fourth history page")
	}
	links := map[string][]string{
		"history/index.html":        {`<a rel="next" href="/history/page/3/">`},
		"history/page/3/index.html": {`<a rel="prev" href="/history/">`, `<a rel="next" href="/history/page/2/">`},
		"history/page/2/index.html": {`<a rel="prev" href="/history/page/3/">`},
	}
	for page, want := range links {
		for _, w := range want {
			if !strings.Contains(string(out[page]), w) {
				t.Errorf("%s lacks %s", page, w)
			}
		}
	}
	// One more incident changes history/ only; the older pages stay.
	extra["content/one-more.md"] = "---\nregion: na\nservice: store\nstate: degraded\ntimestamp: 2011-04-30T10:00:00Z\n---\n"
	more := build(t, smallSite(extra), Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	if bytes.Equal(more["history/index.html"], out["history/index.html"]) ||
		!bytes.Equal(more["history/page/2/index.html"], out["history/page/2/index.html"]) ||
		!bytes.Equal(more["history/page/3/index.html"], out["history/page/3/index.html"]) {
		t.Error("a new incident changed history pages other than the first")
	}
}

func TestSubpath(t *testing.T) {
	out := build(t, smallSite(nil), Options{Now: sitetest.At("2011-05-01T00:00:00Z"), BaseURL: "https://example.com/status"})
	index := string(out["index.html"])
	for _, want := range []string{`href="/status/regions/jp/"`, `href="/status/assets/style.`, `<link rel="canonical" href="https://example.com/status/">`} {
		if !strings.Contains(index, want) {
			t.Errorf("index lacks %s", want)
		}
	}
	if strings.Contains(index, `href="/regions/`) {
		t.Error("a link misses the base path")
	}
	if !strings.Contains(string(out["sitemap.xml"]), "<loc>https://example.com/status/incidents/down/</loc>") {
		t.Errorf("sitemap lacks the absolute incident URL:\n%s", out["sitemap.xml"])
	}
}

func TestUnsafeHTML(t *testing.T) {
	body := "---\nregion: na\nservice: psn\nstate: degraded\ntimestamp: 2011-04-20T16:00:00Z\n---\n<b>bold</b> [x](javascript:alert(1))\n"
	safe := build(t, smallSite(map[string]string{"content/x.md": body}), Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	page := string(safe["incidents/x/index.html"])
	if strings.Contains(page, "<b>bold</b>") || strings.Contains(page, "javascript:") {
		t.Errorf("raw HTML or a javascript: link got through:\n%s", page)
	}
	// Raw HTML is let through; script addresses in Markdown are not.
	attacks := body + strings.Join(markdownAttacks[:9], "\n\n") + "\n"
	fsys := smallSite(map[string]string{"content/x.md": attacks})
	fsys[source.SiteFile] = &fstest.MapFile{Data: []byte(sitetest.Site + "unsafe_html: true\n")}
	unsafe := build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	if !strings.Contains(string(unsafe["incidents/x/index.html"]), "<b>bold</b>") {
		t.Error("unsafe_html: true did not let raw HTML through")
	}
	for _, p := range []string{"incidents/x/index.html", "feed.xml", "atom.xml"} {
		problems := inertHTML(unsafe[p], false)
		if strings.HasSuffix(p, ".xml") {
			problems = inertFeed(unsafe[p])
		}
		for _, problem := range problems {
			t.Errorf("unsafe_html: %s: %s", p, problem)
		}
	}
}

// TestAssetNameWithControlCharacter: such a name cannot be an address nor
// a line of the marker's list; the build refuses it.
func TestAssetNameWithControlCharacter(t *testing.T) {
	fsys := smallSite(map[string]string{"assets/a\nb.txt": "x"})
	_, err := Generate(Options{Site: fsys, Defaults: sitetest.Defaults, Now: sitetest.At("2011-05-01T00:00:00Z")}, func(string, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `assets:1:1: cannot read assets: "assets/a\nb.txt": a file name with a control character`) {
		t.Errorf("error %v", err)
	}
}

// TestRegionalLanguage: a tag such as de-CH takes its primary language's
// strings, and its own over them.
func TestRegionalLanguage(t *testing.T) {
	fsys := smallSite(map[string]string{
		"layouts/i18n/de.yaml":    "services_heading: Dienste\nopen_incidents: Offene Störungen\n",
		"layouts/i18n/de-CH.yaml": "services_heading: Dienschte\n",
	})
	fsys[source.SiteFile].Data = []byte(strings.Replace(sitetest.Site, "language: ja", "language: de-CH", 1))
	jp := string(build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})["regions/jp/index.html"])
	for _, want := range []string{`<html lang="de-CH" dir="ltr">`, `>Dienschte</h2>`, `>Offene Störungen</h2>`} {
		if !strings.Contains(jp, want) {
			t.Errorf("the Swiss German region page lacks %s", want)
		}
	}
}

// TestRightToLeft: a page in a language written right to left says so on
// <html>, whatever strings it has; the site's other pages stay left to
// right.
func TestRightToLeft(t *testing.T) {
	fsys := smallSite(map[string]string{"layouts/i18n/ar.yaml": "services_heading: الخدمات\n"})
	fsys[source.SiteFile].Data = []byte(strings.Replace(sitetest.Site, "language: ja", "language: ar", 1))
	out := build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	for page, want := range map[string]string{
		"regions/jp/index.html": `<html lang="ar" dir="rtl">`,
		"regions/na/index.html": `<html lang="en" dir="ltr">`,
		"index.html":            `<html lang="en" dir="ltr">`,
		"404.html":              `<html lang="en" dir="ltr">`,
	} {
		if !strings.Contains(string(out[page]), want) {
			t.Errorf("%s lacks %s", page, want)
		}
	}
}
