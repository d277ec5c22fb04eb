package source

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastYAML reads front-matter of the plain shape nearly every post has —
// lines of "key: value", a value being a plain word or sentence, or a
// list of ids in brackets — into the node tree yaml.v3 would make of it,
// and reports whether it could. Anything else (quotes, comments, nesting,
// block lists, odd characters, CR line ends) is left to yaml.v3, which
// also reports every problem. yaml.v3 set up anew for each of thousands
// of posts was a tenth of a build; FuzzFastYAML holds the two to the same
// trees.
func fastYAML(data []byte) (*yaml.Node, bool) {
	if len(data) == 0 || bytes.IndexByte(data, '\r') >= 0 || bytes.IndexByte(data, '\t') >= 0 {
		return nil, false
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	line := 0
	for len(data) > 0 {
		line++
		text, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		if len(text) == 0 {
			continue
		}
		key, value, ok := bytes.Cut(text, []byte(": "))
		if !ok || !plainKey(key) {
			return nil, false
		}
		col := len(key) + 3
		for len(value) > 0 && value[0] == ' ' {
			value, col = value[1:], col+1
		}
		v, ok := fastValue(string(value), line, col)
		if !ok {
			return nil, false
		}
		if len(root.Content) == 0 {
			root.Line, root.Column = line, 1
		}
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: resolvedTag(string(key)), Value: string(key), Line: line, Column: 1}
		root.Content = append(root.Content, k, v)
	}
	if len(root.Content) == 0 {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: 1, Content: []*yaml.Node{root}}, true
}

// plainKey: lowercase letters and underscores, as every key statusgen
// knows, and most misspellings of one; short (YAML limits a key to 1,024).
func plainKey(key []byte) bool {
	if len(key) == 0 || len(key) > 64 {
		return false
	}
	for _, c := range key {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}

// fastValue is a value standing at line and col: a list of ids in
// brackets, or a plain scalar.
func fastValue(v string, line, col int) (*yaml.Node, bool) {
	if inner, ok := strings.CutPrefix(v, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		if !ok || inner == "" {
			return nil, false
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: line, Column: col}
		at := col + 1
		for _, item := range strings.Split(inner, ", ") {
			if !plainID(item) {
				return nil, false
			}
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: item, Line: line, Column: at})
			at += len(item) + 2
		}
		return seq, true
	}
	if !plainScalar(v) {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: resolvedTag(v), Value: v, Line: line, Column: col}, true
}

// plainID is an id that YAML reads as text: lowercase letters, digits
// and hyphens, starting with a letter that no YAML word (true, null, …)
// starts with.
func plainID(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || strings.ContainsRune("yntfo", rune(s[0])) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// plainScalar reports whether YAML reads s, after "key: ", as a plain
// scalar of exactly these characters: it does not start with an
// indicator, holds no comment and no ": ", does not end in a space or a
// colon, and has only characters YAML prints and breaks no line on.
func plainScalar(s string) bool {
	if s == "" || strings.ContainsRune("-?:,[]{}#&*!|><'\"%@`", rune(s[0])) || s[0] == ' ' {
		return false
	}
	if strings.Contains(s, " #") || strings.Contains(s, ": ") || strings.HasSuffix(s, ":") || strings.HasSuffix(s, " ") {
		return false
	}
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xFEFF, r >= 0xFFFE && r <= 0xFFFF:
			return false
		}
	}
	return true
}

// resolvedTag is the tag yaml.v3 gives a plain scalar, by its rules: a
// few words, then by the first character numbers, floats and timestamps,
// else text.
func resolvedTag(in string) string {
	switch in {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool"
	case "", "~", "null", "Null", "NULL":
		return "!!null"
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return "!!float"
	}
	switch c := in[0]; {
	case c == '.':
		if _, err := strconv.ParseFloat(in, 64); err == nil {
			return "!!float"
		}
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return numberTag(in)
	}
	return "!!str"
}

var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// yamlTimestamps are the forms yaml.v3 reads as a timestamp.
var yamlTimestamps = []string{"2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999", "2006-1-2"}

// numberTag is the tag of a plain scalar starting with a digit or a sign.
func numberTag(in string) string {
	if i := strings.IndexFunc(in, func(r rune) bool { return r < '0' || r > '9' }); i == 4 && in[4] == '-' {
		for _, f := range yamlTimestamps {
			if _, err := time.Parse(f, in); err == nil {
				return "!!timestamp"
			}
		}
	}
	plain := strings.ReplaceAll(in, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return "!!int"
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return "!!int"
	}
	if yamlFloat.MatchString(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return "!!float"
		}
	}
	sign, rest := "", plain
	if r, ok := strings.CutPrefix(plain, "-"); ok {
		sign, rest = "-", r
	}
	for _, p := range []struct {
		prefix string
		base   int
	}{{"0b", 2}, {"0o", 8}} {
		digits, ok := strings.CutPrefix(rest, p.prefix)
		if !ok {
			continue
		}
		if _, err := strconv.ParseInt(sign+digits, p.base, 64); err == nil {
			return "!!int"
		}
		if _, err := strconv.ParseUint(digits, p.base, 64); err == nil && sign == "" {
			return "!!int"
		}
	}
	return "!!str"
}
