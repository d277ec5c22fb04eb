// Package sitetest holds what the tests of several packages share: a small
// site, the repository's default layouts and assets, and helpers to read an
// output folder and compare outputs. It imports none of statusgen's own
// packages, so that their internal tests may use it.
package sitetest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Site is a small site.yaml: two regions, of which jp speaks Japanese in
// Tokyo's zone and offers only psn; two services.
const Site = `title: Test Status
base_url: https://status.example.com/
regions:
  - id: na
    name: North America
  - id: jp
    name: Japan
    timezone: Asia/Tokyo
    language: ja
    services: [psn]
services:
  - id: psn
    name: PlayStation Network
  - id: store
    name: PlayStation Store
`

// Root is the repository's folder: the example site, and the default
// layouts and assets the binary embeds.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Defaults are the repository's own layouts and assets, as the binary
// embeds them.
var Defaults fs.FS = os.DirFS(Root())

// At parses an RFC 3339 time, panicking on a mistake in the test.
func At(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Tree reads every file under dir, by slash-separated path.
func Tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FirstDiff names the first line in which got and want differ, or "".
func FirstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  got:  %s\n  want: %s", i+1, gl, wl)
		}
	}
	return ""
}

// Must returns v, panicking on err.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// LineCount counts lines as YAML does: a lone CR, NEL, LS and PS break
// lines too, and editors that show them so agree.
func LineCount(data []byte) int {
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

// FuzzSeeds are posts the fuzz targets start from: valid ones, and the
// kinds of mistake the bad-input catalogue holds.
var FuzzSeeds = []string{
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
	// Times at and past the edges taken: a leap second, year 0 with the
	// largest offset, the last second of 9999 and past it.
	"---\nregion: jp\nservice: psn\nstate: major_outage\ntimestamp: 2016-12-31T23:59:60+09:00\n---\nLeap.\n",
	"---\nregion: jp\nservice: psn\nstate: maintenance\ntimestamp: 0000-01-01T00:00:00+23:59\nuntil: 9999-12-31T23:59:59Z\n---\n",
	"---\nregion: na\nservice: psn\nstate: degraded\ntimestamp: 9999-12-31T23:59:59-00:01\n---\n",
	// Old Mac line ends, with a NUL on a later line.
	"---\rregion: jp\rservice: psn\rstate: degraded\rtimestamp: 2011-04-20T16:00:00Z\r---\rBody\x00\r",
	// Direction controls and an escape sequence in a title, left open.
	"---\ntitle: \"Down \u202e\u2066\x1b[31m\"\nregion: jp\nservice: psn\nstate: major_outage\ntimestamp: 2011-04-20T16:00:00Z\n---\nDown.\n",
	// An incident id past the length taken.
	"---\nregion: jp\nservice: psn\nstate: operational\ntimestamp: 2011-04-20T16:00:00Z\nincident: " + strings.Repeat("x", 101) + "\n---\n",
}
