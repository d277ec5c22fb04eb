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

// TestOneWriterPerOutput: while a watch or serve session keeps an output
// folder up to date, a build into it from another process refuses with a
// clear message instead of swapping the folder under the session, and so
// does a second session; once the session ends, the build works.
func TestOneWriterPerOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	os.MkdirAll(filepath.Join(site, "content", "posts"), 0o755)
	os.WriteFile(filepath.Join(site, "content", "site.yaml"), []byte("title: Tiny Status\nbase_url: https://status.example.com/\nregions:\n  - {id: us, name: United States}\nservices:\n  - {id: web, name: Website}\n"), 0o644)
	out := filepath.Join(dir, "public")
	watcher := statusgenCmd("watch", "--site", site, "--out", out, "--now", "2024-03-02T00:00:00Z")
	var wout strings.Builder
	watcher.Stdout = &wout
	if err := watcher.Start(); err != nil {
		t.Fatal(err)
	}
	defer watcher.Process.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(wout.String(), "watching for changes") {
		if time.Now().After(deadline) {
			t.Fatalf("watch did not build: %q", wout.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, args := range [][]string{
		{"build", "--site", site, "--out", out, "--now", "2024-03-02T00:00:00Z"},
		{"watch", "--site", site, "--out", out},
	} {
		cmd := statusgenCmd(args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		cmd.Start()
		timer := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() }) // a second watch that runs
		err := cmd.Wait()
		timer.Stop()
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "is kept up to date by a statusgen watch or serve") {
			t.Errorf("%s into a watched folder: exit %d (%v)\n%s", args[0], code, err, stderr.String())
		}
	}
	watcher.Process.Signal(syscall.SIGTERM)
	watcher.Wait()
	if err := statusgenCmd("build", "--site", site, "--out", out, "--now", "2024-03-02T00:00:00Z").Run(); err != nil {
		t.Errorf("build after the session ended: %v", err)
	}
}

// TestTerminalOutputEscaped: a file name holding an escape sequence, a
// newline or a right-to-left override is printed escaped in messages, so
// that it can neither colour CI logs nor forge a line of its own.
func TestTerminalOutputEscaped(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content", "posts"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "site.yaml"), []byte("title: Tiny Status\nbase_url: https://status.example.com/\nregions:\n  - {id: us, name: United States}\nservices:\n  - {id: web, name: Website}\n"), 0o644)
	for _, name := range []string{"a\x1b[2Jb.md", "x\nstatusgen: no problems.md", "r\u202eevil.md"} {
		if err := os.WriteFile(filepath.Join(dir, "content", "posts", name), []byte("no front-matter\n"), 0o644); err != nil {
			t.Skipf("this file system refuses the name %q: %v", name, err)
		}
	}
	var stderr strings.Builder
	if code := run([]string{"check", "--site", dir}, new(strings.Builder), &stderr); code != 1 {
		t.Fatalf("check: exit %d\n%s", code, stderr.String())
	}
	out := stderr.String()
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("an escape or a bidi control reached the terminal: %q", out)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(line, "content/posts/") && !strings.HasPrefix(line, "statusgen: ") {
			t.Errorf("a line not of ours: %q", line)
		}
		if strings.HasPrefix(line, "statusgen: no problems") {
			t.Errorf("a file name forged a line: %q", line)
		}
	}
	for _, want := range []string{`a\x1b[2Jb.md`, `x\nstatusgen: no problems.md`, `r\u202eevil.md`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
}

// TestCheckOutAndNewEscaped: the names of strange files found in --out, and
// ids from site.yaml that new lists, are printed escaped too.
func TestCheckOutAndNewEscaped(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	os.MkdirAll(filepath.Join(site, "content", "posts"), 0o755)
	os.WriteFile(filepath.Join(site, "content", "site.yaml"), []byte("title: Tiny Status\nbase_url: https://status.example.com/\nregions:\n  - {id: \"u\\e[31ms\\nstatusgen: forged\", name: United States}\nservices:\n  - {id: web, name: Website}\n"), 0o644)
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, ".statusgen"), []byte("This folder is statusgen's output: every build replaces it whole.\nFiles of the last build, one per line, so that the next can tell them from files it did not write:\n"), 0o644)
	os.WriteFile(filepath.Join(out, "evil\x1b[2Jname\nstatusgen: forged"), nil, 0o644)
	for _, args := range [][]string{{"build", "--site", site, "--out", out}, {"new", "--site", site, "--region", "zz", "--service", "web", "--state", "operational", "x"}} {
		var stderr strings.Builder
		run(args, new(strings.Builder), &stderr)
		if strings.ContainsAny(stderr.String(), "\x1b") || strings.Contains(stderr.String(), "\nstatusgen: forged") {
			t.Errorf("%s printed raw text from the site: %q", args[0], stderr.String())
		}
		if !strings.Contains(stderr.String(), `\x1b[`) {
			t.Errorf("%s did not print the name or id it refuses: %q", args[0], stderr.String())
		}
	}
}

// TestSourceDateEpochRange: SOURCE_DATE_EPOCH outside the years taken is
// refused as --now is.
func TestSourceDateEpochRange(t *testing.T) {
	for _, v := range []string{"-99999999999", "999999999999"} {
		t.Setenv("SOURCE_DATE_EPOCH", v)
		var stderr strings.Builder
		if code := run([]string{"check", "--site", t.TempDir()}, new(strings.Builder), &stderr); code == 0 || !strings.Contains(stderr.String(), "outside the years 1970 to 9999") {
			t.Errorf("SOURCE_DATE_EPOCH=%s: exit %d\n%s", v, code, stderr.String())
		}
	}
}
