package render

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gohugoio/locales"
	"github.com/gohugoio/locales/ar"
	"github.com/gohugoio/locales/bg"
	"github.com/gohugoio/locales/ca"
	"github.com/gohugoio/locales/cs"
	"github.com/gohugoio/locales/da"
	"github.com/gohugoio/locales/de"
	"github.com/gohugoio/locales/el"
	"github.com/gohugoio/locales/en"
	"github.com/gohugoio/locales/es"
	"github.com/gohugoio/locales/fa"
	"github.com/gohugoio/locales/fi"
	"github.com/gohugoio/locales/fr"
	"github.com/gohugoio/locales/he"
	"github.com/gohugoio/locales/hi"
	"github.com/gohugoio/locales/hr"
	"github.com/gohugoio/locales/hu"
	"github.com/gohugoio/locales/id"
	"github.com/gohugoio/locales/it"
	"github.com/gohugoio/locales/ja"
	"github.com/gohugoio/locales/ko"
	"github.com/gohugoio/locales/ms"
	"github.com/gohugoio/locales/nb"
	"github.com/gohugoio/locales/nl"
	"github.com/gohugoio/locales/pl"
	"github.com/gohugoio/locales/pt_BR"
	"github.com/gohugoio/locales/pt_PT"
	"github.com/gohugoio/locales/ro"
	"github.com/gohugoio/locales/ru"
	"github.com/gohugoio/locales/sk"
	"github.com/gohugoio/locales/sv"
	"github.com/gohugoio/locales/th"
	"github.com/gohugoio/locales/tr"
	"github.com/gohugoio/locales/uk"
	"github.com/gohugoio/locales/vi"
	"github.com/gohugoio/locales/zh_Hans"
	"github.com/gohugoio/locales/zh_Hant"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
	"gopkg.in/yaml.v3"

	"statusgen/generator/source"
)

// uiString is one UI string: a format, or forms by CLDR plural category
// chosen by the first integer argument ("%d services", "%d service").
type uiString struct {
	format string                 // the only form, or the "other" one
	forms  map[plural.Form]string // nil for a plain string
}

func (x uiString) equal(y uiString) bool {
	if x.format != y.format || len(x.forms) != len(y.forms) {
		return false
	}
	for f, s := range x.forms {
		if t, ok := y.forms[f]; !ok || t != s {
			return false
		}
	}
	return true
}

// pluralForms are CLDR's plural categories as strings files name them.
var pluralForms = map[string]plural.Form{
	"zero": plural.Zero, "one": plural.One, "two": plural.Two,
	"few": plural.Few, "many": plural.Many, "other": plural.Other,
}

// readStrings reads the strings file name of each layer into into, key by
// key, the later layers over the earlier.
func readStrings(layers []fs.FS, name string, into map[string]uiString, errs *source.ErrorList) {
	for _, layer := range layers {
		data, err := fs.ReadFile(layer, name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			errs.Add(source.Pos{Path: name, Line: 1, Col: 1}, "cannot read: %v", source.WithoutPath(err))
			continue
		}
		parseStrings(name, data, into, errs)
	}
}

// parseStrings reads a strings file: a mapping of keys to strings, or to
// mappings of plural categories to strings.
func parseStrings(name string, data []byte, into map[string]uiString, errs *source.ErrorList) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		source.YAMLError(name, data, err, errs)
		return
	}
	if len(doc.Content) == 0 {
		return // an empty file
	}
	top := doc.Content[0]
	at := func(n *yaml.Node) source.Pos { return source.Pos{Path: name, Line: n.Line, Col: n.Column} }
	if top.Kind != yaml.MappingNode {
		errs.Add(at(top), "UI strings: want key: string lines")
		return
	}
	// They stand beside names and titles in plain text too: a string
	// leaves no bidi control open.
	str := func(n *yaml.Node) (string, bool) {
		n = yamlTarget(n)
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			return "", false
		}
		return source.CloseBidi(n.Value), true
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], yamlTarget(top.Content[i+1])
		if seen[k.Value] {
			errs.Add(at(k), "%s is given twice; keep one", k.Value)
			continue
		}
		seen[k.Value] = true
		if s, ok := str(v); ok {
			into[k.Value] = uiString{format: s}
			continue
		}
		if v.Kind != yaml.MappingNode {
			errs.Add(at(v), "%s: want a string, or plural forms such as one: and other:", k.Value)
			continue
		}
		t, bad := uiString{forms: map[plural.Form]string{}}, false
		for j := 0; j+1 < len(v.Content); j += 2 {
			fk, fv := v.Content[j], v.Content[j+1]
			form, ok := pluralForms[fk.Value]
			if _, twice := t.forms[form]; ok && twice {
				errs.Add(at(fk), "%s: %s is given twice; keep one", k.Value, fk.Value)
				bad = true
				continue
			}
			if !ok {
				errs.Add(at(fk), "%s: %q is not a plural category: zero, one, two, few, many or other", k.Value, fk.Value)
				bad = true
				continue
			}
			s, ok := str(fv)
			if !ok {
				errs.Add(at(fv), "%s: %s: want a string", k.Value, fk.Value)
				bad = true
				continue
			}
			t.forms[form] = s
		}
		other, ok := t.forms[plural.Other]
		if !ok && !bad {
			errs.Add(at(v), "%s: plural forms need other:, the form for any number the others do not take", k.Value)
		}
		if !ok {
			continue
		}
		t.format = other
		into[k.Value] = t
	}
}

// yamlTarget follows an alias to the node its anchor names.
func yamlTarget(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// loadStrings reads the strings of every language the site uses, each
// over English, from the files StringsFiles names for it (de under de-CH,
// zh-Hant for zh-TW), the site's strings over the default ones key by key.
func loadStrings(layers []fs.FS, langs []string, errs *source.ErrorList) map[string]map[string]uiString {
	available := source.UILanguages(layers...)
	out := map[string]map[string]uiString{}
	for _, lang := range append([]string{"en"}, langs...) {
		if out[lang] != nil {
			continue
		}
		out[lang] = map[string]uiString{}
		for _, f := range append([]string{"en"}, source.StringsFiles(lang, available)...) {
			if lang == "en" || f != "en" {
				readStrings(layers, source.UIStringsDir+"/"+f+".yaml", out[lang], errs)
			}
		}
		if lang != "en" && len(out[lang]) == 0 {
			out[lang] = out["en"]
		}
	}
	if len(out["en"]) == 0 {
		errs.Add(source.Pos{Path: "layouts/i18n/en.yaml", Line: 1, Col: 1}, "missing English UI strings")
	}
	return out
}

// cldrNames are the languages whose month and weekday names and plural
// rules come from CLDR (through gohugoio/locales, generated from CLDR 48),
// by BCP 47 tag: the built-in languages and others widely used, so that a
// site adding one of these needs only its strings file.
var cldrNames = map[string]func() locales.Translator{
	"ar": ar.New, "bg": bg.New, "ca": ca.New, "cs": cs.New, "da": da.New, "de": de.New,
	"el": el.New, "en": en.New, "es": es.New, "fa": fa.New, "fi": fi.New, "fr": fr.New,
	"he": he.New, "hi": hi.New, "hr": hr.New, "hu": hu.New, "id": id.New, "it": it.New,
	"ja": ja.New, "ko": ko.New, "ms": ms.New, "nb": nb.New, "nl": nl.New, "pl": pl.New,
	"pt-PT": pt_PT.New, "pt-BR": pt_BR.New, "ro": ro.New, "ru": ru.New, "sk": sk.New,
	"sv": sv.New, "th": th.New, "tr": tr.New, "uk": uk.New, "vi": vi.New,
	"zh-Hans": zh_Hans.New, "zh-Hant": zh_Hant.New,
}

var cldrTags, cldrMatcher = func() ([]string, language.Matcher) {
	var names []string
	var tags []language.Tag
	for _, name := range slices.Sorted(maps.Keys(cldrNames)) { // in one order: the matcher breaks ties by it
		names, tags = append(names, name), append(tags, language.MustParse(name))
	}
	return names, language.NewMatcher(tags)
}()

// cldrFor is CLDR's data for a language from gohugoio/locales, nil for a
// language without (and not another language's: Estonian is not
// Finnish).
func cldrFor(tag language.Tag) locales.Translator {
	_, i, conf := cldrMatcher.Match(tag)
	if conf < language.High || !source.SameLanguage(tag, language.MustParse(cldrTags[i])) {
		return nil
	}
	return cldrNames[cldrTags[i]]()
}

// calendar holds the names dates of one language print.
type calendar struct {
	months, monthsShort, days, daysShort [13]string // months from 1, days from 0
	am, pm                               string
}

// newCalendar finds the CLDR names for a tag; nil for a language without
// (dates then print Go's English names, or none in numeric layouts).
func newCalendar(tag language.Tag) *calendar {
	l := cldrFor(tag)
	if l == nil {
		return nil
	}
	c := &calendar{}
	// Where CLDR gives no abbreviation it uses the full name (ar).
	or := func(s, alt string) string {
		if s == "" {
			return alt
		}
		return s
	}
	for m := time.January; m <= time.December; m++ {
		c.months[m] = l.MonthWide(m)
		c.monthsShort[m] = or(l.MonthAbbreviated(m), c.months[m])
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		c.days[d] = l.WeekdayWide(d)
		c.daysShort[d] = or(l.WeekdayAbbreviated(d), c.days[d])
	}
	return c
}

// layoutName finds the element of a Go time layout at the start of
// layout that is a word statusgen writes itself: a month or weekday name
// (Jan and Mon only when no lower-case letter follows, as Go reads them:
// "Monthly" is text) or the zone. PM stays as Go writes it:
// gohugoio/locales gives no day periods, and every built-in language
// reads a 24-hour clock.
func layoutName(layout string) string {
	for _, n := range []string{"January", "Monday", "MST", "Jan", "Mon"} {
		if !strings.HasPrefix(layout, n) {
			continue
		}
		if rest := layout[len(n):]; len(n) == 3 && n != "MST" && rest != "" && rest[0] >= 'a' && rest[0] <= 'z' {
			return ""
		}
		return n
	}
	return ""
}

// format writes t by a Go time layout, its month and weekday names in the
// language's words (Go's English without them), its zone by abbreviation
// or, for a zone that has none (Asia/Dubai), by offset: "+04" alone would
// not read as a zone.
func (c *calendar) format(t time.Time, layout string) string {
	var b strings.Builder
	start := 0 // of the text Go writes
	for i := 0; i < len(layout); i++ {
		name := layoutName(layout[i:])
		if name == "" || (c == nil && name != "MST") {
			continue
		}
		b.WriteString(t.Format(layout[start:i]))
		switch name {
		case "January":
			b.WriteString(c.months[t.Month()])
		case "Jan":
			b.WriteString(c.monthsShort[t.Month()])
		case "Monday":
			b.WriteString(c.days[t.Weekday()])
		case "Mon":
			b.WriteString(c.daysShort[t.Weekday()])
		case "MST":
			abbr, _ := t.Zone()
			if strings.HasPrefix(abbr, "+") || strings.HasPrefix(abbr, "-") {
				abbr = "UTC" + abbr
			}
			b.WriteString(abbr)
		}
		i += len(name) - 1
		start = i + 1
	}
	b.WriteString(t.Format(layout[start:]))
	return b.String()
}

// numbers prints numbers by a language's CLDR rules, always in Western
// digits: pages put them beside ids, ISO dates and UTC offsets.
func numbers(tag language.Tag) *message.Printer {
	latn, err := tag.SetTypeForKey("nu", "latn")
	if err != nil {
		latn = tag
	}
	return message.NewPrinter(latn)
}

// Percent writes basis points as the language writes a percentage with
// two decimals: 99.95%, 99,95 %.
func (tr *Translator) Percent(bp int) string {
	return tr.numbers.Sprint(number.Percent(float64(bp)/10000, number.Scale(2)))
}

// form chooses the plural form of a string for the first integer among
// args, by the language's CLDR rules.
func (tr *Translator) form(t uiString, args []any) string {
	if t.forms == nil {
		return t.format
	}
	for _, a := range args {
		n, ok := a.(int)
		if !ok {
			continue
		}
		neg := n < 0
		if neg {
			n = -n
		}
		if s, ok := t.forms[tr.pluralForm(n)]; ok && !neg {
			return s
		}
		break
	}
	return t.format
}

// localesForms are gohugoio/locales' plural rules as x/text names them.
var localesForms = map[locales.PluralRule]plural.Form{
	locales.PluralRuleZero: plural.Zero, locales.PluralRuleOne: plural.One, locales.PluralRuleTwo: plural.Two,
	locales.PluralRuleFew: plural.Few, locales.PluralRuleMany: plural.Many, locales.PluralRuleOther: plural.Other,
}

// pluralForm is the CLDR plural category of n in the language: by
// gohugoio/locales' rules (CLDR 48) for the languages it serves here,
// which know French's "many" for a million, else by x/text's.
func (tr *Translator) pluralForm(n int) plural.Form {
	if tr.cldr != nil {
		if f, ok := localesForms[tr.cldr.CardinalPluralRule(float64(n), 0)]; ok {
			return f
		}
	}
	return plural.Cardinal.MatchPlural(tr.tag, n, 0, 0, 0, 0)
}

// isolate wraps each string argument in first-strong isolates for a
// right-to-left language, so that a Latin name or id inside Arabic words
// keeps its own direction and leaves the sentence's order alone.
func isolate(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok && s != "" && !isolated(s) {
			a = "\u2068" + s + "\u2069"
		}
		out[i] = a
	}
	return out
}

// isolated reports whether s is already one isolate: a list of names.
func isolated(s string) bool {
	return (strings.HasPrefix(s, "\u2067") || strings.HasPrefix(s, "\u2068")) &&
		strings.HasSuffix(s, "\u2069") && strings.Count(s, "\u2069") == strings.Count(s, "\u2066")+strings.Count(s, "\u2067")+strings.Count(s, "\u2068")
}

// sprintf fills a string's verbs; a plural form with none ("one more")
// prints as it is, not with the number appended.
func sprintf(format string, args []any) string {
	if len(args) == 0 {
		return format
	}
	if !hasVerb(format) {
		return strings.ReplaceAll(format, "%%", "%")
	}
	return fmt.Sprintf(format, args...)
}

func hasVerb(format string) bool {
	for i := 0; i < len(format); i++ {
		if format[i] == '%' {
			if i+1 < len(format) && format[i+1] == '%' {
				i++
				continue
			}
			return true
		}
	}
	return false
}
