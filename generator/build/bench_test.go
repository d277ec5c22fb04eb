package build

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

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

// BenchmarkRebuild times a session's rebuild after one post of a
// 10,000-post site changed, without the watcher: the part of a save's time
// that is ours to cut. Profile it with -cpuprofile.
func BenchmarkRebuild(b *testing.B) {
	const posts = 10000
	dir := b.TempDir()
	if err := corpus.Write(dir, posts, 10, 20, 1); err != nil {
		b.Fatal(err)
	}
	sess := NewSession(Options{Site: os.DirFS(dir), Defaults: sitetest.Defaults}, filepath.Join(dir, "public"))
	now := corpus.Last(posts)
	if _, err := sess.Build(nil, now); err != nil {
		b.Fatal(err)
	}
	for _, post := range []string{"0005/p005000.md", "0009/p009999.md"} {
		name := filepath.Join(dir, "content/posts", post)
		orig, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(post, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				os.WriteFile(name, fmt.Appendf(slices.Clone(orig), "\nEdit %d.\n", i), 0o644)
				if _, err := sess.Build([]string{"content/posts/" + post}, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
