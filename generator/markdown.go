package generator

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// newMarkdown returns the one converter a build uses: CommonMark with GFM
// tables, strikethrough, autolinks and task lists. Raw HTML is dropped and
// dangerous link schemes (javascript: and the like) neutralized unless the
// site opts into unsafe_html.
func newMarkdown(unsafe bool) goldmark.Markdown {
	var opts []goldmark.Option
	opts = append(opts, goldmark.WithExtensions(extension.GFM))
	if unsafe {
		opts = append(opts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	return goldmark.New(opts...)
}

// renderBody converts a post's Markdown. The result is trusted HTML: with
// raw HTML off, goldmark escapes everything the author wrote.
func renderBody(md goldmark.Markdown, p *Post) (template.HTML, error) {
	var buf bytes.Buffer
	if err := md.Convert(p.Body, &buf); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}
