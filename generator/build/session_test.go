package build

import (
	"bytes"
	"flag"
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
	t     *testing.T
	dir   string
	out   string
	rng   *rand.Rand
	now   time.Time
	dup   string // a copy of a post in another folder, which two incidents claim
	sess  *Session
	shape sessionShape
}

// sessionShape is a site the randomized session test edits: its site.yaml
// and the region and service values its posts take.
type sessionShape struct {
	site              string
	regions, services []string
	posts             int
}

// sessionShapes are the small site of the other tests, and a wider one:
// five regions in four zones and two languages, one offering only some
// services, six services, posts naming several pairs, a short feed and
// long incidents.
var sessionShapes = map[string]sessionShape{
	"small": {sitetest.Site, []string{"na", "jp", "all", "[na, jp]"}, []string{"psn"}, 30},
	"wide": {`title: Wide Status
base_url: https://status.example.com/wide/
timezone: Europe/Berlin
feed_limit: 7
regions:
  - {id: na, name: North America, timezone: America/New_York}
  - {id: eu, name: Europe}
  - {id: jp, name: Japan, timezone: Asia/Tokyo, language: ja, services: [psn, store, video]}
  - {id: me, name: Middle East, timezone: Asia/Dubai}
  - {id: oc, name: Oceania, timezone: Australia/Sydney}
services:
  - {id: psn, name: Network}
  - {id: store, name: Store}
  - {id: video, name: Video}
  - {id: music, name: Music}
  - {id: chat, name: Chat}
  - {id: cloud, name: Cloud saves}
`, []string{"na", "eu", "me", "oc", "all", "[na, eu]", "[eu, me, oc]"}, []string{"psn", "store", "music", "all", "[video, chat]", "[psn, cloud]"}, 60},
	"grouped": {groupedSessionSite(), []string{"r0", "r5", "g1", "[g0, r12]", "all"}, []string{"s0", "s3", "c1", "[c0, s20]", "all"}, 60},
}

// groupedSessionSite has groups of regions and of services, and enough
// pairs (13 × 21) that the overview sums up and region pages fold.
func groupedSessionSite() string {
	var b strings.Builder
	b.WriteString("title: Grouped Status\nbase_url: https://status.example.com/\nfeed_limit: 9\nregions:\n")
	for i := range 13 {
		extra := ""
		if i == 7 {
			extra = ", timezone: Asia/Tokyo, language: ja"
		}
		fmt.Fprintf(&b, "  - {id: r%d, name: Region %d%s}\n", i, i, extra)
	}
	b.WriteString("services:\n")
	for i := range 21 {
		fmt.Fprintf(&b, "  - {id: s%d, name: Service %d}\n", i, i)
	}
	b.WriteString("region_groups:\n  - {id: g0, name: G0, regions: [r0, r1, r2, r3]}\n  - {id: g1, name: G1, regions: [r4, r5, r6, r7, r8]}\n  - {id: g2, name: G2, regions: [r9, r10, r11, r12]}\n")
	b.WriteString("service_groups:\n  - {id: c0, name: C0, services: [s0, s1, s2, s3, s4, s5, s6]}\n  - {id: c1, name: C1, services: [s7, s8, s9, s10, s11, s12, s13]}\n  - {id: c2, name: C2, services: [s14, s15, s16, s17, s18, s19, s20]}\n")
	return b.String()
}

func newSessionSite(t *testing.T, seed uint64) *sessionSite {
	return newShapedSite(t, seed, sessionShapes["small"])
}

func newShapedSite(t *testing.T, seed uint64, shape sessionShape) *sessionSite {
	dir := t.TempDir()
	s := &sessionSite{t: t, dir: dir, out: filepath.Join(dir, "public"), rng: rand.New(rand.NewPCG(seed, 7)),
		now: sitetest.At("2011-05-20T00:00:00Z"), shape: shape}
	s.write(source.SiteFile, shape.site)
	for i := range shape.posts { // enough incidents for two history pages
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
	regions, services := s.shape.regions, s.shape.services
	ts := s.now.Add(time.Duration(s.rng.IntN(24*40)-24*30) * time.Hour)
	text := fmt.Sprintf("---\ntitle: Post %d %d\nregion: %s\nservice: %s\nstate: %s\ntimestamp: %s\n",
		i, s.rng.IntN(100), regions[s.rng.IntN(len(regions))], services[s.rng.IntN(len(services))], states[s.rng.IntN(len(states))], ts.Format(time.RFC3339))
	switch s.rng.IntN(8) {
	case 0: // an incident of its own, named after the file
	case 1:
		text += "draft: true\n"
	case 2:
		text += "announced: " + ts.Add(-48*time.Hour).Format(time.RFC3339) + "\n"
	}
	if !strings.Contains(text, "draft") && s.rng.IntN(8) != 0 {
		text += fmt.Sprintf("incident: inc-%d\n", s.rng.IntN(s.shape.posts*5/6))
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
	default: // site.yaml, a layout or a language's strings change
		switch s.rng.IntN(4) {
		case 0:
			s.write(source.SiteFile, strings.Replace(s.shape.site, "name: Japan", fmt.Sprintf("name: Japan %d", i), 1))
			return []string{source.SiteFile}
		case 1: // a layout that lists more recent incidents than the default
			s.write("layouts/service.html", fmt.Sprintf(`{{template "base" .}}{{define "main"}}<p>%d</p>{{range .Recent %d}}<p>{{.ID}} {{$.Progress .}}</p>{{end}}{{end}}`, i, 3+i%9))
			return []string{"layouts/service.html"}
		case 2:
			s.write("layouts/i18n/ja.yaml", fmt.Sprintf("services_heading: サービス %d\n", i))
			return []string{"layouts/i18n/ja.yaml"}
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
			t.Fatalf("%s (%v): %s differs from a full build (rendered %d)\n%s", step, changed, p, len(res.Rendered), sitetest.FirstDiff([]byte(got[p]), []byte(data)))
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
	for _, name := range []string{"small", "wide", "grouped"} {
		for seed := range uint64(*sessionSeeds) {
			t.Run(fmt.Sprint(name, "/seed", seed), func(t *testing.T) {
				s := newShapedSite(t, seed, sessionShapes[name])
				if _, err := s.sess.Build(nil, s.now); err != nil {
					t.Fatal(err)
				}
				for i := range *sessionSteps {
					changed := s.step(i)
					if s.rng.IntN(3) == 0 { // as watch does without --now: the clock moves a little
						s.now = s.now.Add(time.Duration(s.rng.IntN(90)) * time.Minute)
					}
					s.rebuild(fmt.Sprint("step ", i), changed)
				}
			})
		}
	}
}

// The randomized session test runs longer with, say,
// go test ./generator/build -run TestSessionEqualsFullBuild -session.seeds 60 -session.steps 100
var (
	sessionSeeds = flag.Int("session.seeds", 5, "random sites of each shape TestSessionEqualsFullBuild edits")
	sessionSteps = flag.Int("session.steps", 40, "changes TestSessionEqualsFullBuild makes to each")
)

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
	post("a", "na", "major_outage", "2011-05-19T10:00:00Z", "incident: x\nstage: identified\n")
	s.rebuild("a's stage given", []string{"content/posts/a.md"}) // b now carries it
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
	if len(res.Rendered) > len(first.Rendered)-29-8 || !slices.Contains(res.Written, "incidents/x03/index.html") {
		t.Errorf("one edit rendered %d of %d files and wrote %v", len(res.Rendered), len(first.Rendered), res.Written)
	}
	if slices.Contains(res.Written, "incidents/x04/index.html") || slices.Contains(res.Written, "regions/jp/index.html") {
		t.Errorf("untouched pages were rewritten: %v", res.Written)
	}
	info, _ := os.Stat(filepath.Join(s.out, "incidents/x04/index.html"))
	if info == nil || !bytes.Contains(sitetest.Must(os.ReadFile(filepath.Join(s.out, "incidents/x03/index.html"))), []byte("Worse.")) {
		t.Error("the edited post's page was not rewritten")
	}
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

// TestSessionRendersWhatReads: each change renders exactly the outputs
// that read what it changed (render.Dep): a body the incident page and the
// feeds and JSON that show it, a state what shows that state, a layout the
// pages of its kind, a language's strings what speaks it.
func TestSessionRendersWhatReads(t *testing.T) {
	dir := t.TempDir()
	s := &sessionSite{t: t, dir: dir, out: filepath.Join(dir, "public"), now: sitetest.At("2011-05-20T00:00:00Z")}
	s.write(source.SiteFile, sitetest.Site+"feed_limit: 3\n")
	post := func(name, region, state, ts, body string) {
		s.write("content/posts/"+name+".md", fmt.Sprintf("---\nregion: %s\nservice: psn\nstate: %s\ntimestamp: %s\n---\n%s\n", region, state, ts, body))
	}
	for i := range 60 { // old incidents, over, in no feed and beyond the API's 50
		post(fmt.Sprintf("old%d", i), "na", "operational", fmt.Sprintf("2011-03-%02dT%02d:00:00Z", i/24+1, i%24), "Checked.")
	}
	post("jp-down", "jp", "major_outage", "2011-05-18T00:00:00Z", "Down in Japan.")
	post("na-down", "na", "major_outage", "2011-05-19T00:00:00Z", "Down in North America.")
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	s.sess = NewSession(Options{Site: root.FS(), Defaults: sitetest.Defaults}, s.out)
	if _, err := s.sess.Build(nil, s.now); err != nil {
		t.Fatal(err)
	}
	rendered := func(what string, changed ...string) []string {
		t.Helper()
		res, err := s.sess.Build(changed, s.now)
		if err != nil {
			t.Fatal(err)
		}
		root, _ := os.OpenRoot(dir)
		want, err := fullBuild(Options{Site: root.FS(), Now: s.now})
		root.Close()
		if err != nil {
			t.Fatal(err)
		}
		for p, data := range want {
			if got, _ := os.ReadFile(filepath.Join(s.out, p)); string(got) != data {
				t.Fatalf("%s: %s differs from a full build", what, p)
			}
		}
		return res.Rendered
	}
	check := func(what string, got, want []string) {
		t.Helper()
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s rendered\n  %v\nwant\n  %v", what, got, want)
		}
	}

	post("old3", "na", "operational", "2011-03-01T03:00:00Z", "Checked, and found nothing.")
	check("an old post's body", rendered("old body", "content/posts/old3.md"), []string{"incidents/old3/index.html"})

	post("na-down", "na", "major_outage", "2011-05-19T00:00:00Z", "Down in North America, all of it.")
	feeds := []string{"feed.xml", "atom.xml", "regions/na/feed.xml", "regions/na/atom.xml", "services/psn/feed.xml", "services/psn/atom.xml"}
	api := []string{"api/v2/incidents.json", "api/v2/incidents/unresolved.json", "api/v2/summary.json"}
	check("the newest post's body", rendered("newest body", "content/posts/na-down.md"),
		append(append([]string{"incidents/na-down/index.html"}, feeds...), api...))

	post("jp-down", "jp", "partial_outage", "2011-05-18T00:00:00Z", "Down in Japan.")
	got := rendered("a state", "content/posts/jp-down.md")
	for _, p := range []string{"index.html", "regions/jp/index.html", "services/psn/index.html", "incidents/jp-down/index.html",
		"badges/regions/jp.svg", "badges/regions/jp/psn.svg", "regions/jp/feed.xml", "api/v2/components.json"} {
		if !slices.Contains(got, p) {
			t.Errorf("a state change in Japan did not render %s: %v", p, got)
		}
	}
	for _, p := range []string{"regions/na/index.html", "regions/na/feed.xml", "badges/regions/na.svg", "badges/site.svg", "incidents/na-down/index.html", "404.html"} {
		if slices.Contains(got, p) {
			t.Errorf("a state change in Japan rendered %s, which shows nothing of Japan's", p)
		}
	}

	s.write("layouts/history.html", `{{template "base" .}}{{define "main"}}<p>{{len .Incidents}} incidents</p>{{end}}`)
	check("a layout", rendered("layout", "layouts/history.html"),
		[]string{"history/index.html", "history/page/2/index.html", "history/page/3/index.html", "history/page/4/index.html"})

	s.write("layouts/i18n/ja.yaml", "services_heading: サービス一覧\n")
	got = rendered("strings", "layouts/i18n/ja.yaml")
	for _, p := range got {
		if !strings.Contains(p, "jp") {
			t.Errorf("Japanese strings rendered %s, which speaks English", p)
		}
	}
	if !slices.Contains(got, "regions/jp/index.html") || !slices.Contains(got, "incidents/jp-down/index.html") {
		t.Errorf("Japanese strings did not render Japan's pages: %v", got)
	}
}

// TestSessionUILanguages: watch reports a language without UI strings as
// build does, and takes it once its strings file is added.
func TestSessionUILanguages(t *testing.T) {
	s := newSessionSite(t, 1)
	s.write(source.SiteFile, strings.Replace(s.shape.site, "language: ja", "language: sv", 1))
	want := `language: no UI strings for "sv"; the languages there are: ar, de, en, es, fr, it, ja, ko, nl, pt-BR, zh-Hans, zh-Hant (or add layouts/i18n/sv.yaml with its strings)`
	if _, err := s.sess.Build(nil, s.now); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("first build: %v, want %s", err, want)
	}
	s.write("layouts/i18n/sv.yaml", "services_heading: Tjänster\n")
	if _, err := s.sess.Build([]string{"layouts/i18n/sv.yaml"}, s.now); err != nil {
		t.Fatalf("with sv.yaml: %v", err)
	}
	if err := os.Remove(filepath.Join(s.dir, "layouts/i18n/sv.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.sess.Build([]string{"layouts/i18n"}, s.now); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("sv.yaml removed: %v, want %s", err, want)
	}
}
