package build

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"

	"statusgen/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/golden")

// build runs the whole pipeline over an in-memory site and returns every
// output file.
func build(t *testing.T, fsys fstest.MapFS, opts Options) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var mu sync.Mutex
	if fsys != nil {
		opts.Site = fsys
	}
	opts.Defaults = sitetest.Defaults
	_, err := Generate(opts, func(p string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := out[p]; dup {
			t.Errorf("%s written twice", p)
		}
		out[p] = bytes.Clone(data)
		return nil
	})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return out
}

// TestGolden builds each testdata/golden/*.txtar: files under content/,
// layouts/ and assets/ are the site, files under out/ the expected output.
// The comment holds the build's flags: "now: TIME" and optionally
// "base_url: URL". An archive lists only the outputs it checks; with
// -update, those are rewritten (all pages but assets when it lists none).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys, opts, want := goldenInput(t, ar)
			got := build(t, fsys, opts)
			if *update {
				rewriteGolden(t, file, ar, want, got)
				return
			}
			for name, data := range want {
				if g, ok := got[name]; !ok {
					t.Errorf("%s: not written", name)
				} else if !bytes.Equal(g, data) {
					t.Errorf("%s differs from the golden file; run go test -update and review the diff\n%s", name, sitetest.FirstDiff(g, data))
				}
			}
		})
	}
}

func goldenInput(t *testing.T, ar *txtar.Archive) (fstest.MapFS, Options, map[string][]byte) {
	fsys := fstest.MapFS{}
	want := map[string][]byte{}
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "out/"); ok {
			want[name] = f.Data
		} else {
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	var opts Options
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		key, value, _ := strings.Cut(line, ": ")
		switch key {
		case "now":
			opts.Now = sitetest.At(value)
		case "base_url":
			opts.BaseURL = value
		}
	}
	if opts.Now.IsZero() {
		t.Fatal("the archive's comment needs a line now: TIME")
	}
	return fsys, opts, want
}

func rewriteGolden(t *testing.T, file string, ar *txtar.Archive, want, got map[string][]byte) {
	var files []txtar.File
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "out/") {
			files = append(files, f)
		}
	}
	var names []string
	for name := range want {
		names = append(names, name)
	}
	if len(names) == 0 {
		for name := range got {
			if !strings.HasPrefix(name, "assets/") {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	for _, name := range names {
		files = append(files, txtar.File{Name: "out/" + name, Data: got[name]})
	}
	ar.Files = files
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
