package pages

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// instants are the example's moments the pages are checked at: Japan
// still dark while the other regions are back, and everything restored.
var instants = []string{"2011-05-20T00:00:00Z", "2011-12-31T00:00:00Z"}

// checked are the pages of every kind that axe-core looks at.
var checked = []string{"", "regions/jp/", "regions/me/", "services/psn/", "incidents/psn-intrusion-2011/"}

// need skips the test when a tool is missing, or fails it when
// STATUSGEN_REQUIRE_BROWSER=1 says the tools must be there (as in CI).
func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("STATUSGEN_REQUIRE_BROWSER") == "1" {
		t.Fatalf("%s: %v", what, err)
	}
	noteSkip(what)
	t.Skipf("skipped, %s is missing: %v (.ci/run installs it; STATUSGEN_REQUIRE_BROWSER=1 turns this skip into a failure)", what, err)
}

// example builds the example site at each instant and returns the folders.
func example(t *testing.T) (root string, sites []string) {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range instants {
		now, _ := time.Parse(time.RFC3339, at)
		out := filepath.Join(t.TempDir(), at[:10])
		if err := BuildExample(root, out, now, ""); err != nil {
			t.Fatal(err)
		}
		sites = append(sites, out)
	}
	return root, sites
}

// TestValidHTML runs the Nu Html Checker on every page of the example.
func TestValidHTML(t *testing.T) {
	root, sites := example(t)
	pages := 0
	for _, site := range sites {
		filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
			if strings.HasSuffix(p, ".html") {
				pages++
			}
			return nil
		})
	}
	if pages < 2*12 {
		t.Fatalf("only %d pages built", pages)
	}
	validate(t, root, sites...)
}

// validate runs the Nu Html Checker on the given HTML files and folders
// and fails the test for every error it reports.
func validate(t *testing.T, root string, files ...string) {
	t.Helper()
	java, err := exec.LookPath("java")
	need(t, "java", err)
	jar := filepath.Join(root, "node_modules/vnu-jar/build/dist/vnu.jar")
	_, err = os.Stat(jar)
	need(t, "the npm package vnu-jar (npm ci)", err)
	cmd := exec.Command(java, append([]string{"-jar", jar, "--format", "json", "--errors-only", "--skip-non-html"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // vnu writes its JSON report to stderr
	runErr := cmd.Run()
	var report struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("vnu: %v (%v)\n%s", err, runErr, stderr.String())
	}
	for _, m := range report.Messages {
		t.Errorf("%s:%d: %s: %s\n\t%s", strings.TrimPrefix(m.URL, "file:"), m.LastLine, m.Type, m.Message, m.Extract)
	}
	if runErr != nil && len(report.Messages) == 0 {
		t.Fatalf("vnu: %v", runErr)
	}
}

// TestPageWeight: the overview and its stylesheet arrive in the first
// round trip, 14 KB gzipped.
func TestPageWeight(t *testing.T) {
	_, sites := example(t)
	for _, site := range sites {
		if _, gz := weigh(t, site, "index.html"); gz > 14*1024 {
			t.Errorf("%s: index.html and its CSS are %d bytes gzipped, over 14 KB", site, gz)
		}
	}
}

// weigh returns the size of the site's page, and that of the page and
// its stylesheet gzipped.
func weigh(t *testing.T, site, page string) (raw, gz int) {
	t.Helper()
	data := must(os.ReadFile(filepath.Join(site, page)))
	css := regexp.MustCompile(`<link rel="stylesheet" href="/([^"]+)"`).FindSubmatch(data)
	if css == nil {
		t.Fatalf("%s links no stylesheet", page)
	}
	return len(data), gzipped(t, data) + gzipped(t, must(os.ReadFile(filepath.Join(site, string(css[1])))))
}

// TestNoScript: the pages and images work with JavaScript off, as they
// have none: no script element, event handler or javascript: URL.
func TestNoScript(t *testing.T) {
	_, sites := example(t)
	script := regexp.MustCompile(`(?i)<script|\son[a-z]+\s*=|javascript:`)
	for _, site := range sites {
		filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
			if ext := filepath.Ext(p); ext != ".html" && ext != ".svg" {
				return nil
			}
			if m := script.Find(must(os.ReadFile(p))); m != nil {
				t.Errorf("%s has a script: %s", p, m)
			}
			return nil
		})
	}
}

func gzipped(t *testing.T, data []byte) int {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return b.Len()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// browser is a headless Chromium with what its tab reported: console
// errors, uncaught exceptions, failed loads and every URL requested.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	errors   []string
	requests []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe, err := Chromium()
	need(t, "Chromium", err)
	b := &browser{}
	ctx, cancel, err := NewBrowser(context.Background(), exe, b.listen)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	b.ctx = ctx
	return b
}

// visit opens a page of the site as v shows it and checks that it came,
// in v's colour scheme.
func (b *browser) visit(t *testing.T, name, url string, v View) {
	t.Helper()
	b.take() // what the previous page reported late
	resp, err := chromedp.Run(b.ctx, Open(url, v))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if resp.Status != 200 {
		t.Errorf("%s: status %d", name, resp.Status)
	}
	dark, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`matchMedia("(prefers-color-scheme: dark)").matches`))
	if err != nil || dark != v.Dark {
		t.Fatalf("%s: the page is seen dark=%v (%v)", name, dark, err)
	}
}

func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			b.errors = append(b.errors, fmt.Sprintf("console.error %v", ev.Args))
		}
	case *runtime.EventExceptionThrown:
		b.errors = append(b.errors, "exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			b.errors = append(b.errors, ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	}
}

// take returns and forgets what the tab reported so far.
func (b *browser) take() (errors, requests []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	errors, requests = b.errors, b.requests
	b.errors, b.requests = nil, nil
	return errors, requests
}

// TestAccessible runs axe-core's WCAG 2.1 A and AA rules on a page of each
// kind, light and dark, on a phone and a desktop, in headless Chromium, and
// checks that no page logs an error or asks another host for anything.
func TestAccessible(t *testing.T) {
	root, sites := example(t)
	axe := axeScript(t, root)
	b := newBrowser(t)
	for i, site := range sites {
		srv := Serve(site)
		defer srv.Close()
		for _, page := range checked {
			for _, v := range Views {
				b.accessible(t, axe, fmt.Sprintf("%s /%s %s", instants[i][:10], page, v), srv.URL, page, v)
			}
		}
	}
}

func axeScript(t *testing.T, root string) string {
	t.Helper()
	axe, err := os.ReadFile(filepath.Join(root, "node_modules/axe-core/axe.min.js"))
	need(t, "the npm package axe-core (npm ci)", err)
	return string(axe)
}

// accessible opens the page of the site served at base as v shows it and
// fails the test for what axe-core finds and what check finds.
func (b *browser) accessible(t *testing.T, axe, name, base, page string, v View) {
	t.Helper()
	b.visit(t, name, base+"/"+page, v)
	found, err := chromedp.Run(b.ctx, Axe(axe))
	if err != nil {
		t.Fatalf("%s: axe: %v", name, err)
	}
	for _, f := range found {
		for _, n := range f.Nodes {
			t.Errorf("%s: %s (%s, %s) at %v: %s", name, f.ID, f.Impact, f.Help, n.Target, n.Summary)
		}
	}
	b.check(t, name, base)
}

// check fails the test for errors the tab logged, requests to hosts other
// than the site's, and a page loaded without its stylesheet.
func (b *browser) check(t *testing.T, name, site string) {
	t.Helper()
	errs, requests := b.take()
	for _, e := range errs {
		t.Errorf("%s: %s", name, e)
	}
	host := must(url.Parse(site)).Host
	css := false
	for _, r := range requests {
		if u, err := url.Parse(r); err != nil || (u.Scheme != "data" && u.Host != host) {
			t.Errorf("%s: requested %s, not on the site's host", name, r)
		}
		css = css || strings.HasSuffix(r, ".css")
	}
	if !css {
		t.Errorf("%s: no stylesheet was requested (requests: %v)", name, requests)
	}
}

// TestNarrow: every page fits a 320 px wide phone: neither the page nor
// any part of it (a table in a scrolling box, say) scrolls sideways.
func TestNarrow(t *testing.T) {
	_, sites := example(t)
	b := newBrowser(t)
	for i, site := range sites {
		srv := Serve(site)
		defer srv.Close()
		filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
			if !strings.HasSuffix(p, ".html") {
				return nil
			}
			rel := strings.TrimSuffix(filepath.ToSlash(must(filepath.Rel(site, p))), "index.html")
			b.narrow(t, instants[i][:10], srv.URL, rel)
			return nil
		})
	}
}

// wider lists the boxes on the page that scroll sideways.
const wider = `[...document.querySelectorAll("*")].filter(e => !e.closest(".vh") && e.clientWidth > 1 &&
	e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX != "visible").map(e => e.tagName + "." + e.className)`

// narrow opens the page of the site served at base 320 px wide, light
// and dark, and fails the test if the page or a box in it scrolls
// sideways, or check finds something.
func (b *browser) narrow(t *testing.T, label, base, page string) {
	t.Helper()
	for _, dark := range []bool{false, true} {
		v := View{320, dark}
		name := fmt.Sprintf("%s /%s %s", label, page, v)
		b.visit(t, name, base+"/"+page, v)
		wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if wide > v.Width {
			t.Errorf("%s: the page is %d px wide and scrolls sideways", name, wide)
		}
		boxes, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](wider))
		if err != nil {
			t.Fatal(err)
		}
		for _, box := range boxes {
			t.Errorf("%s: %s scrolls sideways", name, box)
		}
		b.check(t, name, base)
	}
}
