package generator

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// A feed is the updates one scope's readers subscribe to: the whole site, a
// region or a service, in that scope's language. A region's feed holds only
// updates touching the region, so a reader in Japan hears of restorations
// elsewhere only by subscribing to those regions.

// feedItem is one update as a feed tells it.
type feedItem struct {
	Post  *Post
	Date  time.Time // when it was published: its timestamp, or announced
	Title string    // what and where, e.g. "Japan · PlayStation Network: Major outage — …"
	Link  string    // the update's anchor on its incident page, also its id
	Page  string    // the incident page
	HTML  string    // the body, with absolute links
}

// feedJobs lists the RSS and Atom feeds of the site, every region and every
// service, each beside the scope's page. Both feeds of a scope share their
// items, rendered once.
func (r *renderer) feedJobs() []job {
	var out []job
	for _, p := range r.pageList {
		if p.Kind != "index" && p.Kind != "region" && p.Kind != "service" {
			continue
		}
		items := sync.OnceValues(func() ([]feedItem, error) { return r.feedItems(p) })
		dir := p.Rel()
		out = append(out,
			job{path: dir + "feed.xml", kind: "feed", render: func(b *bytes.Buffer) error { return r.rss(b, p, items) }},
			job{path: dir + "atom.xml", kind: "feed", render: func(b *bytes.Buffer) error { return r.atom(b, p, items) }})
	}
	return out
}

// feedItems are the scope's published updates, newest first, feed_limit of
// them.
func (r *renderer) feedItems(p *Page) ([]feedItem, error) {
	keep := p.scope()
	var posts []*Post
	for _, post := range r.st.Posts {
		if r.st.Published(post) && touches(post, keep) {
			posts = append(posts, post)
		}
	}
	slices.SortFunc(posts, func(a, b *Post) int {
		return cmp.Or(publishedAt(b).Compare(publishedAt(a)), -byTime(a, b))
	})
	posts = posts[:min(len(posts), r.site.FeedLimit)]
	items := make([]feedItem, len(posts))
	for i, post := range posts {
		page := r.absURL("incidents/" + post.Incident + "/")
		link := page + "#" + post.Name
		base, _ := url.Parse(page)
		body, err := r.bodies.get(post, func() (template.HTML, error) { return renderBody(r.md, post, base) })
		if err != nil {
			return nil, err
		}
		items[i] = feedItem{post, publishedAt(post), r.itemTitle(p, post), link, page, string(body)}
	}
	return items, nil
}

// feedBodies keeps the feed bodies of a session's builds: a post read
// again is a new *Post, so an entry never outlives the text it was made
// from, and keep drops the posts that are gone.
type feedBodies struct {
	mu   sync.Mutex
	html map[*Post]template.HTML
	used map[*Post]bool
}

func (c *feedBodies) get(p *Post, render func() (template.HTML, error)) (template.HTML, error) {
	if c == nil {
		return render()
	}
	c.mu.Lock()
	h, ok := c.html[p]
	c.used[p] = true
	c.mu.Unlock()
	if ok {
		return h, nil
	}
	h, err := render()
	if err == nil {
		c.mu.Lock()
		c.html[p] = h
		c.mu.Unlock()
	}
	return h, err
}

// keep forgets the bodies the last build did not use.
func (c *feedBodies) keep() {
	for p := range c.html {
		if !c.used[p] {
			delete(c.html, p)
		}
	}
	clear(c.used)
}

// publishedAt is when a post appeared: its announced time when it was
// announced ahead, else its timestamp. It never changes, so neither does an
// item's date.
func publishedAt(p *Post) time.Time {
	if !p.Announced.IsZero() {
		return p.Announced
	}
	return p.Timestamp
}

// itemTitle says what and where in the scope's language, naming only the
// scope's regions and services, and marks the update that resolves the
// incident (or completes the maintenance) there.
func (r *renderer) itemTitle(p *Page, post *Post) string {
	what := p.mustT("feed_item_what", p.whereIn(post, p.scope()), p.StateText(post.State))
	title := what
	if post.Title != "" {
		title = p.mustT("feed_item_title", what, post.Title)
	}
	if r.resolves(post, p.scope()) {
		key := "feed_resolved"
		if r.st.Incident(post.Incident).Maintenance {
			key = "feed_completed"
		}
		title = p.mustT(key, title)
	}
	return title
}

// resolves reports whether, in the scope, the post brings its incident back
// to operational: some pair of the scope was not before it, all are after.
func (r *renderer) resolves(post *Post, keep func(Pair) bool) bool {
	latest := map[Pair]State{}
	down := func() bool {
		for _, s := range latest {
			if s != Operational {
				return true
			}
		}
		return false
	}
	for _, q := range r.st.Incident(post.Incident).Posts {
		before := down()
		for _, pair := range q.Pairs {
			if keep == nil || keep(pair) {
				latest[pair] = q.State
			}
		}
		if q == post {
			return before && !down()
		}
	}
	return false
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

func (r *renderer) feedTitle(p *Page) string {
	switch {
	case p.Region != nil:
		return r.site.Title + " · " + p.Region.Name
	case p.Service != nil:
		return r.site.Title + " · " + p.Service.Name
	}
	return r.site.Title
}

func (r *renderer) feedDescription(p *Page) string {
	switch {
	case p.Region != nil:
		return p.mustT("feed_description", p.Region.Name)
	case p.Service != nil:
		return p.mustT("feed_description", p.Service.Name)
	}
	return cmp.Or(r.site.Description, p.mustT("feed_description", r.site.Title))
}

type rssFeed struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Content string     `xml:"xmlns:content,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string     `xml:"title"`
	Link          string     `xml:"link"`
	Description   string     `xml:"description"`
	Language      string     `xml:"language"`
	LastBuildDate string     `xml:"lastBuildDate"`
	Links         []atomLink `xml:"atom:link"`
	Items         []rssItem  `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
	Content     string  `xml:"content:encoded"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

// rfc822 is RFC 822 with a four-digit year, as RSS readers expect.
const rfc822 = "Mon, 02 Jan 2006 15:04:05 -0700"

// htmlText escapes what HTML would take for markup, and nothing else, so
// that readers showing text see apostrophes and quotes as written.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (r *renderer) rss(b *bytes.Buffer, p *Page, feedItems func() ([]feedItem, error)) error {
	items, err := feedItems()
	if err != nil {
		return err
	}
	ch := rssChannel{
		Title: r.feedTitle(p),
		Link:  r.absURL(p.Rel()),
		// Readers take a description for HTML, as items' descriptions are:
		// the channel's plain text is escaped for that.
		Description:   htmlText.Replace(r.feedDescription(p)),
		Language:      p.Lang,
		LastBuildDate: feedUpdated(items).UTC().Format(rfc822),
		Links:         r.feedLinks(p.Rel()+"feed.xml", "application/rss+xml"),
	}
	for _, it := range items {
		ch.Items = append(ch.Items, rssItem{
			Title:       it.Title,
			Link:        it.Link,
			GUID:        rssGUID{true, it.Link},
			PubDate:     it.Date.UTC().Format(rfc822),
			Description: it.HTML,
			Content:     it.HTML,
		})
	}
	return writeXML(b, rssFeed{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Content: "http://purl.org/rss/1.0/modules/content/", Channel: ch})
}

// feedLinks are the self link and, with websub_hub, the hub link that lets
// readers be told of new items at once.
func (r *renderer) feedLinks(self, typ string) []atomLink {
	links := []atomLink{{"self", r.absURL(self), typ}}
	if r.site.WebSubHub != "" {
		links = append(links, atomLink{Rel: "hub", Href: r.site.WebSubHub})
	}
	return links
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomAuthor  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri"`
}

type atomEntry struct {
	Base      string      `xml:"xml:base,attr"` // for links in raw HTML, with unsafe_html
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published"`
	Links     []atomLink  `xml:"link"`
	Content   atomContent `xml:"content"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Lang string `xml:"xml:lang,attr,omitempty"` // the post's, where it differs from the feed's
	Body string `xml:",chardata"`
}

func (r *renderer) atom(b *bytes.Buffer, p *Page, feedItems func() ([]feedItem, error)) error {
	items, err := feedItems()
	if err != nil {
		return err
	}
	self := r.absURL(p.Rel() + "atom.xml")
	feed := atomFeed{
		Lang:     p.Lang,
		ID:       self,
		Title:    r.feedTitle(p),
		Subtitle: r.feedDescription(p),
		Updated:  feedUpdated(items).UTC().Format(time.RFC3339),
		Links:    append(r.feedLinks(p.Rel()+"atom.xml", "application/atom+xml"), atomLink{"alternate", r.absURL(p.Rel()), "text/html"}),
		Author:   atomAuthor{r.site.Title, cmp.Or(r.site.HomeURL, r.site.BaseURL)},
	}
	for _, it := range items {
		date := it.Date.UTC().Format(time.RFC3339)
		feed.Entries = append(feed.Entries, atomEntry{
			Base:      it.Page,
			ID:        it.Link,
			Title:     it.Title,
			Updated:   date,
			Published: date,
			Links:     []atomLink{{"alternate", it.Link, "text/html"}},
			Content:   atomContent{"html", p.LangOf(it.Post), it.HTML},
		})
	}
	return writeXML(b, feed)
}

func writeXML(b *bytes.Buffer, v any) error {
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.WriteByte('\n')
	return nil
}
