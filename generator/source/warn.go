package source

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"statusgen/generator/status"
)

// DefaultStaleDays is how long an open incident may go without an update
// before check warns of it, unless site.yaml sets stale_incident_days.
const DefaultStaleDays = 7

// Warnings lists what a site may hold but likely did not mean: check
// prints them, build does not refuse them. Drafts are work in progress and
// not looked at. c is validated content, st its status, and outputs the
// files the build makes.
func Warnings(c *Content, st *status.Status, outputs map[string]bool) ErrorList {
	var w ErrorList
	files := map[string]*Post{}
	var posts []*Post
	for _, f := range c.Files {
		files[f.Path] = f
		if !f.model.Draft {
			posts = append(posts, f)
		}
	}
	slices.SortFunc(posts, func(a, b *Post) int { return status.ByTime(a.model, b.model) })
	warnStale(&w, st, files)
	warnRepeats(&w, posts)
	for _, f := range posts {
		p := f.model
		if p.Timestamp.After(st.Now) && p.State != status.Maintenance {
			w.Add(f.fm.pos["timestamp"], "warning: timestamp is %s ahead of now: readers see this %s post only from then (announced: shows it earlier); planned work takes state maintenance",
				roughly(p.Timestamp.Sub(st.Now)), p.State)
		}
		if emptyBody(p.Body) {
			w.Add(Pos{p.Path, max(p.BodyLine, 1), 1}, "warning: the post has no text: readers see only its title and state")
		}
		warnLinks(&w, f, c.Site, outputs)
	}
	warnOrder(&w, posts)
	warnTitles(&w, c.Site, posts)
	return w.Sort()
}

// warnStale: an incident still open whose latest update is older than
// stale_incident_days was probably resolved without a post saying so.
func warnStale(w *ErrorList, st *status.Status, files map[string]*Post) {
	limit := time.Duration(st.Site.StaleDays) * 24 * time.Hour
	for _, v := range st.Views(status.Scope{}) {
		if v.Open && v.Latest != nil && st.Now.Sub(v.Latest.Timestamp) > limit {
			w.Add(files[v.Latest.Path].fm.at, "warning: incident %q is still open and its latest update is %s old (stale_incident_days: %d): post an update, or resolve it",
				v.ID, roughly(st.Now.Sub(v.Latest.Timestamp)), st.Site.StaleDays)
		}
	}
}

// warnRepeats: a post that gives a pair the state it already had from
// another incident changes nothing for readers; it likely belongs to that
// incident or names the wrong state. Repeating the state within one
// incident is a normal progress update.
func warnRepeats(w *ErrorList, posts []*Post) {
	last := map[status.Pair]*status.Post{}
	for _, f := range posts {
		p := f.model
		var same []string
		var from *status.Post
		for _, pair := range p.Pairs {
			prev := last[pair]
			last[pair] = p
			if prev == nil || prev.Incident == p.Incident || prev.State != p.State {
				continue
			}
			if prev.WindowOver(p.Timestamp) {
				continue // the pair went back before p
			}
			same, from = append(same, pair.Region+"/"+pair.Service), prev
		}
		if len(same) > 0 {
			w.Add(f.fm.pos["state"], "warning: %s %s already %s since %s (incident %q): this post changes nothing there; did it mean that incident, or another state?",
				strings.Join(same, ", "), plural(len(same), "is", "are"), p.State, from.Path, from.Incident)
		}
	}
}

// warnOrder: updates of one incident whose file names sort otherwise than
// their times confuse whoever edits them; names that start with the date
// and time, as new writes them, keep order. Two names that each start
// with their own timestamp's date and time in its own offset are right as
// they are, even when the offsets put them out of order (an update from
// Tokyo, then one from New York) or they share a minute: no rename would
// make them truer.
func warnOrder(w *ErrorList, posts []*Post) {
	byIncident := map[string][]*Post{}
	for _, p := range posts {
		byIncident[p.model.Incident] = append(byIncident[p.model.Incident], p) // in time order
	}
	for _, group := range byIncident {
		for i := 1; i < len(group); i++ {
			a, b := group[i-1], group[i]
			if path.Base(b.Path) >= path.Base(a.Path) || !b.model.Timestamp.After(a.model.Timestamp) || timeNamed(a) && timeNamed(b) {
				continue
			}
			if timeNamed(b) {
				// b is named as new names posts: the name to change is a's,
				// an older one (of the date alone, say).
				w.Add(a.fm.at, "warning: this update is earlier than %s but its file name sorts after it; start file names with the date and time of their timestamp, as statusgen new does, e.g. %s-…",
					b.Path, a.model.Timestamp.Format(NameLayout))
				continue
			}
			w.Add(b.fm.at, "warning: this update is later than %s but its file name sorts before it; start file names with the date and time of their timestamp, as statusgen new does, e.g. %s-…",
				a.Path, b.model.Timestamp.Format(NameLayout))
		}
	}
}

// timeNamed reports whether a post's file name starts with the date and
// time of its timestamp, in the timestamp's offset.
func timeNamed(p *Post) bool {
	return strings.HasPrefix(p.Name, p.model.Timestamp.Format(NameLayout)+"-")
}

var htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)

// emptyBody reports whether a body says nothing: blank, or only comments
// (which pages drop), as the placeholder of new is.
func emptyBody(body []byte) bool {
	return len(bytes.TrimSpace(htmlComment.ReplaceAll(body, nil))) == 0
}

var linkParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// warnLinks: a link or image in a body that points into this site, at a
// file the build does not make, is broken for readers.
func warnLinks(w *ErrorList, p *Post, site *status.Site, outputs map[string]bool) {
	base, err := url.Parse(site.BaseURL)
	if err != nil {
		return
	}
	page := base.ResolveReference(&url.URL{Path: "incidents/" + p.model.Incident + "/"})
	doc := linkParser.Parse(text.NewReader(p.Body))
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		var dest []byte
		switch n := n.(type) {
		case *ast.Link:
			dest = n.Destination
		case *ast.Image:
			dest = n.Destination
		case *ast.AutoLink:
			dest = n.URL(p.Body)
		}
		if !entering || dest == nil {
			return ast.WalkContinue, nil
		}
		u, err := url.Parse(string(dest))
		if err != nil {
			return ast.WalkContinue, nil
		}
		rootRelative := u.Host == "" && strings.HasPrefix(u.Path, "/")
		u = page.ResolveReference(u)
		if !strings.EqualFold(u.Host, base.Host) || u.Scheme != "http" && u.Scheme != "https" {
			return ast.WalkContinue, nil
		}
		rel, inside := strings.CutPrefix(u.Path, base.Path)
		switch {
		case inside && !exists(outputs, rel):
			w.Add(p.linkPos(dest), "warning: link to %s: this site has no such page", u.Redacted())
		case !inside && rootRelative && exists(outputs, strings.TrimPrefix(u.Path, "/")):
			// /regions/jp/ on a site under /status/ misses the path.
			w.Add(p.linkPos(dest), "warning: link to %s lies outside the site, which is under %s: write %s, or a link relative to the page",
				u.Path, base.Path, base.Path+strings.TrimPrefix(u.Path, "/"))
		}
		return ast.WalkContinue, nil
	})
}

// exists reports whether the path below the base URL is an output file,
// a folder with an index.html, or one written without its last slash.
func exists(outputs map[string]bool, rel string) bool {
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	return outputs[rel] || outputs[rel+"/index.html"]
}

// linkPos finds where a link's destination stands in the file.
func (p *Post) linkPos(dest []byte) Pos {
	i := bytes.Index(p.Body, dest)
	if i < 0 {
		return Pos{p.Path, max(p.BodyLine, 1), 1}
	}
	before := p.Body[:i]
	line := p.BodyLine + bytes.Count(before, []byte("\n"))
	col := len([]rune(string(before[bytes.LastIndexByte(before, '\n')+1:]))) + 1
	return Pos{p.Path, line, col}
}

// roughly writes a length of time for a warning: "3 d 4 h", "5 h", "20 min".
func roughly(d time.Duration) string {
	days, hours, minutes := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d d %d h", days, hours)
	case days > 0:
		return fmt.Sprintf("%d d", days)
	case hours > 0:
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", minutes)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
