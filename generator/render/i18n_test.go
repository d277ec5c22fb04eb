package render

import (
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"golang.org/x/text/feature/plural"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// TestLanguageFilesHaveEnglishKeys holds every language file of the
// defaults to the English one: a key missing would show English on the
// page, an extra one is a typo, and a verb lost or of another kind would
// print %!s(MISSING) or %!d(string=…) where readers see it.
func TestLanguageFilesHaveEnglishKeys(t *testing.T) {
	english := readLanguageFile(t, "en")
	names, err := fs.Glob(sitetest.Defaults, source.UIStringsDir+"/*.yaml")
	if err != nil || len(names) < 12 {
		t.Fatalf("language files: %v %v", names, err)
	}
	for _, name := range names {
		lang := path.Base(name[:len(name)-len(".yaml")])
		if lang == "en" {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			texts := readLanguageFile(t, lang)
			for _, key := range slices.Sorted(maps.Keys(english)) {
				s, ok := texts[key]
				if !ok {
					t.Errorf("%s lacks %s", name, key)
					continue
				}
				want := verbArgs(english[key].format)
				forms := map[plural.Form]string{plural.Other: s.format}
				if s.forms != nil {
					forms = s.forms
				}
				for f, form := range forms {
					// A plural form may leave the number out: "ساعتان", two hours.
					if got := verbArgs(form); !maps.Equal(want, got) && (s.forms == nil || f == plural.Other || !maps.Equal(withoutCount(want), got)) {
						t.Errorf("%s: %s = %q takes arguments %v, English %q takes %v", name, key, form, got, english[key].format, want)
					}
				}
			}
			for _, key := range slices.Sorted(maps.Keys(texts)) {
				if _, ok := english[key]; !ok {
					t.Errorf("%s has %s, which en.yaml has not", name, key)
				}
			}
		})
	}
}

// withoutCount is what a plural form that leaves its number out takes:
// the arguments less the first %d, which chooses the form.
func withoutCount(args map[int]string) map[int]string {
	out := maps.Clone(args)
	for i := 1; i <= len(args); i++ {
		if out[i] == "d" {
			delete(out, i)
			break
		}
	}
	return out
}

func readLanguageFile(t *testing.T, lang string) map[string]uiString {
	t.Helper()
	name := source.UIStringsDir + "/" + lang + ".yaml"
	data, err := fs.ReadFile(sitetest.Defaults, name)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]uiString{}
	var errs source.ErrorList
	if parseStrings(name, data, texts, &errs); len(errs) > 0 {
		t.Fatal(errs.Sort())
	}
	return texts
}

// verb matches a fmt verb with its flags, width, precision and explicit
// argument index, or %%, which takes no argument.
var verb = regexp.MustCompile(`%%|%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d*)?([a-zA-Z])`)

// verbArgs maps each argument a format string takes (1 for the first) to
// the verb letter that prints it, following explicit indexes as fmt does:
// "%[2]d of %[1]s" takes {1: s, 2: d}, as "%s of %d" does.
func verbArgs(format string) map[int]string {
	args := map[int]string{}
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[0] == "%%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
		}
		args[next] = m[2]
		next++
	}
	return args
}

func TestVerbArgs(t *testing.T) {
	tests := []struct {
		format string
		want   map[int]string
	}{
		{"All systems operational", map[int]string{}},
		{"%s%% uptime", map[int]string{1: "s"}},
		{"%s in %d regions", map[int]string{1: "s", 2: "d"}},
		{"%[2]d 地域で%[1]s", map[int]string{1: "s", 2: "d"}},
		{"%[2]s の %[1]s", map[int]string{1: "s", 2: "s"}},
		{"%[2]s, %s", map[int]string{2: "s", 3: "s"}},
		{"%5.1f%%", map[int]string{1: "f"}},
	}
	for _, tt := range tests {
		if got := verbArgs(tt.format); !maps.Equal(got, tt.want) {
			t.Errorf("verbArgs(%q) = %v, want %v", tt.format, got, tt.want)
		}
	}
}
