package source

import "testing"

// TestStringsFilesOtherLanguage: a language is served only by its own
// strings (or those of a variant of it), never by another language's
// that CLDR's matcher offers its speakers as a fallback: Urdu pages must
// not be English words under lang="ur" dir="rtl", nor Basque ones
// Spanish. Such a tag is the "no UI strings" error.
func TestStringsFilesOtherLanguage(t *testing.T) {
	ui := []string{"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pt-BR", "zh-Hans", "zh-Hant"}
	for _, lang := range []string{"ur", "eu", "gl", "ga", "cy", "sq", "af", "la", "ckb", "br", "lb"} {
		if got := StringsFiles(lang, ui); got != nil {
			t.Errorf("StringsFiles(%q) = %v, want none: another language's strings", lang, got)
		}
	}
}
