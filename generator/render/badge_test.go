package render

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"

	"statusgen/generator/status"
)

func TestTextWidth(t *testing.T) {
	tests := []struct {
		text     string
		min, max int
	}{
		{"", 0, 0},
		{"重大な障害", 55, 55}, // wide runes: 11 px each
		{"Operational", 60, 80},
		{"Major outage", 65, 85},
		{"e\u0301", 6, 8}, // a combining accent takes no room
	}
	for _, tt := range tests {
		if got := textWidth(tt.text); got < tt.min || got > tt.max {
			t.Errorf("textWidth(%q) = %d, want %d to %d", tt.text, got, tt.min, tt.max)
		}
	}
}

// TestBadgeRightToLeft: a right-to-left badge reads label first, from
// the right: the label's box and text lie right of the state's.
func TestBadgeRightToLeft(t *testing.T) {
	textX := regexp.MustCompile(`<text x="([\d.]+)"`)
	theme := themeFor(t, nil, "ar", "ja")
	for lang, rtl := range map[string]bool{"ar": true, "en": false, "ja": false} {
		var buf bytes.Buffer
		if err := (badge{label: "الحالة", message: "انقطاع كبير", state: status.MajorOutage, lang: lang}).render(&buf, theme.Translator(lang)); err != nil {
			t.Fatal(err)
		}
		xs := textX.FindAllStringSubmatch(buf.String(), -1)
		if len(xs) != 2 {
			t.Fatalf("%s: %s", lang, buf.String())
		}
		label, _ := strconv.ParseFloat(xs[0][1], 64)
		message, _ := strconv.ParseFloat(xs[1][1], 64)
		if (label > message) != rtl {
			t.Errorf("%s: label at %v, state at %v\n%s", lang, label, message, buf.String())
		}
	}
}
