package source

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Pos is a place in a site file: Path relative to the site folder, Line and
// Col 1-based. File-level problems sit at 1:1.
type Pos struct {
	Path string
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", Printable(p.Path), p.Line, p.Col) }

// Printable escapes what a terminal would act on rather than show: control
// characters (escape sequences, newlines that would forge a line of their
// own) and the controls that reorder text (U+202A–U+202E, U+2066–U+2069,
// U+200E, U+200F, U+061C), as \x1b or \u202e. File names and text from a
// site go through it before they are printed.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unprintable) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !unprintable(r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func unprintable(r rune) bool {
	return unicode.IsControl(r) || IsBidiControl(r)
}

// IsBidiControl reports the characters that change the direction of the
// text after them: embeddings, overrides, isolates and marks.
func IsBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// Error is one content problem, printed as path:line:col: message.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + Printable(e.Msg) }

// ErrorList gathers every problem of a build so that all of them can be
// reported at once instead of one per run.
type ErrorList []*Error

// Add appends a problem at pos, its message formatted as by fmt.Sprintf.
func (l *ErrorList) Add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders errors by path, line, column and message, and drops
// duplicates.
func (l ErrorList) Sort() ErrorList {
	slices.SortFunc(l, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Path, b.Pos.Path),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	return slices.CompactFunc(l, func(a, b *Error) bool { return *a == *b })
}

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns the sorted list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sort()
}

// DidYouMean returns a hint naming the candidate closest to s, or "" when
// none is close enough to be a likely typo.
func DidYouMean(s string, candidates []string) string {
	if c := closest(s, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// maxListed is how many ids a message lists: a site may declare
// thousands.
const maxListed = 20

// KnownHint is the hint of a message about the unknown id: the candidate
// it likely misspells, else the ids there are, named what ("regions"),
// the first maxListed of them and how many more, and where they are.
func KnownHint(id string, candidates []string, what, where string) string {
	if hint := DidYouMean(id, candidates); hint != "" {
		return hint
	}
	seen := make(map[string]bool, len(candidates)) // an id declared twice, reported apart, is listed once
	candidates = slices.DeleteFunc(slices.Clone(candidates), func(c string) bool {
		dup := seen[c]
		seen[c] = true
		return dup
	})
	if len(candidates) == 0 {
		return ""
	}
	if len(candidates) <= maxListed {
		return fmt.Sprintf("; the %s are %s", what, strings.Join(candidates, ", "))
	}
	return fmt.Sprintf("; the %s are %s and %d more (see %s in %s)", what, strings.Join(candidates[:maxListed], ", "), len(candidates)-maxListed, where, SiteFile)
}

// closest is the candidate nearest to s within one edit in short words,
// about one in three in longer ones; "" when none is that near.
func closest(s string, candidates []string) string {
	best, bestDist := "", max(1, (len(s)+1)/3)+1
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and swaps of
// neighbours that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
