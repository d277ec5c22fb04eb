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

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// instants are the example's moments the pages are checked at: Japan
// still dark while the other regions are back, and everything restored.
var instants = []string{"2011-05-20T00:00:00Z", "2011-12-31T00:00:00Z"}

// checked are the pages of every kind that axe-core looks at.
var checked = []string{"", "regions/jp/", "services/psn/", "incidents/psn-intrusion-2011/"}

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
		if err := BuildExample(root, out, now); err != nil {
			t.Fatal(err)
		}
		sites = append(sites, out)
	}
	return root, sites
}

// TestValidHTML runs the Nu Html Checker on every page of the example.
func TestValidHTML(t *testing.T) {
	root, sites := example(t)
	java, err := exec.LookPath("java")
	need(t, "java", err)
	jar := filepath.Join(root, "node_modules/vnu-jar/build/dist/vnu.jar")
	_, err = os.Stat(jar)
	need(t, "the npm package vnu-jar (npm ci)", err)
	cmd := exec.Command(java, append([]string{"-jar", jar, "--format", "json", "--errors-only", "--skip-non-html"}, sites...)...)
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
		page := must(os.ReadFile(filepath.Join(site, "index.html")))
		css := regexp.MustCompile(`<link rel="stylesheet" href="/([^"]+)"`).FindSubmatch(page)
		if css == nil {
			t.Fatal("index.html links no stylesheet")
		}
		total := gzipped(t, page) + gzipped(t, must(os.ReadFile(filepath.Join(site, string(css[1])))))
		if total > 14*1024 {
			t.Errorf("%s: index.html and its CSS are %d bytes gzipped, over 14 KB", site, total)
		}
	}
}

// TestNoScript: the pages work with JavaScript off, as they have none.
func TestNoScript(t *testing.T) {
	_, sites := example(t)
	for _, site := range sites {
		filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
			if strings.HasSuffix(p, ".html") && bytes.Contains(bytes.ToLower(must(os.ReadFile(p))), []byte("<script")) {
				t.Errorf("%s has a script", p)
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
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, log.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return b
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
	axe, err := os.ReadFile(filepath.Join(root, "node_modules/axe-core/axe.min.js"))
	need(t, "the npm package axe-core (npm ci)", err)
	b := newBrowser(t)
	for i, site := range sites {
		srv := Serve(site)
		defer srv.Close()
		for _, page := range checked {
			for _, v := range Views {
				name := fmt.Sprintf("%s /%s %s", instants[i][:10], page, v)
				if err := chromedp.Do(b.ctx, Open(srv.URL+"/"+page, v)); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				found, err := chromedp.Run(b.ctx, Axe(string(axe)))
				if err != nil {
					t.Fatalf("%s: axe: %v", name, err)
				}
				for _, f := range found {
					for _, n := range f.Nodes {
						t.Errorf("%s: %s (%s, %s) at %v: %s", name, f.ID, f.Impact, f.Help, n.Target, n.Summary)
					}
				}
				b.check(t, name, srv.URL)
			}
		}
	}
}

// check fails the test for errors the tab logged and requests to hosts
// other than the site's.
func (b *browser) check(t *testing.T, name, site string) {
	t.Helper()
	errs, requests := b.take()
	for _, e := range errs {
		t.Errorf("%s: %s", name, e)
	}
	host := must(url.Parse(site)).Host
	for _, r := range requests {
		if u, err := url.Parse(r); err != nil || (u.Scheme != "data" && u.Host != host) {
			t.Errorf("%s: requested %s, not on the site's host", name, r)
		}
	}
}

// TestNarrow: every page fits a 320 px wide phone without scrolling
// sideways.
func TestNarrow(t *testing.T) {
	_, sites := example(t)
	b := newBrowser(t)
	site := sites[0]
	srv := Serve(site)
	defer srv.Close()
	filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if !strings.HasSuffix(p, ".html") {
			return nil
		}
		rel := strings.TrimSuffix(filepath.ToSlash(must(filepath.Rel(site, p))), "index.html")
		for _, dark := range []bool{false, true} {
			v := View{320, dark}
			if err := chromedp.Do(b.ctx, Open(srv.URL+"/"+rel, v)); err != nil {
				t.Fatalf("/%s: %v", rel, err)
			}
			wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if wide > v.Width {
				t.Errorf("/%s at %s: the page is %d px wide and scrolls sideways", rel, v, wide)
			}
			b.check(t, "/"+rel+" "+v.String(), srv.URL)
		}
		return nil
	})
}
