package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// overlay reads a file from the site when it has one, else from the
// embedded defaults: a site overrides layouts and assets file by file.
type overlay struct{ site, defaults fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.site.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return o.defaults.Open(name)
	}
	return f, err
}

// ReadDir merges both folders, the site's entries winning.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	mine, err1 := fs.ReadDir(o.site, name)
	theirs, err2 := fs.ReadDir(o.defaults, name)
	if err1 != nil && err2 != nil {
		return nil, err2
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(mine, theirs...) {
		if !seen[e.Name()] && !Ignored(e.Name()) {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// pageKinds are the layouts that render pages; every other .html file in
// layouts/ (base.html, partials/) is shared by all of them.
var pageKinds = []string{"index", "region", "service", "incident", "history", "404"}

// parseLayouts builds one template set per page kind. Templates are named
// after their files so that errors point at them.
func parseLayouts(theme fs.FS, funcs template.FuncMap, errs *ErrorList) (shared *template.Template, sets map[string]*template.Template) {
	shared = template.New("").Funcs(funcs)
	files, _ := fs.Glob(theme, "layouts/partials/*.html")
	for _, f := range append([]string{"layouts/base.html"}, files...) {
		if !parseLayout(shared, theme, f, errs) {
			return nil, nil
		}
	}
	sets = map[string]*template.Template{}
	for _, kind := range pageKinds {
		t := template.Must(shared.Clone())
		if parseLayout(t, theme, "layouts/"+kind+".html", errs) {
			sets[kind] = t.Lookup("layouts/" + kind + ".html")
		}
	}
	return shared, sets
}

func parseLayout(t *template.Template, theme fs.FS, name string, errs *ErrorList) bool {
	data, err := fs.ReadFile(theme, name)
	if err == nil {
		_, err = t.New(name).Parse(string(data))
	}
	if err != nil {
		pos, msg := templatePos(err, name, nil)
		errs.add(pos, "%s", msg)
		return false
	}
	return true
}

var templateErr = regexp.MustCompile(`^(?:html/)?template: (layouts/[^:]+):(\d+)(?::(\d+))?: (.*)$`)

// templatePos turns a template error into a positioned one, so that a
// broken layout is reported like a broken post. Execution errors carry a
// 0-based byte offset in the line, which theme (when given) turns into a
// 1-based column in characters, as YAML positions are.
func templatePos(err error, name string, theme fs.FS) (Pos, string) {
	msg := err.Error()
	// A partial run by partialCached fails inside its caller's message:
	// the innermost layout position is the one to fix.
	if i := strings.LastIndex(msg, "template: layouts/"); i > 0 {
		if templateErr.MatchString(msg[i:]) {
			msg = msg[i:]
		}
	}
	m := templateErr.FindStringSubmatch(msg)
	if m == nil {
		return Pos{name, 1, 1}, strings.TrimPrefix(msg, "template: ")
	}
	line, _ := strconv.Atoi(m[2])
	pos := Pos{m[1], line, 1}
	if m[3] != "" && theme != nil {
		offset, _ := strconv.Atoi(m[3])
		pos.Col = runeColumn(theme, pos, offset)
	}
	return pos, m[4]
}

func runeColumn(theme fs.FS, pos Pos, offset int) int {
	data, err := fs.ReadFile(theme, pos.Path)
	lines := strings.Split(string(data), "\n")
	if err != nil || pos.Line > len(lines) || offset > len(lines[pos.Line-1]) {
		return offset + 1
	}
	return utf8.RuneCountInString(lines[pos.Line-1][:offset]) + 1
}

// loadStrings reads layouts/i18n/<lang>.yaml for every language the site
// uses, the site's strings over the default ones key by key; English is the
// fallback for any string a language lacks.
func loadStrings(layers []fs.FS, langs []string, errs *ErrorList) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range append([]string{"en"}, langs...) {
		if out[lang] != nil {
			continue
		}
		out[lang] = map[string]string{}
		name := "layouts/i18n/" + lang + ".yaml"
		for _, layer := range layers {
			data, err := fs.ReadFile(layer, name)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err == nil {
				err = yaml.Unmarshal(data, out[lang])
			}
			if err != nil {
				r := newYAMLReader(name, 0, errs)
				r.syntaxError(err, bytes.Count(data, []byte("\n"))+1)
			}
		}
	}
	if len(out["en"]) == 0 {
		errs.add(Pos{"layouts/i18n/en.yaml", 1, 1}, "missing English UI strings")
	}
	return out
}

// fingerprint names every asset after a hash of its bytes, so that a CDN
// may cache it for a year: style.css becomes style.<hash>.css.
func fingerprint(theme fs.FS) (map[string]string, map[string][]byte, error) {
	names := map[string]string{}
	files := map[string][]byte{}
	err := fs.WalkDir(theme, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// Output paths are listed one per line in the marker, and are
		// addresses: a control character fits neither.
		if strings.ContainsFunc(p, unicode.IsControl) {
			return fmt.Errorf("%q: a file name with a control character", p)
		}
		data, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel := strings.TrimPrefix(p, "assets/")
		ext := path.Ext(rel)
		out := fmt.Sprintf("assets/%s.%s%s", strings.TrimSuffix(rel, ext), hex.EncodeToString(sum[:8]), ext)
		names[rel], files[out] = out, data
		return nil
	})
	return names, files, err
}
