package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/text/language"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// allowedEnglish are words of en.yaml that a page in another language may
// show as they are. Zone abbreviations (CEST, JST, UTC+04) need no entry:
// they come from the time layouts, whose letters are not counted as words.
var allowedEnglish = map[string]string{
	"rss":  "the feed format's name, which readers know it by in every language",
	"atom": "the feed format's name, which readers know it by in every language",
}

// languageShapes are the sites each language's pages are read on: small
// and large, busy and quiet, so that between them the pages show every
// string they can.
var languageShapes = map[string]sitetest.Shape{
	"small":       {},
	"large":       {Large: true, Groups: true},
	"quiet":       {Quiet: true},
	"large-quiet": {Large: true, Quiet: true},
}

// TestNoEnglishOnPages builds, for each built-in language but English, a
// site in that language with a region in every language, whose names,
// titles and post bodies are placeholder words; then every page, feed,
// badge and calendar in that language must show no word of en.yaml that
// the language does not use itself: an English word there came from a
// string statusgen's code or layouts write in English. Each output must
// also declare the language it is in.
func TestNoEnglishOnPages(t *testing.T) {
	langs, err := sitetest.Languages()
	if err != nil || len(langs) < 12 {
		t.Fatalf("built-in languages: %v %v", langs, err)
	}
	english := readLanguageFile(t, "en")
	for _, lang := range langs {
		if lang == "en" {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			words := englishWords(english, readLanguageFile(t, lang), lang)
			var shown strings.Builder        // every text checked, to tell what the sites showed
			hits := map[string]*englishHit{} // by word
			for _, name := range slices.Sorted(maps.Keys(languageShapes)) {
				site := sitetest.NewLanguageSite(langs, lang, languageShapes[name])
				out := buildLanguageSite(t, site)
				checked := 0
				for _, p := range slices.Sorted(maps.Keys(out)) {
					want := outputLanguage(site, p, lang)
					if want == "" {
						continue
					}
					texts, declared, err := readerTexts(p, out[p])
					if err != nil {
						t.Errorf("%s %s: %v", name, p, err)
						continue
					}
					if declared != want && (declared != "" || path.Ext(p) != ".ics") {
						t.Errorf("%s %s: declares language %q, want %q", name, p, declared, want)
					}
					if want != lang {
						continue
					}
					checked++
					for _, text := range texts {
						shown.WriteString(text + "\n")
						for _, h := range englishIn(text, words) {
							if hits[h.word] == nil {
								h.file = name + " " + p
								hits[h.word] = &h
							}
							hits[h.word].count++
						}
					}
				}
				if checked < 10 {
					t.Errorf("%s: only %d outputs in %s", name, checked, lang)
				}
			}
			for _, w := range slices.Sorted(maps.Keys(hits)) {
				h := hits[w]
				t.Errorf("%s: %q (en.yaml: %s) in %q; %d times in all", h.file, w, h.from, h.context, h.count)
			}
			for _, key := range unshown(readLanguageFile(t, lang), shown.String()) {
				t.Errorf("no page shows %s: make the test sites show it, or the test checks less than it seems", key)
			}
		})
	}
}

// englishWords maps the words of en.yaml's strings (three letters or
// more, lowercase, fmt verbs and time layouts left out) and the English
// names of months and weekdays to where they come from, less the words
// lang's own strings use, its CLDR month and weekday names, and
// allowedEnglish.
func englishWords(english, own map[string]uiString, lang string) map[string]string {
	words := map[string]string{}
	for _, key := range slices.Backward(slices.Sorted(maps.Keys(english))) {
		if !strings.HasPrefix(key, "format_") {
			for _, w := range stringWords(english[key]) {
				words[w] = key // the first key by name that has the word
			}
		}
	}
	for m := time.January; m <= time.December; m++ {
		words[strings.ToLower(m.String())] = "an English month name"
		words[strings.ToLower(m.String()[:3])] = "an English month name"
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		words[strings.ToLower(d.String())] = "an English weekday name"
		words[strings.ToLower(d.String()[:3])] = "an English weekday name"
	}
	for key, s := range own {
		if !strings.HasPrefix(key, "format_") {
			for _, w := range stringWords(s) {
				delete(words, w)
			}
		}
	}
	if c := newCalendar(language.Make(lang)); c != nil {
		names := slices.Concat(c.months[:], c.monthsShort[:], c.days[:], c.daysShort[:])
		for _, w := range letters.FindAllString(strings.ToLower(strings.Join(names, " ")), -1) {
			delete(words, w)
		}
	}
	for w := range allowedEnglish {
		delete(words, w)
	}
	return words
}

var letters = regexp.MustCompile(`\p{L}+`)

// stringWords are the words of every form of a UI string, lowercase, of
// three letters or more.
func stringWords(s uiString) []string {
	var out []string
	for _, form := range append(slices.Collect(maps.Values(s.forms)), s.format) {
		for _, w := range letters.FindAllString(strings.ToLower(verb.ReplaceAllString(form, " ")), -1) {
			if len([]rune(w)) >= 3 {
				out = append(out, w)
			}
		}
	}
	return out
}

// address matches a URL in text: its words are not the page's.
var address = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>"]+`)

// englishHit is an English word on a page: where the word comes from,
// what stands around it, the first output it is in and how often.
type englishHit struct {
	word, from, context, file string
	count                     int
}

// englishIn returns each word of words in text, whole.
func englishIn(text string, words map[string]string) []englishHit {
	text = address.ReplaceAllString(text, "URL")
	var out []englishHit
	for _, at := range letters.FindAllStringIndex(text, -1) {
		w := strings.ToLower(text[at[0]:at[1]])
		key, ok := words[w]
		if !ok {
			continue
		}
		from, to := max(0, at[0]-40), min(len(text), at[1]+40)
		for from > 0 && !isRuneStart(text[from]) {
			from--
		}
		for to < len(text) && !isRuneStart(text[to]) {
			to++
		}
		out = append(out, englishHit{word: w, from: key, context: text[from:to]})
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// unshown lists the keys of a language's strings whose text no checked
// output showed: the longest part of the string between its verbs. Keys
// no page shows by design are left out: notify's, which only messages
// carry, time layouts, and the punctuation that joins other strings.
func unshown(strs map[string]uiString, shown string) []string {
	var out []string
	for _, key := range slices.Sorted(maps.Keys(strs)) {
		if strings.HasPrefix(key, "notify_") || strings.HasPrefix(key, "format_") {
			continue
		}
		s := strs[key]
		found, tried := false, false
		for _, form := range append(slices.Collect(maps.Values(s.forms)), s.format) {
			longest := ""
			for _, part := range verb.Split(form, -1) {
				if part = strings.TrimSpace(part); len([]rune(part)) > len([]rune(longest)) {
					longest = part
				}
			}
			if len(letters.FindAllString(longest, -1)) == 0 {
				continue // punctuation: ": ", "%s · %s"
			}
			tried = true
			found = found || strings.Contains(shown, longest)
		}
		if tried && !found {
			out = append(out, key)
		}
	}
	return out
}

// buildLanguageSite builds the site as statusgen's build does: load,
// validate, derive at the site's now, render every output.
func buildLanguageSite(t *testing.T, site *sitetest.LanguageSite) map[string][]byte {
	t.Helper()
	fsys := fstest.MapFS{}
	for p, data := range site.Files {
		fsys[p] = &fstest.MapFile{Data: []byte(data)}
	}
	var errs source.ErrorList
	c := source.Load(fsys, "", &errs)
	c.Validate(&errs)
	theme := LoadTheme(c.Site, fsys, sitetest.Defaults, &errs)
	if len(errs) > 0 {
		t.Fatalf("content errors:\n%v", errs.Sort())
	}
	b := NewBuild(status.Derive(c.Site, c.Posts, site.Now), theme, nil)
	out := map[string][]byte{}
	var mu sync.Mutex
	layoutErrs, err := b.Render(b.Outputs(), func(p string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		out[p] = bytes.Clone(data)
		return nil
	})
	if len(layoutErrs) > 0 || err != nil {
		t.Fatalf("render: %v %v", layoutErrs, err)
	}
	return out
}

// outputLanguage is the language an output of the site must be in: a
// region's pages, feeds and badges and the incidents of that region alone
// speak its language, the rest the site's. "" for what is in no language:
// the API's JSON, the sitemap, assets.
func outputLanguage(site *sitetest.LanguageSite, p, siteLang string) string {
	parts := strings.Split(strings.TrimSuffix(p, ".svg"), "/")
	switch {
	case parts[0] == "api" || parts[0] == "assets" || p == "sitemap.xml":
		return ""
	case parts[0] == "regions" && len(parts) > 2 && site.Regions[parts[1]] != "":
		return site.Regions[parts[1]]
	case parts[0] == "badges" && parts[1] == "regions" && site.Regions[parts[2]] != "":
		return site.Regions[parts[2]]
	case parts[0] == "incidents" && site.Incidents[parts[1]] != "":
		return site.Regions[site.Incidents[parts[1]]]
	}
	return siteLang
}

// readerTexts returns the texts an output shows its readers, and the
// language it declares.
func readerTexts(p string, data []byte) (texts []string, lang string, err error) {
	switch path.Ext(p) {
	case ".html":
		return htmlTexts(data)
	case ".xml", ".svg":
		return xmlTexts(data)
	case ".ics":
		return icsTexts(data), "", nil
	}
	return nil, "", errors.New("an output the test does not know how to read")
}

// readerAttrs are the attributes whose values readers see or hear.
var readerAttrs = []string{"aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "title", "alt", "placeholder", "data-label"}

func htmlTexts(data []byte) (texts []string, lang string, err error) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, "", err
	}
	for n := range doc.Descendants() {
		switch {
		case n.Type == html.TextNode && n.Parent.Data != "style" && n.Parent.Data != "script":
			texts = append(texts, n.Data)
		case n.Type == html.ElementNode:
			for _, a := range n.Attr {
				switch {
				case n.Data == "html" && a.Key == "lang":
					lang = a.Val
				case slices.Contains(readerAttrs, a.Key),
					n.Data == "meta" && a.Key == "content" && attr(n, "name") == "description":
					texts = append(texts, a.Val)
				}
			}
		}
	}
	return texts, lang, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// machineElements are the elements of feeds whose text is for programs:
// addresses, dates, language tags.
var machineElements = []string{"link", "guid", "id", "uri", "pubDate", "lastBuildDate", "updated", "published", "language", "generator", "docs", "ttl"}

// xmlTexts reads a feed or a badge: the text of its elements, the HTML
// in a feed's as HTML, and its readers' attributes.
func xmlTexts(data []byte) (texts []string, lang string, err error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return texts, lang, nil
		}
		if err != nil {
			return nil, "", err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			for _, a := range tok.Attr {
				switch {
				case a.Name.Local == "lang" && len(stack) == 1:
					lang = a.Value
				case slices.Contains(readerAttrs, a.Name.Local):
					texts = append(texts, a.Value)
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			text := string(tok)
			switch {
			case len(stack) == 0:
			case stack[len(stack)-1] == "language":
				lang = strings.TrimSpace(text)
			case slices.Contains(machineElements, stack[len(stack)-1]):
			case strings.Contains(text, "<"):
				inner, _, err := htmlTexts([]byte(text))
				if err != nil {
					return nil, "", err
				}
				texts = append(texts, inner...)
			default:
				texts = append(texts, text)
			}
		}
	}
}

// icsTexts are the calendar's texts: its name, and each event's summary
// and description, unfolded and unescaped.
func icsTexts(data []byte) []string {
	unescape := strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	var texts []string
	for line := range strings.SplitSeq(strings.ReplaceAll(string(data), "\r\n ", ""), "\r\n") {
		name, value, _ := strings.Cut(line, ":")
		switch name {
		case "X-WR-CALNAME", "SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT":
			texts = append(texts, unescape.Replace(value))
		}
	}
	return texts
}
