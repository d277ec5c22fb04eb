package deploy

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress redraws one line on a terminal while a target's files go up,
// at most four times a second.
type progress struct {
	w      io.Writer
	target string
	total  int
	mu     sync.Mutex
	count  int
	bytes  int64
	last   time.Time
	shown  bool
}

func newProgress(w io.Writer, target string, total int) *progress {
	return &progress{w: w, target: target, total: total, last: time.Now()}
}

func (p *progress) add(n int, bytes int64) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count += n
	p.bytes += bytes
	if time.Since(p.last) < 250*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\r\033[K%s: %d of %d files, %s", p.target, p.count, p.total, size(p.bytes))
}

// done clears the line.
func (p *progress) done() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// size writes a byte count for people.
func size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
	}
}

// summary is the line a target ends with.
func summary(r Result, dryRun bool) string {
	if dryRun {
		if r.Err != nil {
			return fmt.Sprintf("%s (dry run): failed: %v", r.Target, r.Err)
		}
		return fmt.Sprintf("%s (dry run): would upload %d (%s), delete %d, purge %d URLs; %d unchanged", r.Target, r.Uploaded, size(r.Bytes), r.Deleted, r.Purged, r.Unchanged)
	}
	took := r.Took.Round(100 * time.Millisecond)
	if r.Took < time.Second {
		took = r.Took.Round(time.Millisecond)
	}
	if r.Err != nil {
		return fmt.Sprintf("%s: failed after %d uploaded, %d deleted in %s: %v", r.Target, r.Uploaded, r.Deleted, took, r.Err)
	}
	if r.Uploaded == 0 && r.Deleted == 0 {
		return fmt.Sprintf("%s: nothing changed, %d files unchanged, nothing uploaded (%s)", r.Target, r.Unchanged, took)
	}
	return fmt.Sprintf("%s: %d uploaded (%s), %d unchanged, %d deleted, %d URLs purged in %s", r.Target, r.Uploaded, size(r.Bytes), r.Unchanged, r.Deleted, r.Purged, took)
}
