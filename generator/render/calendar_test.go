package render

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFoldLine(t *testing.T) {
	for _, line := range []string{
		"SUMMARY:" + strings.Repeat("é", 100),
		"SUMMARY:x" + strings.Repeat("日本", 60),
		"SUMMARY:" + strings.Repeat("a", 67), // exactly 75 octets: no fold
	} {
		var b bytes.Buffer
		foldLine(&b, line)
		out := b.String()
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Errorf("folded line of %d octets, valid UTF-8 %v: %q", len(l), utf8.ValidString(l), l)
			}
		}
		if got := strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", ""); got != line {
			t.Errorf("unfolding gives %q, want %q", got, line)
		}
		if len(line) <= 75 && strings.Contains(out, "\r\n ") {
			t.Errorf("a line of %d octets was folded", len(line))
		}
	}
}

func TestCalendarText(t *testing.T) {
	got := icsText("a\\b;c,d\ne\r\nf\x00g")
	if want := `a\\b\;c\,d\ne\nfg`; got != want {
		t.Errorf("icsText = %q, want %q", got, want)
	}
}
