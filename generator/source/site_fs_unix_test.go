//go:build unix

package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSiteFSRefusesNamedPipes: opening, reading or listing a named pipe in
// the site fails at once with ErrNotRegular, through openat2 and through
// os.Root alike, rather than waiting for a writer.
func TestSiteFSRefusesNamedPipes(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(dir, "content", "site.yaml"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	for _, viaRoot := range []bool{false, true} {
		site, err := OpenSite(dir)
		if err != nil {
			t.Fatal(err)
		}
		if viaRoot && site.dir != nil {
			site.dir.Close()
			site.dir = nil // as where openat2 is missing
		}
		done := make(chan error, 3)
		go func() {
			_, err := site.Open("content/site.yaml")
			done <- err
			_, err = fs.ReadFile(site, "content/site.yaml")
			done <- err
			_, err = readLimited(site, "content/site.yaml", nil)
			done <- err
		}()
		for i := range 3 {
			select {
			case err := <-done:
				if !errors.Is(err, ErrNotRegular) {
					t.Errorf("os.Root %v, call %d: %v, want ErrNotRegular", viaRoot, i, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("os.Root %v, call %d: waits on the pipe", viaRoot, i)
			}
		}
		site.Close()
	}
}
