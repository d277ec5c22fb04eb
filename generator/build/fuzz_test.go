package build

import (
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// The fuzz targets run as seeds with go test: those below, the example
// site's posts, and the inputs fuzzing found once, in testdata/fuzz. CI
// also fuzzes each for a bounded time:
//
//	go test ./generator -run '^$' -fuzz '^FuzzPost$' -fuzztime 30s

// FuzzBuild builds a whole site from an arbitrary site.yaml and two
// arbitrary posts: no panic, no hang, and either output or positioned
// problems in those files.
func FuzzBuild(f *testing.F) {
	f.Add([]byte(sitetest.Site), []byte(sitetest.FuzzSeeds[0]), []byte(sitetest.FuzzSeeds[1]))
	f.Add([]byte("title: T\nbase_url: https://s.example/\nregions:\n  - id: all\n"), []byte(""), []byte("---\n---\n"))
	f.Add([]byte("title: [\n"), []byte("---\nregion: [na\n---\n"), []byte("\x00"))
	f.Fuzz(func(t *testing.T, site, a, b []byte) {
		files := map[string][]byte{source.SiteFile: site, "content/posts/a.md": a, "content/posts/b/b.md": b}
		fsys := fstest.MapFS{}
		for name, data := range files {
			fsys[name] = &fstest.MapFile{Data: data}
		}
		done := make(chan error, 1)
		go func() {
			_, err := Generate(Options{Site: fsys, Defaults: sitetest.Defaults, Now: sitetest.At("2011-05-01T00:00:00Z")},
				func(string, []byte) error { return nil })
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the build did not finish in 20 s")
		}
		var list source.ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Fatalf("a problem that is not positioned: %v", err)
		}
		for _, e := range list {
			data, ok := files[e.Pos.Path]
			if !ok || e.Pos.Line < 1 || e.Pos.Line > sitetest.LineCount(data) || e.Pos.Col < 1 {
				t.Errorf("problem not positioned in an input file: %v", e)
			}
		}
	})
}
