package pages

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mmcdole/gofeed"
)

// largePages are the pages of the large site the browser checks look at:
// the overview, a region with a group problem open, a region in the
// group that is down, a calm region, the service that is down, a calm
// service, a region group, a service group, an open incident, and the
// history.
var largePages = []string{"", "regions/r0/", "regions/r11/", "regions/r45/", "services/s5/", "services/s150/",
	"regions/g1/", "services/c2/", "incidents/open-g1-s5/", "history/"}

var (
	largeOnce sync.Once
	largeDir  string
	largeErr  error
)

// large builds the LargeShape site once for all the tests of the run and
// returns the built folder.
func large(t *testing.T) (root, out string) {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	largeOnce.Do(func() {
		largeDir, largeErr = os.MkdirTemp("", "statusgen-large-")
		if largeErr == nil {
			_, largeErr = BuildLarge(root, filepath.Join(largeDir, "site"), filepath.Join(largeDir, "public"))
		}
	})
	if largeErr != nil {
		t.Fatal(largeErr)
	}
	return root, filepath.Join(largeDir, "public")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if largeDir != "" {
		os.RemoveAll(largeDir)
	}
	skipNote() // last: the go command looks at its file just after the exit
	os.Exit(code)
}

// TestLargeWeight: on a site of 60 regions by 200 services the overview
// stays within 100 KB, 30 KB gzipped with its CSS, and every region,
// service and group page within 300 KB, 40 KB gzipped with its CSS.
func TestLargeWeight(t *testing.T) {
	_, out := large(t)
	raw, gz := weigh(t, out, "index.html")
	if raw > 100*1024 || gz > 30*1024 {
		t.Errorf("the overview is %d bytes, %d gzipped with its CSS; the budget is 100 KB and 30 KB", raw, gz)
	}
	pages := 0
	for _, kind := range []string{"regions", "services"} {
		dirs, err := os.ReadDir(filepath.Join(out, kind))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			page := filepath.Join(kind, d.Name(), "index.html")
			if _, err := os.Stat(filepath.Join(out, page)); err != nil {
				continue
			}
			pages++
			if raw, gz := weigh(t, out, page); raw > 300*1024 || gz > 40*1024 {
				t.Errorf("%s is %d bytes, %d gzipped with its CSS; the budget is 300 KB and 40 KB", page, raw, gz)
			}
		}
	}
	if pages != 60+6+200+12 {
		t.Errorf("weighed %d region, service and group pages, want %d", pages, 60+6+200+12)
	}
}

// TestLargeValidHTML runs the Nu Html Checker on the large site's pages
// of every kind, every group page among them.
func TestLargeValidHTML(t *testing.T) {
	root, out := large(t)
	var files []string
	for _, p := range largePages {
		files = append(files, filepath.Join(out, p, "index.html"))
	}
	for _, g := range []string{"regions/g%d", "services/c%d"} {
		for i := range 6 {
			files = append(files, filepath.Join(out, fmt.Sprintf(g, i), "index.html"))
		}
	}
	validate(t, root, files...)
}

// TestLargeAccessible runs axe-core on the large site's pages as
// TestAccessible does on the example's.
func TestLargeAccessible(t *testing.T) {
	root, out := large(t)
	axe := axeScript(t, root)
	b := newBrowser(t)
	srv := Serve(out)
	defer srv.Close()
	for _, page := range largePages {
		for _, v := range Views {
			b.accessible(t, axe, fmt.Sprintf("large /%s %s", page, v), srv.URL, page, v)
		}
	}
}

// TestLargeNarrow: the large site's pages fit a 320 px wide phone.
func TestLargeNarrow(t *testing.T) {
	_, out := large(t)
	b := newBrowser(t)
	srv := Serve(out)
	defer srv.Close()
	for _, page := range largePages {
		b.narrow(t, "large", srv.URL, page)
	}
}

// TestLargeProblemsNamed: the overview names every pair that is not
// operational and links the full grid of each region group, and the
// region page of the region with a service group down opens that group.
func TestLargeProblemsNamed(t *testing.T) {
	_, out := large(t)
	index := string(must(os.ReadFile(filepath.Join(out, "index.html"))))
	for r := 10; r < 20; r++ {
		if !strings.Contains(index, fmt.Sprintf(">Region %d<", r)) {
			t.Errorf("the overview does not name Region %d, down for Service 5", r)
		}
	}
	for g := range 6 {
		if !strings.Contains(index, fmt.Sprintf(`href="/regions/g%d/"`, g)) {
			t.Errorf("the overview does not link the grid of region group g%d", g)
		}
	}
	if !strings.Contains(index, "Partial outage</span> — <bdi>Category 2</bdi></li>") {
		t.Error("the overview does not name Category 2, a whole service group down in Region 0, by its name")
	}
	region := string(must(os.ReadFile(filepath.Join(out, "regions/r0/index.html"))))
	if strings.Count(region, "<details") != 12 || strings.Count(region, "<details class=\"group\" open") != 1 {
		t.Errorf("regions/r0/ has %d groups, %d open; want 12, 1 open", strings.Count(region, "<details"), strings.Count(region, "<details class=\"group\" open"))
	}
}

// TestLargeFeedsWithinLimit: every region's feed of the large site holds
// at most feed_limit (50) items, however many services the region has and
// however many pairs a post sets: the post for a service group in Region 0
// is one item, not one per service.
func TestLargeFeedsWithinLimit(t *testing.T) {
	_, out := large(t)
	feeds, _ := filepath.Glob(filepath.Join(out, "regions", "*", "feed.xml"))
	if len(feeds) != 60+6 {
		t.Fatalf("%d region and region group feeds, want 66", len(feeds))
	}
	full := 0
	for _, name := range feeds {
		f, err := gofeed.NewParser().ParseString(string(must(os.ReadFile(name))))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Items) > 50 {
			t.Errorf("%s has %d items, over feed_limit", name, len(f.Items))
		}
		if len(f.Items) == 50 {
			full++
		}
		if strings.HasSuffix(name, filepath.FromSlash("/r0/feed.xml")) {
			n := 0
			for _, it := range f.Items {
				if strings.Contains(it.Title, "Slow responses for Category 2 in Region 0") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("regions/r0/feed.xml has the service group's post %d times, want once", n)
			}
		}
	}
	if full == 0 {
		t.Error("no region feed reaches feed_limit: the site is too small to test it")
	}
}

// TestLargeAllDown: with every pair of the large site down at once, the
// overview stays within its budget: each region's problem reads "All
// services" rather than two hundred names.
func TestLargeAllDown(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	all := "title: Everything is down\nregion: all\nservice: all\nstate: major_outage\nincident: all-down\ntimestamp: -1h"
	if _, err := BuildLargeWith(root, filepath.Join(dir, "site"), filepath.Join(dir, "public"), []string{all}); err != nil {
		t.Fatal(err)
	}
	raw, gz := weigh(t, filepath.Join(dir, "public"), "index.html")
	if raw > 100*1024 || gz > 30*1024 {
		t.Errorf("the overview is %d bytes, %d gzipped with its CSS; the budget is 100 KB and 30 KB", raw, gz)
	}
	index := string(must(os.ReadFile(filepath.Join(dir, "public", "index.html"))))
	if n := strings.Count(index, "Major outage</span> — <bdi>All services</bdi></li>"); n != 60 {
		t.Errorf("%d regions read \"All services\" down, want 60", n)
	}
}
