package render

import "golang.org/x/text/language"

// rtlScripts are the scripts written right to left that a page language
// may be in, by ISO 15924 code.
var rtlScripts = map[string]bool{
	"Arab": true, "Hebr": true, "Syrc": true, "Thaa": true, "Nkoo": true,
	"Adlm": true, "Rohg": true, "Mand": true, "Samr": true,
}

// rightToLeft reports whether a language is written right to left, by
// its script: the tag's own (az-Arab) or its likely one (ar, fa, ur, he),
// so that a regional tag such as ar-EG needs no list of its own.
func rightToLeft(tag language.Tag) bool {
	script, _ := tag.Script()
	return rtlScripts[script.String()]
}

// Direction is "rtl" for a language written right to left, else "ltr".
// A tag that does not parse reads left to right.
func Direction(lang string) string {
	if tag, err := language.Parse(lang); err == nil && rightToLeft(tag) {
		return "rtl"
	}
	return "ltr"
}

// Direction is the writing direction of the translator's language, "rtl"
// or "ltr", for a dir attribute.
func (tr *Translator) Direction() string {
	if tr.rtl {
		return "rtl"
	}
	return "ltr"
}

// plain is the translator without bidi controls, for machine-readable
// text (the JSON API, the calendar) whose readers mostly show it as data:
// invisible isolates there would be noise in a name.
func (tr *Translator) plain() *Translator {
	c := *tr
	c.rtl = false
	return &c
}
