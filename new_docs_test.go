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

// TestLanguageDoc follows docs/writing.md's "Adding or changing a
// language" on a copy of the example: its strings file goes into the
// site, a region takes the language, and the guide's commands check and
// build the site, whose page for that region then speaks it.
func TestLanguageDoc(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "writing.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "### Adding or changing a language\n")
	if !ok {
		t.Fatal("docs/writing.md has no section Adding or changing a language")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS("content")); err != nil {
		t.Fatal(err)
	}
	file := regexp.MustCompile("(?s)```yaml\n# (layouts/i18n/([a-zA-Z-]+)\\.yaml)\n(.*?)```").FindStringSubmatch(section)
	if file == nil {
		t.Fatal("the section shows no layouts/i18n file")
	}
	lang := file[2]
	if err := os.MkdirAll(filepath.Join(dir, "layouts/i18n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file[1]), []byte(file[3]), 0o644); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(dir, "content/site.yaml")
	yml, _ := os.ReadFile(site)
	// The example's first region, na, takes the language.
	yml = []byte(strings.Replace(string(yml), "    name: North America\n", "    name: North America\n    language: "+lang+"\n", 1))
	if err := os.WriteFile(site, yml, 0o644); err != nil {
		t.Fatal(err)
	}
	cmds := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(cmds) != 1 {
		t.Fatalf("want one sh block, found %d", len(cmds))
	}
	out := filepath.Join(dir, "public")
	for _, line := range strings.Split(strings.TrimSpace(cmds[0][1]), "\n") {
		args := shellWords(strings.TrimPrefix(line, "statusgen "))
		args = append(args, "--site", dir, "--now", "2011-05-20T00:00:00Z")
		if args[0] == "build" {
			args = append(args, "--out", out)
		}
		var stderr strings.Builder
		if code := run(args, io.Discard, &stderr); code != 0 {
			t.Fatalf("statusgen %s: exit %d\n%s", line, code, stderr.String())
		}
	}
	page, err := os.ReadFile(filepath.Join(out, "regions/na/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`lang="` + lang + `"`, "Prenumerera", "Större avbrott", "maj 2011"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the %s page lacks %q", lang, want)
		}
	}
}
