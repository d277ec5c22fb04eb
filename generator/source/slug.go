package source

import (
	"strings"
	"unicode"
)

// MaxSlug is about how long the words of a file name may be, beside its
// date and time.
const MaxSlug = 60

// slug makes the words of a file name from a title: lowercase ASCII
// letters and digits joined by hyphens, at most about MaxSlug characters.
// Latin letters with accents become their base letters (é e, ü u, ß ss,
// æ ae), as most slug tools do: the site's language decides neither the
// reader's nor the author's. A title with no Latin letter or digit gives
// "" (the caller names the post otherwise).
func slug(title string) string {
	var words []string
	var w strings.Builder
	size := 0 // of the words joined
	// end ends a word; false when it no longer fits.
	end := func() bool {
		s := w.String()
		w.Reset()
		switch {
		case s == "":
			return true
		case len(words) == 0:
			s = s[:min(len(s), MaxSlug)] // ASCII: bytes are letters
		case size+1+len(s) > MaxSlug:
			return false
		}
		words = append(words, s)
		size += len(s) + 1
		return true
	}
	for _, r := range title {
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent: e and U+0301 read as é
		}
		if s, ok := ascii(unicode.ToLower(r)); ok {
			w.WriteString(s)
		} else if !end() {
			break
		}
	}
	end()
	return strings.Join(words, "-")
}

// ascii is what a lowercase letter or digit becomes in a slug; ok is
// false for what separates words.
func ascii(r rune) (string, bool) {
	switch {
	case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
		return string(r), true
	case r < 0x80:
		return "", false
	}
	s, ok := latin[r]
	return s, ok
}

// latin maps the lowercase letters of Latin-1, Latin Extended-A, the
// common ones of Latin Extended-B and those of Vietnamese to ASCII: Go's
// standard library has no Unicode decomposition, and a table of the
// letters Europe and Vietnam write is small.
var latin = func() map[rune]string {
	m := map[rune]string{}
	for base, letters := range map[string]string{
		"a":  "àáâãäåāăąǎǻạảấầẩẫậắằẳẵặ",
		"ae": "æǽ",
		"c":  "çćĉċč",
		"d":  "ďđð",
		"e":  "èéêëēĕėęěẹẻẽếềểễệ",
		"g":  "ĝğġģ",
		"h":  "ĥħ",
		"i":  "ìíîïĩīĭįıǐỉị",
		"ij": "ĳ",
		"j":  "ĵ",
		"k":  "ķĸ",
		"l":  "ĺļľŀł",
		"n":  "ñńņňŉ",
		"ng": "ŋ",
		"o":  "òóôõöøōŏőơǒǿọỏốồổỗộớờởỡợ",
		"oe": "œ",
		"r":  "ŕŗř",
		"s":  "śŝşšșſ",
		"ss": "ß",
		"t":  "ţťŧț",
		"th": "þ",
		"u":  "ùúûüũūŭůűųưǔǖǘǚǜụủứừửữự",
		"w":  "ŵ",
		"y":  "ýÿŷỳỵỷỹ",
		"z":  "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
