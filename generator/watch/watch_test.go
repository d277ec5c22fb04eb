package watch

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"statusgen/generator/build"
	"statusgen/generator/publish"
	"statusgen/generator/serve"
)

const site = `title: Test Status
base_url: https://status.example.com/
regions:
  - id: na
    name: North America
  - id: jp
    name: Japan
    timezone: Asia/Tokyo
    language: ja
services:
  - id: psn
    name: PlayStation Network
`

var now = time.Date(2011, 5, 20, 0, 0, 0, 0, time.UTC)

func post(region, state, title string) string {
	return fmt.Sprintf("---\ntitle: %s\nregion: %s\nservice: psn\nstate: %s\ntimestamp: 2011-05-10T00:00:00Z\n---\n%s\n", title, region, state, title)
}

// live is a site on disk with Run building it in the background.
type live struct {
	t      *testing.T
	dir    string
	out    string
	builds chan Build
	stop   func()
}

func start(t *testing.T) *live { return startIn(t, t.TempDir(), nil) }

// startIn is start in the folder dir; also, when given, hears of every
// build too, before the test does.
func startIn(t *testing.T, dir string, also func(Build)) *live {
	l := &live{t: t, dir: dir, out: filepath.Join(dir, "public"), builds: make(chan Build, 100)}
	l.write("content/site.yaml", site)
	l.write("content/posts/down.md", post("jp", "major_outage", "Down in Japan"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts := build.Options{Site: root.FS(), Defaults: os.DirFS("../..")}
	sess := build.NewSession(opts, l.out)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		report := func(b Build) {
			if also != nil {
				also(b)
			}
			l.builds <- b
		}
		if err := Run(ctx, dir, sess, func() time.Time { return now }, report); err != nil {
			t.Error(err)
		}
	})
	l.stop = func() { cancel(); wg.Wait(); root.Close() }
	t.Cleanup(l.stop)
	if b := l.next(); b.Err != nil {
		t.Fatalf("first build: %v", b.Err)
	}
	return l
}

func (l *live) write(p, text string) {
	name := filepath.Join(l.dir, filepath.FromSlash(p))
	os.MkdirAll(filepath.Dir(name), 0o755)
	if err := save(name, []byte(text)); err != nil {
		l.t.Fatal(err)
	}
}

// save writes a file as most editors save one: whole into a hidden file
// beside it, then renamed over it, so that no build reads it half written.
// (os.WriteFile empties the file first: the quiet window may end between
// the two, and a build then reads an empty post.)
func save(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// next waits for the next build.
func (l *live) next() Build {
	l.t.Helper()
	select {
	case b := <-l.builds:
		return b
	case <-time.After(10 * time.Second):
		l.t.Fatal("no rebuild within 10 s")
	}
	return Build{}
}

// settle waits until no build comes for a while and returns the last one.
func (l *live) settle() Build {
	l.t.Helper()
	last := l.next()
	for {
		select {
		case b := <-l.builds:
			last = b
		case <-time.After(300 * time.Millisecond):
			return last
		}
	}
}

// page reads an output file.
func (l *live) page(p string) string {
	data, _ := os.ReadFile(filepath.Join(l.out, filepath.FromSlash(p)))
	return string(data)
}

// equalsFullBuild compares the output with a fresh build of the same site.
func (l *live) equalsFullBuild() {
	l.t.Helper()
	root, _ := os.OpenRoot(l.dir)
	defer root.Close()
	equalsFullBuild(l.t, root, l.out, now)
}

// equalsFullBuild compares the output in out with a fresh build of the site
// in root as of now.
func equalsFullBuild(t *testing.T, root *os.Root, out string, now time.Time) {
	t.Helper()
	want := map[string][]byte{}
	var mu sync.Mutex
	_, err := build.Generate(build.Options{Site: root.FS(), Defaults: os.DirFS("../.."), Now: now}, func(p string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		want[p] = bytes.Clone(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == publish.Marker {
			return nil
		}
		rel, _ := filepath.Rel(out, p)
		got++
		if data, ok := want[filepath.ToSlash(rel)]; !ok || !bytes.Equal(data, must(os.ReadFile(p))) {
			t.Errorf("%s differs from a full build", rel)
		}
		return nil
	})
	if got != len(want) {
		t.Errorf("%d files, a full build makes %d", got, len(want))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestEditCreateDelete(t *testing.T) {
	l := start(t)

	l.write("content/posts/down.md", post("jp", "operational", "Back in Japan"))
	if b := l.settle(); b.Err != nil || !strings.Contains(l.page("regions/jp/index.html"), "正常") {
		t.Fatalf("edit: %v; the Japan page does not show the edit", b.Err)
	}

	l.write("content/new/deeper/slow.md", post("na", "degraded", "Slow in North America"))
	if b := l.settle(); b.Err != nil || !strings.Contains(l.page("incidents/slow/index.html"), "Slow in North America") {
		t.Fatalf("create in a new folder: %v", b.Err)
	}
	l.write("content/new/deeper/slow.md", post("na", "partial_outage", "Slower"))
	if l.settle(); !strings.Contains(l.page("incidents/slow/index.html"), "Slower") {
		t.Fatal("a folder created while watching is not watched")
	}

	os.Remove(filepath.Join(l.dir, "content/new/deeper/slow.md"))
	if l.settle(); l.page("incidents/slow/index.html") != "" || strings.Contains(l.page("feed.xml"), "Slower") {
		t.Fatal("a deleted post is still published")
	}
	l.equalsFullBuild()
}

// TestEditorSaves: vim and others write a temp or swap file and rename it
// over the post; the leftovers never count.
func TestEditorSaves(t *testing.T) {
	l := start(t)
	tmp := filepath.Join(l.dir, "content/posts/.down.md.swp")
	os.WriteFile(tmp, []byte("swap garbage"), 0o644)
	os.WriteFile(filepath.Join(l.dir, "content/posts/down.md~"), []byte("backup"), 0o644)
	next := filepath.Join(l.dir, "content/posts/4913") // vim's probe, then the real write
	os.WriteFile(next, []byte(post("jp", "degraded", "Slow in Japan")), 0o644)
	os.Rename(next, filepath.Join(l.dir, "content/posts/down.md"))
	os.Remove(tmp)
	os.Chmod(filepath.Join(l.dir, "content/posts/down.md"), 0o600)
	if b := l.settle(); b.Err != nil || !strings.Contains(l.page("regions/jp/index.html"), "パフォーマンス低下") {
		t.Fatalf("rename-over save: %v", b.Err)
	}
	l.equalsFullBuild()
}

// TestBadEditThenFix: a broken post keeps the last good site; its fix
// rebuilds.
func TestBadEditThenFix(t *testing.T) {
	l := start(t)
	good := l.page("regions/jp/index.html")
	l.write("content/posts/down.md", "---\nregion: [jp\n---\n")
	b := l.settle()
	if b.Err == nil || !strings.Contains(b.Err.Error(), "content/posts/down.md:2:1:") {
		t.Fatalf("a broken post gave %v, want a positioned error", b.Err)
	}
	if l.page("regions/jp/index.html") != good {
		t.Fatal("a failed build changed the site")
	}
	l.write("content/posts/down.md", post("jp", "partial_outage", "Partly back"))
	if b := l.settle(); b.Err != nil || !strings.Contains(l.page("regions/jp/index.html"), "Partly back") {
		t.Fatalf("the fix did not rebuild: %v", b.Err)
	}
	l.equalsFullBuild()
}

// TestBurst: 500 writes in quick succession give few rebuilds, ending equal
// to a full build.
func TestBurst(t *testing.T) {
	l := start(t)
	for i := range 500 {
		l.write(fmt.Sprintf("content/burst/p%03d.md", i%50), post("na", []string{"degraded", "operational", "major_outage"}[i%3], fmt.Sprintf("Burst %d", i)))
	}
	builds := 1
	l.next()
	for done := false; !done; {
		select {
		case b := <-l.builds:
			if b.Err != nil {
				t.Fatal(b.Err)
			}
			builds++
		case <-time.After(500 * time.Millisecond):
			done = true
		}
	}
	// Few against 500: on a loaded machine (the whole suite with browsers,
	// 2 cores) writes come slower and more quiet windows end between
	// them; 25 was once exceeded (27) that way.
	if builds > 50 {
		t.Errorf("500 writes gave %d rebuilds", builds)
	}
	t.Logf("500 writes, %d rebuilds", builds)
	l.equalsFullBuild()
}

// TestBadLayoutThenFix: a broken layout is a positioned error that keeps
// the last good site, like a broken post.
func TestBadLayoutThenFix(t *testing.T) {
	l := start(t)
	good := l.page("404.html")
	l.write("layouts/404.html", "{{template \"base\" .}}\n{{define \"main\"}}\n{{.Nope}}\n{{end}}\n")
	b := l.settle()
	if b.Err == nil || !strings.Contains(b.Err.Error(), "layouts/404.html:3:3:") || l.page("404.html") != good {
		t.Fatalf("a broken layout gave %v and changed the site: %v", b.Err, l.page("404.html") != good)
	}
	l.write("layouts/404.html", "{{template \"base\" .}}\n{{define \"main\"}}<p>Lost here</p>{{end}}\n")
	if b := l.settle(); b.Err != nil || !strings.Contains(l.page("404.html"), "Lost here") {
		t.Fatalf("the fixed layout did not rebuild: %v", b.Err)
	}
	l.equalsFullBuild()
}

// TestPreviewReloads: with the preview server fed by the watcher, an open
// page's event stream hears of a save, of a broken save with its error, and
// of the fix.
func TestPreviewReloads(t *testing.T) {
	dir := t.TempDir()
	preview := serve.New(filepath.Join(dir, "public"))
	srv := httptest.NewServer(preview)
	defer srv.Close()
	defer preview.Close()
	l := startIn(t, dir, func(b Build) { preview.Built(b.Result.BasePath, b.Err) })
	resp, err := http.Get(srv.URL + serve.EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			events <- sc.Text()
		}
	}()
	expect := func(want string) {
		t.Helper()
		for deadline := time.After(10 * time.Second); ; {
			select {
			case line := <-events:
				if strings.Contains(line, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q on the event stream", want)
			}
		}
	}
	expect(": connected")
	l.write("content/posts/down.md", post("jp", "operational", "Back"))
	expect("event: reload")
	l.write("content/posts/down.md", "---\nregion: jpn\nservice: psn\nstate: operational\ntimestamp: 2011-05-10T00:00:00Z\n---\n")
	expect("event: failure")
	expect(`content/posts/down.md:2:9: unknown region \"jpn\"`)
	l.write("content/posts/down.md", post("jp", "operational", "Back again"))
	expect("event: reload")
	page := must(http.Get(srv.URL + "/regions/jp/"))
	page.Body.Close()
	if page.StatusCode != 200 {
		t.Errorf("the Japan page: %s", page.Status)
	}
}

// TestFolderRenameAndLinks: a renamed folder with subfolders keeps being
// watched under its new name; links and folders named like posts are
// errors, as in a full build.
func TestFolderRenameAndLinks(t *testing.T) {
	l := start(t)
	l.write("content/a/sub/one.md", post("na", "degraded", "One"))
	l.settle()
	if err := os.Rename(filepath.Join(l.dir, "content/a"), filepath.Join(l.dir, "content/b")); err != nil {
		t.Fatal(err)
	}
	l.settle()
	l.write("content/b/sub/one.md", post("na", "partial_outage", "One later"))
	if l.settle(); !strings.Contains(l.page("incidents/one/index.html"), "One later") {
		t.Fatal("an edit in a renamed folder's subfolder was lost")
	}
	l.equalsFullBuild()

	os.WriteFile(filepath.Join(l.dir, "elsewhere.md"), []byte(post("na", "major_outage", "Outside")), 0o644)
	os.Symlink("../elsewhere.md", filepath.Join(l.dir, "content/link.md"))
	if b := l.settle(); b.Err == nil || !strings.Contains(b.Err.Error(), "content/link.md:1:1: symbolic link") {
		t.Fatalf("a link under content/ gave %v", b.Err)
	}
	os.Remove(filepath.Join(l.dir, "content/link.md"))
	l.settle()
	os.Mkdir(filepath.Join(l.dir, "content/x.md"), 0o755)
	l.write("content/x.md/inner.md", post("na", "major_outage", "Inner"))
	if b := l.settle(); b.Err == nil || !strings.Contains(b.Err.Error(), "content/x.md:1:1: a folder named like a post") {
		t.Fatalf("a folder named like a post gave %v", b.Err)
	}
	os.RemoveAll(filepath.Join(l.dir, "content/x.md"))
	if b := l.settle(); b.Err != nil {
		t.Fatal(b.Err)
	}
	l.equalsFullBuild()
}
