package render

import (
	"html"
	"regexp"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/unicode/bidi"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// TestRegionalFileKeepsItsLanguage: a site's file for a regional variant
// changes a word or two; a region whose tag that file serves without
// naming it exactly (es-MX by es-419, de-CH-1996 by de-CH) still reads
// the language's built-in strings for the rest, not English.
func TestRegionalFileKeepsItsLanguage(t *testing.T) {
	site := fstest.MapFS{
		"layouts/i18n/es-419.yaml": {Data: []byte("subscribe: Suscríbete\n")},
		"layouts/i18n/de-CH.yaml":  {Data: []byte("subscribe: Abonnieren (CH)\n")},
		"layouts/i18n/zh-TW.yaml":  {Data: []byte("subscribe: 訂閱 (TW)\n")},
	}
	theme := themeFor(t, site, "es-MX", "de-CH-1996", "es-419", "de-CH", "zh-TW", "zh-Hant-TW")
	for lang, want := range map[string][2]string{
		"es-419":     {"Suscríbete", "Servicios"},
		"es-MX":      {"Suscríbete", "Servicios"},
		"de-CH":      {"Abonnieren (CH)", "Dienste"},
		"de-CH-1996": {"Abonnieren (CH)", "Dienste"},
		"zh-TW":      {"訂閱 (TW)", "服務"},
		"zh-Hant-TW": {"訂閱 (TW)", "服務"},
	} {
		tr := theme.Translator(lang)
		if got := tr.must("subscribe"); got != want[0] {
			t.Errorf("%s: subscribe = %q, want %q", lang, got, want[0])
		}
		if got := tr.must("services_heading"); got != want[1] {
			t.Errorf("%s: services_heading = %q, want %q (the language's own)", lang, got, want[1])
		}
	}
}

// TestLayoutNamesAsGo: format_* are Go time layouts, and Go reads "Jan"
// and "Mon" as names only when no lower-case letter follows ("Janvier",
// "Monthly", "Montag" are text). A language with CLDR names must keep
// that reading.
func TestLayoutNamesAsGo(t *testing.T) {
	theme := themeFor(t, nil, "en", "fr")
	tue := time.Date(2011, 5, 3, 17, 5, 0, 0, time.UTC)
	for _, tt := range []struct{ lang, layout, want string }{
		{"en", "Monthly report, Jan 2", "Monthly report, May 3"},
		{"en", "Janet: 2 Jan", "Janet: 3 May"},
		{"fr", "Montag 2 Jan", "Montag 3 mai"},
	} {
		if got := theme.Translator(tt.lang).cal.format(tue, tt.layout); got != tt.want {
			t.Errorf("%s %q = %q, want %q (Go: %q)", tt.lang, tt.layout, got, tt.want, tue.Format(tt.layout))
		}
	}
}

// TestNoOtherLanguagesMonths: a language outside the list of CLDR names
// (docs/writing.md) must not print another language's month names:
// Estonian is not Finnish, Azerbaijani not Russian, Basque not Spanish.
func TestNoOtherLanguagesMonths(t *testing.T) {
	site := fstest.MapFS{}
	for _, l := range []string{"et", "az", "eu"} {
		site["layouts/i18n/"+l+".yaml"] = &fstest.MapFile{Data: []byte("format_day: \"2 January\"\n")}
	}
	theme := themeFor(t, site, "et", "az", "eu")
	d := time.Date(2011, 5, 3, 0, 0, 0, 0, time.UTC)
	for _, l := range []string{"et", "az", "eu"} {
		tr := theme.Translator(l)
		got := tr.cal.format(d, tr.must("format_day"))
		if got != "3 May" { // Go's names, as for any language without CLDR names here
			t.Errorf("%s: format_day prints %q", l, got)
		}
	}
}

// TestZoneOffsetName: "MST" of a zone named by offset only reads UTC-03;
// the date before it, which may hold the same characters (2011-03-05),
// stays as it is.
func TestZoneOffsetName(t *testing.T) {
	site := fstest.MapFS{"layouts/i18n/en.yaml": {Data: []byte("format_datetime: \"2006-01-02 15:04 MST\"\n")}}
	theme := themeFor(t, site, "en")
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2011, 3, 5, 17, 5, 0, 0, time.UTC)
	if got, want := theme.Translator("en").TimeText(at, loc), "2011-03-05 14:05 UTC-03"; got != want {
		t.Errorf("TimeText = %q, want %q", got, want)
	}
}

// paragraphDirection is a plain text's direction as UAX #9 rules P2 and
// P3 find it, as a feed reader, a mail client's subject line or a chat
// notification does (dir=auto): the first strong letter outside
// isolates; left to right when there is none.
func paragraphDirection(s string) string {
	depth := 0
	for _, r := range s {
		switch r {
		case '\u2066', '\u2067', '\u2068':
			depth++
			continue
		case '\u2069':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 {
			continue
		}
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L:
			return "ltr"
		case bidi.R, bidi.AL:
			return "rtl"
		}
	}
	return "ltr"
}

// TestArabicFeedTitlesReadRightToLeft: a feed's titles are plain text,
// shown by readers that know no dir attribute; an Arabic one must read
// right to left on its own, or "Region · Service: state — title" comes
// out in left-to-right order with the names' list reversed inside it.
func TestArabicFeedTitlesReadRightToLeft(t *testing.T) {
	langs, err := sitetest.Languages()
	if err != nil {
		t.Fatal(err)
	}
	site := sitetest.NewLanguageSite(langs, "en", sitetest.Shape{})
	out := buildLanguageSite(t, site)
	feed := out["regions/"+sitetest.RegionOf("ar")+"/feed.xml"]
	titles := regexp.MustCompile(`<item>\s*<title>([^<]*)</title>`).FindAllSubmatch(feed, -1)
	if len(titles) == 0 {
		t.Fatal("no items in the Arabic feed")
	}
	for _, m := range titles {
		title := html.UnescapeString(string(m[1]))
		if d := paragraphDirection(title); d != "rtl" {
			t.Errorf("%q reads %s", title, d)
		}
	}
}

// TestStringsFileYAML: a strings file is YAML: an alias stands for its
// anchor's value, and a key given twice is an error (as yaml.v3 makes it
// when decoding a map, and as the strings files were read before plural
// forms), not the last one silently winning.
func TestStringsFileYAML(t *testing.T) {
	parse := func(data string) (map[string]uiString, source.ErrorList) {
		var errs source.ErrorList
		into := map[string]uiString{}
		parseStrings("layouts/i18n/de.yaml", []byte(data), into, &errs)
		return into, errs
	}
	if into, errs := parse("subscribe: &s Abonnieren\nfeed_calendar: *s\n"); len(errs) > 0 || into["feed_calendar"].format != "Abonnieren" {
		t.Errorf("alias: %v, errors %v", into["feed_calendar"], errs.Sort())
	}
	if into, errs := parse("service_count: &c\n  one: \"%d Dienst\"\n  other: \"%d Dienste\"\nregion_count: *c\n"); len(errs) > 0 || into["region_count"].format != "%d Dienste" {
		t.Errorf("alias of plural forms: %v, errors %v", into["region_count"], errs.Sort())
	}
	for _, data := range []string{"subscribe: A\nsubscribe: B\n", "region_count:\n  one: a\n  one: b\n  other: c\n"} {
		if _, errs := parse(data); len(errs) == 0 {
			t.Errorf("%q: no error for a key given twice", data)
		}
	}
}

// TestPluralMany: CLDR (since v38) puts a million and its multiples in
// French's "many" form ("1 000 000 de régions").
func TestPluralMany(t *testing.T) {
	site := fstest.MapFS{"layouts/i18n/fr.yaml": {Data: []byte("region_count:\n  one: \"%d région\"\n  many: \"%d de régions\"\n  other: \"%d régions\"\n")}}
	theme := themeFor(t, site, "fr")
	if got, want := theme.Translator("fr").must("region_count", 1000000), "1000000 de régions"; got != want {
		t.Errorf("fr region_count 1000000 = %q, want %q", got, want)
	}
}

// TestUIStringEqual: watch compares strings files by uiString.equal; an
// empty form under another category is a change.
func TestUIStringEqual(t *testing.T) {
	x := uiString{format: "b", forms: map[plural.Form]string{plural.Zero: "", plural.Other: "b"}}
	y := uiString{format: "b", forms: map[plural.Form]string{plural.One: "", plural.Other: "b"}}
	if x.equal(y) {
		t.Error("{zero: \"\", other: b} equals {one: \"\", other: b}")
	}
}
