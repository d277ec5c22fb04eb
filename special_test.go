//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSpecialFilesRefused: a named pipe where the site has a file —
// site.yaml, a layout, a partial, an asset — makes check and build fail at
// once, naming it, instead of waiting for ever for a writer.
func TestSpecialFilesRefused(t *testing.T) {
	site := `title: Tiny Status
base_url: https://status.example.com/
regions:
  - {id: us, name: United States}
services:
  - {id: web, name: Website}
`
	for _, pipe := range []string{"content/site.yaml", "layouts/index.html", "layouts/partials/extra.html", "assets/style.css", "assets/extra.txt", "layouts/i18n/en.yaml"} {
		t.Run(strings.ReplaceAll(pipe, "/", "_"), func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, "content", "posts"), 0o755)
			if pipe != "content/site.yaml" {
				os.WriteFile(filepath.Join(dir, "content", "site.yaml"), []byte(site), 0o644)
			}
			name := filepath.Join(dir, filepath.FromSlash(pipe))
			os.MkdirAll(filepath.Dir(name), 0o755)
			if err := syscall.Mkfifo(name, 0o644); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			for _, args := range [][]string{{"check", "--site", dir}, {"build", "--site", dir, "--out", filepath.Join(dir, "public")}} {
				var stderr strings.Builder
				code := make(chan int, 1)
				go func() { code <- run(args, new(strings.Builder), &stderr) }()
				select {
				case c := <-code:
					if c != 1 || !strings.Contains(stderr.String(), pipe) || !strings.Contains(stderr.String(), "not a regular file") {
						t.Errorf("%s with a named pipe at %s: exit %d\n%s", args[0], pipe, c, stderr.String())
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("%s with a named pipe at %s hangs", args[0], pipe)
				}
			}
		})
	}
}
