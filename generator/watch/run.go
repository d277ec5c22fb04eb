package watch

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"statusgen/generator/build"
)

// Build is what one build of Run did.
type Build struct {
	Changed []string // site paths that set it off; nil for the first build
	Result  build.Rebuild
	Err     error // content or layout errors (a source.ErrorList), or a failed write
	Took    time.Duration
}

// Run builds the site in the folder root, then again after every batch of
// changes, until ctx ends. A failed build keeps the last good output;
// report hears of every build. It returns early only if watching fails.
func Run(ctx context.Context, root string, sess *build.Session, now func() time.Time, report func(Build)) error {
	// Watch first, so that nothing saved during the first build is missed.
	w, err := New(root)
	if err != nil {
		return err
	}
	defer w.Close()
	var collecting atomic.Bool
	build := func(changed []string) {
		start := time.Now()
		res, err := sess.Build(changed, now())
		report(Build{Changed: changed, Result: res, Err: err, Took: time.Since(start)})
		// Collect while the writer reads what was saved: a collection in
		// the middle of the next rebuild, of a heap that holds the whole
		// site, made the slowest saves half again as slow (BENCHMARKS.md).
		if collecting.CompareAndSwap(false, true) {
			go func() {
				runtime.GC()
				collecting.Store(false)
			}()
		}
	}
	build(nil)
	for {
		select {
		case <-ctx.Done():
			return nil
		case batch, ok := <-w.C:
			if !ok {
				return nil
			}
			build(batch)
		case err := <-w.Errors:
			report(Build{Err: err})
		}
	}
}
