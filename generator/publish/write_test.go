package publish_test

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"statusgen/generator/build"
	"statusgen/generator/publish"
	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// files is a build that emits the given files.
func files(m map[string]string) func(emit func(string, []byte) error) error {
	return func(emit func(string, []byte) error) error {
		for p, s := range m {
			if err := emit(p, []byte(s)); err != nil {
				return err
			}
		}
		return nil
	}
}

// A copy of the published site fetched from a bucket, without its marker
// and with files nobody built, serves as the old site: the changes are
// those against it, unchanged files keep its times, and it is left as it
// was.
func TestPublishOver(t *testing.T) {
	for _, elsewhere := range []bool{false, true} {
		dir, prevDir := t.TempDir(), t.TempDir()
		if elsewhere {
			// On another file system, where unchanged files cannot be linked
			// but must be copied with their time.
			shm, err := os.MkdirTemp("/dev/shm", "published")
			if err != nil {
				t.Skip("no /dev/shm to hold a previous site on another file system")
			}
			t.Cleanup(func() { os.RemoveAll(shm) })
			prevDir = shm
		}
		testPublishOver(t, filepath.Join(prevDir, "published"), filepath.Join(dir, "public"))
	}
}

func testPublishOver(t *testing.T, prev, out string) {
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	fetched := map[string]string{"index.html": "one", "a/index.html": "same", "gone.html": "x", "robots.txt": "r",
		".git/HEAD": "ref", ".statusgen": "marker"} // a checkout of the published site: its hidden files are not the site's
	for p, s := range fetched {
		name := filepath.Join(prev, p)
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(name, old, old)
	}
	v2 := map[string]string{"index.html": "two", "a/index.html": "same", "new.html": "n"}
	for run := 1; run <= 2; run++ { // the second into an out of its own
		changes, err := publish.PublishOver(out, prev, time.Time{}, files(v2))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"gone.html", "index.html", "new.html", "robots.txt"}; !slices.Equal(changes, want) {
			t.Errorf("run %d: changes %v, want %v", run, changes, want)
		}
		got := sitetest.Tree(t, out)
		delete(got, publish.Marker)
		if fmt.Sprint(got) != fmt.Sprint(v2) {
			t.Errorf("run %d: output %v, want %v", run, got, v2)
		}
		for p, want := range map[string]bool{"a/index.html": true, "index.html": false, "new.html": false} {
			info, err := os.Stat(filepath.Join(out, p))
			if err != nil {
				t.Fatal(err)
			}
			if info.ModTime().Equal(old) != want {
				t.Errorf("run %d: %s has mtime %v; want the fetched one: %v", run, p, info.ModTime(), want)
			}
			if fetched, err := os.Stat(filepath.Join(prev, p)); err == nil && os.SameFile(info, fetched) {
				t.Errorf("run %d: %s is linked to the previous site's file, which its owner may write in place", run, p)
			}
		}
	}
	if got := sitetest.Tree(t, prev); fmt.Sprint(got) != fmt.Sprint(fetched) {
		t.Errorf("the previous site changed: %v", got)
	}
}

func TestPublishKeepsUnchangedMtimes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	v1 := map[string]string{"index.html": "one", "a/index.html": "same", "gone.html": "x"}
	if _, err := publish.Publish(out, time.Time{}, files(v1)); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	for p := range v1 {
		os.Chtimes(filepath.Join(out, p), old, old)
	}
	v2 := map[string]string{"index.html": "two", "a/index.html": "same", "new.html": "n"}
	changes, err := publish.Publish(out, time.Time{}, files(v2))
	if err != nil {
		t.Fatal(err)
	}
	// Changed, added and removed; the unchanged file and the marker are not.
	if want := []string{"gone.html", "index.html", "new.html"}; !slices.Equal(changes, want) {
		t.Errorf("changes %v, want %v", changes, want)
	}
	got := sitetest.Tree(t, out)
	delete(got, publish.Marker)
	if fmt.Sprint(got) != fmt.Sprint(v2) {
		t.Errorf("output %v, want %v", got, v2)
	}
	mtime := func(p string) time.Time {
		info, err := os.Stat(filepath.Join(out, p))
		if err != nil {
			t.Fatal(err)
		}
		return info.ModTime()
	}
	if !mtime("a/index.html").Equal(old) {
		t.Error("an unchanged file got a new mtime")
	}
	if mtime("index.html").Equal(old) {
		t.Error("a changed file kept its old mtime")
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o755 {
		t.Errorf("output folder mode %v, want 0755", info.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.statusgen-*")); len(left) > 0 {
		t.Errorf("staging folders left: %v", left)
	}
}

func TestPublishFailureKeepsOldSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	v1 := map[string]string{"index.html": "old"}
	if _, err := publish.Publish(out, time.Time{}, files(v1)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	_, err := publish.Publish(out, time.Time{}, func(emit func(string, []byte) error) error {
		emit("index.html", []byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Publish returned %v, want the build's error", err)
	}
	if got := sitetest.Tree(t, out); got["index.html"] != "old" {
		t.Errorf("old site damaged: %v", got)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.statusgen-*")); len(left) > 0 {
		t.Errorf("staging folders left: %v", left)
	}
}

func TestCheckOut(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	for _, d := range []string{"content/posts", "layouts", "assets", "stranger", "empty", "mine"} {
		os.MkdirAll(filepath.Join(site, d), 0o755)
	}
	os.WriteFile(filepath.Join(site, "stranger", "keep.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(site, "mine", publish.Marker), []byte(publish.OldMarker), 0o644)
	os.WriteFile(filepath.Join(site, "mine", "index.html"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(site, "file"), []byte("x"), 0o644)
	home, _ := os.UserHomeDir()
	refused := map[string]string{
		"/":                     "root of the file system",
		home:                    "home folder",
		site:                    "it is the site folder",
		dir:                     "holds the site",
		site + "/content/posts": "inside the site's content/ folder",
		site + "/layouts":       "inside the site's layouts/ folder",
		site + "/assets/x":      "inside the site's assets/ folder",
		site + "/stranger":      "not empty and has no .statusgen file",
		site + "/file":          "a file, not a folder",
		site + "/./content/../": "it is the site folder",
	}
	for out, why := range refused {
		err := publish.CheckOut(site, out)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("publish.CheckOut(%s) = %v, want a refusal saying %q", out, err, why)
		}
	}
	for _, out := range []string{site + "/public", site + "/empty", site + "/mine", dir + "/elsewhere"} {
		if err := publish.CheckOut(site, out); err != nil {
			t.Errorf("publish.CheckOut(%s) = %v, want nil", out, err)
		}
	}
}

// TestPublishSurvivesKill kills a publishing process at random moments and
// checks that out is always the complete old or the complete new site.
func TestPublishSurvivesKill(t *testing.T) {
	if os.Getenv("STATUSGEN_PUBLISH_CHILD") != "" {
		publishChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	out := filepath.Join(t.TempDir(), "public")
	oldSite := siteOf("old", 200)
	if _, err := publish.Publish(out, time.Time{}, files(oldSite)); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	complete := 0
	for i := range 12 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPublishSurvivesKill$")
		cmd.Env = append(os.Environ(), "STATUSGEN_PUBLISH_CHILD="+out, fmt.Sprintf("STATUSGEN_VERSION=v%d", i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			complete++
		}
		got := sitetest.Tree(t, out)
		delete(got, publish.Marker)
		if !sameSite(got, oldSite) && !isVersion(got) {
			t.Fatalf("run %d: out is neither the old nor a complete new site (%d files)", i, len(got))
		}
		if isVersion(got) {
			oldSite = got
		}
	}
	t.Logf("%d of 12 builds finished before the kill", complete)
}

func siteOf(version string, n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("p%03d/index.html", i)] = version + strings.Repeat(".", 4000)
	}
	return m
}

func publishChild() {
	version := os.Getenv("STATUSGEN_VERSION")
	build := func(emit func(string, []byte) error) error {
		for p, s := range siteOf(version, 200) {
			if err := emit(p, []byte(s)); err != nil {
				return err
			}
			time.Sleep(100 * time.Microsecond)
		}
		return nil
	}
	if _, err := publish.Publish(os.Getenv("STATUSGEN_PUBLISH_CHILD"), time.Time{}, build); err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

func sameSite(a, b map[string]string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// isVersion reports whether the tree is one complete site of one version.
func isVersion(got map[string]string) bool {
	if len(got) != 200 {
		return false
	}
	first := got["p000/index.html"]
	for _, s := range got {
		if s != first {
			return false
		}
	}
	return true
}

// TestPublishConcurrent starts a failing build while a slow one runs: the
// second must not remove the first one's staging folder as a leftover.
func TestPublishConcurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	slow := siteOf("slow", 200)
	done := make(chan error)
	go func() {
		_, err := publish.Publish(out, time.Time{}, func(emit func(string, []byte) error) error {
			for p, s := range slow {
				if err := emit(p, []byte(s)); err != nil {
					return err
				}
				time.Sleep(200 * time.Microsecond)
			}
			return nil
		})
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	if _, err := publish.Publish(out, time.Time{}, func(func(string, []byte) error) error { return errors.New("content errors") }); err == nil {
		t.Error("the failing build succeeded")
	}
	if err := <-done; err != nil {
		t.Fatalf("the slow build failed: %v", err)
	}
	got := sitetest.Tree(t, out)
	delete(got, publish.Marker)
	if !sameSite(got, slow) {
		t.Errorf("out has %d files, want the slow build's %d", len(got), len(slow))
	}
}

// TestPublishThroughLink replaces the folder a symbolic link points to and
// keeps the link.
func TestPublishThroughLink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "www"), filepath.Join(dir, "public")
	if _, err := publish.Publish(target, time.Time{}, files(map[string]string{"index.html": "old"})); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("www", link); err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Publish(link, time.Time{}, files(map[string]string{"index.html": "new"})); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a folder")
	}
	if got := sitetest.Tree(t, target); got["index.html"] != "new" {
		t.Errorf("the link's target holds %q, want the new site", got["index.html"])
	}
}

// TestWriteNew: the file is made or emptied and holds the bytes; a failure
// names the file.
func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "index.html")
	for _, text := range []string{"a longer first text", "short"} {
		if err := publish.WriteNew(name, []byte(text)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(name); string(got) != text {
			t.Errorf("file holds %q, want %q", got, text)
		}
	}
	missing := filepath.Join(dir, "no", "index.html")
	if err := publish.WriteNew(missing, []byte("x")); err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("writing into a missing folder: %v", err)
	}
}

// failingDisk writes as osDisk does until its budget of calls is spent,
// then fails every call with err, as a full or read-only disk would.
type failingDisk struct {
	left   atomic.Int64
	err    error
	marker bool // fail the marker's write alone, the last of a build
}

func (d *failingDisk) spend() error {
	if d.left.Add(-1) < 0 {
		return d.err
	}
	return nil
}

func (d *failingDisk) Mkdir(name string) error {
	if err := d.spend(); err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	return publish.OSDisk{}.Mkdir(name)
}

func (d *failingDisk) WriteFile(name string, data []byte) error {
	if err := d.spend(); err != nil || d.marker && filepath.Base(name) == publish.Marker {
		if err == nil {
			err = d.err
		}
		return &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return publish.OSDisk{}.WriteFile(name, data)
}

// TestPublishWriteFailure: a disk that fills up or refuses writes at any
// point of a real build gives an error naming the output file and the
// cause, and leaves the published site as it was.
func TestPublishWriteFailure(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	opts := build.Options{Site: smallSite(), Defaults: sitetest.Defaults, Now: sitetest.At("2011-05-01T00:00:00Z")}
	generate := func(emit func(string, []byte) error) error {
		_, err := build.Generate(opts, emit)
		return err
	}
	if _, err := publish.Publish(out, time.Time{}, generate); err != nil {
		t.Fatal(err)
	}
	before := sitetest.Tree(t, out)
	opts.Now = sitetest.At("2011-05-02T00:00:00Z") // a build that changes pages
	// How many calls the build makes over a copy of the site, give or
	// take a folder two workers both make.
	copied := filepath.Join(t.TempDir(), "public")
	if err := os.CopyFS(copied, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	count := &failingDisk{}
	count.left.Store(1 << 30)
	if _, err := publish.PublishOn(copied, generate, count); err != nil {
		t.Fatal(err)
	}
	calls := 1<<30 - count.left.Load()
	for _, cause := range []error{syscall.ENOSPC, syscall.EACCES} {
		for _, budget := range []int64{0, 1, calls / 3, calls / 2, calls * 2 / 3, -1} {
			d := &failingDisk{err: cause, marker: budget == -1}
			d.left.Store(budget)
			if budget == -1 {
				d.left.Store(1 << 30)
			}
			_, err := publish.PublishOn(out, generate, d)
			if err == nil {
				t.Fatalf("%v after %d of %d calls: the build succeeded", cause, budget, calls)
			}
			if !errors.Is(err, cause) || !strings.HasPrefix(err.Error(), "cannot write ") || strings.Contains(err.Error(), "statusgen-") {
				t.Errorf("%v after %d calls: error %q does not name the output file and the cause", cause, budget, err)
			}
			if !maps.Equal(sitetest.Tree(t, out), before) {
				t.Fatalf("%v after %d calls: the published site changed", cause, budget)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.statusgen-*")); len(left) > 0 {
				t.Errorf("%v after %d calls: staging folders left: %v", cause, budget, left)
			}
		}
	}
}

// smallSite is a site of one post.
func smallSite() fstest.MapFS {
	return fstest.MapFS{
		source.SiteFile:   {Data: []byte(sitetest.Site)},
		"content/down.md": {Data: []byte("---\nregion: jp\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00Z\n---\nDown.\n")},
	}
}

// TestBuiltAt: the marker names the instant the build was made as of,
// which notify reads to announce what the build showed.
func TestBuiltAt(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	now := time.Date(2011, 5, 20, 9, 30, 0, 0, time.FixedZone("JST", 9*3600))
	if _, err := publish.Publish(out, now, files(map[string]string{"index.html": "a"})); err != nil {
		t.Fatal(err)
	}
	got, err := publish.BuiltAt(out)
	if err != nil || !got.Equal(now) {
		t.Fatalf("BuiltAt = %v, %v; want %v", got, err, now)
	}
	if listed, err := publish.Listed(out); err != nil || len(listed) != 1 || listed[0] != "index.html" {
		t.Fatalf("Listed = %v, %v", listed, err)
	}
	old := filepath.Join(t.TempDir(), "old")
	if _, err := publish.Publish(old, time.Time{}, files(map[string]string{"index.html": "a"})); err != nil {
		t.Fatal(err)
	}
	if _, err := publish.BuiltAt(old); err == nil || !strings.Contains(err.Error(), "build the site again") {
		t.Fatalf("a marker without the instant: %v", err)
	}
}
