package source

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlReader decodes YAML through yaml.Node so that every value keeps its
// position; lineOffset maps the document's lines onto the file's (front-matter
// starts below the opening ---).
type yamlReader struct {
	path       string
	lineOffset int
	errs       *ErrorList
	hinted     map[string]bool // known keys a misspelt key was taken for
	lines      []string        // the document's, read only for the rare mistakes that need them
}

func newYAMLReader(path string, lineOffset int, errs *ErrorList) *yamlReader {
	return &yamlReader{path: path, lineOffset: lineOffset, errs: errs}
}

func (r *yamlReader) pos(n *yaml.Node) Pos {
	return Pos{r.path, n.Line + r.lineOffset, n.Column}
}

func (r *yamlReader) errorf(n *yaml.Node, format string, args ...any) {
	r.errs.Add(r.pos(n), format, args...)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parse returns the document's root mapping, or nil after reporting why there
// is none. at is where an empty document is reported.
func (r *yamlReader) parse(data []byte, at Pos) *yaml.Node {
	var doc yaml.Node
	if fast, ok := fastYAML(data); ok {
		doc = *fast
	} else {
		if err := yaml.Unmarshal(data, &doc); err != nil {
			r.syntaxError(err, data)
			return nil
		}
		r.lines = docLines(data) // fastYAML reads no block list: "- us" then "   - eu"
	}
	// A lone "---" gives an empty value on the line after it, which may
	// not exist: it is an empty document too.
	if doc.Kind == 0 || len(doc.Content) == 0 || isEmptyValue(doc.Content[0]) {
		r.errs.Add(at, "empty YAML: expected key: value lines")
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		r.errorf(root, "expected key: value lines, found %s", kindName(root))
		return nil
	}
	return root
}

// YAMLError reports the error yaml.v3 gave for the document data of the
// file path at its line, in the words check uses for site.yaml and posts.
func YAMLError(path string, data []byte, err error, errs *ErrorList) {
	newYAMLReader(path, 0, errs).syntaxError(err, data)
}

// syntaxError reports a YAML syntax error of the document data at its
// line, in plain words where it is a common mistake (see explain).
func (r *yamlReader) syntaxError(err error, data []byte) {
	// An unclosed bracket is reported past the end.
	lines := max(1, bytes.Count(bytes.TrimRight(data, "\n"), []byte("\n"))+1)
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = err.Error()[len(m[0]):]
		// yaml.v3 counts lines from 0 for parser errors (it names the line
		// where the unclosed construct began) and from 1 for scanner errors.
		if slices.Contains(parserProblems, msg) {
			line++
		}
	}
	line = min(line, lines)
	if at, col, text, ok := explain(msg, line, docLines(data)); ok {
		r.errs.Add(Pos{r.path, at + r.lineOffset, col}, "invalid YAML: %s", text)
		return
	}
	r.errs.Add(Pos{r.path, line + r.lineOffset, 1}, "invalid YAML: %s", msg)
}

// parserProblems are the messages of yaml.v3's parser, as opposed to its
// scanner, whose line numbers are off by one.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected key",
	"did not find expected node content",
}

// fields calls each for every key of the mapping n, reporting unknown and
// repeated keys with a did-you-mean hint.
func (r *yamlReader) fields(n *yaml.Node, known []string, each func(key string, k, v *yaml.Node)) {
	var seen []string // a handful of keys: no map
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		switch {
		case k.Kind != yaml.ScalarNode:
			r.errorf(k, "a key must be a plain word")
		case slices.Contains(seen, key):
			r.errorf(k, "duplicate key %q", key)
		case !slices.Contains(known, key):
			r.errorf(k, "unknown key %q%s; known keys: %s", key, DidYouMean(key, known), strings.Join(known, ", "))
			if c := closest(key, known); c != "" {
				if r.hinted == nil {
					r.hinted = map[string]bool{}
				}
				r.hinted[c] = true // not reported again as missing
			}
		default:
			seen = append(seen, key)
			each(key, k, v)
		}
	}
}

// mapping is fields for a nested mapping, whose required keys are its
// own: it returns the keys a misspelt key of n was taken for, so that the
// caller reports them not also as missing, and leaves the hints of the
// mappings around n as they were.
func (r *yamlReader) mapping(n *yaml.Node, known []string, each func(key string, k, v *yaml.Node)) map[string]bool {
	outer := r.hinted
	r.hinted = nil
	r.fields(n, known, each)
	hinted := r.hinted
	r.hinted = outer
	return hinted
}

// str returns a scalar's text; non-strings (numbers, lists) are errors
// unless anyScalar, where a number or date is taken as written.
func (r *yamlReader) str(key string, v *yaml.Node, anyScalar bool) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		r.errorf(v, "%s: expected text, found %s", key, kindName(v))
		return "", false
	}
	if !anyScalar && v.Tag != "!!str" {
		r.errorf(v, "%s: expected text, found %s %q", key, kindName(v), v.Value)
		return "", false
	}
	return v.Value, true
}

// list returns a scalar as a one-element list, or a flat list of strings.
func (r *yamlReader) list(key string, v *yaml.Node) ([]string, []*yaml.Node, bool) {
	if v.Kind == yaml.ScalarNode {
		if r.continued(key, v) {
			return nil, nil, false
		}
		s, ok := r.str(key, v, false)
		return []string{s}, []*yaml.Node{v}, ok
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		found := kindName(v)
		if v.Kind == yaml.SequenceNode {
			found = "an empty list"
		}
		r.errorf(v, "%s: expected an id or a list of ids, found %s", key, found)
		return nil, nil, false
	}
	var out []string
	var nodes []*yaml.Node
	ok := true
	for _, item := range v.Content {
		if r.continued(key, item) {
			ok = false
			continue
		}
		s, good := r.str(key, item, false)
		ok = ok && good
		out, nodes = append(out, s), append(nodes, item)
	}
	return out, nodes, ok
}

// continued reports, as a mistake, a list item indented further than
// the one before it, which YAML reads as more words of that one.
func (r *yamlReader) continued(key string, item *yaml.Node) bool {
	line, col := continuedItem(item, r.lines)
	if line == 0 {
		return false
	}
	r.errs.Add(Pos{r.path, line + r.lineOffset, col}, `%s: YAML reads this "- " line as more words of the line above, making the one id %q; put each "- " item on a line of its own, all starting in the same column`, key, shorten(item.Value))
	return true
}

func (r *yamlReader) boolean(key string, v *yaml.Node) (bool, bool) {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
		r.errorf(v, "%s: expected true or false, found %s %q", key, kindName(v), v.Value)
		return false, false
	}
	return b, true
}

func (r *yamlReader) integer(key string, v *yaml.Node) (int, bool) {
	var i int
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&i) != nil {
		r.errorf(v, "%s: expected a whole number, found %s %q", key, kindName(v), v.Value)
		return 0, false
	}
	return i, true
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "nothing"
	case "!!int", "!!float":
		return "the number"
	case "!!bool":
		return "the boolean"
	case "!!timestamp":
		return "the date"
	}
	return "the value"
}

func isEmptyValue(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && n.Style == 0
}

// shorten cuts a quoted value to a line's worth: a hostile file may make
// one of a megabyte.
func shorten(s string) string {
	const most = 80
	if r := []rune(s); len(r) > most {
		return string(r[:most]) + "…"
	}
	return s
}
