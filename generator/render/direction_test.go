package render

import "testing"

func TestDirection(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"ar", "rtl"},
		{"ar-EG", "rtl"},
		{"he", "rtl"},
		{"iw", "rtl"}, // Hebrew's old code
		{"fa", "rtl"},
		{"ur", "rtl"},
		{"yi", "rtl"},
		{"dv", "rtl"},
		{"az-Arab", "rtl"},
		{"ff-Adlm", "rtl"},
		{"en", "ltr"},
		{"en-GB", "ltr"},
		{"ja", "ltr"},
		{"zh-Hant", "ltr"},
		{"az", "ltr"}, // Latin unless the tag says Arab
		{"ar-Latn", "ltr"},
		{"", "ltr"},
		{"x", "ltr"},
		{"zz", "ltr"},
		{"ar-EG-!", "ltr"},
	} {
		if got := Direction(tc.lang); got != tc.want {
			t.Errorf("Direction(%q) = %q, want %q", tc.lang, got, tc.want)
		}
	}
}

// TestTranslatorDirection: the method layouts call answers for the
// translator's language.
func TestTranslatorDirection(t *testing.T) {
	theme := themeFor(t, nil, "ar", "de")
	if got := theme.Translator("ar").Direction(); got != "rtl" {
		t.Errorf("ar: %q, want rtl", got)
	}
	if got := theme.Translator("de").Direction(); got != "ltr" {
		t.Errorf("de: %q, want ltr", got)
	}
}
