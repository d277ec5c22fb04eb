package deploy

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressLine redraws one line at most four times a second and
// clears it at the end; without a terminal it writes nothing.
func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, "primary", 3)
	p.add(1, 1500) // too soon after the start: not drawn
	if b.Len() != 0 {
		t.Errorf("drawn at once: %q", b.String())
	}
	p.last = time.Now().Add(-time.Second)
	p.add(1, 2500)
	if got := b.String(); got != "\r\033[Kprimary: 2 of 3 files, 4.0 kB" {
		t.Errorf("progress line %q", got)
	}
	p.done()
	if !strings.HasSuffix(b.String(), "\r\033[K") {
		t.Errorf("not cleared: %q", b.String())
	}
	quiet := newProgress(nil, "primary", 3)
	quiet.last = time.Now().Add(-time.Second)
	quiet.add(1, 1) // no panic, nothing written
	quiet.done()
}

func TestSummary(t *testing.T) {
	r := Result{Target: "primary", Uploaded: 3, Unchanged: 60, Deleted: 1, Purged: 8, Bytes: 12345, Took: 1234 * time.Millisecond}
	if got, want := summary(r, false), "primary: 3 uploaded (12.3 kB), 60 unchanged, 1 deleted, 8 URLs purged in 1.2s"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if got := summary(Result{Target: "b", Unchanged: 65}, false); !strings.Contains(got, "nothing changed, 65 files unchanged, nothing uploaded") {
		t.Errorf("no-op summary %q", got)
	}
}
