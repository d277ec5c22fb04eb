package render

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"statusgen/generator/status"
)

// newMarkdown returns the one converter a theme uses: CommonMark with GFM
// tables, strikethrough, autolinks and task lists. Raw HTML is dropped and
// dangerous link schemes (javascript: and the like) neutralized unless the
// site opts into unsafe_html. Links and images keep their addresses as
// written; the converter notes where each stands in the HTML, so that a
// feed can make them absolute without rendering the body again.
func newMarkdown(unsafe bool) goldmark.Markdown {
	var htmlOpts []html.Option
	if unsafe {
		htmlOpts = append(htmlOpts, html.WithUnsafe())
	}
	opts := []goldmark.Option{
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(scriptAutolinks{}, 200))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(newLinkRenderer(unsafe, htmlOpts), 100))),
	}
	if unsafe {
		opts = append(opts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	return goldmark.New(opts...)
}

// renderBody converts Markdown to HTML. The result is trusted HTML: with
// raw HTML off, goldmark escapes everything the author wrote.
func renderBody(md goldmark.Markdown, src []byte) (template.HTML, error) {
	rec := newRecorder(len(src))
	defer recorders.Put(rec)
	if err := md.Convert(src, rec); err != nil {
		return "", err
	}
	return template.HTML(rec.buf.String()), nil
}

// recorders are reused: a buffer grown anew for each of thousands of
// bodies was a tenth of a build's allocation.
var recorders = sync.Pool{New: func() any { return &recorder{} }}

// newRecorder returns a recorder from the pool, empty and with room for
// the HTML of a body of n bytes.
func newRecorder(n int) *recorder {
	rec := recorders.Get().(*recorder)
	rec.buf.Reset()
	rec.buf.Grow(n + n/2 + 64)
	rec.unsafe, rec.base, rec.links, rec.plain = false, nil, nil, false
	return rec
}

// body is a post's body as HTML, rendered once and shown on its incident
// page and in every feed that has the update as an item.
type body struct {
	once  sync.Once
	src   []byte // the Markdown it is made from
	html  template.HTML
	links []link // where the addresses of links and images stand in html
	plain bool   // they could not be told: feeds render the body anew
	err   error
	used  uint64 // the last build that showed it

	mu   sync.Mutex
	feed string // the body for feeds, escaped for XML
	page string // the incident page feed was made for
}

// link is the address of a link or an image as written, and where the
// page's version of it stands in the body's HTML.
type link struct {
	at, n int
	dest  []byte
}

// Bodies keeps the bodies that feeds show, each rendered once, from build
// to build of a session; bodies shown on incident pages alone are not
// kept, so that memory does not grow with the number of posts.
type Bodies struct {
	md     goldmark.Markdown
	unsafe bool
	mu     sync.Mutex
	kept   map[string]*body // by post path
	gen    uint64           // the build in progress

	converted atomic.Int64 // bodies converted, for the tests
}

// convertAbsolute converts a body with its links and images made absolute
// against base as goldmark writes them: what feeds show when the addresses
// could not be told in the page's HTML.
func (bs *Bodies) convertAbsolute(src []byte, base *url.URL) (string, error) {
	bs.converted.Add(1)
	rec := newRecorder(len(src))
	defer recorders.Put(rec)
	rec.unsafe, rec.base = bs.unsafe, base
	err := bs.md.Convert(src, rec)
	return rec.buf.String(), err
}

// keepFor is how many builds a body no build showed is kept: a feed
// rendered again after that renders it again.
const keepFor = 32

func newBodies(t *Theme) *Bodies {
	return &Bodies{md: t.md, unsafe: t.site.UnsafeHTML, kept: map[string]*body{}}
}

// next starts a build: bodies unshown for keepFor builds are dropped.
func (bs *Bodies) next() uint64 {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.gen++
	for p, e := range bs.kept {
		if e.used+keepFor < bs.gen {
			delete(bs.kept, p)
		}
	}
	return bs.gen
}

// entry returns the kept body of a post, made anew when the post's text
// changed.
func (bs *Bodies) entry(p *status.Post) *body {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	e := bs.kept[p.Path]
	if e == nil || !bytes.Equal(e.src, p.Body) {
		e = &body{src: p.Body}
		bs.kept[p.Path] = e
	}
	e.used = bs.gen
	return e
}

func (bs *Bodies) render(e *body) {
	e.once.Do(func() {
		bs.converted.Add(1)
		rec := newRecorder(len(e.src))
		defer recorders.Put(rec)
		rec.unsafe = bs.unsafe
		if e.err = bs.md.Convert(e.src, rec); e.err == nil {
			e.html, e.links, e.plain = template.HTML(rec.buf.String()), rec.links, rec.plain
		}
	})
}

// body is the HTML of a post's body for its incident page: rendered once
// for the build, and kept when a feed shows it too.
func (b *Build) body(p *status.Post) (template.HTML, error) {
	if !b.inFeeds(p) {
		b.bodies.converted.Add(1)
		return renderBody(b.bodies.md, p.Body)
	}
	e := b.bodies.entry(p)
	b.bodies.render(e)
	return e.html, e.err
}

// feedBody is the HTML of a post's body for feeds, its links and images
// made absolute against its incident page, escaped for XML: made once, and
// shown by every feed that has the post.
func (b *Build) feedBody(p *status.Post) (string, error) {
	e := b.bodies.entry(p)
	b.bodies.render(e)
	if e.err != nil {
		return "", e.err
	}
	page := b.theme.absURL("incidents/" + p.Incident + "/")
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.page != page {
		html, err := b.absoluteBody(e, page)
		if err != nil {
			return "", err
		}
		e.feed, e.page = escapeXML(html), page
	}
	return e.feed, nil
}

// absoluteBody is the body's HTML with its links and images made absolute
// against the page.
func (b *Build) absoluteBody(e *body, page string) (string, error) {
	base, _ := url.Parse(page)
	if e.plain {
		return b.bodies.convertAbsolute(e.src, base)
	}
	var out strings.Builder
	out.Grow(len(e.html) + 64*len(e.links))
	last := 0
	for _, l := range e.links {
		out.WriteString(string(e.html[last:l.at]))
		out.Write(shownURL(safeDestination(resolve(base, l.dest)), b.bodies.unsafe))
		last = l.at + l.n
	}
	out.WriteString(string(e.html[last:]))
	return out.String(), nil
}

// inFeeds reports whether some feed shows the post as an item: the site's,
// or one of its regions' or services'.
func (b *Build) inFeeds(p *status.Post) bool {
	if b.feedHas(status.Scope{}, p) {
		return true
	}
	asked := map[status.Scope]bool{}
	for _, pair := range p.Pairs {
		for _, sc := range []status.Scope{{Region: pair.Region}, {Service: pair.Service}} {
			if !asked[sc] {
				asked[sc] = true
				if b.feedHas(sc, p) {
					return true
				}
			}
		}
	}
	return false
}

// recorder is the buffer goldmark writes a body into, noting where the
// address of each link and image stands. With base set, addresses are
// made absolute against it as they are written.
type recorder struct {
	buf    bytes.Buffer
	unsafe bool
	base   *url.URL
	links  []link
	plain  bool // an address was not where expected
}

func (r *recorder) Write(p []byte) (int, error)       { return r.buf.Write(p) }
func (r *recorder) WriteByte(c byte) error            { return r.buf.WriteByte(c) }
func (r *recorder) WriteRune(c rune) (int, error)     { return r.buf.WriteRune(c) }
func (r *recorder) WriteString(s string) (int, error) { return r.buf.WriteString(s) }
func (r *recorder) Available() int                    { return 1 << 16 }
func (r *recorder) Buffered() int                     { return 0 }
func (r *recorder) Flush() error                      { return nil }

// note finds where the address goldmark wrote from start stands: after
// prefix, up to the quote that ends the attribute, which an escaped address
// never holds.
func (r *recorder) note(start int, prefix string, dest []byte) {
	written := r.buf.Bytes()[start:]
	at := len(prefix)
	if len(written) < at || string(written[:at]) != prefix {
		r.plain = true
		return
	}
	n := bytes.IndexByte(written[at:], '"')
	if n < 0 {
		r.plain = true
		return
	}
	r.links = append(r.links, link{start + at, n, dest})
}

// linkRenderer renders links and images as goldmark does, with their
// addresses made safe, and notes where each address stands.
type linkRenderer struct {
	inner  map[ast.NodeKind]renderer.NodeRendererFunc
	html   renderer.NodeRenderer
	unsafe bool
}

func newLinkRenderer(unsafe bool, opts []html.Option) *linkRenderer {
	l := &linkRenderer{inner: map[ast.NodeKind]renderer.NodeRendererFunc{}, html: html.NewRenderer(opts...), unsafe: unsafe}
	l.html.RegisterFuncs(l)
	return l
}

// Register takes goldmark's own renderers of links and images.
func (l *linkRenderer) Register(kind ast.NodeKind, f renderer.NodeRendererFunc) { l.inner[kind] = f }

// SetOption passes goldmark's options on to its own renderers.
func (l *linkRenderer) SetOption(name renderer.OptionName, value any) {
	if s, ok := l.html.(renderer.SetOptioner); ok {
		s.SetOption(name, value)
	}
}

func (l *linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, l.wrap(`<a href="`, func(n ast.Node) *[]byte { return &n.(*ast.Link).Destination }))
	reg.Register(ast.KindImage, l.wrap(`<img src="`, func(n ast.Node) *[]byte { return &n.(*ast.Image).Destination }))
}

func (l *linkRenderer) wrap(prefix string, dest func(ast.Node) *[]byte) renderer.NodeRendererFunc {
	return func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		inner := l.inner[n.Kind()]
		if !entering {
			return inner(w, source, n, entering)
		}
		d := dest(n)
		written := *d
		rec, _ := w.(*recorder)
		if rec != nil && rec.base != nil {
			written = resolve(rec.base, written)
		}
		*d = safeDestination(written)
		start := 0
		if rec != nil {
			start = rec.buf.Len()
		}
		status, err := inner(w, source, n, entering)
		if rec != nil && rec.base == nil {
			rec.note(start, prefix, written)
		}
		return status, err
	}
}

// shownURL is an address as goldmark writes it into an attribute.
func shownURL(dest []byte, unsafe bool) []byte {
	d := util.URLEscape(dest, true)
	if !unsafe && html.IsDangerousURL(d) {
		return nil
	}
	return util.EscapeHTML(d)
}

// scriptAutolinks turns autolinks whose address runs code into text; the
// link renderer empties such links and images (safeDestination). goldmark
// does so itself unless raw HTML is on; unsafe_html lets markup through,
// not script addresses in Markdown.
type scriptAutolinks struct{}

func (scriptAutolinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	if !mayHoldScheme(reader.Source()) {
		return // most bodies: no walk over every node
	}
	var autolinks []*ast.AutoLink
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n, ok := n.(*ast.AutoLink); ok && entering && html.IsDangerousURL(n.URL(reader.Source())) {
			autolinks = append(autolinks, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range autolinks {
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(reader.Source())))
	}
}

// mayHoldScheme reports whether src holds, in any case, one of the schemes
// goldmark deems dangerous (javascript:, vbscript:, file:, data:), as an
// autolink that runs code must spell it out.
func mayHoldScheme(src []byte) bool {
	for i := bytes.IndexByte(src, ':'); i >= 0; {
		before := src[:i]
		for _, scheme := range []string{"script", "file", "data"} {
			if len(before) >= len(scheme) && strings.EqualFold(string(before[len(before)-len(scheme):]), scheme) {
				return true
			}
		}
		next := bytes.IndexByte(src[i+1:], ':')
		if next < 0 {
			break
		}
		i += next + 1
	}
	return false
}

// safeDestination empties an address that runs code (javascript:,
// vbscript:, data: other than raster images), checked as written and as the
// renderer will write it, character references resolved (&#106;avascript:).
func safeDestination(dest []byte) []byte {
	// Only a scheme runs code, and a character reference may spell one:
	// an address with neither colon nor ampersand, or a web address,
	// needs no more looking at.
	if !bytes.ContainsAny(dest, ":&") || bytes.HasPrefix(dest, []byte("https://")) || bytes.HasPrefix(dest, []byte("http://")) {
		return dest
	}
	if html.IsDangerousURL(dest) || html.IsDangerousURL(util.URLEscape(dest, true)) {
		return nil
	}
	return dest
}

// resolve makes an address absolute against base.
func resolve(base *url.URL, dest []byte) []byte {
	u, err := url.Parse(string(dest))
	if err != nil || u.IsAbs() {
		return dest
	}
	return []byte(base.ResolveReference(u).String())
}
