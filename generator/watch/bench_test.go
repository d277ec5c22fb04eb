package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"statusgen/generator/build"
	"statusgen/internal/corpus"
)

// BenchmarkSaveToOutput measures, in a 10,000-post site with 10 regions and
// 20 services, the time from saving one post to its rebuilt output being
// written: the watcher's quiet window, reading the post, and rendering and
// writing what it touches. It reports the median and the 99th percentile.
// Run it with: go test -run '^$' -bench SaveToOutput -benchtime 200x ./generator/watch
func BenchmarkSaveToOutput(b *testing.B) {
	const posts = 10000
	dir := b.TempDir()
	if err := corpus.Write(dir, posts, 10, 20, 1); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	sess := build.NewSession(build.Options{Site: root.FS(), Defaults: os.DirFS("../..")}, filepath.Join(dir, "public"))
	builds := make(chan Build, 10)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		Run(ctx, dir, sess, func() time.Time { return corpus.Last(posts) }, func(b Build) { builds <- b })
	})
	defer func() { cancel(); wg.Wait() }()
	if first := <-builds; first.Err != nil {
		b.Fatal(first.Err)
	}
	// An old post, and the newest, which every feed of its scopes shows.
	for _, post := range []string{"0005/p005000.md", "0009/p009999.md"} {
		b.Run(post, func(b *testing.B) { saves(b, filepath.Join(dir, "content/posts", post), builds) })
	}
	// A new post that is a new incident (one already over, so that open
	// incidents do not pile up on the pages as the runs go on).
	b.Run("new-incident", func(b *testing.B) {
		var took, work []time.Duration
		for i := range b.N {
			start := time.Now()
			text := fmt.Sprintf("---\nregion: r%d\nservice: s%d\nstate: operational\ntimestamp: %s\n---\nNew.\n",
				i%10, i%20, corpus.Last(posts).Add(-time.Duration(b.N-i)*time.Minute).Format(time.RFC3339))
			if err := save(filepath.Join(dir, fmt.Sprintf("content/posts/new-%d.md", time.Now().UnixNano())), []byte(text)); err != nil {
				b.Fatal(err)
			}
			got := <-builds
			if got.Err != nil {
				b.Fatal(got.Err)
			}
			took, work = append(took, time.Since(start)), append(work, got.Took)
			time.Sleep(50 * time.Millisecond)
		}
		report(b, took, work)
	})
}

// report gives the median and 99th percentile from save to output, and the
// median of the rebuild alone, to tell waiting from work.
func report(b *testing.B, took, work []time.Duration) {
	slices.Sort(took)
	slices.Sort(work)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(work[len(work)/2].Microseconds())/1000, "rebuild-median-ms")
	b.ReportMetric(0, "ns/op")
}

func saves(b *testing.B, name string, builds chan Build) {
	orig, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		save(name, orig)
		<-builds // its rebuild, so that the next run starts clean
	}()
	var took, work []time.Duration
	for i := range b.N {
		start := time.Now()
		if err := save(name, fmt.Appendf(slices.Clone(orig), "\nEdit %d.\n", i)); err != nil {
			b.Fatal(err)
		}
		got := <-builds
		if got.Err != nil {
			b.Fatal(got.Err)
		}
		took, work = append(took, time.Since(start)), append(work, got.Took)
		time.Sleep(50 * time.Millisecond) // saves come apart, as a person makes them
	}
	report(b, took, work)
}
