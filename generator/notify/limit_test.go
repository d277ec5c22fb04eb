package notify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	family := "👨‍👩‍👧‍👦"
	for _, tt := range []struct {
		name  string
		in    string
		limit int
		tidy  func(string) string
		want  string
	}{
		{"fits", "short", 5, nil, "short"},
		{"ascii", "abcdefgh", 5, nil, "abcd…"},
		{"trailing space", "abc defgh", 5, nil, "abc…"},
		{"japanese", "障害が発生しています", 5, nil, "障害が発…"},
		{"emoji count two", "😀😀😀😀", 5, nil, "😀😀…"},
		{"emoji fits", "😀😀", 4, nil, "😀😀"},
		{"zwj sequence", "ab" + family + "cd", 8, nil, "ab…"},
		{"combining mark", "cafe\u0301s", 5, nil, "caf…"},
		{"variation selector", "ab❤\ufe0fcd", 4, nil, "ab…"},
		{"flags", "🇯🇵🇯🇵🇯🇵", 7, nil, "🇯🇵…"},
		{"backslash escape", `ab\*cd`, 4, tidyBackslash, "ab…"},
		{"escaped backslash", `a\\bcd`, 4, tidyBackslash, `a\\…`},
		{"entity", "ab&amp;cd", 5, tidyEntity, "ab…"},
		{"whole entity", "a&lt;bcdefg", 6, tidyEntity, "a&lt;…"},
		{"tiny limit", "abc", 0, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := cut(tt.in, tt.limit, tt.tidy)
			if got != tt.want {
				t.Errorf("cut(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
			if width(got) > tt.limit || !utf8.ValidString(got) {
				t.Errorf("cut(%q, %d) = %q: %d wide or invalid", tt.in, tt.limit, got, width(got))
			}
		})
	}
}

func TestCutNeverSplitsUTF8(t *testing.T) {
	s := strings.Repeat("日本😀é\u0301a", 300)
	for limit := 1; limit < 200; limit++ {
		got := cut(s, limit, nil)
		if !utf8.ValidString(got) || width(got) > limit {
			t.Fatalf("cut at %d: %q", limit, got)
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for _, tt := range []struct{ in, md, mm string }{
		{"*bold* _em_", `\*bold\* \_em\_`, `\*bold\* \_em\_`},
		{"see https://ex.com/a_b*c (x)", `see https://ex.com/a_b*c (x)`, `see https://ex.com/a_b*c (x)`},
		{"(https://ex.com/a_b).", `(https://ex.com/a_b).`, `(https://ex.com/a_b).`},
		{"<https://ex.com/> and <@123>", `\<https://ex.com/> and \<@123\>`, "\\<https://ex.com/> and \\<@\u200b123\\>"},
		{"@everyone mail ops@ex.com", "@everyone mail ops@ex.com", "@\u200beveryone mail ops@ex.com"},
		{"# not a heading\n> nor a quote", `\# not a heading` + "\n" + `\> nor a quote`, `\# not a heading` + "\n" + `\> nor a quote`},
		{`back\slash`, `back\\slash`, `back\\slash`},
		{"日本 https://ex.com/x日本", "日本 https://ex.com/x日本", "日本 https://ex.com/x日本"},
	} {
		if got := mdEscape(tt.in); got != tt.md {
			t.Errorf("mdEscape(%q) = %q, want %q", tt.in, got, tt.md)
		}
		if got := mmEscape(tt.in); got != tt.mm {
			t.Errorf("mmEscape(%q) = %q, want %q", tt.in, got, tt.mm)
		}
	}
	if got := slackEscaper.Replace("<!channel> & <@U1>"); got != "&lt;!channel&gt; &amp; &lt;@U1&gt;" {
		t.Errorf("slack escape: %q", got)
	}
}
