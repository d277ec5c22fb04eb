package pages

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// go test ./... shows a passing package as one "ok" line and hides its
// output, skips included, so that a machine without the browser would
// pass these tests without a word. skipped collects what was missing;
// skipNote then tells the terminal, and keeps the run out of go's test
// cache, so that the note comes on every run and the tests run once the
// tools are installed (a cached pass would hide both).

var (
	skipMu  sync.Mutex
	skipped = map[string]int{} // what is missing: tests skipped for it
)

func noteSkip(what string) {
	skipMu.Lock()
	defer skipMu.Unlock()
	if len(skipped) == 0 {
		// Opened during the run, so that the test log names it as an
		// input; skipNote rewrites it at the end, and the go command,
		// finding an input younger than 2 s, caches nothing.
		if f, err := os.OpenFile(skipFile, os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
			f.Close()
		}
	}
	skipped[what]++
}

// skipFile holds the last note, in the package's folder (ignored by git):
// the go command checks the inputs of a run only inside the module.
const skipFile = ".skipped"

// skipNote tells of the skipped tests, unless -v showed them already.
func skipNote() {
	skipMu.Lock()
	defer skipMu.Unlock()
	if len(skipped) == 0 {
		os.Remove(skipFile)
		return
	}
	line := skipLine(skipped)
	os.WriteFile(skipFile, []byte(line), 0o644)
	if testing.Verbose() { // go test -v printed each skip
		return
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		tty.WriteString(line)
		tty.Close()
	}
}

// skipLine is the note: how many tests were skipped, and what for.
func skipLine(skipped map[string]int) string {
	n := 0
	var whats []string
	for what, count := range skipped {
		n += count
		whats = append(whats, what)
	}
	slices.Sort(whats)
	return fmt.Sprintf("statusgen/internal/pages: skipped %d page tests, missing %s; README.md, Quick start, says what they need\n",
		n, strings.Join(whats, ", "))
}

// TestSkipLine: the note counts the skipped tests and names every
// missing tool once, in a stable order.
func TestSkipLine(t *testing.T) {
	got := skipLine(map[string]int{"java": 2, "Chromium": 3, "the npm package axe-core (npm ci)": 1})
	want := "statusgen/internal/pages: skipped 6 page tests, missing Chromium, java, the npm package axe-core (npm ci); README.md, Quick start, says what they need\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
