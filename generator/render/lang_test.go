package render

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gohugoio/locales"
	"golang.org/x/text/language"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// themeFor loads the default theme, with the site's extra files, for a
// site whose regions speak langs, one region each.
func themeFor(t *testing.T, extra fstest.MapFS, langs ...string) *Theme {
	t.Helper()
	yml := "title: T\nbase_url: https://status.example.com/\nregions:\n"
	for i, l := range langs {
		yml += fmt.Sprintf("  - {id: r%d, name: R%d, language: %s}\n", i, i, l)
	}
	yml += "services:\n  - {id: s, name: S}\n"
	fsys := fstest.MapFS{source.SiteFile: {Data: []byte(yml)}}
	for k, v := range extra {
		fsys[k] = v
	}
	var errs source.ErrorList
	site := source.ReadSite(fsys, "", source.UILanguages(sitetest.Defaults, fsys), &errs)
	theme := LoadTheme(site, fsys, sitetest.Defaults, &errs)
	if len(errs) > 0 {
		t.Fatalf("errors:\n%v", errs.Sort())
	}
	return theme
}

// TestPluralForms: counts and lengths of time take the form CLDR's rules
// give the number in the language, and a form may leave the number out.
func TestPluralForms(t *testing.T) {
	site := fstest.MapFS{"layouts/i18n/ar.yaml": {Data: []byte(`unit_hours:
  zero: "%d ساعة"
  one: ساعة واحدة
  two: ساعتان
  few: "%d ساعات"
  many: "%d ساعة"
  other: "%d ساعة."
`)}}
	theme := themeFor(t, site, "ar", "fr", "ja")
	tests := []struct {
		lang, key string
		n         int
		want      string
	}{
		{"en", "service_count", 1, "1 service"},
		{"en", "service_count", 0, "0 services"},
		{"en", "service_count", 12, "12 services"},
		{"fr", "region_count", 0, "0 région"}, // French counts 0 as one
		{"fr", "region_count", 1, "1 région"},
		{"fr", "region_count", 2, "2 régions"},
		{"ja", "service_count", 1, "1 サービス"},
		{"ar", "unit_hours", 0, "0 ساعة"},
		{"ar", "unit_hours", 1, "ساعة واحدة"},
		{"ar", "unit_hours", 2, "ساعتان"},
		{"ar", "unit_hours", 3, "3 ساعات"},
		{"ar", "unit_hours", 10, "10 ساعات"},
		{"ar", "unit_hours", 11, "11 ساعة"},
		{"ar", "unit_hours", 100, "100 ساعة."},
		{"ar", "unit_hours", 102, "102 ساعة."},
		{"ar", "unit_hours", 103, "103 ساعات"},
	}
	for _, tt := range tests {
		if got := theme.Translator(tt.lang).must(tt.key, tt.n); got != tt.want {
			t.Errorf("%s %s %d = %q, want %q", tt.lang, tt.key, tt.n, got, tt.want)
		}
	}
}

// TestDurations: lengths of time join the two largest units in the
// language's words.
func TestDurations(t *testing.T) {
	site := fstest.MapFS{"layouts/i18n/en-GB.yaml": {Data: []byte(`unit_days: {one: "%d day", other: "%d days"}
unit_hours: {one: "%d hour", other: "%d hours"}
unit_minutes: {one: "a minute", other: "%d minutes"}
duration_pair: "%s and %s"
`)}}
	theme := themeFor(t, site, "ja", "en-GB", "ar")
	tests := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 3*24*time.Hour + 4*time.Hour + 5*time.Minute, "3 d 4 h"},
		{"en", 7*time.Hour + 30*time.Minute, "7 h 30 min"},
		{"en", 45 * time.Minute, "45 min"},
		{"ja", 26 * time.Hour, "1日2時間"},
		{"en-GB", 24*time.Hour + time.Hour, "1 day and 1 hour"},
		{"en-GB", 2*time.Hour + time.Minute, "2 hours and a minute"},
		{"en-GB", 2*24*time.Hour + 59*time.Minute, "2 days"},
		{"en", 5 * time.Hour, "5 h"},
		{"ar", 2*24*time.Hour + time.Hour, "يومان وساعة واحدة"},
		{"ar", 11*24*time.Hour + 3*time.Hour, "11 يومًا و3 ساعات"},
	}
	for _, tt := range tests {
		if got := theme.Translator(tt.lang).Duration(tt.d); got != tt.want {
			t.Errorf("%s Duration(%s) = %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
	if got := theme.Translator("en").span(24 * time.Hour); got != "24 h" {
		t.Errorf("span(24h) = %q", got)
	}
}

// TestDateNames: month and weekday names in a layout are the language's,
// from CLDR; a language without them keeps Go's.
func TestDateNames(t *testing.T) {
	may2 := time.Date(2011, 5, 2, 17, 5, 0, 0, time.UTC)
	tests := []struct{ lang, layout, want string }{
		{"en", "Mon Jan 2, 2006", "Mon May 2, 2011"},
		{"de", "Monday, 2. January 2006", "Montag, 2. Mai 2011"},
		{"fr", "2 Jan 2006", "2 mai 2011"},
		{"pt-BR", "2 de Jan de 2006", "2 de mai. de 2011"},
		{"ar", "2 January 2006", "2 مايو 2011"},
		{"ar", "2 Jan", "2 مايو"}, // CLDR's Arabic abbreviates no month
		{"zh-TW", "2006年1月2日 Mon", "2011年5月2日 週一"},
		{"xx", "2 Jan 2006 15:04", "2 May 2011 17:05"},
		{"de", "Jan Janu", "Mai Janu"}, // Go reads "Janu" as text
	}
	for _, tt := range tests {
		tag, _ := language.Parse(tt.lang)
		if got := newCalendar(tag).format(may2, tt.layout); got != tt.want {
			t.Errorf("%s %q = %q, want %q", tt.lang, tt.layout, got, tt.want)
		}
	}
}

// TestDatesFollowCLDR holds the built-in languages' date layouts to CLDR:
// the date in format_datetime is CLDR's medium or long date, as
// gohugoio/locales writes it, on days and months of one and two digits.
func TestDatesFollowCLDR(t *testing.T) {
	names, _ := fs.Glob(sitetest.Defaults, source.UIStringsDir+"/*.yaml")
	for _, name := range names {
		lang := strings.TrimSuffix(path.Base(name), ".yaml")
		layout := readLanguageFile(t, lang)["format_datetime"].format
		date, _, ok := strings.Cut(layout, "15:04")
		if !ok {
			t.Errorf("%s: format_datetime %q has no 24-hour time", lang, layout)
			continue
		}
		date = strings.TrimRight(date, " ,،")
		tag := language.MustParse(lang)
		_, i, _ := cldrMatcher.Match(tag)
		cldr := cldrNames[cldrTags[i]]()
		for _, day := range []time.Time{time.Date(2011, 5, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)} {
			got := newCalendar(tag).format(day, date)
			if got != cldr.FmtDateMedium(day) && got != cldr.FmtDateLong(day) {
				t.Errorf("%s: %q writes %q; CLDR writes %q (medium) or %q (long)", lang, date, got, cldr.FmtDateMedium(day), cldr.FmtDateLong(day))
			}
		}
	}
}

var _ locales.Translator // cldrNames holds these

// TestPercent: uptime is written as the language writes a percentage,
// in Western digits.
func TestPercent(t *testing.T) {
	theme := themeFor(t, nil, "de", "fr", "ar", "ja")
	tests := []struct{ lang, want string }{
		{"en", "99.95%"},
		{"de", "99,95\u00a0%"},
		{"fr", "99,95\u00a0%"},
		{"ja", "99.95%"},
		{"ar", "99.95\u200e%\u200e"},
	}
	for _, tt := range tests {
		if got := theme.Translator(tt.lang).Percent(9995); got != tt.want {
			t.Errorf("%s: Percent(9995) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := theme.Translator("en").Percent(10000); got != "100.00%" {
		t.Errorf("Percent(10000) = %q", got)
	}
}

// TestIsolated: in a right-to-left language each name or id a string
// takes is isolated, so that Latin text keeps its order inside Arabic;
// other languages' strings are left as they are.
func TestIsolated(t *testing.T) {
	site := fstest.MapFS{"layouts/i18n/ar.yaml": {Data: []byte("banner_one_region: \"%s في %s\"\n")}}
	theme := themeFor(t, site, "ar", "ja")
	if got, want := theme.Translator("ar").must("banner_one_region", "Major outage", "Japan"), "\u200f\u2068Major outage\u2069 في \u2068Japan\u2069"; got != want {
		t.Errorf("ar: %q, want %q", got, want)
	}
	// A list reads right to left, each name isolated; the list is not
	// isolated again.
	ar := theme.Translator("ar")
	list := ar.names(theme.site, []string{"r0", "r1"}, true)
	if want := "\u2067\u2068R0\u2069، \u2068R1\u2069\u2069"; list != want {
		t.Errorf("ar list: %q, want %q", list, want)
	}
	if got, want := ar.must("where", list, "S"), "\u200f\u2067\u2068R0\u2069، \u2068R1\u2069\u2069 · \u2068S\u2069"; got != want {
		t.Errorf("ar where: %q, want %q", got, want)
	}
	// A dual form may leave out the number and keep the other arguments.
	if got, want := ar.must("banner_regions", "X", 2), "\u200f\u2068X\u2069 في منطقتين"; got != want {
		t.Errorf("ar banner_regions 2: %q, want %q", got, want)
	}
	if got := theme.Translator("ja").must("where", "Japan", "PSN"); strings.ContainsAny(got, "\u2068\u2069") {
		t.Errorf("ja isolates: %q", got)
	}
	for lang, want := range map[string]bool{"ar": true, "ar-EG": true, "he": true, "fa": true, "ur": true, "az-Arab": true, "az": false, "en": false, "ja": false, "zh-Hant": false} {
		if got := rightToLeft(language.MustParse(lang)); got != want {
			t.Errorf("rightToLeft(%s) = %v", lang, got)
		}
	}
}

// TestTagVariants: a tag takes the strings of the language serving it,
// whatever its case, and a site's file lies over the default one key by
// key.
func TestTagVariants(t *testing.T) {
	site := fstest.MapFS{"layouts/i18n/de-CH.yaml": {Data: []byte("subscribe: Abonnieren (CH)\n")}}
	theme := themeFor(t, site, "zh-TW", "zh-hk", "zh-CN", "ZH-hant-TW", "de-CH", "pt", "en-GB")
	tests := []struct{ lang, key, want string }{
		{"zh-TW", "subscribe", "訂閱"},
		{"zh-HK", "subscribe", "訂閱"},
		{"zh-Hant-TW", "subscribe", "訂閱"},
		{"zh-CN", "subscribe", "订阅"},
		{"de-CH", "subscribe", "Abonnieren (CH)"},
		{"de-CH", "ongoing", "andauernd"},
		{"pt", "subscribe", "Assinar"},
		{"en-GB", "subscribe", "Subscribe"},
	}
	for _, tt := range tests {
		if got := theme.Translator(tt.lang).must(tt.key); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
}

// TestStringsFileErrors: a strings file's mistakes are positioned.
func TestStringsFileErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"a: {one: x}\n", "x.yaml:1:4: a: plural forms need other:, the form for any number the others do not take"},
		{"a:\n  one: x\n  several: y\n  other: z\n", `x.yaml:3:3: a: "several" is not a plural category: zero, one, two, few, many or other`},
		{"a: [x]\n", "x.yaml:1:4: a: want a string, or plural forms such as one: and other:"},
		{"a: {other: [x]}\n", "x.yaml:1:12: a: other: want a string"},
		{"- a\n", "x.yaml:1:1: UI strings: want key: string lines"},
		{"a: \"x\n", "x.yaml:1:"},
	}
	for _, tt := range tests {
		var errs source.ErrorList
		parseStrings("x.yaml", []byte(tt.file), map[string]uiString{}, &errs)
		if got := errs.Sort().Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q:\n got %s\nwant %s", tt.file, got, tt.want)
		}
	}
}

// TestPlainHasNoControls: the JSON API and the calendar take names
// without bidi controls, even from a right-to-left site language.
func TestPlainHasNoControls(t *testing.T) {
	theme := themeFor(t, nil, "ar")
	tr := theme.Translator("ar").plain()
	if got := tr.must("where", tr.names(theme.site, []string{"r0"}, true), "S"); strings.ContainsAny(got, "\u200f\u2066\u2067\u2068\u2069") {
		t.Errorf("plain: %q", got)
	}
}
