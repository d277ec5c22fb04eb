package notify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ellipsis ends every text cut to a service's limit.
const ellipsis = "…"

// width is what s counts against a service's limit. The services state
// their limits in characters and count them differently, some in code
// points, some in UTF-16 units; counting a character beyond the BMP (most
// emoji) as two keeps a text within either count.
func width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// cut returns s if it fits in limit, else its longest start that fits
// with an ellipsis after it. The cut falls between characters, never
// inside a UTF-8 sequence, and not before a mark or joiner that belongs
// to the character before it. tidy, when not nil, trims an escape or
// entity the cut left half made (see tidyBackslash, tidyEntity).
func cut(s string, limit int, tidy func(string) string) string {
	if width(s) <= limit {
		return s
	}
	budget := limit - width(ellipsis)
	if budget <= 0 {
		return ""
	}
	end, n := 0, 0
	for i, r := range s {
		if n+runeWidth(r) > budget {
			break
		}
		n += runeWidth(r)
		end = i + utf8.RuneLen(r)
	}
	end = clusterStart(s, end)
	head := s[:end]
	if tidy != nil {
		head = tidy(head)
	}
	return strings.TrimRightFunc(head, unicode.IsSpace) + ellipsis
}

// clusterStart moves a cut at end back while it would split a character
// from its combining marks, variation selectors or emoji joiners, or the
// two halves of a flag.
func clusterStart(s string, end int) int {
	for tries := 0; end > 0 && tries < 16; tries++ {
		prev, size := utf8.DecodeLastRuneInString(s[:end])
		next, _ := utf8.DecodeRuneInString(s[end:])
		split := prev == zwj || (end < len(s) && extends(next)) ||
			(regional(prev) && regional(next) && oddRegionalRun(s[:end]))
		if !split {
			break
		}
		end -= size
	}
	return end
}

func regional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// oddRegionalRun reports whether s ends in an odd number of regional
// indicators: the last one then waits for its pair.
func oddRegionalRun(s string) bool {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !regional(r) {
			break
		}
		n++
		s = s[:len(s)-size]
	}
	return n%2 == 1
}

const zwj = '\u200D'

// extends reports whether r joins the character before it.
func extends(r rune) bool {
	return r == zwj ||
		unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) ||
		(r >= 0xFE00 && r <= 0xFE0F) || // variation selectors
		(r >= 0x1F3FB && r <= 0x1F3FF) || // skin tones
		(r >= 0xE0020 && r <= 0xE007F) // tag characters of flag sequences
}

// tidyBackslash drops a backslash a cut left without the character it
// escapes: in backslash-escaped text every literal backslash is doubled,
// so an odd run at the end is half an escape.
func tidyBackslash(s string) string {
	n := len(s) - len(strings.TrimRight(s, `\`))
	if n%2 == 1 {
		return s[:len(s)-1]
	}
	return s
}

// tidyEntity drops an HTML entity a cut left unfinished: in escaped text
// every & starts an entity, so an & with no ; after it is half of one.
func tidyEntity(s string) string {
	amp := strings.LastIndexByte(s, '&')
	if amp >= 0 && !strings.Contains(s[amp:], ";") {
		return s[:amp]
	}
	return s
}
