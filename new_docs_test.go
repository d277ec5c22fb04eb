package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestWritingNewCommands runs every `statusgen new` command of
// docs/writing.md, in order, on a copy of the example site as of
// 2011-05-20, so that the guide cannot drift from the command; then check
// finds no error in what they wrote.
func TestWritingNewCommands(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "writing.md"))
	if err != nil {
		t.Fatal(err)
	}
	var cmds [][]string
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllSubmatch(doc, -1) {
		for _, line := range strings.Split(string(block[1]), "\n") {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "statusgen new "); ok {
				cmds = append(cmds, shellWords(rest))
			}
		}
	}
	if len(cmds) < 3 {
		t.Fatalf("docs/writing.md shows %d statusgen new commands, want at least 3", len(cmds))
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS("content")); err != nil {
		t.Fatal(err)
	}
	for i, args := range cmds {
		var stderr strings.Builder
		// A minute apart, as an author would write them: updates of one
		// incident at one second are refused.
		now := time.Date(2011, 5, 20, 0, i, 0, 0, time.UTC).Format(time.RFC3339)
		full := append([]string{"new", "--site", dir, "--now", now}, args...)
		if code := run(full, io.Discard, &stderr); code != 0 {
			t.Errorf("statusgen new %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
		}
	}
	var stderr strings.Builder
	if code := run([]string{"check", "--site", dir, "--now", "2011-05-20T00:00:00Z"}, io.Discard, &stderr); code != 0 {
		t.Errorf("check after the guide's commands: exit %d\n%s", code, stderr.String())
	}
}

// shellWords splits a command line as a shell would one with only
// double-quoted words in it.
func shellWords(line string) []string {
	var words []string
	for _, m := range regexp.MustCompile(`"([^"]*)"|(\S+)`).FindAllStringSubmatch(line, -1) {
		words = append(words, m[1]+m[2])
	}
	return words
}
