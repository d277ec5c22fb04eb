package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"statusgen/internal/corpus"
)

// BenchmarkRebuild times a session's rebuild after one post of a
// 10,000-post site changed, without the watcher: the part of a save's time
// that is ours to cut. Profile it with -cpuprofile.
func BenchmarkRebuild(b *testing.B) {
	const posts = 10000
	dir := b.TempDir()
	if err := corpus.Write(dir, posts, 10, 20, 1); err != nil {
		b.Fatal(err)
	}
	sess := NewSession(Options{Site: os.DirFS(dir), Defaults: os.DirFS("..")}, filepath.Join(dir, "public"))
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
