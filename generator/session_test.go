package generator

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sessionSite is a site on disk that a test edits while a session builds it.
type sessionSite struct {
	t    *testing.T
	dir  string
	out  string
	rng  *rand.Rand
	now  time.Time
	bad  map[string]bool // posts left broken on purpose
	sess *Session
}

func newSessionSite(t *testing.T, seed uint64) *sessionSite {
	dir := t.TempDir()
	s := &sessionSite{t: t, dir: dir, out: filepath.Join(dir, "public"), rng: rand.New(rand.NewPCG(seed, 7)),
		now: at("2011-05-20T00:00:00Z"), bad: map[string]bool{}}
	s.write(SiteFile, testSite)
	for i := range 30 { // enough incidents for two history pages
		s.write(fmt.Sprintf("content/posts/p%d.md", i), s.randomPost(i))
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	s.sess = NewSession(Options{Site: root.FS(), Defaults: defaults}, s.out)
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
		delete(s.bad, p)
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
		delete(s.bad, p)
		return []string{p}
	case op < 7 && len(posts) > 0: // rename
		p, q := pick(), fmt.Sprintf("content/posts/r%d.md", i)
		os.Rename(filepath.Join(s.dir, p), filepath.Join(s.dir, q))
		s.bad[q], s.bad[p] = s.bad[p], false
		delete(s.bad, p)
		return []string{p, q}
	case op < 8 && len(posts) > 0: // break
		p := pick()
		s.write(p, "---\nregion: [na\n---\n")
		s.bad[p] = true
		return []string{p}
	case op < 9: // time passes
		s.now = s.now.Add(time.Duration(s.rng.IntN(30)) * time.Hour)
		return nil
	default: // site.yaml or a layout changes
		if s.rng.IntN(2) == 0 {
			s.write(SiteFile, strings.Replace(testSite, "name: Japan", fmt.Sprintf("name: Japan %d", i), 1))
			return []string{SiteFile}
		}
		s.write("layouts/404.html", fmt.Sprintf(`{{template "base" .}}{{define "main"}}<p>Lost %d</p>{{end}}`, i))
		return []string{"layouts/404.html"}
	}
}

// outTree reads the output folder, the marker left out.
func outTree(t *testing.T, dir string) map[string]string {
	got := tree(t, dir)
	delete(got, Marker)
	return got
}

// TestSessionEqualsFullBuild applies random edits, creates, renames,
// deletes, breakages and the passing of time, and after each checks that
// the session's output equals a fresh full build, or, while some post is
// broken, that the build fails and the output stays as it was.
func TestSessionEqualsFullBuild(t *testing.T) {
	for seed := range uint64(6) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			s := newSessionSite(t, seed)
			if _, err := s.sess.Build(nil, s.now); err != nil {
				t.Fatal(err)
			}
			for i := range 40 {
				changed := s.step(i)
				before := outTree(t, s.out)
				res, err := s.sess.Build(changed, s.now)
				broken := slices.Contains(mapValues(s.bad), true)
				switch {
				case broken && err == nil:
					t.Fatalf("step %d (%v): a broken post built", i, changed)
				case broken:
					if after := outTree(t, s.out); fmt.Sprint(after) != fmt.Sprint(before) {
						t.Fatalf("step %d: a failed build changed the output", i)
					}
					continue
				case err != nil:
					t.Fatalf("step %d (%v): %v", i, changed, err)
				}
				root, _ := os.OpenRoot(s.dir)
				want := build(t, nil, Options{Site: root.FS(), Now: s.now})
				root.Close()
				got := outTree(t, s.out)
				if len(got) != len(want) {
					t.Fatalf("step %d (%v): %d files, a full build makes %d", i, changed, len(got), len(want))
				}
				for p, data := range want {
					if got[p] != string(data) {
						t.Fatalf("step %d (%v): %s differs from a full build (rendered %d)\n%s", i, changed, p, res.Rendered, firstDiff([]byte(got[p]), data))
					}
				}
			}
		})
	}
}

func mapValues(m map[string]bool) []bool {
	var out []bool
	for _, v := range m {
		out = append(out, v)
	}
	return out
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
	if info == nil || !bytes.Contains(must(os.ReadFile(filepath.Join(s.out, "incidents/x03/index.html"))), []byte("Worse.")) {
		t.Error("the edited post's page was not rewritten")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
