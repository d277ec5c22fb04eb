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

// TestLockFileNamedPipe: a named pipe, or a link, where a session's lock
// file goes makes a build and a session refuse at once.
func TestLockFileNamedPipe(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	if err := syscall.Mkfifo(holdFile(out), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 2)
	go func() {
		_, err := Publish(out, time.Time{}, func(func(string, []byte) error) error { return nil })
		done <- err
		_, err = Hold(out)
		done <- err
	}()
	for i := range 2 {
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") && !strings.Contains(err.Error(), "remove it") {
				t.Errorf("call %d with a named pipe as the lock file: %v", i, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("call %d waits on a named pipe as the lock file", i)
		}
	}
	os.Remove(holdFile(out))
	target := filepath.Join(dir, "elsewhere")
	os.Symlink(target, holdFile(out))
	if _, err := Hold(out); err == nil {
		t.Error("a session took a link as its lock file")
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("a session made a file where a link as its lock file points")
	}
}

// TestHoldMakesTheParent: a session into an output folder whose parent does
// not exist yet holds it, as a build would make it.
func TestHoldMakesTheParent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "deep", "public")
	release, err := Hold(out)
	if err != nil {
		t.Fatalf("Hold of %s: %v", out, err)
	}
	release()
	if _, err := os.Stat(holdFile(out)); !os.IsNotExist(err) {
		t.Errorf("the lock file stays after release: %v", err)
	}
}
