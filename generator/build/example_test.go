package build

import (
	"bytes"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// example is the repository's own site: the 2011 PlayStation Network story.
func example(t *testing.T, now string) *status.Status {
	t.Helper()
	var errs source.ErrorList
	c := source.Load(os.DirFS(sitetest.Root()), "", &errs)
	c.Validate(&errs)
	if len(errs) > 0 {
		t.Fatalf("the example site has errors:\n%v", errs.Sort())
	}
	if n := len(c.Posts); n < 12 || n > 20 {
		t.Errorf("the example has %d posts; it tells its story in 12 to 20", n)
	}
	return status.Derive(c.Site, c.Posts, sitetest.At(now))
}

func TestExampleJapanStaysDown(t *testing.T) {
	st := example(t, "2011-05-20T00:00:00Z")
	want := map[status.Pair]status.State{
		{Region: "jp", Service: "psn"}:      status.MajorOutage,
		{Region: "jp", Service: "store"}:    status.MajorOutage,
		{Region: "na", Service: "psn"}:      status.Operational,
		{Region: "na", Service: "store"}:    status.MajorOutage,
		{Region: "eu", Service: "psn"}:      status.Operational,
		{Region: "oceania", Service: "psn"}: status.Operational,
		{Region: "me", Service: "psn"}:      status.Operational,
		{Region: "na", Service: "qriocity"}: status.Operational,
	}
	for pair, s := range want {
		if got := st.Current(pair); got != s {
			t.Errorf("%s/%s = %s on 2011-05-20, want %s", pair.Region, pair.Service, got, s)
		}
	}
	if st.Site.Region("jp").Offers("qriocity") {
		t.Error("Qriocity is offered in Japan")
	}
}

func TestExampleAllRestoredByYearEnd(t *testing.T) {
	st := example(t, "2011-12-31T00:00:00Z")
	for _, pair := range st.Pairs(status.Scope{}) {
		if got := st.Current(pair); got != status.Operational {
			t.Errorf("%s/%s = %s on 2011-12-31, want operational", pair.Region, pair.Service, got)
		}
	}
	for _, v := range st.Views(status.Scope{}) {
		if v.Open {
			t.Errorf("incident %s still open at year end", v.ID)
		}
	}
}

// TestExamplePagesTellJapan reads the rendered pages: the Japan page says
// PSN is down, in Japanese, while North America's says it is up; the
// overview marks the Japanese update it shows as Japanese.
func TestExamplePagesTellJapan(t *testing.T) {
	out := build(t, exampleFS(t), Options{Now: sitetest.At("2011-05-20T00:00:00Z")})
	jp := string(out["regions/jp/index.html"])
	for _, want := range []string{`<html lang="ja" dir="ltr">`, "重大な障害", "JST"} {
		if !strings.Contains(jp, want) {
			t.Errorf("Japan page lacks %q", want)
		}
	}
	// The Japanese update on the English overview says what it is written in.
	if overview := string(out["index.html"]); !strings.Contains(overview, `<p lang="ja" dir="ltr">日本でのサービス再開は`) {
		t.Errorf("the overview does not mark the Japanese update as Japanese")
	}
	psn := string(out["services/psn/index.html"])
	na, jpRow := tableRow(psn, "regions/na/"), tableRow(psn, "regions/jp/")
	if !strings.Contains(na, "Operational") || !strings.Contains(jpRow, "Major outage") {
		t.Errorf("PSN page rows:\n%s\n%s\nwant North America operational, Japan major outage", na, jpRow)
	}
	// The incident page gives each region's PSN its own state now.
	_, affected, _ := strings.Cut(string(out["incidents/psn-intrusion-2011/index.html"]), `<dt>Affected, state now</dt><dd><ul class="affected">`)
	affected, _, _ = strings.Cut(affected, "</ul>")
	var naPSN, jpPSN string
	for _, li := range strings.Split(affected, "<li>") {
		if strings.Contains(li, `href="/services/psn/"`) && strings.Contains(li, `href="/regions/na/"`) {
			naPSN = li
		}
		if strings.Contains(li, `href="/services/psn/"`) && strings.Contains(li, `href="/regions/jp/"`) {
			jpPSN = li
		}
	}
	if !strings.Contains(naPSN, "Operational") || !strings.Contains(jpPSN, "Major outage") {
		t.Errorf("incident page's Affected list:\n%s\nwant North America's PSN operational, Japan's major outage", affected)
	}
}

// tableRow returns the table row whose header links to the site path.
func tableRow(page, path string) string {
	start := strings.Index(page, `<tr><th scope="row"><a href="/`+path+`"`)
	if start < 0 {
		return ""
	}
	row := page[start:]
	return row[:strings.Index(row, "</tr>")]
}

// exampleFS copies the example site into memory, so that tests see the
// same input as the binary.
func exampleFS(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	root := os.DirFS(sitetest.Root())
	var errs source.ErrorList
	for _, p := range append(slices.Collect(source.Walk(root, "content", &errs)), source.SiteFile) {
		data, err := fs.ReadFile(root, p)
		if err != nil {
			t.Fatal(err)
		}
		fsys[p] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// TestDeterministic builds the example twice, on one core and on all, and
// expects the same bytes.
func TestDeterministic(t *testing.T) {
	opts := Options{Now: sitetest.At("2011-05-20T00:00:00Z")}
	prev := runtime.GOMAXPROCS(1)
	one := build(t, exampleFS(t), opts)
	runtime.GOMAXPROCS(max(prev, 4))
	many := build(t, exampleFS(t), opts)
	runtime.GOMAXPROCS(prev)
	if len(one) != len(many) {
		t.Fatalf("%d files on one core, %d on several", len(one), len(many))
	}
	for p, data := range one {
		if !bytes.Equal(data, many[p]) {
			t.Errorf("%s differs between builds", p)
		}
	}
}

// TestNowOnlyMatters checks that pages depend on now only through which
// posts are past and the current day: two instants of one day with no post
// between them give the same site, also while Japan is down.
func TestNowOnlyMatters(t *testing.T) {
	// 05:00 to 12:00 UTC is one calendar day from New York to Sydney.
	for _, day := range []string{"2011-05-20T05:00:00Z", "2011-12-30T05:00:00Z"} {
		a := build(t, exampleFS(t), Options{Now: sitetest.At(day)})
		b := build(t, exampleFS(t), Options{Now: sitetest.At(day).Add(7 * time.Hour)})
		for p := range a {
			if !bytes.Equal(a[p], b[p]) {
				t.Errorf("%s: %s changes with the clock alone\n%s", day, p, sitetest.FirstDiff(b[p], a[p]))
			}
		}
	}
}
