package source

import (
	"os"
	"path/filepath"
	"testing"

	"statusgen/internal/sitetest"
)

// The fuzz targets run as seeds with go test: those below, the example
// site's posts, and the inputs fuzzing found once, in testdata/fuzz. CI
// also fuzzes each for a bounded time:
//
//	go test ./generator/source -run '^$' -fuzz '^FuzzPost$' -fuzztime 30s

// yamlMistakes are front-matter with the YAML mistakes statusgen
// explains.
var yamlMistakes = []string{
	"title: Payments: slow\nregion: na\n",
	"region: na\n  service: psn\n",
	"region: na\n\n\tservice: psn\n",
	"region:\n  -\tna\n",
	"region:\n  - na\n   - jp\nservice: psn\n",
	"region:\n  - na\n - jp\n",
	"region: na\n- psn\n",
	"region:\n  - id: x\n    b:\n      - p\n     - q\n",
}

// FuzzPost parses and checks one post against a small site: it must not
// panic, and every problem names the post and a line and column in it.
func FuzzPost(f *testing.F) {
	for _, seed := range sitetest.FuzzSeeds {
		f.Add([]byte(seed))
	}
	for _, seed := range yamlMistakes { // the mistakes explain finds a column for
		f.Add([]byte("---\n" + seed + "---\nBody.\n"))
	}
	examples, _ := filepath.Glob(filepath.Join(sitetest.Root(), "content/posts/*.md")) // the example site's posts
	for _, name := range examples {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	if len(examples) == 0 {
		f.Fatal("no example posts to seed from")
	}
	site := parseSite([]byte(testSite), new(ErrorList))
	site.validate(new(ErrorList), nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "content/posts/x.md"
		var errs ErrorList
		if p := parsePost(name, data, &errs); p != nil {
			p.Validate(site.Site, &errs)
		}
		lines := sitetest.LineCount(data)
		for _, e := range errs {
			if e.Pos.Path != name || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
				t.Errorf("problem not positioned in the post (%d lines): %v", lines, e)
			}
		}
	})
}
