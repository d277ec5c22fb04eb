package render

import "testing"

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
