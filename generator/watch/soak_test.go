package watch

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"statusgen/generator/build"
	"statusgen/internal/corpus"
)

var soakFor = flag.Duration("soak", 0, "run TestSoak this long (default: a 3 s smoke run)")

// TestSoak makes rapid random edits to a 300-post site under watch — new,
// changed, renamed and deleted posts, with broken ones mixed in — then
// repairs the broken ones and checks that the watcher stayed up, its heap
// stayed flat and the output equals a fresh full build. The long run:
//
//	go test ./generator/watch -run TestSoak -soak 5m -v
func TestSoak(t *testing.T) {
	length := 3 * time.Second
	if *soakFor > 0 {
		length = *soakFor
	} else if testing.Short() {
		t.Skip("a smoke run of several seconds")
	}
	const posts = 300
	dir := t.TempDir()
	if err := corpus.Write(dir, posts, 4, 6, 1); err != nil {
		t.Fatal(err)
	}
	now := corpus.Last(posts)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	out := filepath.Join(dir, "public")
	opts := build.Options{Site: root.FS(), Defaults: os.DirFS("../.."), Now: now}
	sess := build.NewSession(opts, out)
	ctx, cancel := context.WithCancel(context.Background())
	var builds, failed atomic.Int64
	var last atomic.Int64 // when the last build ended, in ns
	var wg sync.WaitGroup
	runErr := make(chan error, 1)
	wg.Go(func() {
		runErr <- Run(ctx, dir, sess, func() time.Time { return now }, func(b Build) {
			builds.Add(1)
			if b.Err != nil {
				failed.Add(1)
			}
			last.Store(time.Now().UnixNano())
		})
	})
	defer func() { cancel(); wg.Wait() }()
	for builds.Load() == 0 {
		time.Sleep(10 * time.Millisecond)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	postsDir := filepath.Join(dir, "content", "posts")
	var names []string
	filepath.WalkDir(postsDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	broken := map[string]bool{}
	write := func(p, text string) {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := func(i int) string {
		return fmt.Sprintf("---\nregion: r%d\nservice: s%d\nstate: degraded\ntimestamp: %s\n---\nSoak edit %d.\n",
			rng.IntN(4), rng.IntN(6), now.Add(-time.Duration(rng.IntN(1000))*time.Hour).Format(time.RFC3339), i)
	}
	bad := []string{"no front-matter\n", "---\nstate: [\n---\n", "---\nregion: nowhere\nservice: s0\nstate: degraded\ntimestamp: 2000-01-01T00:00:00Z\n---\n", "\x00\x01binary"}
	var heap []uint64 // heap in use after a collection, at each tenth of the run
	sample := func() {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		heap = append(heap, m.HeapInuse)
	}
	sample()
	edits, invalid := 0, 0
	start := time.Now()
	for next := 1; time.Since(start) < length; edits++ {
		if time.Since(start) >= length*time.Duration(next)/10 {
			sample()
			next++
		}
		if err := ctx.Err(); err != nil {
			break
		}
		select {
		case err := <-runErr:
			t.Fatalf("the watcher stopped after %d edits: %v", edits, err)
		default:
		}
		p := names[rng.IntN(len(names))]
		switch r := rng.IntN(10); {
		case r < 5: // change a post
			write(p, good(edits))
			delete(broken, p)
		case r < 6: // a new post
			p = filepath.Join(filepath.Dir(names[rng.IntN(len(names))]), fmt.Sprintf("soak-%d.md", edits))
			write(p, good(edits))
			names = append(names, p)
		case r < 7 && len(names) > 1: // a post goes, as many as come
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			names = slices.DeleteFunc(names, func(n string) bool { return n == p })
			delete(broken, p)
		case r < 8: // renamed
			q := filepath.Join(filepath.Dir(p), fmt.Sprintf("renamed-%d.md", edits))
			if err := os.Rename(p, q); err != nil {
				t.Fatal(err)
			} else {
				names = append(slices.DeleteFunc(names, func(n string) bool { return n == p }), q)
				if broken[p] {
					delete(broken, p)
					broken[q] = true
				}
			}
		case r < 9 && len(broken) > 0: // a broken post mended
			for q := range broken {
				write(q, good(edits))
				delete(broken, q)
				break
			}
		default: // broken
			write(p, bad[rng.IntN(len(bad))])
			broken[p] = true
			invalid++
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
	}
	seen := builds.Load()
	for p := range broken {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		names = slices.DeleteFunc(names, func(n string) bool { return n == p })
	}
	// Wait for a build after the last change, then for quiet.
	for deadline := time.Now().Add(time.Minute); builds.Load() == seen || time.Since(time.Unix(0, last.Load())) < time.Second; {
		if time.Now().After(deadline) {
			t.Fatal("no rebuild within a minute of the last change")
		}
		time.Sleep(100 * time.Millisecond)
	}
	onDisk := 0
	filepath.WalkDir(postsDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			onDisk++
		}
		return nil
	})
	if onDisk != len(names) {
		t.Errorf("%d posts on disk, the test made %d", onDisk, len(names))
	}
	sample()
	select {
	case err := <-runErr:
		t.Fatalf("the watcher stopped: %v", err)
	default:
	}
	equalsFullBuild(t, root, out, now)
	// Flat: the heap at the end within 1.5 times what it was a tenth in
	// (the first sample is before any rebuild), give or take 8 MiB.
	if base := heap[1]; heap[len(heap)-1] > base*3/2+8<<20 {
		t.Errorf("the heap grew from %d to %d KiB: %v", base>>10, heap[len(heap)-1]>>10, heap)
	}
	kib := make([]uint64, len(heap))
	for i, h := range heap {
		kib[i] = h >> 10
	}
	t.Logf("%v: %d edits (%d broken), %d posts at the end, %d rebuilds (%d failed, as they should), heap in use in KiB at each tenth: %v; output equals a full build",
		length, edits, invalid, onDisk, builds.Load(), failed.Load(), kib)
}
