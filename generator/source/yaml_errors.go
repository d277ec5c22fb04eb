package source

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The mistakes people who are not programmers make in YAML, told in
// their words at the place to fix: yaml.v3 names a line (at times the
// one before), never a column, and speaks of scanners and mappings.

// docLines splits a YAML document into its lines, without line ends.
// Any line end counts, CR LF or a lone CR as well, as for yaml.v3.
func docLines(data []byte) []string {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// explain turns yaml.v3's message msg, given for the 1-based line of
// the document lines, into plain words and the place to fix; ok is false
// when it is no mistake explain knows.
func explain(msg string, line int, lines []string) (at, col int, text string, ok bool) {
	if line < 1 || line > len(lines) {
		return 0, 0, "", false
	}
	switch {
	case strings.Contains(msg, "tab character"):
		// Reported on the line where the value before the tab began.
		for l := line; l <= len(lines); l++ {
			if c := indentTab(lines[l-1]); c > 0 {
				return l, c, tabAdvice, true
			}
		}
	case msg == "found character that cannot start any token":
		if c := indentTab(lines[line-1]); c > 0 {
			return line, c, tabAdvice, true
		}
	case msg == "mapping values are not allowed in this context":
		return explainColon(line, lines)
	case msg == "did not find expected key":
		return explainKey(line, lines)
	case msg == "did not find expected '-' indicator":
		return explainKey(line, lines)
	}
	return 0, 0, "", false
}

// textKeys are the keys of site.yaml and posts whose values are words,
// which may hold ": " when quoted.
var textKeys = []string{"title", "name", "description"}

const tabAdvice = "a tab before the text: YAML lines are indented with spaces only; replace the tab with spaces"

// indentTab is the 1-based column of a tab among the spaces and list
// dashes a line starts with, or 0.
func indentTab(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t':
			return i + 1
		case ' ', '-':
		default:
			return 0
		}
	}
	return 0
}

// splitKey cuts a "key: value" line after its indentation and any list
// dashes: the key's column (0-based, in bytes), the key and the value.
func splitKey(s string) (col int, key, value string, ok bool) {
	col = len(s) - len(strings.TrimLeft(s, " "))
	for strings.HasPrefix(s[col:], "- ") {
		col += 2 + len(s[col+2:]) - len(strings.TrimLeft(s[col+2:], " "))
	}
	rest := s[col:]
	if strings.HasPrefix(rest, "#") || strings.ContainsAny(rest[:min(len(rest), 1)], `"'[{`) {
		return col, "", "", false
	}
	key, value, ok = strings.Cut(rest, ": ")
	if !ok {
		key, ok = strings.CutSuffix(rest, ":")
	}
	return col, key, strings.TrimLeft(value, " "), ok && key != ""
}

// above is the nearest line before line (1-based) holding more than
// blanks and a comment, or 0.
func above(line int, lines []string) int {
	for l := line - 1; l >= 1; l-- {
		if t := strings.TrimSpace(lines[l-1]); t != "" && !strings.HasPrefix(t, "#") {
			return l
		}
	}
	return 0
}

// explainColon explains "mapping values are not allowed": a ": " inside
// a value (title: Payments: slow), or a key indented more than the one
// above it, which YAML reads as more words of that key's value.
func explainColon(line int, lines []string) (int, int, string, bool) {
	s := lines[line-1]
	if c := indentTab(s); c > 0 {
		return line, c, tabAdvice, true
	}
	_, key, value, ok := splitKey(s)
	if !ok {
		return 0, 0, "", false
	}
	if i := strings.Index(value+" ", ": "); i >= 0 && !strings.ContainsAny(value[:1], `"'[{`) {
		at := runeCol(s, len(s)-len(value)+i)
		if !slices.Contains(textKeys, key) {
			return line, at, fmt.Sprintf(`the ": " in the value of %s makes YAML read it as another key: write each key: value on a line of its own`, key), true
		}
		// A comment stays a comment, after the quotes.
		text, comment := value, ""
		if j := strings.Index(value, " #"); j > i {
			text, comment = strings.TrimRight(value[:j], " "), value[j:]
		}
		fixed := strings.TrimSpace(s[:len(s)-len(value)] + quote(text) + comment)
		return line, at, fmt.Sprintf(`the ": " in the value of %s makes YAML read it as another key; put the whole value in quotes: %s`, key, fixed), true
	}
	return indentedMore(line, lines)
}

// indentedMore explains a key indented more than a key with a value on
// the line above it.
func indentedMore(line int, lines []string) (int, int, string, bool) {
	col, key, _, ok := splitKey(lines[line-1])
	if p := above(line, lines); ok && p > 0 {
		if pcol, pkey, pvalue, ok := splitKey(lines[p-1]); ok && col > pcol && pvalue != "" {
			return line, runeCol(lines[line-1], col), fmt.Sprintf("%s is indented more than %s on the line above: keys at one level start in the same column; remove the spaces before %s", key, pkey, key), true
		}
	}
	return 0, 0, "", false
}

// explainKey explains "did not find expected key" and "did not find
// expected '-' indicator": a line indented less than the one above but
// more than the key or item it belongs with, or a list item where a key
// belongs. yaml.v3 names the line where the entry or list began, at
// times the one at fault.
func explainKey(line int, lines []string) (int, int, string, bool) {
	at := misaligned(lines)
	if at < line {
		at = line // a list item where a key belongs: yaml.v3 names it
	}
	s := lines[at-1]
	t := strings.TrimLeft(s, " ")
	if strings.HasPrefix(t, "-") {
		return at, len(s) - len(t) + 1, itemAdvice, true
	}
	if l, c, text, ok := indentedMore(at, lines); ok {
		return l, c, text, ok
	}
	return at, len(s) - len(t) + 1, "this line is not lined up with the keys above it: keys at one level start in the same column (in a list, the column after the item's \"- \")", true
}

const itemAdvice = `this "- " is not lined up with the items of the list above: start every "- " of a list in the same column`

// misaligned is the first line (1-based) indented back to a column where
// no key or list item above it starts, or 0.
func misaligned(lines []string) int {
	var open []int // the columns of the keys and items the line may be in
	for l, s := range lines {
		t := strings.TrimLeft(s, " ")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		ind := len(s) - len(t)
		back := false
		for len(open) > 0 && open[len(open)-1] > ind {
			open, back = open[:len(open)-1], true
		}
		if back && (len(open) == 0 || open[len(open)-1] < ind) {
			return l + 1 // went back, but not as far as a column above
		}
		if len(open) == 0 || open[len(open)-1] < ind {
			open = append(open, ind)
		}
		for strings.HasPrefix(t, "- ") { // "- key: v": the key's column opens too
			rest := strings.TrimLeft(t[2:], " ")
			ind += len(t) - len(rest)
			t = rest
			open = append(open, ind)
		}
	}
	return 0
}

// quote writes a YAML value in quotes: double ones unless it holds a
// double quote or a backslash (an escape in them), else single ones.
func quote(v string) string {
	if !strings.ContainsAny(v, `"\`) {
		return `"` + v + `"`
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// runeCol is the 1-based column, in characters, of byte i of s.
func runeCol(s string, i int) int { return utf8.RuneCountInString(s[:i]) + 1 }

// continuedItem reports, for a plain scalar n read as an id, a list item
// written further in than the one before it: YAML reads "- us" then
// "   - eu" as the one id "us - eu". It returns the line (of the document)
// and column of the dash that should start an item, or 0.
func continuedItem(n *yaml.Node, lines []string) (line, col int) {
	if n.Kind != yaml.ScalarNode || n.Style != 0 || !strings.Contains(n.Value, " - ") || n.Line < 1 || n.Line > len(lines) {
		return 0, 0
	}
	first := lines[n.Line-1]
	if n.Column-1 <= len(first) && strings.TrimRight(first[n.Column-1:], " ") == n.Value {
		return 0, 0 // on one line: an id that holds " - "
	}
	// The value's later lines follow, each more indented than its key:
	// the first of them starting with "- " is the item meant. Each line's
	// words are looked for in the value after the last line's, so that
	// the search is linear in the value, and stops at a line not in it.
	off := 0
	for l := n.Line + 1; l <= min(len(lines), n.Line+len(n.Value)); l++ {
		s := lines[l-1]
		t := strings.TrimLeft(s, " ")
		if t == "" || len(s) == len(t) {
			break
		}
		words := strings.TrimSpace(t)
		i := strings.Index(n.Value[off:], words)
		if i < 0 {
			break
		}
		off += i + len(words)
		if strings.HasPrefix(t, "- ") {
			return l, len(s) - len(t) + 1
		}
	}
	return 0, 0
}
