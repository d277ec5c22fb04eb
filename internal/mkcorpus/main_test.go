package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"statusgen/generator/build"
	"statusgen/internal/corpus"
	"statusgen/internal/sitetest"
)

// TestDocumentedCommands runs mkcorpus as docs/BENCHMARKS.md and the
// README use it, smaller, and builds each site it writes.
func TestDocumentedCommands(t *testing.T) {
	for _, args := range [][]string{
		{"--shape", "rich", "--posts", "60"},
		{"--shape", "table", "--posts", "40"},
		{"--posts", "50", "--regions", "3", "--services", "4", "--body", "2000", "--table", "--maintenance", "0.3", "--min-updates", "3", "--max-updates", "6"},
	} {
		dir := filepath.Join(t.TempDir(), "site")
		var out strings.Builder
		if code := run(append([]string{"--out", dir}, args...), &out, io.Discard); code != 0 {
			t.Fatalf("mkcorpus %v: exit %d", args, code)
		}
		posts, _ := filepath.Glob(filepath.Join(dir, "content/posts/*/*.md"))
		if want := args[slices.Index(args, "--posts")+1]; strconv.Itoa(len(posts)) != want {
			t.Errorf("mkcorpus %v wrote %d posts", args, len(posts))
		}
		_, err := build.Generate(build.Options{Site: os.DirFS(dir), Defaults: sitetest.Defaults, Now: corpus.Last(len(posts))},
			func(string, []byte) error { return nil })
		if err != nil {
			t.Errorf("mkcorpus %v wrote a site that does not build: %v", args, err)
		}
		if code := run([]string{"--out", dir}, io.Discard, io.Discard); code != 1 {
			t.Errorf("mkcorpus into a folder that has a site: exit %d, want 1", code)
		}
	}
	if code := run([]string{"--out", t.TempDir(), "--shape", "nope"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("an unknown shape: exit %d, want 2", code)
	}
}
