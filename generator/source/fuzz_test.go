package source

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// FuzzDeployURL checks a deploy URL: it must not panic, and what it says
// is the same whatever the password of the URL, wherever net/url takes
// that to end: it quotes no part of it. Letters g to z stand in for each
// other there; digits and a to f, which make %-escapes, stay.
func FuzzDeployURL(f *testing.F) {
	for _, seed := range []string{
		"s3://b?region=eu-west-1", "s3://id:secret@b", "s3://id:sec/ret@b", "s3://id:se%zzret@b",
		"s3://id:1234:zzz@b", "gs:///x", "azblob://c?sig=x&sv=1", "file:///srv/status", "file://./x", "s3://b/p?prefix=x;y",
	} {
		f.Add(seed)
	}
	other := func(r rune) rune {
		switch {
		case r >= 'g' && r < 'z', r >= 'G' && r < 'Z':
			return r + 1
		case r == 'z', r == 'Z':
			return r - 'z' + 'g'
		}
		return r
	}
	f.Fuzz(func(t *testing.T, raw string) {
		problems := DeployURLProblems(raw)
		scheme, rest, ok := strings.Cut(raw, "://")
		user, rest, ok2 := strings.Cut(rest, ":")
		password, rest, ok3 := strings.Cut(rest, "@")
		if !ok || !ok2 || !ok3 || strings.ContainsAny(password, "?#") {
			return
		}
		changed := scheme + "://" + user + ":" + strings.Map(other, password) + "@" + rest
		if got := DeployURLProblems(changed); !slices.Equal(got, problems) {
			t.Errorf("%q: %q\nbut %q: %q", raw, problems, changed, got)
		}
	})
}
