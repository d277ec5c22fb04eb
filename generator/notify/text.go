package notify

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText turns an update's body, as the Markdown converter renders it,
// into text for channels without HTML: paragraphs, headings and other
// blocks apart by a blank line, list items on their own lines after "- "
// (or "1. " in an ordered list), nested lists indented, quotes after "> ",
// preformatted text kept as it is, table rows with their cells apart by
// " | ", links as "text (url)" or the bare url when the text is the url,
// images as their alternative text. Entities are decoded; scripts and
// styles dropped.
func PlainText(s string) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil { // only a failing reader errs, and a string's does not
		return strings.TrimSpace(s)
	}
	w := &textWriter{}
	for _, n := range nodes {
		w.node(n)
	}
	return strings.TrimRightFunc(w.b.String(), unicode.IsSpace)
}

// textWriter lays out text as the HTML's blocks ask. Breaks asked for are
// held until text follows, so that blocks open and close without leaving
// runs of blank lines, and nothing is written before the first text.
type textWriter struct {
	b       strings.Builder
	started bool   // some text was written
	bol     bool   // at the start of a line, after its prefix
	breaks  int    // newlines owed before the next text: 1 a line, 2 a paragraph
	gap     string // what the blank lines among them start with
	space   bool   // a space is owed before the next word
	prefix  string // what each line starts with: quote marks and list indents
	fresh   bool   // just after a list marker: a block there starts no new line
	pre     int    // inside <pre>: whitespace is kept
	lists   int    // lists open around the text
}

// block asks for n newlines before what comes next.
func (w *textWriter) block(n int) {
	if !w.started || w.fresh {
		return
	}
	w.owe(max(w.breaks, n))
}

// owe sets the newlines owed. The blank lines among them belong to the
// outermost block they stand between: a blank line before or after a
// quote is not part of it.
func (w *textWriter) owe(n int) {
	if w.breaks == 0 || len(w.prefix) < len(w.gap) {
		w.gap = w.prefix
	}
	w.breaks = n
}

// text writes running text, its whitespace collapsed as a browser would.
func (w *textWriter) text(s string) {
	if w.pre > 0 {
		w.verbatim(s)
		return
	}
	for i, word := range strings.FieldsFunc(s, isHTMLSpace) {
		if i > 0 || strings.IndexFunc(s, isHTMLSpace) == 0 {
			w.space = true
		}
		w.word(word)
	}
	if s != "" && isHTMLSpace(rune(s[len(s)-1])) {
		w.space = true
	}
}

// word writes one unbreakable piece of text after the breaks and the
// space owed before it; a new line starts with the prefix.
func (w *textWriter) word(s string) {
	switch {
	case !w.started:
		w.b.WriteString(w.prefix)
		w.started, w.bol = true, true
	case w.breaks > 0:
		for i := 1; i < w.breaks; i++ {
			w.b.WriteByte('\n')
			w.b.WriteString(strings.TrimRight(w.gap, " "))
		}
		w.b.WriteByte('\n')
		w.b.WriteString(w.prefix)
		w.bol = true
	}
	if w.space && !w.bol && !w.fresh {
		w.b.WriteByte(' ')
	}
	w.b.WriteString(s)
	w.breaks, w.space, w.fresh, w.bol = 0, false, false, false
}

// verbatim writes preformatted text line by line under the prefix.
func (w *textWriter) verbatim(s string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 && w.started {
			w.owe(w.breaks + 1)
		}
		if line = strings.TrimRightFunc(line, unicode.IsSpace); line != "" {
			w.word(line)
		}
	}
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default:
		w.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Head, atom.Title:
	case atom.Br:
		w.block(1)
	case atom.A:
		w.link(n)
	case atom.Img:
		w.text(attr(n, "alt"))
	case atom.Input:
		w.checkbox(n)
	case atom.Ul, atom.Ol:
		w.list(n)
	case atom.Li:
		w.item(n, "- ")
	case atom.Pre:
		w.block(2)
		w.pre++
		w.children(n)
		w.pre--
		w.block(2)
	case atom.Blockquote:
		w.block(2)
		saved := w.prefix
		w.prefix += "> "
		w.children(n)
		w.prefix = saved
		w.block(2)
	case atom.Tr:
		w.row(n)
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Table, atom.Div, atom.Hr, atom.Dl, atom.Figure, atom.Section,
		atom.Article, atom.Header, atom.Footer, atom.Details:
		w.block(2)
		w.children(n)
		w.block(2)
	case atom.Dt, atom.Dd, atom.Summary, atom.Figcaption, atom.Caption:
		w.block(1)
		w.children(n)
		w.block(1)
	default:
		w.children(n)
	}
}

func (w *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

// link writes a link's text and its address after it in brackets, or the
// address alone when the text is the address.
func (w *textWriter) link(n *html.Node) {
	href := strings.TrimSpace(attr(n, "href"))
	text := strings.Join(strings.FieldsFunc(textContent(n), isHTMLSpace), " ")
	switch {
	case href == "" || strings.HasPrefix(href, "#"):
		w.children(n)
	case text == "" || text == href || "mailto:"+text == href:
		w.word(href)
	default:
		w.children(n)
		w.space = true
		w.word("(" + href + ")")
	}
}

// textContent is the text a node shows, images by their alternative text.
func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.DataAtom == atom.Img:
			b.WriteString(" " + attr(n, "alt") + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// list writes a list's items, each on its own line, indented under the
// item of an outer list.
func (w *textWriter) list(n *html.Node) {
	w.block(1)
	w.lists++
	num, _ := strconv.Atoi(attr(n, "start"))
	if num == 0 {
		num = 1
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Li {
			w.node(c)
			continue
		}
		marker := "- "
		if n.DataAtom == atom.Ol {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		w.item(c, marker)
	}
	w.lists--
	if w.lists == 0 {
		w.block(2)
	}
}

// item writes a list item after its marker, its further lines indented
// to stand under its first.
func (w *textWriter) item(n *html.Node, marker string) {
	w.block(1)
	w.word(marker)
	w.fresh = true
	saved := w.prefix
	w.prefix += strings.Repeat(" ", len(marker))
	w.children(n)
	w.prefix = saved
	w.fresh = false
	w.block(1)
}

// checkbox writes a task list's box as [x] or [ ].
func (w *textWriter) checkbox(n *html.Node) {
	if !strings.EqualFold(attr(n, "type"), "checkbox") {
		return
	}
	box := "[ ]"
	if hasAttr(n, "checked") {
		box = "[x]"
	}
	w.word(box)
	w.space = true
}

// row writes a table row on one line, its cells apart by " | ".
func (w *textWriter) row(n *html.Node) {
	w.block(1)
	first := true
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if !first {
			w.space = false
			w.word(" |")
			w.space = true
		}
		first = false
		w.children(c)
	}
	w.block(1)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// isHTMLSpace reports whether HTML collapses r: ASCII whitespace only,
// not the no-break or ideographic spaces a text may mean.
func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}
