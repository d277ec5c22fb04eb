//go:build unix

package serve

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestNamedPipeNotServed: a named pipe in the output folder, as a page or
// as 404.html, is answered 404 at once rather than read for ever.
func TestNamedPipeNotServed(t *testing.T) {
	out := outFolder(t)
	os.Remove(filepath.Join(out, "404.html"))
	for _, name := range []string{"pipe.html", "404.html"} {
		if err := syscall.Mkfifo(filepath.Join(out, name), 0o644); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	srv := httptest.NewServer(New(out))
	defer srv.Close()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(srv.URL + "/pipe.html")
	if err != nil {
		t.Fatalf("a named pipe in the output: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("a named pipe in the output: status %d, want 404", resp.StatusCode)
	}
}
