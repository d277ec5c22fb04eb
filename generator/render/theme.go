package render

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"

	"statusgen/generator/source"
	"statusgen/generator/status"
)

// Theme is what the site looks like: its layouts, UI strings and assets
// over the defaults, ready for the site's settings (base URL, languages,
// unsafe_html). It does not change once loaded, and serves any number of
// builds, at once or one after another, until a layout, an asset or
// site.yaml changes.
type Theme struct {
	fs      fs.FS // the site's layouts and assets over the defaults
	site    *status.Site
	base    *url.URL // base_url, ending in "/"
	md      goldmark.Markdown
	layouts map[string]*template.Template  // by page kind
	shared  *template.Template             // base.html and the partials, for partialCached
	strings map[string]map[string]uiString // UI strings by language
	words   map[string]*Translator         // by language, one for each of strings
	assets  map[string]string              // asset name -> fingerprinted path
	files   map[string][]byte              // fingerprinted path -> bytes
	texts   map[string]string              // what each layout is made of, to tell changes
}

// LoadTheme reads the theme of a site over the defaults; its problems,
// positioned in the layout or strings file, go to errs.
func LoadTheme(site *status.Site, siteFS, defaults fs.FS, errs *source.ErrorList) *Theme {
	t := &Theme{fs: overlay{siteFS, defaults}, site: site, md: newMarkdown(site.UnsafeHTML), texts: map[string]string{}}
	t.base, _ = url.Parse(site.BaseURL)
	langs := []string{site.Language}
	for _, reg := range site.Regions {
		langs = append(langs, site.LanguageOf(reg))
	}
	t.strings = loadStrings([]fs.FS{defaults, siteFS}, langs, errs)
	t.words = map[string]*Translator{}
	for lang := range t.strings {
		t.words[lang] = t.newTranslator(lang)
	}
	var err error
	if t.assets, t.files, err = fingerprint(t.fs); err != nil {
		at, what := "assets", "cannot read assets: %v"
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) && strings.HasPrefix(pe.Path, "assets/") {
			at, what = pe.Path, "cannot read: %v" // the file at fault
		}
		if le := (*source.LinkError)(nil); errors.As(err, &le) {
			at, what = le.Link, "%v"
		}
		errs.Add(source.Pos{Path: at, Line: 1, Col: 1}, what, source.WithoutPath(err))
	}
	t.parseLayouts(errs)
	return t
}

// funcs is the one FuncMap every layout sees; see doc.go.
func (t *Theme) funcs() template.FuncMap {
	return template.FuncMap{
		"url":       t.url,
		"absURL":    t.absURL,
		"asset":     t.asset,
		"direction": Direction,
		"markdown":  func(p *status.Post) (template.HTML, error) { return renderBody(t.md, p.Body) },
		"partialCached": func(name string, data any, variants ...any) (template.HTML, error) {
			return t.partialCached(name, data, variants)
		},
	}
}

// url makes a site path root-relative with the base path, so pages work
// at any depth and under a subpath.
func (t *Theme) url(p string) string { return t.base.Path + strings.TrimPrefix(p, "/") }

// absURL makes a site path absolute, for sitemaps, feeds and canonical links.
func (t *Theme) absURL(p string) string { return t.site.BaseURL + strings.TrimPrefix(p, "/") }

func (t *Theme) asset(name string) (string, error) {
	out, ok := t.assets[name]
	if !ok {
		return "", fmt.Errorf("no asset %q in assets/", name)
	}
	return t.url(out), nil
}

// BasePath is the site's path on its host, e.g. "/status/".
func (t *Theme) BasePath() string { return t.base.Path }

// partialCached renders the template name of base.html or the partials
// once a build for each list of variants, as Hugo's function of that name
// does: the output must depend on nothing but the variants and what is the
// same for the whole build. The header's ten region links were a third of
// the time of each of thousands of incident pages. The build is the one of
// the page data belongs to; data that belongs to none is rendered each
// time.
func (t *Theme) partialCached(name string, data any, variants []any) (template.HTML, error) {
	// A page's own layout may define the partial anew, as for {{template}}.
	set := t.shared
	var b *Build
	if p, ok := data.(*Page); ok {
		b = p.b
		if t.layouts[p.Kind] != nil {
			set = t.layouts[p.Kind]
		}
	}
	render := func() (template.HTML, error) {
		var out strings.Builder
		if err := set.ExecuteTemplate(&out, name, data); err != nil {
			return "", err
		}
		return template.HTML(out.String()), nil
	}
	if b == nil {
		return render()
	}
	// A group page's partials are its group's, whatever the layout names:
	// its feeds differ from every other group's.
	key := partialKey(name, append(variants, data.(*Page).Group))
	if html, ok := b.partials.Load(key); ok {
		return html.(template.HTML), nil
	}
	html, err := render()
	if err != nil {
		return "", err
	}
	// Two workers may render it at once: the first stored is kept, so that
	// every page shows the same.
	kept, _ := b.partials.LoadOrStore(key, html)
	return kept.(template.HTML), nil
}

// partialKey names a partial and its variants: regions and services by id,
// anything else as Go writes it.
func partialKey(name string, variants []any) string {
	var b strings.Builder
	b.WriteString(name)
	for _, v := range variants {
		b.WriteByte(0)
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case *status.Region:
			if v != nil {
				b.WriteString("\x01" + v.ID) // no string variant holds a control character
			}
		case *status.Service:
			if v != nil {
				b.WriteString("\x02" + v.ID)
			}
		case *status.Group:
			if v != nil {
				b.WriteString("\x03" + strconv.FormatBool(v.Regions) + v.ID)
			}
		default:
			fmt.Fprintf(&b, "%#v", v)
		}
	}
	return b.String()
}

// Changes names the layouts, UI strings and assets in which t differs from
// old: what a build must render again when only the theme changed.
func (t *Theme) Changes(old *Theme) []Dep {
	var out []Dep
	for _, name := range slices.Sorted(maps.Keys(t.texts)) {
		if t.texts[name] != old.texts[name] {
			out = append(out, Layout{name})
		}
	}
	for name := range old.texts {
		if _, ok := t.texts[name]; !ok {
			out = append(out, Layout{name})
		}
	}
	// Every language falls back on English: a change there may show in
	// any of them.
	english := !maps.EqualFunc(t.strings["en"], old.strings["en"], uiString.equal)
	for lang, s := range t.strings {
		if english || !maps.EqualFunc(s, old.strings[lang], uiString.equal) {
			out = append(out, Strings{lang})
		}
	}
	if !maps.Equal(t.assets, old.assets) {
		out = append(out, Assets{})
	}
	return out
}

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
		if !seen[e.Name()] && !source.Ignored(e.Name()) {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// pageKinds are the layouts that render pages; every other .html file in
// layouts/ (base.html, partials/) is shared by all of them.
var pageKinds = []string{"index", "region", "service", "group", "incident", "history", "404"}

// parseLayouts builds one template set per page kind. Templates are named
// after their files so that errors point at them.
func (t *Theme) parseLayouts(errs *source.ErrorList) {
	t.shared = template.New("").Funcs(t.funcs())
	files, _ := fs.Glob(t.fs, "layouts/partials/*.html")
	for _, f := range append([]string{sharedLayout}, files...) {
		if !t.parseLayout(t.shared, f, sharedLayout, errs) {
			return
		}
	}
	t.layouts = map[string]*template.Template{}
	for _, kind := range pageKinds {
		set := template.Must(t.shared.Clone())
		name := layoutFile(kind)
		if t.parseLayout(set, name, name, errs) {
			t.layouts[kind] = set.Lookup(name)
		}
	}
}

// sharedLayout stands for base.html and every partial, which all pages
// read: a change to any is a change to it.
const sharedLayout = "layouts/base.html"

func layoutFile(kind string) string { return "layouts/" + kind + ".html" }

// parseLayout parses the layout file name into t and keeps its text, under
// the layout it counts for, to tell later which layouts changed.
func (t *Theme) parseLayout(set *template.Template, name, countsFor string, errs *source.ErrorList) bool {
	data, err := fs.ReadFile(t.fs, name)
	if err == nil {
		_, err = set.New(name).Parse(string(data))
	}
	if err != nil {
		pos, msg := templatePos(err, name, nil)
		errs.Add(pos, "%s", msg)
		return false
	}
	t.texts[countsFor] += name + "\x00" + string(data) + "\x00"
	return true
}

var templateErr = regexp.MustCompile(`^(?:html/)?template: (layouts/[^:]+):(\d+)(?::(\d+))?: (.*)$`)

// templatePos turns a template error into a positioned one, so that a
// broken layout is reported like a broken post. Execution errors carry a
// 0-based byte offset in the line, which theme (when given) turns into a
// 1-based column in characters, as YAML positions are.
func templatePos(err error, name string, theme fs.FS) (source.Pos, string) {
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
		return source.Pos{Path: name, Line: 1, Col: 1}, strings.TrimPrefix(msg, "template: ")
	}
	line, _ := strconv.Atoi(m[2])
	pos := source.Pos{Path: m[1], Line: line, Col: 1}
	if m[3] != "" && theme != nil {
		offset, _ := strconv.Atoi(m[3])
		pos.Col = runeColumn(theme, pos, offset)
	}
	return pos, m[4]
}

func runeColumn(theme fs.FS, pos source.Pos, offset int) int {
	data, err := fs.ReadFile(theme, pos.Path)
	lines := strings.Split(string(data), "\n")
	if err != nil || pos.Line > len(lines) || offset > len(lines[pos.Line-1]) {
		return offset + 1
	}
	return utf8.RuneCountInString(lines[pos.Line-1][:offset]) + 1
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
