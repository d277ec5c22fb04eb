package watch

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"statusgen/generator/build"
	"statusgen/internal/corpus"
)

var shapes = flag.String("shapes", "classic,rich,table,long", "the corpus `shapes` BenchmarkSaveToOutput measures, comma-separated (internal/corpus)")

// BenchmarkSaveToOutput measures, in a site of each corpus shape (10,000
// posts over 10 regions and 20 services for most), the time from saving
// one post to its rebuilt output being written: the watcher's quiet window,
// reading the post, and rendering and writing what it touches. Saves are
// rename-over saves, as most editors make them. It reports the median and
// the 99th percentile for an old post, the newest post, and a new incident.
// Run it with:
//
//	go test -run '^$' -bench SaveToOutput -benchtime 200x ./generator/watch
func BenchmarkSaveToOutput(b *testing.B) {
	for _, name := range strings.Split(*shapes, ",") {
		shape, ok := corpus.Shapes[name]
		if !ok {
			b.Fatalf("no shape %q", name)
		}
		b.Run(name, func(b *testing.B) { saveToOutput(b, shape) })
	}
}

func saveToOutput(b *testing.B, shape corpus.Shape) {
	dir := b.TempDir()
	if err := corpus.WriteShape(dir, shape); err != nil {
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
	last := corpus.Last(shape.Posts)
	wg.Go(func() {
		Run(ctx, dir, sess, func() time.Time { return last }, func(b Build) { builds <- b })
	})
	defer func() { cancel(); wg.Wait() }()
	if first := <-builds; first.Err != nil {
		b.Fatal(first.Err)
	}
	// An old post, and the newest, which every feed of its scopes shows.
	post := func(i int) string { return fmt.Sprintf("%04d/p%06d.md", i/1000, i) }
	for _, p := range []string{post(shape.Posts / 2), post(shape.Posts - 1)} {
		b.Run(p, func(b *testing.B) { saves(b, filepath.Join(dir, "content/posts", p), builds) })
	}
	// A new post that is a new incident (one already over, so that open
	// incidents do not pile up on the pages as the runs go on).
	b.Run("new-incident", func(b *testing.B) {
		var took, work []time.Duration
		for i := range b.N {
			start := time.Now()
			text := fmt.Sprintf("---\nregion: r%d\nservice: s%d\nstate: operational\ntimestamp: %s\n---\nNew.\n",
				i%shape.Regions, i%shape.Services, last.Add(-time.Duration(b.N-i)*time.Minute).Format(time.RFC3339))
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
