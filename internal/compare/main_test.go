//go:build unix

package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"statusgen/internal/corpus"
)

// TestScaleCommand: the shapes docs/BENCHMARKS.md passes to compare
// --scale exist, and a scale run of the first, once, works from the
// repository's root as the docs run it.
func TestScaleCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles statusgen")
	}
	t.Chdir("../..")
	doc, err := os.ReadFile("docs/BENCHMARKS.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := regexp.MustCompile(`(?m)go run \./internal/compare --scale (\S+)`).FindAllSubmatch(doc, -1)
	if len(lines) == 0 {
		t.Fatal("docs/BENCHMARKS.md runs no compare --scale")
	}
	for _, l := range lines {
		for _, name := range strings.Split(string(l[1]), ",") {
			if _, ok := corpus.Shapes[name]; !ok {
				t.Errorf("docs/BENCHMARKS.md measures shape %q, which internal/corpus does not have", name)
			}
		}
	}
	first := strings.Split(string(lines[0][1]), ",")[0]
	if err := scaling([]string{first}, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}
