package build

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"statusgen/generator/publish"
	"statusgen/internal/corpus"
	"statusgen/internal/sitetest"
)

// BenchmarkBuild times a full build into a fresh output folder, as CI
// makes on every merge, for 1,000 and 10,000 posts (10 regions, 20
// services), per post and with allocations.
func BenchmarkBuild(b *testing.B) {
	for _, posts := range []int{1000, 10000} {
		b.Run(fmt.Sprint(posts), func(b *testing.B) {
			dir := b.TempDir()
			if err := corpus.Write(dir, posts, 10, 20, 1); err != nil {
				b.Fatal(err)
			}
			opts := Options{Site: os.DirFS(dir), Defaults: sitetest.Defaults, Now: corpus.Last(posts)}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				out := filepath.Join(dir, fmt.Sprint("public", i))
				if _, err := publish.Publish(out, func(emit func(string, []byte) error) error {
					_, err := Generate(opts, emit)
					return err
				}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(posts), "µs/post")
		})
	}
}

var shape = flag.String("shape", "rich", "the corpus `shape` BenchmarkRebuild builds (internal/corpus)")

// BenchmarkRebuild times a session's rebuild after one post of a site of
// the -shape changed, without the watcher: the part of a save's time that
// is ours to cut. It edits an old post's body, the newest post's body and
// state, and adds a new incident. Profile it with -cpuprofile.
func BenchmarkRebuild(b *testing.B) {
	s, ok := corpus.Shapes[*shape]
	if !ok {
		b.Fatalf("no shape %q", *shape)
	}
	dir := b.TempDir()
	if err := corpus.WriteShape(dir, s); err != nil {
		b.Fatal(err)
	}
	sess := NewSession(Options{Site: os.DirFS(dir), Defaults: sitetest.Defaults}, filepath.Join(dir, "public"))
	now := corpus.Last(s.Posts)
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
