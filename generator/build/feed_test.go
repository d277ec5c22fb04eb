package build

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mmcdole/gofeed"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// scopeFeeds lists every feed directory of a site: the root, each region,
// each service.
func scopeFeeds(site *status.Site) map[string]status.Scope {
	dirs := map[string]status.Scope{"": {}}
	for _, r := range site.Regions {
		dirs["regions/"+r.ID+"/"] = status.Scope{Region: r.ID}
	}
	for _, s := range site.Services {
		dirs["services/"+s.ID+"/"] = status.Scope{Service: s.ID}
	}
	return dirs
}

func parseFeed(t *testing.T, out map[string][]byte, path string) *gofeed.Feed {
	t.Helper()
	data, ok := out[path]
	if !ok {
		t.Fatalf("%s not written", path)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

// TestExampleFeeds reads every feed of the example with a feed reader: each
// scope holds exactly its published updates, newest first, and every link
// lands on an anchor that exists.
func TestExampleFeeds(t *testing.T) {
	now := sitetest.At("2011-05-20T00:00:00Z")
	fsys := exampleFS(t)
	out := build(t, fsys, Options{Now: now})
	var errs source.ErrorList
	c := source.Load(fsys, "", &errs)
	c.Validate(&errs)
	when := map[string]time.Time{}
	for _, p := range c.Posts {
		when[p.Name] = p.Timestamp
	}
	for dir, keep := range scopeFeeds(c.Site) {
		want := 0
		for _, p := range c.Posts {
			if !p.Draft && !p.Timestamp.After(now) && keep.Touches(p) {
				want++
			}
		}
		for _, name := range []string{"feed.xml", "atom.xml"} {
			f := parseFeed(t, out, dir+name)
			if len(f.Items) != min(want, c.Site.FeedLimit) {
				t.Errorf("%s%s: %d items, want %d", dir, name, len(f.Items), min(want, c.Site.FeedLimit))
			}
			if f.Link != c.Site.BaseURL+dir {
				t.Errorf("%s%s links to %s, want the scope's page", dir, name, f.Link)
			}
			for i, it := range f.Items {
				if i > 0 && it.PublishedParsed.After(*f.Items[i-1].PublishedParsed) {
					t.Errorf("%s%s: items not newest first", dir, name)
				}
				checkAnchor(t, out, c.Site.BaseURL, it.Link)
				if _, anchor, _ := strings.Cut(it.Link, "#"); !it.PublishedParsed.Equal(when[anchor]) {
					t.Errorf("%s%s: %s dated %s, want its timestamp %s", dir, name, anchor, it.PublishedParsed, when[anchor])
				}
				if it.GUID != it.Link {
					t.Errorf("%s%s: guid %q differs from the link %q", dir, name, it.GUID, it.Link)
				}
			}
		}
	}
}

// checkAnchor wants link to be an absolute URL of a generated page holding
// the anchor of its fragment.
func checkAnchor(t *testing.T, out map[string][]byte, base, link string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, base) || u.Fragment == "" {
		t.Errorf("item link %q is not an absolute link to an anchor", link)
		return
	}
	page := strings.TrimPrefix(u.Path, "/") + "index.html"
	if !bytes.Contains(out[page], []byte(`id="`+u.Fragment+`"`)) {
		t.Errorf("item link %q: %s has no anchor %q", link, page, u.Fragment)
	}
}

// TestJapanFeedTellsJapan: on May 20, 2011 a reader of the Japan feed
// learns that PSN is still down there, in Japanese, and hears nothing of
// the restoration elsewhere.
func TestJapanFeedTellsJapan(t *testing.T) {
	out := build(t, exampleFS(t), Options{Now: sitetest.At("2011-05-20T00:00:00Z")})
	jp := parseFeed(t, out, "regions/jp/atom.xml")
	if jp.Language != "ja" && !strings.Contains(string(out["regions/jp/atom.xml"]), `xml:lang="ja"`) {
		t.Error("the Japan feed is not in Japanese")
	}
	newest := jp.Items[0].Title
	if !strings.HasPrefix(newest, "Japan · PlayStation Network") || !strings.Contains(newest, "重大な障害") {
		t.Errorf("newest Japan item %q does not say PSN is down in Japan", newest)
	}
	for _, it := range jp.Items {
		if !strings.HasPrefix(it.Title, "Japan · ") {
			t.Errorf("the Japan feed tells of another region: %q", it.Title)
		}
	}
	na := parseFeed(t, out, "regions/na/feed.xml")
	for _, it := range na.Items {
		if strings.Contains(it.Title, "Japan ·") || strings.Contains(it.Title, ", Japan") || strings.Contains(it.Title, "経済産業省") {
			t.Errorf("the North America feed tells of Japan: %q", it.Title)
		}
	}
	if !strings.Contains(na.Items[1].Title, "PlayStation Network, Qriocity: Operational") {
		t.Errorf("North America's restoration reads %q", na.Items[1].Title)
	}
	year := parseFeed(t, build(t, exampleFS(t), Options{Now: sitetest.At("2011-12-31T00:00:00Z")}), "regions/jp/feed.xml")
	if !strings.HasPrefix(year.Items[0].Title, "[解決済み] Japan") {
		t.Errorf("Japan's last update %q is not marked resolved", year.Items[0].Title)
	}
}

// TestFeedsSurviveEdits: editing a post's title and text keeps its guid and
// link; a feed's dates come from content, so two builds a day apart with no
// new post are equal.
func TestFeedsSurviveEdits(t *testing.T) {
	fsys := exampleFS(t)
	now := sitetest.At("2011-05-20T00:00:00Z")
	before := parseFeed(t, build(t, fsys, Options{Now: now}), "feed.xml")
	p := "content/posts/2011-05-14-psn-returns-phase-one.md"
	edited := strings.Replace(string(fsys[p].Data), "title: ", "title: Updated — ", 1) + "\nOne more line.\n"
	fsys[p] = &fstest.MapFile{Data: []byte(edited)}
	afterOut := build(t, fsys, Options{Now: now})
	after := parseFeed(t, afterOut, "feed.xml")
	if !strings.Contains(string(afterOut["feed.xml"]), "Updated — ") || !strings.Contains(string(afterOut["feed.xml"]), "One more line.") {
		t.Fatal("the edit does not show in the feed")
	}
	for i := range before.Items {
		if before.Items[i].GUID != after.Items[i].GUID {
			t.Errorf("item %d: guid %q became %q after an edit", i, before.Items[i].GUID, after.Items[i].GUID)
		}
	}
	later := build(t, fsys, Options{Now: now.Add(24 * time.Hour)})
	if !bytes.Equal(later["feed.xml"], afterOut["feed.xml"]) {
		t.Error("the site feed changed with the clock alone")
	}
}

func TestFeedFields(t *testing.T) {
	fsys := smallSite(map[string]string{
		"content/rel.md": "---\ntitle: A & <b>\nregion: na\nservice: psn\nstate: degraded\ntimestamp: 2011-04-21T16:00:00Z\n---\nSee [the region](../../regions/na/) and ![map](/img/map.png).\n",
	})
	fsys[source.SiteFile] = &fstest.MapFile{Data: []byte(sitetest.Site + "websub_hub: https://hub.example.com/\n")}
	out := build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	rss := parseFeed(t, out, "regions/na/feed.xml")
	it := rss.Items[0]
	if it.Title != "North America · PlayStation Network: Degraded performance — A & <b>" {
		t.Errorf("title %q", it.Title)
	}
	for _, want := range []string{`href="https://status.example.com/regions/na/"`, `src="https://status.example.com/img/map.png"`} {
		if !strings.Contains(it.Content, want) || !strings.Contains(it.Description, want) {
			t.Errorf("item content lacks %s:\n%s", want, it.Content)
		}
	}
	if !strings.Contains(string(out["regions/na/feed.xml"]), "<pubDate>Thu, 21 Apr 2011 16:00:00 +0000</pubDate>") {
		t.Error("pubDate is not RFC 822 with a four-digit year")
	}
	for _, feed := range []string{"regions/na/feed.xml", "regions/na/atom.xml"} {
		if !strings.Contains(string(out[feed]), `rel="hub" href="https://hub.example.com/"`) {
			t.Errorf("%s lacks the WebSub hub link", feed)
		}
		if !strings.Contains(string(out[feed]), `rel="self" href="https://status.example.com/`+feed+`"`) {
			t.Errorf("%s lacks its self link", feed)
		}
	}
	atom := parseFeed(t, out, "regions/na/atom.xml")
	if atom.Updated == "" || len(atom.Authors) == 0 || atom.Link != "https://status.example.com/regions/na/" {
		t.Errorf("atom feed: updated %q, authors %d, link %q", atom.Updated, len(atom.Authors), atom.Link)
	}
	page := string(out["regions/na/index.html"])
	for _, want := range []string{`<link rel="alternate" type="application/rss+xml" title="Test Status · North America (RSS)" href="/regions/na/feed.xml">`, `href="/feed.xml"`, `href="/maintenance.ics"`} {
		if !strings.Contains(page, want) {
			t.Errorf("region page lacks %s", want)
		}
	}
}

// TestResolvedMarks: "[Resolved]" goes on the update that brings a scope
// back to operational, "[Completed]" on one that ends maintenance, and on
// nothing else.
func TestResolvedMarks(t *testing.T) {
	out := build(t, smallSite(map[string]string{
		"content/fine.md":   "---\ntitle: Checking reports\nregion: na\nservice: store\nstate: operational\ntimestamp: 2011-04-22T00:00:00Z\n---\n",
		"content/works.md":  "---\ntitle: Works\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-04-23T00:00:00Z\nincident: works\n---\n",
		"content/works2.md": "---\ntitle: Works done\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-23T02:00:00Z\nincident: works\n---\n",
		"content/slow.md":   "---\ntitle: Slow\nregion: na\nservice: psn\nstate: degraded\ntimestamp: 2011-04-24T00:00:00Z\nincident: blip\n---\n",
		"content/back.md":   "---\ntitle: Back\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-04-24T01:00:00Z\nincident: blip\n---\n",
	}), Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	titles := map[string]string{}
	for _, it := range parseFeed(t, out, "feed.xml").Items {
		_, anchor, _ := strings.Cut(it.Link, "#")
		titles[anchor] = it.Title
	}
	want := map[string]string{
		"fine":   "North America · PlayStation Store: Operational — Checking reports",
		"works2": "[Completed] North America · PlayStation Network: Operational — Works done",
		"slow":   "North America · PlayStation Network: Degraded performance — Slow",
		"back":   "[Resolved] North America · PlayStation Network: Operational — Back",
		"down":   "Japan · PlayStation Network: Major outage",
	}
	for anchor, w := range want {
		if titles[anchor] != w {
			t.Errorf("%s: %q, want %q", anchor, titles[anchor], w)
		}
	}
}

// TestAnnouncedItemDate: an announced post is dated at its announced time,
// before and after its own time comes.
func TestAnnouncedItemDate(t *testing.T) {
	fsys := smallSite(map[string]string{
		"content/soon.md": "---\ntitle: Upgrade\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-06-10T00:00:00Z\nuntil: 2011-06-10T02:00:00Z\nannounced: 2011-05-10T00:00:00Z\n---\n",
	})
	for _, now := range []string{"2011-05-20T00:00:00Z", "2011-06-11T00:00:00Z"} {
		f := parseFeed(t, build(t, fsys, Options{Now: sitetest.At(now)}), "atom.xml")
		if f.Items[0].Title != "North America · PlayStation Network: Under maintenance — Upgrade" && !strings.HasSuffix(f.Items[0].Title, "Upgrade") {
			t.Fatalf("%s: newest item %q, want the announced post", now, f.Items[0].Title)
		}
		if !f.Items[0].PublishedParsed.Equal(sitetest.At("2011-05-10T00:00:00Z")) {
			t.Errorf("%s: dated %s, want its announced time", now, f.Items[0].PublishedParsed)
		}
	}
}

// TestRSSChannelDescription: the site's description reaches RSS readers,
// who take it for HTML, as inert text with apostrophes left as written.
func TestRSSChannelDescription(t *testing.T) {
	fsys := smallSite(nil)
	fsys[source.SiteFile] = &fstest.MapFile{Data: []byte(sitetest.Site + "description: \"Acme's status & <b>news</b>\"\n")}
	var rss struct {
		Description string `xml:"channel>description"`
	}
	if err := xml.Unmarshal(build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})["feed.xml"], &rss); err != nil {
		t.Fatal(err)
	}
	if want := "Acme's status &amp; &lt;b&gt;news&lt;/b&gt;"; rss.Description != want {
		t.Errorf("channel description %q, want %q", rss.Description, want)
	}
}
