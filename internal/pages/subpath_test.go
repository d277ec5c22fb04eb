package pages

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// urls finds the addresses a page, feed, sitemap, JSON file or calendar
// points to.
var urls = regexp.MustCompile(`(?:href|src)="([^"]+)"|<(?:loc|link|guid|id)>([^<]+)</|"(?:url|shortlink)":"([^"]+)"|\nURL:(\S+)`)

// TestSubpath builds the example for a host's /status/ and serves it only
// there: every file answers at its address, and every address of the
// site's host that any page, feed, sitemap, JSON file or calendar holds
// lies under /status/ and answers 200.
func TestSubpath(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base := srv.URL + "/status/"
	for _, at := range instants {
		now, _ := time.Parse(time.RFC3339, at)
		out := t.TempDir()
		if err := BuildExample(root, out, now, base); err != nil {
			t.Fatal(err)
		}
		mux = http.NewServeMux()
		mux.Handle("/status/", http.StripPrefix("/status", Handler(out)))
		srv.Config.Handler = mux

		host := must(url.Parse(srv.URL)).Host
		queue, seen := []string{base}, map[string]string{base: "the start"}
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				addr := base + filepath.ToSlash(must(filepath.Rel(out, p)))
				queue, seen[addr] = append(queue, addr), "the output folder"
			}
			return nil
		})
		files := len(queue)
		for len(queue) > 0 {
			addr := queue[0]
			queue = queue[1:]
			resp, err := http.Get(addr)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%s: %s, linked from %s", at[:10], resp.Status, seen[addr])
				continue
			}
			for _, m := range urls.FindAllStringSubmatch(string(body), -1) {
				ref := strings.ReplaceAll(m[1]+m[2]+m[3]+m[4], "&amp;", "&")
				u, err := url.Parse(ref)
				if err != nil {
					t.Errorf("%s: %s holds %q: %v", at[:10], addr, ref, err)
					continue
				}
				u = must(url.Parse(addr)).ResolveReference(u)
				u.Fragment = ""
				if u.Host != host {
					continue
				}
				if !strings.HasPrefix(u.Path, "/status/") {
					t.Errorf("%s: %s points to %s, outside /status/", at[:10], addr, u)
					continue
				}
				if _, ok := seen[u.String()]; !ok {
					seen[u.String()] = addr
					queue = append(queue, u.String())
				}
			}
		}
		if files < 60 || len(seen) <= files {
			t.Errorf("%s: %d files and %d addresses checked: too few", at[:10], files, len(seen))
		}
	}
}
