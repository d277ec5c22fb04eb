package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"statusgen/generator/deploy"
	"statusgen/generator/publish"
)

// bucket is an S3-compatible server in process (gofakes3), recording the
// requests that change it, and failing the uploads fail names.
type bucket struct {
	name    string
	backend *s3mem.Backend
	srv     *httptest.Server
	mu      sync.Mutex
	puts    []put    // in the order they arrived
	deletes []string // keys
	events  []string // "PUT key" and "DELETE key", in order
	fail    func(key string) bool
}

type put struct {
	key    string
	header http.Header
}

func newBucket(t *testing.T, name string) *bucket {
	t.Helper()
	b := &bucket{name: name, backend: s3mem.New()}
	if err := b.backend.CreateBucket(name); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(b.backend).Server()
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/"+name+"/")
		b.mu.Lock()
		fail := b.fail != nil && r.Method == http.MethodPut && b.fail(key)
		switch {
		case fail:
		case r.Method == http.MethodPut:
			b.puts = append(b.puts, put{key, r.Header.Clone()})
			b.events = append(b.events, "PUT "+key)
		case r.Method == http.MethodDelete:
			b.deletes = append(b.deletes, key)
			b.events = append(b.events, "DELETE "+key)
		case r.Method == http.MethodPost && r.URL.Query().Has("delete"):
			b.deletes = append(b.deletes, "(batch)")
		}
		b.mu.Unlock()
		if fail {
			http.Error(w, "<Error><Code>InternalError</Code><Message>disk on fire</Message></Error>", http.StatusInternalServerError)
			return
		}
		faker.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key-id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	// The SDK's retries would make a failing server slow to fail.
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	return b
}

// url is the bucket as a deploy target names it.
func (b *bucket) url() string {
	return "s3://" + b.name + "?endpoint=" + b.srv.URL + "&use_path_style=true&disable_https=true&region=us-east-1"
}

// take returns and forgets the requests recorded so far.
func (b *bucket) take() ([]put, []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, d := b.puts, b.deletes
	b.puts, b.deletes, b.events = nil, nil, nil
	return p, d
}

func putKeys(puts []put) []string {
	var keys []string
	for _, p := range puts {
		keys = append(keys, p.key)
	}
	slices.Sort(keys)
	return keys
}

// object returns a stored object's bytes, nil if absent.
func (b *bucket) object(t *testing.T, key string) []byte {
	t.Helper()
	obj, err := b.backend.GetObject(b.name, key, nil)
	if err != nil {
		return nil
	}
	defer obj.Contents.Close()
	data, err := io.ReadAll(obj.Contents)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// keys lists the bucket.
func (b *bucket) keys(t *testing.T) []string {
	t.Helper()
	list, err := b.backend.ListBucket(b.name, nil, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	slices.Sort(keys)
	return keys
}

// builtSite copies the example site into a folder of its own and builds
// it; it returns the site folder and its output.
func builtSite(t *testing.T) (site, out string) {
	t.Helper()
	site = t.TempDir()
	copyTree(t, "content", filepath.Join(site, "content"))
	out = filepath.Join(t.TempDir(), "public")
	rebuild(t, site, out, "")
	return site, out
}

// rebuild builds site into out as of a fixed time, writing the changed
// URLs to changed when given.
func rebuild(t *testing.T, site, out, changed string) {
	t.Helper()
	args := []string{"build", "--site", site, "--out", out, "--now", "2026-06-01T00:00:00Z"}
	if changed != "" {
		args = append(args, "--changed", changed)
	}
	var stderr bytes.Buffer
	if code := run(args, io.Discard, &stderr); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr.String())
	}
}

func deployRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(append([]string{"deploy"}, args...), &o, &e)
	return code, o.String(), e.String()
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// TestDeployOnlyWhatChanged: a first deploy uploads every file with the
// headers of its type; a second uploads nothing and says so; after one
// post changes, exactly the files the build changed go up.
func TestDeployOnlyWhatChanged(t *testing.T) {
	b := newBucket(t, "status")
	site, out := builtSite(t)
	files, err := publish.Listed(out)
	if err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url())
	if code != 0 {
		t.Fatalf("first deploy: exit %d: %s", code, stderr)
	}
	puts, _ := b.take()
	if got := putKeys(puts); !slices.Equal(got, slices.Sorted(slices.Values(append(slices.Clone(files), ".statusgen-deploy.json")))) {
		t.Errorf("first deploy uploaded %d files, want the %d built and the manifest:\n%v", len(got), len(files), got)
	}
	for _, f := range files {
		local, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.object(t, f), local) {
			t.Errorf("%s: stored bytes differ from the built file", f)
		}
	}
	checkHeaders(t, puts)
	if !strings.Contains(stdout, "65 uploaded") && !strings.Contains(stdout, " uploaded (") {
		t.Errorf("summary: %q", stdout)
	}

	code, stdout, stderr = deployRun(t, "--site", site, "--out", out, "--to", b.url())
	if code != 0 {
		t.Fatalf("second deploy: exit %d: %s", code, stderr)
	}
	if puts, dels := b.take(); len(puts)+len(dels) > 0 {
		t.Errorf("a deploy of an unchanged site uploaded %v and deleted %v", putKeys(puts), dels)
	}
	if !strings.Contains(stdout, "nothing changed") || !strings.Contains(stdout, "nothing uploaded") {
		t.Errorf("a no-op deploy should say so: %q", stdout)
	}

	// One post edited: the build says what changed, the deploy uploads
	// exactly that.
	post := firstPost(t, site)
	data, _ := os.ReadFile(post)
	os.WriteFile(post, bytes.Replace(data, []byte("\n---\n"), []byte("\n---\nOne more sentence of the update.\n\n"), 1), 0o644)
	changedFile := filepath.Join(t.TempDir(), "changed.txt")
	rebuild(t, site, out, changedFile)
	want := changedKeys(t, changedFile)
	if len(want) == 0 {
		t.Fatal("the edit changed no file")
	}
	code, _, stderr = deployRun(t, "--site", site, "--out", out, "--to", b.url())
	if code != 0 {
		t.Fatalf("third deploy: exit %d: %s", code, stderr)
	}
	puts, _ = b.take()
	got := slices.DeleteFunc(putKeys(puts), func(k string) bool { return k == ".statusgen-deploy.json" })
	if !slices.Equal(got, want) {
		t.Errorf("after one edit, uploaded\n%v\nwant what the build changed\n%v", got, want)
	}

	// --force uploads everything again.
	if code, _, stderr = deployRun(t, "--site", site, "--out", out, "--to", b.url(), "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if puts, _ = b.take(); len(puts) != len(files) {
		t.Errorf("--force uploaded %d files, want %d", len(puts), len(files))
	}
}

// firstPost is a post of the site's, any.
func firstPost(t *testing.T, site string) string {
	t.Helper()
	var found string
	filepath.WalkDir(filepath.Join(site, "content"), func(p string, d os.DirEntry, err error) error {
		if found == "" && err == nil && strings.HasSuffix(p, ".md") && !strings.Contains(p, "draft") {
			found = p
		}
		return nil
	})
	if found == "" {
		t.Fatal("no post")
	}
	return found
}

// changedKeys turns build --changed's URLs into output paths.
func changedKeys(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		_, p, ok := strings.Cut(line, "://")
		if !ok {
			t.Fatalf("changed: %q", line)
		}
		_, key, _ := strings.Cut(p, "/")
		if key == "" || strings.HasSuffix(key, "/") {
			continue // a page's folder; its index.html is listed too
		}
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}

// checkHeaders holds each upload to the headers of its type.
func checkHeaders(t *testing.T, puts []put) {
	t.Helper()
	want := map[string]string{
		"index.html":                   "text/html; charset=utf-8",
		"feed.xml":                     "application/rss+xml; charset=utf-8",
		"atom.xml":                     "application/atom+xml; charset=utf-8",
		"sitemap.xml":                  "application/xml; charset=utf-8",
		"api/v2/summary.json":          "application/json; charset=utf-8",
		"badges/site.svg":              "image/svg+xml; charset=utf-8",
		"maintenance.ics":              "text/calendar; charset=utf-8",
		".statusgen-deploy.json":       "application/json; charset=utf-8",
		"regions/" + firstRegion(puts): "",
	}
	seen := 0
	for _, p := range puts {
		cc := p.header.Get("Cache-Control")
		if strings.HasPrefix(p.key, "assets/") {
			seen++
			if cc != "public, max-age=31536000, immutable" {
				t.Errorf("%s: Cache-Control %q, want a year, immutable", p.key, cc)
			}
			if strings.HasSuffix(p.key, ".css") && p.header.Get("Content-Type") != "text/css; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", p.key, p.header.Get("Content-Type"))
			}
		} else if p.key != ".statusgen-deploy.json" && cc != "public, max-age=60, stale-if-error=86400" {
			t.Errorf("%s: Cache-Control %q, want a minute with stale-if-error", p.key, cc)
		}
		if typ, ok := want[p.key]; ok && typ != "" {
			seen++
			if got := p.header.Get("Content-Type"); got != typ {
				t.Errorf("%s: Content-Type %q, want %q", p.key, got, typ)
			}
		}
	}
	if seen < len(want) {
		t.Errorf("saw %d of the files whose headers are checked, want at least %d", seen, len(want))
	}
}

func firstRegion(puts []put) string {
	for _, p := range puts {
		if r, ok := strings.CutPrefix(p.key, "regions/"); ok {
			return r
		}
	}
	return ""
}

// withRegion adds a region without posts to the site and builds it: a
// later build without it no longer has its pages, feeds and badges.
func withRegion(t *testing.T, site, out string) (restore func()) {
	t.Helper()
	name := filepath.Join(site, "content", "site.yaml")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	more := bytes.Replace(data, []byte("\nregions:\n"), []byte("\nregions:\n  - id: zz\n    name: Extra Region\n"), 1)
	if bytes.Equal(more, data) {
		t.Fatal("site.yaml has no regions: line")
	}
	os.WriteFile(name, more, 0o644)
	rebuild(t, site, out, "")
	return func() {
		os.WriteFile(name, data, 0o644)
		rebuild(t, site, out, "")
	}
}

// TestDeployOrder: assets before any page, incident pages before the
// pages that link to them, the overview and sitemap last; files new to
// the bucket before changed ones; deletions only after every upload, and
// only of what a deploy stored.
func TestDeployOrder(t *testing.T) {
	b := newBucket(t, "status")
	site, out := builtSite(t)
	b.backend.PutObject(b.name, "google0123.html", nil, strings.NewReader("mine"), 4, nil)
	b.backend.PutObject(b.name, ".well-known/security.txt", nil, strings.NewReader("mine"), 4, nil)
	restore := withRegion(t, site, out)
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url()); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	puts, _ := b.take()
	rank := func(k string) int {
		switch {
		case strings.HasPrefix(k, "assets/"):
			return 0
		case strings.HasSuffix(k, ".ics"):
			return 1
		case strings.HasPrefix(k, "incidents/"):
			return 2
		case k == "index.html" || k == "sitemap.xml":
			return 5
		case k == ".statusgen-deploy.json":
			return 6
		case strings.HasSuffix(k, ".html"):
			return 3
		}
		return 4
	}
	for i := 1; i < len(puts); i++ {
		if rank(puts[i].key) < rank(puts[i-1].key) {
			t.Errorf("%s uploaded after %s", puts[i].key, puts[i-1].key)
		}
	}

	// Without the region: its files go, after every upload.
	restore()
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url()); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b.mu.Lock()
	events := b.events
	b.mu.Unlock()
	lastPut, firstDelete := -1, len(events)
	for i, e := range events {
		if strings.HasPrefix(e, "PUT ") && !strings.HasSuffix(e, ".statusgen-deploy.json") {
			lastPut = i
		}
		if strings.HasPrefix(e, "DELETE ") && i < firstDelete {
			firstDelete = i
		}
	}
	if firstDelete == len(events) || firstDelete < lastPut {
		t.Errorf("deletions should follow every upload: %v", events)
	}
	keys := b.keys(t)
	for _, k := range keys {
		if strings.Contains(k, "zz") {
			t.Errorf("%s is still there", k)
		}
	}
	for _, k := range []string{"google0123.html", ".well-known/security.txt"} {
		if !slices.Contains(keys, k) {
			t.Errorf("%s, which no deploy stored, was deleted", k)
		}
	}
}

// TestDeployMaxDeletes: above the limit a target is left as it was.
func TestDeployMaxDeletes(t *testing.T) {
	b := newBucket(t, "status")
	site, out := builtSite(t)
	restore := withRegion(t, site, out)
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url()); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	restore()
	b.take()
	code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url(), "--max-deletes", "2")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	for _, w := range []string{"files a deploy stored there are not in", "--max-deletes 2", "nothing was uploaded or deleted", "is the build you mean"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("message lacks %q: %s", w, stderr)
		}
	}
	if puts, dels := b.take(); len(puts)+len(dels) > 0 {
		t.Errorf("uploaded %d and deleted %v past the limit", len(puts), dels)
	}
	if code, _, stderr = deployRun(t, "--site", site, "--out", out, "--to", b.url()); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, k := range b.keys(t) {
		if strings.Contains(k, "zz") {
			t.Errorf("%s survived", k)
		}
	}
}

// TestDeployKeepsOldAssets: a fingerprinted asset the site no longer has
// stays while a page cached before may still name it, max_age plus
// stale_if_error, and goes with the first deploy after that.
func TestDeployKeepsOldAssets(t *testing.T) {
	b := newBucket(t, "status")
	site, out := builtSite(t)
	addTargets(t, site, "  - name: primary\n    url: \""+b.url()+"\"\n    max_age: 1\n    stale_if_error: 1\n")
	os.MkdirAll(filepath.Join(site, "assets"), 0o755)
	css := filepath.Join(site, "assets", "extra.css")
	os.WriteFile(css, []byte("p { color: black }\n"), 0o644)
	rebuild(t, site, out, "")
	if code, _, stderr := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	old := slices.DeleteFunc(b.keys(t), func(k string) bool { return !strings.HasPrefix(k, "assets/extra.") })
	if len(old) != 1 {
		t.Fatalf("extra.css stored as %v", old)
	}
	os.WriteFile(css, []byte("p { color: navy }\n"), 0o644)
	rebuild(t, site, out, "")
	if code, _, stderr := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !slices.Contains(b.keys(t), old[0]) {
		t.Fatalf("%s was deleted with the deploy that replaced it", old[0])
	}
	time.Sleep(2100 * time.Millisecond) // past max_age + stale_if_error
	if code, stdout, stderr := deployRun(t, "--site", site, "--out", out); code != 0 || !strings.Contains(stdout, "1 deleted") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if slices.Contains(b.keys(t), old[0]) {
		t.Errorf("%s is still there after its time", old[0])
	}
}

// TestDeployFailsHalfWay: uploads failing in one stage leave every page
// there with its assets, start no later stage and delete nothing; the
// next deploy finishes the job.
func TestDeployFailsHalfWay(t *testing.T) {
	b := newBucket(t, "status")
	site, out := builtSite(t)
	b.backend.PutObject(b.name, "gone.html", nil, strings.NewReader("x"), 1, nil)
	b.fail = func(key string) bool { return strings.HasPrefix(key, "regions/") }
	code, stdout, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url())
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "regions/") || !strings.Contains(stderr, "the next deploy finishes the job") {
		t.Errorf("the error should name the file and say what next: %s%s", stdout, stderr)
	}
	keys := b.keys(t)
	for _, k := range []string{"index.html", "sitemap.xml", ".statusgen-deploy.json"} {
		if slices.Contains(keys, k) {
			t.Errorf("%s was uploaded after a failed stage", k)
		}
	}
	if !slices.Contains(keys, "gone.html") {
		t.Error("a failed deploy deleted a file")
	}
	// Every page there finds its stylesheet.
	for _, k := range keys {
		if !strings.HasSuffix(k, ".html") || k == "gone.html" {
			continue
		}
		for _, ref := range assetRefs(b.object(t, k)) {
			if !slices.Contains(keys, ref) {
				t.Errorf("%s links to %s, which is not there", k, ref)
			}
		}
	}

	b.fail = nil
	b.take()
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url()); code != 0 {
		t.Fatalf("retry: exit %d: %s", code, stderr)
	}
	files, _ := publish.Listed(out)
	got := slices.DeleteFunc(b.keys(t), func(k string) bool { return k == ".statusgen-deploy.json" || k == "gone.html" })
	if !slices.Equal(got, files) {
		t.Errorf("after the retry the bucket holds\n%v\nwant\n%v", got, files)
	}
}

// assetRefs are the assets/ paths a page names.
func assetRefs(page []byte) []string {
	var refs []string
	for _, part := range strings.Split(string(page), "/assets/")[1:] {
		end := strings.IndexAny(part, `"' )`)
		if end > 0 {
			refs = append(refs, "assets/"+part[:end])
		}
	}
	return refs
}

// TestDeployTwoTargetsOneFailing: every target is tried; the one that
// fails is named, and the exit code is 1.
func TestDeployTwoTargetsOneFailing(t *testing.T) {
	good := newBucket(t, "good")
	bad := newBucket(t, "bad")
	bad.fail = func(string) bool { return true }
	site, out := builtSite(t)
	addTargets(t, site, "  - name: first\n    url: \""+bad.url()+"\"\n  - name: second\n    url: \""+good.url()+"\"\n")
	code, stdout, stderr := deployRun(t, "--site", site, "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "first: failed") || !strings.Contains(stderr, "1 of 2 targets failed") {
		t.Errorf("output should name the failing target:\n%s%s", stdout, stderr)
	}
	if !strings.Contains(stdout, "second: ") || strings.Contains(stdout, "second: failed") {
		t.Errorf("the second target should have deployed:\n%s", stdout)
	}
	files, _ := publish.Listed(out)
	if got := len(good.keys(t)); got != len(files)+1 {
		t.Errorf("the good target holds %d objects, want %d", got, len(files)+1)
	}

	// --target picks one.
	bad.fail = nil
	if code, stdout, _ := deployRun(t, "--site", site, "--out", out, "--target", "first"); code != 0 || strings.Contains(stdout, "second") {
		t.Errorf("--target first: exit %d: %s", code, stdout)
	}
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--target", "frist"); code != 2 || !strings.Contains(stderr, `did you mean "first"`) {
		t.Errorf("--target frist: exit %d: %s", code, stderr)
	}
}

// addTargets appends a deploy: list to the site's site.yaml.
func addTargets(t *testing.T, site, list string) {
	t.Helper()
	name := filepath.Join(site, "content", "site.yaml")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, append(data, []byte("\ndeploy:\n"+list)...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDeployCompressed: a target that stores files compressed keeps text
// gzipped with Content-Encoding, and images as they are.
func TestDeployCompressed(t *testing.T) {
	b := newBucket(t, "status")
	site, out := builtSite(t)
	addTargets(t, site, "  - name: zipped\n    url: \""+b.url()+"\"\n    compress: gzip\n    max_age: 30\n    stale_if_error: 0\n")
	if code, _, stderr := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	puts, _ := b.take()
	for _, p := range puts {
		if p.key == ".statusgen-deploy.json" {
			continue
		}
		local, _ := os.ReadFile(filepath.Join(out, p.key))
		stored := b.object(t, p.key)
		enc := p.header.Get("Content-Encoding")
		if !publish.Compressible(p.key) {
			if enc != "" || !bytes.Equal(stored, local) {
				t.Errorf("%s: stored with Content-Encoding %q", p.key, enc)
			}
			continue
		}
		if enc != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", p.key, enc)
			continue
		}
		z, err := gzip.NewReader(bytes.NewReader(stored))
		if err != nil {
			t.Fatalf("%s: %v", p.key, err)
		}
		plain, _ := io.ReadAll(z)
		if !bytes.Equal(plain, local) {
			t.Errorf("%s: gunzipped bytes differ from the built file", p.key)
		}
		if cc := p.header.Get("Cache-Control"); !strings.HasPrefix(p.key, "assets/") && cc != "public, max-age=30" {
			t.Errorf("%s: Cache-Control %q, want max-age=30 alone", p.key, cc)
		}
	}
	// The same bytes every time: nothing to upload the second time.
	if code, _, _ := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatal("second deploy failed")
	}
	if puts, _ := b.take(); len(puts) > 0 {
		t.Errorf("compressed files were uploaded again: %v", putKeys(puts))
	}
}

// TestDeployDryRun changes nothing and says what it would do.
func TestDeployDryRun(t *testing.T) {
	b := newBucket(t, "status")
	site, out := builtSite(t)
	restore := withRegion(t, site, out)
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url()); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	restore()
	b.take()
	code, stdout, stderr := deployRun(t, "--site", site, "--out", out, "--to", b.url(), "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if puts, dels := b.take(); len(puts)+len(dels) > 0 {
		t.Errorf("a dry run uploaded %d and deleted %v", len(puts), dels)
	}
	for _, w := range []string{"would upload index.html", "would delete regions/zz/index.html", "(dry run): would upload"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("dry run output lacks %q:\n%s", w, stdout)
		}
	}
}

// TestDeployPingsTheHub: after a deploy, the WebSub hub hears of each feed
// that changed, in the form hubs take (hub.mode=publish, hub.url); after
// a deploy that changed nothing, of none.
func TestDeployPingsTheHub(t *testing.T) {
	b := newBucket(t, "status")
	var mu sync.Mutex
	var pinged []string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("hub.mode") != "publish" ||
			r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Errorf("hub: bad request %s %v", r.Method, r.PostForm)
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		mu.Lock()
		pinged = append(pinged, r.PostForm.Get("hub.url"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	site, out := builtSite(t)
	name := filepath.Join(site, "content", "site.yaml")
	data, _ := os.ReadFile(name)
	os.WriteFile(name, append(data, []byte("\nwebsub_hub: "+hub.URL+"/\n")...), 0o644)
	rebuild(t, site, out, "")
	// A deploy --to a bucket of one's own tells no hub.
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", "file://"+filepath.ToSlash(t.TempDir())); code != 0 || len(pinged) > 0 {
		t.Fatalf("--to: exit %d, pinged %v: %s", code, pinged, stderr)
	}
	addTargets(t, site, "  - name: primary\n    url: \""+b.url()+"\"\n")
	if code, _, stderr := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := publish.Listed(out)
	var feeds []string
	for _, f := range files {
		if strings.HasSuffix(f, "/feed.xml") || strings.HasSuffix(f, "/atom.xml") || f == "feed.xml" || f == "atom.xml" {
			feeds = append(feeds, f)
		}
	}
	mu.Lock()
	got := slices.Sorted(slices.Values(pinged))
	pinged = nil
	mu.Unlock()
	if len(got) != len(feeds) || !strings.HasPrefix(got[0], "https://") {
		t.Errorf("pinged %d feeds, want the %d built:\n%v", len(got), len(feeds), got)
	}
	if code, _, _ := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatal("second deploy failed")
	}
	if len(pinged) > 0 {
		t.Errorf("an unchanged deploy pinged %v", pinged)
	}
}

// TestDeployToFolder: a file:// target is a folder, compared and updated
// as a bucket is; never the build's own folder.
func TestDeployToFolder(t *testing.T) {
	site, out := builtSite(t)
	dir := t.TempDir()
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", "file://"+filepath.ToSlash(dir)); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	local, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil || !bytes.Equal(page, local) {
		t.Errorf("index.html not deployed: %v", err)
	}
	if code, stdout, _ := deployRun(t, "--site", site, "--out", out, "--to", "file://"+filepath.ToSlash(dir)); code != 0 || !strings.Contains(stdout, "nothing changed") {
		t.Errorf("second deploy: exit %d: %s", code, stdout)
	}
	for _, bad := range []string{out, filepath.Dir(out), filepath.Join(out, "regions")} {
		code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", "file://"+filepath.ToSlash(bad))
		if code != 1 || !strings.Contains(stderr, "deploy to a folder of its own") {
			t.Errorf("--to %s: exit %d: %s", bad, code, stderr)
		}
	}
	for _, bad := range []string{"http://example.com/", "s3://", "file://relative/dir", "s3://b?secret_access_key=x", "s3://user:pw@b"} {
		code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", bad)
		if code != 2 || strings.Contains(stderr, "pw@") || strings.Contains(stderr, "=x") {
			t.Errorf("--to %s: exit %d: %s", bad, code, stderr)
		}
	}
}

// cdnReceiver is an HTTPS server standing in for Cloudflare's API: the
// deploy's client reaches it for api.cloudflare.com, and it checks each
// purge against Cloudflare's documented format.
type cdnReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	purged []string
	fail   bool
}

func newCDNReceiver(t *testing.T) *cdnReceiver {
	c := &cdnReceiver{}
	c.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Files []string }
		if r.Host != "api.cloudflare.com" || r.Method != http.MethodPost || r.URL.Path != "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache" ||
			r.Header.Get("Authorization") != "Bearer cf-test-token" || json.NewDecoder(r.Body).Decode(&body) != nil || len(body.Files) == 0 || len(body.Files) > 30 {
			t.Errorf("unexpected purge request %s %s%s", r.Method, r.Host, r.URL)
			http.Error(w, `{"success":false,"errors":[{"code":1,"message":"bad"}]}`, http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"success":false,"errors":[{"code":10000,"message":"try later"}]}`)
			return
		}
		c.purged = append(c.purged, body.Files...)
		io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":{"id":"x"}}`)
	}))
	t.Cleanup(c.srv.Close)
	cert := c.srv.Certificate()
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	addr := c.srv.Listener.Addr().String()
	old := deployEnv
	deployEnv = func() deploy.Env {
		return deploy.Env{Getenv: os.Getenv, HTTP: &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
				if a != "api.cloudflare.com:443" {
					return nil, fmt.Errorf("the test reaches no %s", a)
				}
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			},
			// httptest's certificate names example.com.
			TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "example.com"},
		}}}
	}
	t.Cleanup(func() { deployEnv = old })
	t.Setenv("CLOUDFLARE_API_TOKEN", "cf-test-token")
	return c
}

func (c *cdnReceiver) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.purged
	c.purged = nil
	slices.Sort(p)
	return p
}

// TestDeployPurges: the URLs of exactly the files uploaded are purged; a
// purge that fails is done by the next deploy, even if nothing changed.
func TestDeployPurges(t *testing.T) {
	b := newBucket(t, "status")
	cdn := newCDNReceiver(t)
	site, out := builtSite(t)
	addTargets(t, site, "  - name: primary\n    url: \""+b.url()+"\"\n    cdn:\n      cloudflare: {zone: 023e105f4ecef8ad9ca31a8372d0c353}\n")
	rebuild(t, site, out, "")
	if code, _, stderr := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := publish.Listed(out)
	if got := cdn.take(); len(got) < len(files) || !slices.Contains(got, "https://status.example.com/") {
		t.Errorf("first deploy purged %d URLs, want every file's (%d) and the folders", len(got), len(files))
	}

	post := firstPost(t, site)
	data, _ := os.ReadFile(post)
	os.WriteFile(post, bytes.Replace(data, []byte("\n---\n"), []byte("\n---\nA new sentence.\n\n"), 1), 0o644)
	changedFile := filepath.Join(t.TempDir(), "changed.txt")
	rebuild(t, site, out, changedFile)
	want, _ := os.ReadFile(changedFile)
	wantURLs := strings.Fields(string(want))
	slices.Sort(wantURLs)

	cdn.fail = true
	code, _, stderr := deployRun(t, "--site", site, "--out", out)
	if code != 1 || !strings.Contains(stderr, "the next deploy purges again") || strings.Contains(stderr, "cf-test-token") {
		t.Fatalf("failed purge: exit %d: %s", code, stderr)
	}
	cdn.fail = false
	b.take()
	if code, stdout, stderr := deployRun(t, "--site", site, "--out", out); code != 0 || !strings.Contains(stdout, "nothing changed") {
		t.Fatalf("retry: exit %d: %s%s", code, stdout, stderr)
	}
	if got := cdn.take(); !slices.Equal(got, wantURLs) {
		t.Errorf("the retry purged\n%v\nwant what the build changed\n%v", got, wantURLs)
	}
	if code, _, _ := deployRun(t, "--site", site, "--out", out); code != 0 {
		t.Fatal("third deploy failed")
	}
	if got := cdn.take(); len(got) > 0 {
		t.Errorf("a deploy after a complete one purged %v", got)
	}
}
