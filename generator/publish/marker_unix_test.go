//go:build unix

package publish

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMarkerNamedPipe: a named pipe in the marker's place makes a build
// refuse the folder at once, rather than read the pipe for ever.
func TestMarkerNamedPipe(t *testing.T) {
	out := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(out, Marker), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Unlisted(out); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("a named pipe as the marker: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a named pipe as the marker is read for ever")
	}
	os.Remove(filepath.Join(out, Marker))
}
