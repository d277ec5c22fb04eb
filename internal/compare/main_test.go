//go:build unix

package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"statusgen/internal/corpus"
)

// TestMain lets the test binary serve a bucket as compare --s3 does:
// compare --deploy starts its S3 server by running its own executable.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "--s3" {
		if err := serveS3(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

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

// TestDeployCommand: the shapes docs/BENCHMARKS.md passes to compare
// --deploy exist, and a deploy run of the example site, once, works from
// the repository's root as the docs run it: every deploy is checked to
// upload what it should (all, nothing, then some).
func TestDeployCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles statusgen")
	}
	t.Chdir("../..")
	doc, err := os.ReadFile("docs/BENCHMARKS.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := regexp.MustCompile(`(?m)go run \./internal/compare --deploy (\S+)`).FindAllSubmatch(doc, -1)
	if len(lines) == 0 {
		t.Fatal("docs/BENCHMARKS.md runs no compare --deploy")
	}
	for _, l := range lines {
		for _, name := range strings.Split(string(l[1]), ",") {
			if _, ok := corpus.Shapes[name]; !ok && name != exampleShape {
				t.Errorf("docs/BENCHMARKS.md deploys shape %q, which internal/corpus does not have", name)
			}
		}
	}
	if err := deploying([]string{exampleShape}, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}
