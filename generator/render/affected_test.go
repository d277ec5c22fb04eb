package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// incidentPage derives a site's status at now and returns the page of
// its incident id.
func incidentPage(t *testing.T, siteYAML string, posts map[string]string, now, id string) *Page {
	t.Helper()
	fsys := fstest.MapFS{source.SiteFile: {Data: []byte(siteYAML)}}
	for name, fm := range posts {
		fsys["content/"+name+".md"] = &fstest.MapFile{Data: []byte("---\n" + fm + "\n---\n")}
	}
	var errs source.ErrorList
	c := source.Load(fsys, "", &errs)
	c.Validate(&errs)
	theme := LoadTheme(c.Site, fsys, sitetest.Defaults, &errs)
	if len(errs) > 0 {
		t.Fatalf("content errors:\n%v", errs.Sort())
	}
	st := status.Derive(c.Site, c.Posts, sitetest.At(now))
	return NewBuild(st, theme, nil).incidentPage(st.View(st.Incident(id), status.Scope{}))
}

// affectedText writes the Affected lines as the default layout shows them,
// a name with its page as [Name](dir).
func affectedText(p *Page) []string {
	var out []string
	names := func(list []Name) string {
		var s []string
		for _, n := range list {
			if n.Dir() != "" {
				n.Text = "[" + n.Text + "](" + n.Dir() + ")"
			}
			s = append(s, n.Text)
		}
		return strings.Join(s, ", ")
	}
	for _, a := range p.Affected() {
		out = append(out, names(a.Regions)+": "+names(a.Services)+" — "+p.StateText(a.State))
	}
	return out
}

const groupedSite = `title: T
base_url: https://status.example.com/
regions:
  - {id: jp, name: Japan, services: [psn, video]}
  - {id: sa, name: South America}
  - {id: na, name: North America}
  - {id: eu, name: Europe}
services:
  - {id: psn, name: Network}
  - {id: store, name: Store}
  - {id: video, name: Video}
  - {id: music, name: Music}
`

func incidentPost(region, service, state, ts string, extra ...string) string {
	return strings.Join(append([]string{"region: " + region, "service: " + service, "state: " + state, "timestamp: " + ts, "incident: big"}, extra...), "\n")
}

// TestAffectedByState: each pair shows its own state, now while the
// incident is open and at worst once it is closed; regions with the same
// services in a state share a line, worst state first.
func TestAffectedByState(t *testing.T) {
	posts := map[string]string{
		"1": incidentPost("all", "all", "major_outage", "2011-05-01T00:00:00Z"),
		"2": incidentPost("[sa, na]", "[psn, store]", "operational", "2011-05-02T00:00:00Z"),
		"3": incidentPost("jp", "video", "degraded", "2011-05-03T00:00:00Z"),
		"4": incidentPost("all", "all", "operational", "2011-07-01T00:00:00Z"),
	}
	open := incidentPage(t, groupedSite, posts, "2011-06-01T00:00:00Z", "big")
	want := []string{
		"[Japan](regions/jp/): [Network](services/psn/) — Major outage",
		"[South America](regions/sa/), [North America](regions/na/): [Video](services/video/), [Music](services/music/) — Major outage",
		"[Europe](regions/eu/): [Network](services/psn/), [Store](services/store/), [Video](services/video/), [Music](services/music/) — Major outage",
		"[Japan](regions/jp/): [Video](services/video/) — Degraded performance",
		"[South America](regions/sa/), [North America](regions/na/): [Network](services/psn/), [Store](services/store/) — Operational",
	}
	if got := affectedText(open); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("open incident:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	closed := incidentPage(t, groupedSite, posts, "2011-08-01T00:00:00Z", "big")
	want = []string{
		"[Japan](regions/jp/): [Network](services/psn/), [Video](services/video/) — Major outage",
		"[South America](regions/sa/), [North America](regions/na/), [Europe](regions/eu/): [Network](services/psn/), [Store](services/store/), [Video](services/video/), [Music](services/music/) — Major outage",
	}
	if got := affectedText(closed); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("closed incident:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The page says which of the two it shows, in its language.
	for _, tt := range []struct {
		p    *Page
		want string
	}{{open, "<dt>Affected, state now</dt>"}, {closed, "<dt>Affected, worst state</dt>"}} {
		var buf bytes.Buffer
		if err := tt.p.b.page(tt.p)(&buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), tt.want) {
			t.Errorf("the incident page lacks %s", tt.want)
		}
	}
}

// TestAffectedMaintenanceOver: in an open incident, a pair whose
// maintenance window is over is operational now; once the incident is
// closed, maintenance was its worst.
func TestAffectedMaintenanceOver(t *testing.T) {
	posts := map[string]string{
		"1": incidentPost("jp", "psn", "maintenance", "2011-05-01T00:00:00Z", "until: 2011-05-01T02:00:00Z"),
		"2": incidentPost("eu", "psn", "partial_outage", "2011-05-01T01:00:00Z"),
	}
	got := affectedText(incidentPage(t, groupedSite, posts, "2011-05-02T00:00:00Z", "big"))
	want := []string{
		"[Europe](regions/eu/): [Network](services/psn/) — Partial outage",
		"[Japan](regions/jp/): [Network](services/psn/) — Operational",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("open incident:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAffectedLarge: an incident over a thousand regions stays a few
// lines, every region, a whole group by its name, and never more names
// than it has pairs, however its posts split the regions.
func TestAffectedLarge(t *testing.T) {
	var site strings.Builder
	site.WriteString("title: T\nbase_url: https://status.example.com/\nregions:\n")
	for i := range 1000 {
		fmt.Fprintf(&site, "  - {id: r%d, name: R%d}\n", i, i)
	}
	site.WriteString("services:\n  - {id: a, name: A}\n  - {id: b, name: B}\n  - {id: c, name: C}\nregion_groups:\n")
	var odd []string
	for g := range 10 {
		fmt.Fprintf(&site, "  - id: g%d\n    name: Group %d\n    regions: [", g, g)
		for i := g * 100; i < (g+1)*100; i++ {
			if i > g*100 {
				site.WriteString(", ")
			}
			fmt.Fprintf(&site, "r%d", i)
			if i%2 == 1 {
				odd = append(odd, fmt.Sprintf("r%d", i))
			}
		}
		site.WriteString("]\n")
	}
	posts := map[string]string{
		"1": incidentPost("all", "all", "major_outage", "2011-05-01T00:00:00Z"),
		"2": incidentPost("g0", "a", "operational", "2011-05-02T00:00:00Z"),
		"3": incidentPost("["+strings.Join(odd, ", ")+"]", "b", "degraded", "2011-05-03T00:00:00Z"),
	}
	all := affectedText(incidentPage(t, site.String(), map[string]string{"1": posts["1"]}, "2011-06-01T00:00:00Z", "big"))
	if want := "All regions: [A](services/a/), [B](services/b/), [C](services/c/) — Major outage"; len(all) != 1 || all[0] != want {
		t.Errorf("everything down: %q, want %q", all, want)
	}

	p := incidentPage(t, site.String(), posts, "2011-06-01T00:00:00Z", "big")
	got := p.Affected()
	names := 0
	for _, a := range got {
		names += len(a.Regions) + len(a.Services)
	}
	// Major outage: four sets of services (with or without A, B); then
	// the odd regions' B degraded; then group 0's A operational.
	if len(got) != 6 || names > len(p.Incident.InScope) {
		t.Errorf("%d lines of %d names for %d pairs; want 6 lines, no more names than pairs", len(got), names, len(p.Incident.InScope))
	}
	if last := affectedText(p)[len(got)-1]; last != "[Group 0](regions/g0/): [A](services/a/) — Operational" {
		t.Errorf("last line %q, want group 0 by its name", last)
	}
}

// TestAffectedStringsTranslated: the words saying which state the Affected
// line shows are in every language statusgen ships.
func TestAffectedStringsTranslated(t *testing.T) {
	files, err := fs.Glob(sitetest.Defaults, "layouts/i18n/*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("language files %v: %v", files, err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(sitetest.Defaults, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"affected", "affected_now", "affected_worst"} {
			if !regexp.MustCompile(`(?m)^` + key + `: \S`).Match(data) {
				t.Errorf("%s lacks %s", f, key)
			}
		}
	}
}
