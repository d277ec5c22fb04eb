package render

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"slices"
	"strings"
	"time"

	"statusgen/generator/status"
)

// A feed is the updates one scope's readers subscribe to: the whole site, a
// region or a service, in that scope's language. A region's feed holds only
// updates touching the region, so a reader in Japan hears of restorations
// elsewhere only by subscribing to those regions.

// feedItem is one update as a feed tells it.
type feedItem struct {
	Post  *status.Post
	Date  time.Time // when it was published: its timestamp, or announced
	Title string    // what and where, e.g. "Japan · PlayStation Network: Major outage — …"
	Link  string    // the update's anchor on its incident page, also its id
	Page  string    // the incident page
}

// feedOutputs lists the RSS and Atom feeds of the site, every region and
// every service, each beside the scope's page. Both feeds of a scope share
// their items.
func (b *Build) feedOutputs() []*Output {
	scopes := []status.Scope{{}}
	for _, r := range b.site.Regions {
		scopes = append(scopes, status.Scope{Region: r.ID})
	}
	for _, s := range b.site.Services {
		scopes = append(scopes, status.Scope{Service: s.ID})
	}
	scopes = append(scopes, b.groupScopes()...)
	var out []*Output
	for _, sc := range scopes {
		deps := []Dep{Feed{sc}, Strings{b.scopeLang(sc)}}
		dir := scopeDir(sc)
		out = append(out,
			&Output{Path: dir + "feed.xml", Kind: FeedKind, Deps: deps, render: func(buf *bytes.Buffer) error { return b.rss(buf, sc) }},
			&Output{Path: dir + "atom.xml", Kind: FeedKind, Deps: deps, render: func(buf *bytes.Buffer) error { return b.atom(buf, sc) }})
	}
	return out
}

// scopeLang is the language of a scope's pages and feeds: a region's own,
// else the site's.
func (b *Build) scopeLang(sc status.Scope) string {
	if sc.Region != "" && sc.Group == nil {
		return b.site.LanguageOf(b.site.Region(sc.Region))
	}
	return b.site.Language
}

// feedItems are the scope's published updates, newest first, feed_limit
// of them, worked out once a build.
func (b *Build) feedItems(sc status.Scope) []feedItem { return b.scopeData(sc).feed().items }

// feedHas reports whether the scope's feed has the post as an item.
func (b *Build) feedHas(sc status.Scope, p *status.Post) bool { return b.scopeData(sc).feed().has[p] }

// feed is a scope's feed items, and which posts they are.
type feed struct {
	items []feedItem
	has   map[*status.Post]bool
}

func (b *Build) newFeed(sc status.Scope) *feed {
	posts := latestPublished(b.st, sc, b.site.FeedLimit)
	tr := b.translator(b.scopeLang(sc))
	f := &feed{items: make([]feedItem, len(posts)), has: make(map[*status.Post]bool, len(posts))}
	for i, post := range posts {
		page := b.theme.absURL("incidents/" + post.Incident + "/")
		f.items[i] = feedItem{post, post.PublishedAt(), b.itemTitle(tr, sc, post), page + "#" + post.Name, page}
		f.has[post] = true
	}
	return f
}

// latestPublished returns the scope's limit latest published posts, by
// when they were published, newest first. Posts are in time order and none
// is published after its timestamp, so the search stops once limit posts
// published at their timestamps are found.
func latestPublished(st *status.Status, sc status.Scope, limit int) []*status.Post {
	var found []*status.Post
	atTime := 0 // found posts published at their timestamps
	var floor time.Time
	posts := st.PostsFor(sc) // a region's feed looks at its own posts
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		if atTime >= limit && p.Timestamp.Before(floor) {
			break
		}
		if !st.Published(p) || !sc.Touches(p) {
			continue
		}
		found = append(found, p)
		if p.Announced.IsZero() {
			if atTime++; atTime == limit {
				floor = p.Timestamp
			}
		}
	}
	slices.SortFunc(found, func(a, b *status.Post) int {
		return cmp.Or(b.PublishedAt().Compare(a.PublishedAt()), -status.ByTime(a, b))
	})
	return found[:min(len(found), limit)]
}

// itemTitle says what and where in the scope's language, naming only the
// scope's regions and services, and marks the update that resolves the
// incident (or completes the maintenance) there.
func (b *Build) itemTitle(tr *Translator, sc status.Scope, post *status.Post) string {
	what := tr.must("feed_item_what", tr.where(b.site, post, sc), tr.StateText(post.State))
	title := what
	if post.Title != "" {
		title = tr.must("feed_item_title", what, post.Title)
	}
	if b.resolves(post, sc) {
		key := "feed_resolved"
		if b.st.Incident(post.Incident).Maintenance {
			key = "feed_completed"
		}
		title = tr.must(key, title)
	}
	return title
}

// resolves reports whether, in the scope, the post brings its incident back
// to operational: some pair of the scope was not before it, all are after.
func (b *Build) resolves(post *status.Post, sc status.Scope) bool {
	return b.resolving(b.st.Incident(post.Incident), sc)[post]
}

// resolvingKey names an incident in a scope.
type resolvingKey struct {
	inc *status.Incident
	sc  status.Scope
}

// resolving returns the incident's posts that resolve it in the scope,
// worked out once per incident and scope: a feed asks for each of its
// items, and an incident may have a thousand posts.
func (b *Build) resolving(inc *status.Incident, sc status.Scope) map[*status.Post]bool {
	key := resolvingKey{inc, sc}
	if m, ok := b.resolved.Load(key); ok {
		return m.(map[*status.Post]bool)
	}
	out := map[*status.Post]bool{}
	if v := b.st.View(inc, sc); v != nil {
		at := make(map[status.Pair]int, len(v.InScope))
		for i, pair := range v.InScope {
			at[pair] = i
		}
		states := make([]status.State, len(v.InScope))
		down := 0 // pairs of the scope not operational
		set := func(i int, s status.State) {
			down += b2i(s != status.Operational) - b2i(states[i] != status.Operational)
			states[i] = s
		}
		for _, q := range inc.Posts {
			before := down > 0
			switch {
			case !sc.Touches(q):
			case len(q.Pairs) < len(v.InScope): // the post's few pairs, looked up
				for _, pair := range q.Pairs {
					if i, ok := at[pair]; ok {
						set(i, q.State)
					}
				}
			default: // the scope's few pairs, asked of the post
				for i, pair := range v.InScope {
					if q.Sets(pair) {
						set(i, q.State)
					}
				}
			}
			if before && down == 0 {
				out[q] = true
			}
		}
	}
	b.resolved.Store(key, out)
	return out
}

// feedUpdated is the newest item's date: feeds take their dates from
// content, never from the clock. A feed with no item yet is dated at the
// Unix epoch.
func feedUpdated(items []feedItem) time.Time {
	if len(items) > 0 {
		return items[0].Date
	}
	return time.Unix(0, 0)
}

func (b *Build) feedTitle(sc status.Scope) string {
	switch {
	case sc.Group != nil:
		return b.site.Title + " · " + sc.Group.Name
	case sc.Region != "":
		return b.site.Title + " · " + b.site.Region(sc.Region).Name
	case sc.Service != "":
		return b.site.Title + " · " + b.site.Service(sc.Service).Name
	}
	return b.site.Title
}

func (b *Build) feedDescription(sc status.Scope) string {
	tr := b.translator(b.scopeLang(sc))
	switch {
	case sc.Group != nil:
		return tr.must("feed_description", sc.Group.Name)
	case sc.Region != "":
		return tr.must("feed_description", b.site.Region(sc.Region).Name)
	case sc.Service != "":
		return tr.must("feed_description", b.site.Service(sc.Service).Name)
	}
	return cmp.Or(b.site.Description, tr.must("feed_description", b.site.Title))
}

// rfc822 is RFC 822 with a four-digit year, as RSS readers expect.
const rfc822 = "Mon, 02 Jan 2006 15:04:05 -0700"

// htmlText escapes what HTML would take for markup, and nothing else, so
// that readers showing text see apostrophes and quotes as written.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Feeds are written by hand, element by element, as encoding/xml writes
// them indented: its escaping of the same bodies over and over was most of
// the time of a rebuild that changes a feed. Every body is escaped once.

// xmlWriter writes indented XML.
type xmlWriter struct {
	buf   *bytes.Buffer
	depth int
}

// start opens an element on a line of its own; attrs are name, value
// pairs, those with an empty value left out.
func (w *xmlWriter) start(name string, attrs ...string) {
	w.line()
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		w.buf.WriteString(" " + attrs[i] + `="`)
		xml.EscapeText(w.buf, []byte(attrs[i+1])) // a bytes.Buffer never fails
		w.buf.WriteByte('"')
	}
	w.buf.WriteByte('>')
	w.depth++
}

// end closes the element started last, on a line of its own.
func (w *xmlWriter) end(name string) {
	w.depth--
	w.line()
	w.buf.WriteString("</" + name + ">")
}

// empty writes an element without content, closed at once.
func (w *xmlWriter) empty(name string, attrs ...string) {
	w.start(name, attrs...)
	w.depth--
	w.buf.WriteString("</" + name + ">")
}

// text writes an element holding text.
func (w *xmlWriter) text(name, text string) { w.escaped(name, escapeXML(text)) }

// escaped writes an element holding text escaped already.
func (w *xmlWriter) escaped(name, text string, attrs ...string) {
	w.start(name, attrs...)
	w.depth--
	w.buf.WriteString(text)
	w.buf.WriteString("</" + name + ">")
}

func (w *xmlWriter) line() {
	if w.buf.Len() > len(xml.Header) {
		w.buf.WriteByte('\n')
		for range w.depth {
			w.buf.WriteString("  ")
		}
	}
}

// feedLinks are the self link and, with websub_hub, the hub link that lets
// readers be told of new items at once.
func (b *Build) feedLinks(w *xmlWriter, name, self, typ string) {
	w.empty(name, "rel", "self", "href", b.theme.absURL(self), "type", typ)
	if b.site.WebSubHub != "" {
		w.empty(name, "rel", "hub", "href", b.site.WebSubHub)
	}
}

func (b *Build) rss(buf *bytes.Buffer, sc status.Scope) error {
	items := b.feedItems(sc)
	dir := scopeDir(sc)
	buf.WriteString(xml.Header)
	w := &xmlWriter{buf: buf}
	w.start("rss", "version", "2.0", "xmlns:atom", "http://www.w3.org/2005/Atom", "xmlns:content", "http://purl.org/rss/1.0/modules/content/")
	w.start("channel")
	w.text("title", b.feedTitle(sc))
	w.text("link", b.theme.absURL(dir))
	// Readers take a description for HTML, as items' descriptions are:
	// the channel's plain text is escaped for that.
	w.text("description", htmlText.Replace(b.feedDescription(sc)))
	w.text("language", b.scopeLang(sc))
	w.text("lastBuildDate", feedUpdated(items).UTC().Format(rfc822))
	b.feedLinks(w, "atom:link", dir+"feed.xml", "application/rss+xml")
	for _, it := range items {
		body, err := b.feedBody(it.Post)
		if err != nil {
			return err
		}
		w.start("item")
		w.text("title", it.Title)
		w.text("link", it.Link)
		w.escaped("guid", escapeXML(it.Link), "isPermaLink", "true")
		w.text("pubDate", it.Date.UTC().Format(rfc822))
		w.escaped("description", body)
		w.escaped("content:encoded", body)
		w.end("item")
	}
	w.end("channel")
	w.end("rss")
	buf.WriteByte('\n')
	return nil
}

func (b *Build) atom(buf *bytes.Buffer, sc status.Scope) error {
	items := b.feedItems(sc)
	dir, lang := scopeDir(sc), b.scopeLang(sc)
	buf.WriteString(xml.Header)
	w := &xmlWriter{buf: buf}
	w.start("feed", "xmlns", "http://www.w3.org/2005/Atom", "xml:lang", lang)
	w.text("id", b.theme.absURL(dir+"atom.xml"))
	w.text("title", b.feedTitle(sc))
	w.text("subtitle", b.feedDescription(sc))
	w.text("updated", feedUpdated(items).UTC().Format(time.RFC3339))
	b.feedLinks(w, "link", dir+"atom.xml", "application/atom+xml")
	w.empty("link", "rel", "alternate", "href", b.theme.absURL(dir), "type", "text/html")
	w.start("author")
	w.text("name", b.site.Title)
	w.text("uri", cmp.Or(b.site.HomeURL, b.site.BaseURL))
	w.end("author")
	for _, it := range items {
		body, err := b.feedBody(it.Post)
		if err != nil {
			return err
		}
		var postLang string // the post's, where it differs from the feed's
		if l := b.postLang(it.Post); l != lang {
			postLang = l
		}
		date := it.Date.UTC().Format(time.RFC3339)
		// xml:base, for links in raw HTML, with unsafe_html.
		w.start("entry", "xml:base", it.Page)
		w.text("id", it.Link)
		w.text("title", it.Title)
		w.text("updated", date)
		w.text("published", date)
		w.empty("link", "rel", "alternate", "href", it.Link, "type", "text/html")
		w.escaped("content", body, "type", "html", "xml:lang", postLang)
		w.end("entry")
	}
	w.end("feed")
	buf.WriteByte('\n')
	return nil
}
