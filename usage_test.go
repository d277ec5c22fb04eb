package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"statusgen/generator/serve"
)

// TestHelpMatchesSynopsis: every command's flag list and synopsis agree,
// flag for flag and placeholder for placeholder, in the --name VALUE
// style; a flag added without its place in the synopsis fails here.
func TestHelpMatchesSynopsis(t *testing.T) {
	line := regexp.MustCompile(`^  (-[a-z], )?--([a-z][-a-z]*)(?: (\S+))?$`)
	placeholder := regexp.MustCompile(`^[A-Z][A-Z_]*$`)
	for _, name := range commandNames {
		var out bytes.Buffer
		if code := command(name)([]string{"--help"}, &out, io.Discard); code != 0 {
			t.Fatalf("%s --help: exit %d", name, code)
		}
		syn := synopsis(name)
		for _, l := range strings.Split(out.String(), "\n") {
			if !strings.HasPrefix(l, "  -") {
				continue
			}
			m := line.FindStringSubmatch(l)
			if m == nil {
				t.Errorf("%s --help: %q is not in the --name VALUE style", name, l)
				continue
			}
			if m[1] != "" && (m[1] != "-o, " || m[2] != "out") {
				t.Errorf("%s --help: %q: -o for --out is the only short flag", name, l)
			}
			// The synopsis names the flag, and the same placeholder
			// where it gives one in capitals (--addr shows its default).
			given := regexp.MustCompile(`--` + m[2] + `(?: ([^\s\]]+))?(?:[\] ]|$)`).FindStringSubmatch(syn)
			switch {
			case given == nil:
				t.Errorf("%s: the synopsis %q has no --%s", name, syn, m[2])
			case given[1] != m[3] && (m[3] == "" || placeholder.MatchString(given[1])):
				t.Errorf("%s: the synopsis writes --%s %s, the flag list --%s %s", name, m[2], given[1], m[2], m[3])
			}
		}
	}
}

// TestShellWord: the folder init names in "cd DIR" is one word for a
// POSIX shell.
func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"site":         "site",
		"../my-site/x": "../my-site/x",
		"my site":      "'my site'",
		"it's":         `'it'\''s'`,
		"$HOME":        "'$HOME'",
		"café":         "'café'",
		"":             "''",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestReadmeLiveReload: README.md's serve section names the live-reload
// stream, script and cap the preview has.
func TestReadmeLiveReload(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"`" + serve.EventsPath + "`",
		"`" + serve.ScriptPath + "`",
		fmt.Sprintf("At most %d streams are open at once", serve.MaxStreams),
		"answered `503\nService Unavailable` with `Retry-After: 10`",
	} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md does not say %q", want)
		}
	}
}
