package serve

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// outFolder is a built site under the base path /status/.
func outFolder(t *testing.T) string {
	out := t.TempDir()
	files := map[string]string{
		"index.html":            "<!DOCTYPE html><html><body><p>Home</p></body></html>\n",
		"regions/jp/index.html": "<!DOCTYPE html><html><body><p>Japan</p></body></html>\n",
		"404.html":              "<!DOCTYPE html><html><body><p>Our 404</p></body></html>\n",
		"feed.xml":              "<rss/>\n",
		"maintenance.ics":       "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		"badges/site.svg":       "<svg/>",
		"api/v2/status.json":    "{}\n",
		"emptydir/.keep":        "",
	}
	for p, s := range files {
		name := filepath.Join(out, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(name), 0o755)
		os.WriteFile(name, []byte(s), 0o644)
	}
	os.WriteFile(filepath.Join(filepath.Dir(out), "secret.txt"), []byte("secret"), 0o644)
	return out
}

func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestFiles(t *testing.T) {
	out := outFolder(t)
	s := New(out)
	s.Built("/status/", nil)
	srv := httptest.NewServer(s)
	defer srv.Close()
	tests := []struct {
		path, status, typ, body string
	}{
		{"/status/", "200", "text/html; charset=utf-8", "Home"},
		{"/status/regions/jp/", "200", "text/html; charset=utf-8", "Japan"},
		{"/status/regions/jp", "301", "", ""},
		{"/", "302", "", ""},
		{"/status/feed.xml", "200", "application/rss+xml; charset=utf-8", "<rss/>"},
		{"/status/maintenance.ics", "200", "text/calendar; charset=utf-8", "BEGIN:VCALENDAR"},
		{"/status/badges/site.svg", "200", "image/svg+xml; charset=utf-8", "<svg/>"},
		{"/status/api/v2/status.json", "200", "application/json; charset=utf-8", "{}"},
		{"/status/nope/", "404", "text/html; charset=utf-8", "Our 404"},
		{"/status/emptydir/", "404", "text/html; charset=utf-8", "Our 404"},
		{"/status/../secret.txt", "404", "", "Our 404"},
		{"/status/%2e%2e/secret.txt", "404", "", "Our 404"},
		{"/status/..%2fsecret.txt", "404", "", "Our 404"},
		{"/status/..%5csecret.txt", "404", "", "Our 404"},
		{"/status//etc/passwd", "404", "", "Our 404"},
		{"/regions/jp/", "404", "", "Our 404"},
		{"/status", "302", "", ""},
		{"/status/.statusgen", "404", "", "Our 404"},
		{"/status/.keep", "404", "", "Our 404"},
	}
	for _, tt := range tests {
		resp, body := get(t, srv, tt.path)
		if got := resp.Status[:3]; got != tt.status {
			t.Errorf("%s: status %s, want %s", tt.path, resp.Status, tt.status)
		}
		if tt.typ != "" && resp.Header.Get("Content-Type") != tt.typ {
			t.Errorf("%s: type %q, want %q", tt.path, resp.Header.Get("Content-Type"), tt.typ)
		}
		if !strings.Contains(body, tt.body) || strings.Contains(body, "secret") {
			t.Errorf("%s: body %q", tt.path, body)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff header", tt.path)
		}
	}
}

// TestReloadScript: served HTML gets the script, files on disk do not,
// and other files are served as they are.
func TestReloadScript(t *testing.T) {
	out := outFolder(t)
	srv := httptest.NewServer(New(out))
	defer srv.Close()
	_, page := get(t, srv, "/")
	if !strings.Contains(page, `<script src="/__statusgen/reload.js" defer></script></body>`) {
		t.Errorf("no reload script before </body>:\n%s", page)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "index.html")); strings.Contains(string(data), "reload.js") {
		t.Error("the built file was changed")
	}
	if _, feed := get(t, srv, "/feed.xml"); strings.Contains(feed, "script") {
		t.Error("a feed got the script")
	}
	if resp, js := get(t, srv, "/__statusgen/reload.js"); !strings.Contains(js, "EventSource") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Error("the reload script is not served")
	}
}

// TestEvents: a page's event stream hears "reload" after a good build and
// "failure" with the positioned errors after a failed one.
func TestEvents(t *testing.T) {
	s := New(outFolder(t))
	srv := httptest.NewServer(s)
	defer srv.Close()
	defer s.Close()
	resp, err := http.Get(srv.URL + EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("type %q", resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor := func(want string) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case line := <-lines:
				if strings.Contains(line, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q on the event stream", want)
			}
		}
	}
	waitFor(": connected")
	s.Built("/", nil)
	waitFor("event: reload")
	s.Built("/", errors.New("content/posts/x.md:3:9: unknown region \"jpn\""))
	waitFor("event: failure")
	waitFor(`data: "content/posts/x.md:3:9: unknown region \"jpn\""`)
	s.Close()
	for range lines {
	}
}

func TestMethods(t *testing.T) {
	srv := httptest.NewServer(New(outFolder(t)))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %s", resp.Status)
	}
	req, _ := http.NewRequest(http.MethodHead, srv.URL+"/", nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.ContentLength <= 0 {
		t.Errorf("HEAD: %v %v", resp, err)
	}
}

// TestNotBuiltYet: before the first good build, pages get a placeholder
// that carries the reload script, so that they show the build's errors and
// reload once it succeeds.
func TestNotBuiltYet(t *testing.T) {
	srv := httptest.NewServer(New(filepath.Join(t.TempDir(), "missing")))
	defer srv.Close()
	resp, body := get(t, srv, "/")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, ScriptPath) {
		t.Errorf("%s: %q", resp.Status, body)
	}
}

// TestRedirectsStayOnSite: a folder asked for without its slash redirects
// to the cleaned path under the base path, never to a scheme-relative
// address (//host/…) a browser would take for another host, whatever
// slashes, backslashes or escapes the request held.
func TestRedirectsStayOnSite(t *testing.T) {
	out := outFolder(t)
	os.MkdirAll(filepath.Join(out, "api", "v2"), 0o755)
	for _, prefix := range []string{"/", "/status/"} {
		s := New(out)
		s.Built(prefix, nil)
		srv := httptest.NewServer(s)
		for _, p := range []string{"/regions", "//regions", "///regions", "//api/v2", "/%2fregions", "/%2f%2fregions", "/%5cregions",
			"/regions/jp", "//regions/jp", "/./regions", "/x/../regions"} {
			if prefix != "/" {
				p = strings.TrimSuffix(prefix, "/") + p
			}
			resp, _ := get(t, srv, p)
			loc := resp.Header.Get("Location")
			switch {
			case resp.StatusCode/100 != 3:
				if resp.StatusCode != 404 {
					t.Errorf("%s: status %d", p, resp.StatusCode)
				}
			case !strings.HasPrefix(loc, prefix) || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\") || strings.Contains(loc, "/../"):
				t.Errorf("%s: redirects to %q, not to a path under %s", p, loc, prefix)
			}
		}
		srv.Close()
	}
}

// TestEventStreamsCapped: past MaxStreams live-reload streams, another is
// answered 503 with a reason, and a stream that closes makes room.
func TestEventStreamsCapped(t *testing.T) {
	s := New(outFolder(t))
	srv := httptest.NewServer(s)
	defer srv.Close()
	defer s.Close()
	open := func() *http.Response {
		t.Helper()
		resp, err := http.Get(srv.URL + EventsPath)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var streams []*http.Response
	for range MaxStreams {
		resp := open()
		if resp.StatusCode != 200 {
			t.Fatalf("stream %d: status %d", len(streams)+1, resp.StatusCode)
		}
		streams = append(streams, resp)
	}
	extra := open()
	body, _ := io.ReadAll(extra.Body)
	extra.Body.Close()
	if extra.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "too many live-reload streams") {
		t.Errorf("stream %d: status %d, %q; want 503 and why", MaxStreams+1, extra.StatusCode, body)
	}
	if got := extra.Header.Get("Retry-After"); got != "10" {
		t.Errorf("stream %d: Retry-After %q, want 10 (as README.md says)", MaxStreams+1, got)
	}
	streams[0].Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp := open()
		if resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("a closed stream made no room for another")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, r := range streams[1:] {
		r.Body.Close()
	}
}
