package generator

import (
	"bufio"
	"bytes"
	"html/template"
	"net/url"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdown returns the one converter a build uses: CommonMark with GFM
// tables, strikethrough, autolinks and task lists. Raw HTML is dropped and
// dangerous link schemes (javascript: and the like) neutralized unless the
// site opts into unsafe_html. Links are made absolute when the parse
// context carries a base URL, as feed readers need.
func newMarkdown(unsafe bool) goldmark.Markdown {
	opts := []goldmark.Option{
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(absolutizer{}, 100), util.Prioritized(scriptLinks{}, 200))),
	}
	if unsafe {
		opts = append(opts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	return goldmark.New(opts...)
}

// renderBody converts a post's Markdown. The result is trusted HTML: with
// raw HTML off, goldmark escapes everything the author wrote. A non-nil
// base makes links and images absolute against it.
func renderBody(md goldmark.Markdown, p *Post, base *url.URL) (template.HTML, error) {
	o := outputs.Get().(*output)
	defer outputs.Put(o)
	o.buf.Reset()
	o.w.Reset(&o.buf)
	ctx := parser.NewContext()
	if base != nil {
		ctx.Set(baseKey, base)
	}
	if err := md.Convert(p.Body, o.w, parser.WithContext(ctx)); err != nil {
		return "", err
	}
	o.w.Flush()
	return template.HTML(o.buf.String()), nil
}

// output is a buffer with a buffered writer on it. goldmark writes through
// a bufio.Writer and makes a new one unless given one; thousands of bodies
// a build made that a tenth of all allocation.
type output struct {
	buf bytes.Buffer
	w   *bufio.Writer
}

var outputs = sync.Pool{New: func() any {
	o := &output{}
	o.w = bufio.NewWriter(&o.buf)
	return o
}}

var baseKey = parser.NewContextKey()

// scriptLinks empties links and images whose address runs code
// (javascript:, vbscript:, data: other than raster images) and turns such
// autolinks into text. goldmark does so itself unless raw HTML is on;
// unsafe_html lets markup through, not script addresses in Markdown.
type scriptLinks struct{}

func (scriptLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	var autolinks []*ast.AutoLink
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *ast.Link:
				n.Destination = safeDestination(n.Destination)
			case *ast.Image:
				n.Destination = safeDestination(n.Destination)
			case *ast.AutoLink:
				if html.IsDangerousURL(n.URL(reader.Source())) {
					autolinks = append(autolinks, n)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range autolinks {
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(reader.Source())))
	}
}

func safeDestination(dest []byte) []byte {
	// Checked as written and as the renderer will write it, character
	// references resolved (&#106;avascript:).
	if html.IsDangerousURL(dest) || html.IsDangerousURL(util.URLEscape(dest, true)) {
		return nil
	}
	return dest
}

// absolutizer resolves link and image destinations against the base URL in
// the parse context, if any.
type absolutizer struct{}

func (absolutizer) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	base, ok := pc.Get(baseKey).(*url.URL)
	if !ok {
		return
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *ast.Link:
				n.Destination = resolve(base, n.Destination)
			case *ast.Image:
				n.Destination = resolve(base, n.Destination)
			}
		}
		return ast.WalkContinue, nil
	})
}

func resolve(base *url.URL, dest []byte) []byte {
	u, err := url.Parse(string(dest))
	if err != nil || u.IsAbs() {
		return dest
	}
	return []byte(base.ResolveReference(u).String())
}
