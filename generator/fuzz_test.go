package generator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The fuzz targets run as seeds with go test: those below, the example
// site's posts, and the inputs fuzzing found once, in testdata/fuzz. CI
// also fuzzes each for a bounded time:
//
//	go test ./generator -run '^$' -fuzz '^FuzzPost$' -fuzztime 30s

// FuzzPost parses and checks one post against a small site: it must not
// panic, and every problem names the post and a line and column in it.
func FuzzPost(f *testing.F) {
	for _, seed := range fuzzSeeds {
		f.Add([]byte(seed))
	}
	examples, _ := filepath.Glob("../content/posts/*.md") // the example site's posts
	for _, name := range examples {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	if len(examples) == 0 {
		f.Fatal("no example posts to seed from")
	}
	site := parseSite([]byte(testSite), new(ErrorList))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "content/posts/x.md"
		var errs ErrorList
		if p := parsePost(name, data, &errs); p != nil {
			p.Validate(site, &errs)
		}
		lines := lineCount(data)
		for _, e := range errs {
			if e.Pos.Path != name || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
				t.Errorf("problem not positioned in the post (%d lines): %v", lines, e)
			}
		}
	})
}

// FuzzBuild builds a whole site from an arbitrary site.yaml and two
// arbitrary posts: no panic, no hang, and either output or positioned
// problems in those files.
func FuzzBuild(f *testing.F) {
	f.Add([]byte(testSite), []byte(fuzzSeeds[0]), []byte(fuzzSeeds[1]))
	f.Add([]byte("title: T\nbase_url: https://s.example/\nregions:\n  - id: all\n"), []byte(""), []byte("---\n---\n"))
	f.Add([]byte("title: [\n"), []byte("---\nregion: [na\n---\n"), []byte("\x00"))
	f.Fuzz(func(t *testing.T, site, a, b []byte) {
		files := map[string][]byte{SiteFile: site, "content/posts/a.md": a, "content/posts/b/b.md": b}
		fsys := fstest.MapFS{}
		for name, data := range files {
			fsys[name] = &fstest.MapFile{Data: data}
		}
		done := make(chan error, 1)
		go func() {
			_, err := Generate(Options{Site: fsys, Defaults: defaults, Now: at("2011-05-01T00:00:00Z")},
				func(string, []byte) error { return nil })
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the build did not finish in 20 s")
		}
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Fatalf("a problem that is not positioned: %v", err)
		}
		for _, e := range list {
			data, ok := files[e.Pos.Path]
			if !ok || e.Pos.Line < 1 || e.Pos.Line > lineCount(data) || e.Pos.Col < 1 {
				t.Errorf("problem not positioned in an input file: %v", e)
			}
		}
	})
}

// lineCount counts lines as YAML does: a lone CR, NEL, LS and PS break
// lines too, and editors that show them so agree.
func lineCount(data []byte) int {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, r := range text {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

// fuzzSeeds are posts good and bad, from the catalogue of bad inputs.
var fuzzSeeds = []string{
	"---\nregion: jp\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00Z\n---\nDown.\n",
	"---\ntitle: 復旧\nregion: [na, jp]\nservice: psn\nstate: operational\nstage: resolved\nincident: x\ntimestamp: 2011-05-14T23:00:00-07:00\n---\nBack.\n\n---\n\nMore.\n",
	"\uFEFF---\r\nregion: all\r\nservice: all\r\nstate: maintenance\r\ntimestamp: 2011-04-20T16:00:00Z\r\nuntil: 2011-04-20T18:00:00Z\r\nannounced: 2011-04-19T00:00:00Z\r\n---\r\nWork.\r\n",
	"no front-matter\n",
	"---\nregion: jp\n",
	"---\nregion: [jp\n---\n",
	"---\n\tregion: jp\n---\n",
	"---\nregion: 5\nservice: psn\nstate: [a]\ntimestamp: yesterday\n---\n",
	"---\nregoin: jp\nservice: psn\nstate: degraded\ntimestamp: 2011-04-20T16:00:00Z\n---\n",
	"---\nregion: mars\nservice: psn\nstate: degraded\ntimestamp: 2011-04-20T16:00:00Z\nincident: ../x\n---\n",
	"",
	"---\ntitle: \xff\xfe\n---\n",
	"---\ntitle: a\x00b\n---\n",
	"---\nregion: jp\nregion: na\n---\n",
	"---\n- a\n- b\n---\n",
	"---\nregion: &a jp\nservice: *a\n---\n",
	"---\ntitle: !!binary aGVsbG8=\n---\n",
}
