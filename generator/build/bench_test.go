package build

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"statusgen/generator/publish"
	"statusgen/generator/render"
	"statusgen/internal/corpus"
	"statusgen/internal/sitetest"
)

// BenchmarkBuild times a full build into a fresh output folder, as CI
// makes on every merge, for a tenth of the -shape's posts and all of them,
// per post and with allocations.
func BenchmarkBuild(b *testing.B) {
	s, ok := corpus.Shapes[*shape]
	if !ok {
		b.Fatalf("no shape %q", *shape)
	}
	sizes := []int{s.Posts / 10, s.Posts}
	if s.Spread { // the example's posts, as many as they are
		sizes = []int{0}
	}
	for _, posts := range sizes {
		b.Run(fmt.Sprint(posts), func(b *testing.B) {
			dir := b.TempDir()
			s.Posts = posts
			if err := corpus.WriteShape(dir, s); err != nil {
				b.Fatal(err)
			}
			opts := Options{Site: os.DirFS(dir), Defaults: sitetest.Defaults, Now: s.Now()}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				out := filepath.Join(dir, fmt.Sprint("public", i))
				if _, err := publish.Publish(out, time.Time{}, func(emit func(string, []byte) error) error {
					_, err := Generate(opts, emit)
					return err
				}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
			if posts > 0 {
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(posts), "µs/post")
			}
		})
	}
}

var shape = flag.String("shape", "rich", "the corpus `shape` BenchmarkRebuild builds (internal/corpus)")

// shapedSite writes a site of the -shape into a temporary folder.
func shapedSite(b *testing.B) (corpus.Shape, string) {
	s, ok := corpus.Shapes[*shape]
	if !ok {
		b.Fatalf("no shape %q", *shape)
	}
	dir := b.TempDir()
	if err := corpus.WriteShape(dir, s); err != nil {
		b.Fatal(err)
	}
	return s, dir
}

// BenchmarkRebuild times a session's rebuild after one post of a site of
// the -shape changed, without the watcher: the part of a save's time that
// is ours to cut. It edits an old post's body, the newest post's body and
// state, and adds a new incident. Profile it with -cpuprofile.
func BenchmarkRebuild(b *testing.B) {
	s, dir := shapedSite(b)
	sess := NewSession(Options{Site: os.DirFS(dir), Defaults: sitetest.Defaults}, filepath.Join(dir, "public"))
	now := s.Now()
	if _, err := sess.Build(nil, now); err != nil {
		b.Fatal(err)
	}
	post := func(i int) string { return fmt.Sprintf("content/posts/%04d/p%06d.md", i/1000, i) }
	edit := func(name string, change func(text []byte, i int) []byte) func(*testing.B) {
		return func(b *testing.B) {
			orig, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				b.Fatal(err)
			}
			defer os.WriteFile(filepath.Join(dir, name), orig, 0o644)
			for i := 0; b.Loop(); i++ {
				os.WriteFile(filepath.Join(dir, name), change(slices.Clone(orig), i), 0o644)
				if _, err := sess.Build([]string{name}, now); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	body := func(text []byte, i int) []byte { return fmt.Appendf(text, "\nEdit %d.\n", i) }
	b.Run("old-body", edit(post(s.Posts/2), body))
	b.Run("newest-body", edit(post(s.Posts-1), body))
	b.Run("newest-state", edit(post(s.Posts-1), func(text []byte, i int) []byte {
		return regexp.MustCompile(`state: \w+`).ReplaceAll(text, []byte("state: "+[]string{"degraded", "major_outage"}[i%2]))
	}))
	b.Run("new-incident", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			name := fmt.Sprintf("content/posts/new-%d.md", i)
			text := fmt.Sprintf("---\nregion: r%d\nservice: s%d\nstate: operational\ntimestamp: %s\n---\nNew.\n",
				i%s.Regions, i%s.Services, now.Add(-time.Duration(100000-i)*time.Minute).Format(time.RFC3339))
			os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
			if _, err := sess.Build([]string{name}, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRender times the rendering alone of one output of each kind in
// a site of the -shape: what a rebuild that renders it pays.
func BenchmarkRender(b *testing.B) {
	s, dir := shapedSite(b)
	r, err := newPipeline(Options{Site: os.DirFS(dir), Defaults: sitetest.Defaults}).run(nil, corpus.Last(s.Posts))
	if err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	for _, o := range r.outputs {
		// One of each kind: the overview, a region, a service, an
		// incident, a history page, feeds, JSON, a badge, the sitemap.
		kind, _, _ := strings.Cut(o.Path, "/")
		if kind == "api" || !strings.Contains(o.Path, "/") {
			kind = o.Path
		}
		if seen[kind] || kind == "assets" {
			continue
		}
		seen[kind] = true
		b.Run(o.Path, func(b *testing.B) {
			for b.Loop() {
				render1(r, []*render.Output{o}, func(string, []byte) error { return nil })
			}
		})
	}
}
