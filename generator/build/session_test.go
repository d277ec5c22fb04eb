package build

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"statusgen/generator/publish"
	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// sessionSite is a site on disk that a test edits while a session builds it.
type sessionSite struct {
	t    *testing.T
	dir  string
	out  string
	rng  *rand.Rand
	now  time.Time
	dup  string // a copy of a post in another folder, which two incidents claim
	sess *Session
}

func newSessionSite(t *testing.T, seed uint64) *sessionSite {
	dir := t.TempDir()
	s := &sessionSite{t: t, dir: dir, out: filepath.Join(dir, "public"), rng: rand.New(rand.NewPCG(seed, 7)),
		now: sitetest.At("2011-05-20T00:00:00Z")}
	s.write(source.SiteFile, sitetest.Site)
	for i := range 30 { // enough incidents for two history pages
		s.write(fmt.Sprintf("content/posts/p%d.md", i), s.randomPost(i))
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s.sess = NewSession(Options{Site: root.FS(), Defaults: sitetest.Defaults}, s.out)
	return s
}

func (s *sessionSite) write(p, text string) {
	name := filepath.Join(s.dir, filepath.FromSlash(p))
	os.MkdirAll(filepath.Dir(name), 0o755)
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *sessionSite) randomPost(i int) string {
	states := []string{"operational", "degraded", "partial_outage", "major_outage", "maintenance"}
	regions := []string{"na", "jp", "all", "[na, jp]"}
	ts := s.now.Add(time.Duration(s.rng.IntN(24*40)-24*30) * time.Hour)
	text := fmt.Sprintf("---\ntitle: Post %d %d\nregion: %s\nservice: psn\nstate: %s\ntimestamp: %s\n",
		i, s.rng.IntN(100), regions[s.rng.IntN(len(regions))], states[s.rng.IntN(len(states))], ts.Format(time.RFC3339))
	switch s.rng.IntN(8) {
	case 0: // an incident of its own, named after the file
	case 1:
		text += "draft: true\n"
	case 2:
		text += "announced: " + ts.Add(-48*time.Hour).Format(time.RFC3339) + "\n"
	}
	if !strings.Contains(text, "draft") && s.rng.IntN(8) != 0 {
		text += fmt.Sprintf("incident: inc-%d\n", s.rng.IntN(25))
	}
	if s.rng.IntN(4) == 0 {
		text += "until: " + ts.Add(3*time.Hour).Format(time.RFC3339) + "\n"
		text = strings.Replace(text, "state: "+strings.Split(strings.Split(text, "state: ")[1], "\n")[0], "state: maintenance", 1)
	}
	return text + fmt.Sprintf("---\nBody %d with a [link](../../regions/na/).\n", s.rng.IntN(1000))
}

// posts lists the post files now on disk.
func (s *sessionSite) posts() []string {
	var out []string
	filepath.WalkDir(filepath.Join(s.dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(s.dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// step makes one random change and returns the paths it touched.
func (s *sessionSite) step(i int) []string {
	posts := s.posts()
	pick := func() string { return posts[s.rng.IntN(len(posts))] }
	switch op := s.rng.IntN(10); {
	case op < 3 && len(posts) > 0: // edit
		p := pick()
		s.write(p, s.randomPost(i))
		return []string{p}
	case op < 5: // create, sometimes in a new folder
		p := fmt.Sprintf("content/posts/n%d.md", i)
		if s.rng.IntN(2) == 0 {
			p = fmt.Sprintf("content/more%d/deep/n%d.md", i, i)
		}
		s.write(p, s.randomPost(i))
		return []string{strings.SplitN(p, "/", 3)[0] + "/" + strings.SplitN(p, "/", 3)[1]}
	case op < 6 && len(posts) > 1: // delete
		p := pick()
		os.Remove(filepath.Join(s.dir, p))
		return []string{p}
	case op < 7 && len(posts) > 0: // rename a post, or a folder of posts
		if dirs, _ := filepath.Glob(filepath.Join(s.dir, "content/more*")); len(dirs) > 0 && s.rng.IntN(3) == 0 {
			p, q := "content/"+filepath.Base(dirs[0]), fmt.Sprintf("content/moved%d", i)
			os.Rename(dirs[0], filepath.Join(s.dir, q))
			return []string{p, q}
		}
		p, q := pick(), fmt.Sprintf("content/posts/r%d.md", i)
		os.Rename(filepath.Join(s.dir, p), filepath.Join(s.dir, q))
		return []string{p, q}
	case op < 8 && len(posts) > 0: // break a post, or fix one
		p := pick()
		if s.rng.IntN(2) == 0 {
			s.write(p, "---\nregion: [na\n---\n")
		} else {
			s.write(p, s.randomPost(i))
		}
		return []string{p}
	case op < 9 && s.rng.IntN(2) == 0 && len(posts) > 0: // the same file name twice, or that undone
		if s.dup != "" {
			p := s.dup
			os.Remove(filepath.Join(s.dir, p))
			s.dup = ""
			return []string{p}
		}
		p := pick()
		s.dup = "content/dup/" + path.Base(p)
		s.write(s.dup, string(sitetest.Must(os.ReadFile(filepath.Join(s.dir, p)))))
		return []string{"content/dup"}
	case op < 9: // time passes
		s.now = s.now.Add(time.Duration(s.rng.IntN(30)) * time.Hour)
		return nil
	default: // site.yaml or a layout changes
		if s.rng.IntN(2) == 0 {
			s.write(source.SiteFile, strings.Replace(sitetest.Site, "name: Japan", fmt.Sprintf("name: Japan %d", i), 1))
			return []string{source.SiteFile}
		}
		s.write("layouts/404.html", fmt.Sprintf(`{{template "base" .}}{{define "main"}}<p>Lost %d</p>{{end}}`, i))
		return []string{"layouts/404.html"}
	}
}

// outTree reads the output folder, the marker left out.
func outTree(t *testing.T, dir string) map[string]string {
	got := sitetest.Tree(t, dir)
	delete(got, publish.Marker)
	return got
}

// rebuild tells the session what changed and checks the outcome against a
// fresh full build: the same output, or, when the full build fails, the
// same errors and the output left as it was.
func (s *sessionSite) rebuild(step string, changed []string) {
	t := s.t
	t.Helper()
	before := outTree(t, s.out)
	res, err := s.sess.Build(changed, s.now)
	root, _ := os.OpenRoot(s.dir)
	want, wantErr := fullBuild(Options{Site: root.FS(), Now: s.now})
	root.Close()
	switch {
	case wantErr != nil && err == nil:
		t.Fatalf("%s (%v): built, a full build fails with\n%v", step, changed, wantErr)
	case wantErr != nil:
		if err.Error() != wantErr.Error() {
			t.Fatalf("%s (%v): failed with\n%v\na full build fails with\n%v", step, changed, err, wantErr)
		}
		if after := outTree(t, s.out); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("%s: a failed build changed the output", step)
		}
		return
	case err != nil:
		t.Fatalf("%s (%v): %v", step, changed, err)
	}
	got := outTree(t, s.out)
	if len(got) != len(want) {
		t.Fatalf("%s (%v): %d files, a full build makes %d", step, changed, len(got), len(want))
	}
	for p, data := range want {
		if got[p] != data {
			t.Fatalf("%s (%v): %s differs from a full build (rendered %d)\n%s", step, changed, p, res.Rendered, sitetest.FirstDiff([]byte(got[p]), []byte(data)))
		}
	}
	// The marker lists every file, so that a build after it refuses nothing.
	if found, err := publish.Unlisted(s.out); err != nil || len(found) > 0 {
		t.Fatalf("%s (%v): the marker misses %v (%v)", step, changed, found, err)
	}
}

// fullBuild builds a site in memory as the build command does.
func fullBuild(opts Options) (map[string]string, error) {
	out := map[string]string{}
	var mu sync.Mutex
	opts.Defaults = sitetest.Defaults
	_, err := Generate(opts, func(p string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		out[p] = string(data)
		return nil
	})
	return out, err
}

// TestSessionEqualsFullBuild applies random edits, creates, renames,
// deletes, breakages, file names two incidents claim and the passing of
// time, and after each checks that the session's output equals a fresh full
// build, or, when a full build fails, that the session fails with the same
// errors and leaves the output as it was.
func TestSessionEqualsFullBuild(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			s := newSessionSite(t, seed)
			if _, err := s.sess.Build(nil, s.now); err != nil {
				t.Fatal(err)
			}
			for i := range 40 {
				s.rebuild(fmt.Sprint("step ", i), s.step(i))
			}
		})
	}
}

// TestSessionThreads: removing or changing one update of an incident
// changes what the others derive, the stage of a later update and the end
// of a maintenance window, though their files did not change.
func TestSessionThreads(t *testing.T) {
	s := newSessionSite(t, 0)
	for _, p := range s.posts() {
		os.Remove(filepath.Join(s.dir, p))
	}
	post := func(name, region, state, ts, extra string) {
		s.write("content/posts/"+name+".md", fmt.Sprintf("---\nregion: %s\nservice: psn\nstate: %s\ntimestamp: %s\n%s---\nText.\n", region, state, ts, extra))
	}
	post("a", "na", "major_outage", "2011-05-19T10:00:00Z", "incident: x\n")
	post("b", "jp", "operational", "2011-05-19T11:00:00Z", "incident: x\n") // investigating while North America is down
	post("m1", "na", "maintenance", "2011-05-19T12:00:00Z", "incident: w\nuntil: 2011-05-21T00:00:00Z\n")
	post("m2", "na", "maintenance", "2011-05-19T13:00:00Z", "incident: w\n") // ends with m1's window
	if _, err := s.sess.Build(nil, s.now); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(s.dir, "content/posts/a.md"))
	s.rebuild("a removed", []string{"content/posts/a.md"}) // b now resolves x
	post("m1", "na", "maintenance", "2011-05-19T12:00:00Z", "incident: w\nuntil: 2011-05-19T15:00:00Z\n")
	s.rebuild("m1's window shortened", []string{"content/posts/m1.md"})
	post("m1", "na", "maintenance", "2011-05-19T12:00:00Z", "incident: v\nuntil: 2011-05-19T15:00:00Z\n")
	s.rebuild("m1 moved to another incident", []string{"content/posts/m1.md"})
}

// TestSessionRendersLittle: editing one post re-renders its incident, its
// regions and services and the site-wide files, not every incident page.
func TestSessionRendersLittle(t *testing.T) {
	s := newSessionSite(t, 9)
	for i := range 30 {
		s.write(fmt.Sprintf("content/posts/x%02d.md", i), fmt.Sprintf("---\nregion: na\nservice: store\nstate: degraded\ntimestamp: 2011-04-%02dT00:00:00Z\n---\n", i%28+1))
	}
	first, err := s.sess.Build(nil, s.now)
	if err != nil {
		t.Fatal(err)
	}
	s.write("content/posts/x03.md", "---\nregion: na\nservice: store\nstate: major_outage\ntimestamp: 2011-04-04T00:00:00Z\n---\nWorse.\n")
	res, err := s.sess.Build([]string{"content/posts/x03.md"}, s.now)
	if err != nil {
		t.Fatal(err)
	}
	// The 29 other incident pages and Japan's files are not rendered again.
	if res.Rendered > first.Rendered-29-8 || !slices.Contains(res.Written, "incidents/x03/index.html") {
		t.Errorf("one edit rendered %d of %d files and wrote %v", res.Rendered, first.Rendered, res.Written)
	}
	if slices.Contains(res.Written, "incidents/x04/index.html") || slices.Contains(res.Written, "regions/jp/index.html") {
		t.Errorf("untouched pages were rewritten: %v", res.Written)
	}
	info, _ := os.Stat(filepath.Join(s.out, "incidents/x04/index.html"))
	if info == nil || !bytes.Contains(sitetest.Must(os.ReadFile(filepath.Join(s.out, "incidents/x03/index.html"))), []byte("Worse.")) {
		t.Error("the edited post's page was not rewritten")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestSessionMarkerListsUnwrittenOutputs: an output already on disk with
// the right bytes (left by an update that failed or was killed after
// writing it) is listed in the marker even though it is not written again.
func TestSessionMarkerListsUnwrittenOutputs(t *testing.T) {
	s := newSessionSite(t, 3)
	if _, err := s.sess.Build(nil, s.now); err != nil {
		t.Fatal(err)
	}
	s.write("content/posts/newone.md", "---\nregion: na\nservice: psn\nstate: degraded\ntimestamp: 2011-05-19T00:00:00Z\n---\nSlow.\n")
	root, _ := os.OpenRoot(s.dir)
	want, err := fullBuild(Options{Site: root.FS(), Now: s.now})
	root.Close()
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(s.out, "incidents", "newone", "index.html")
	os.MkdirAll(filepath.Dir(page), 0o755)
	os.WriteFile(page, []byte(want["incidents/newone/index.html"]), 0o644)
	if _, err := s.sess.Build([]string{"content/posts/newone.md"}, s.now); err != nil {
		t.Fatal(err)
	}
	if found, err := publish.Unlisted(s.out); err != nil || len(found) > 0 {
		t.Errorf("the marker misses %v (%v)", found, err)
	}
}
