package render

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// linkBodies are bodies whose links and images feeds must make absolute:
// relative, root-relative, absolute, empty and hostile addresses, with
// titles, references, entities, raw HTML and autolinks around them.
var linkBodies = []string{
	"See [the page](../../regions/na/) and [home](/) and [abs](https://example.org/x?a=1&b=2).",
	"![map](map.png \"The map\") and ![abs](https://cdn.example.org/a.png)",
	"[ref][1] and [other][x]\n\n[1]: ../x/ \"T\"\n[x]: <y z/>",
	"[js](javascript:alert(1)) [vb](VBScript:x) [data](data:text/html,x) ![img](data:image/png;base64,AAAA)",
	"[ent](&#106;avascript:x) [pct](javascript%3Ax) [q](?q=1#frag) [frag](#top)",
	"<https://example.org/auto> and <javascript:alert(1)> and www.example.org and mail@example.org",
	"<a href=\"/raw\">raw</a> [x](<a b.html>) [bad](%zz) [sp](a%20b)",
	"| a | [b](c/) |\n| --- | --- |\n| ![d](e.png) | f |\n\n- [ ] [task](t/)\n- ~~[del](d/)~~",
	"no links at all, just **bold** and `code` and\n\n```\n[not a link](x/)\n```",
}

// TestFeedBodyEqualsAbsoluteRender: a feed's body, made from the page's by
// replacing the addresses where they stand, equals the body converted with
// absolute addresses, for safe and unsafe HTML alike.
func TestFeedBodyEqualsAbsoluteRender(t *testing.T) {
	bodies := append([]string(nil), linkBodies...)
	for _, seed := range sitetest.FuzzSeeds {
		if _, body, ok := strings.Cut(seed, "\n---\n"); ok {
			bodies = append(bodies, body)
		}
	}
	examples, _ := filepath.Glob(filepath.Join(sitetest.Root(), "content/posts/*.md"))
	for _, name := range examples {
		data, _ := os.ReadFile(name)
		if _, body, ok := strings.Cut(string(data)[4:], "\n---\n"); ok {
			bodies = append(bodies, body)
		}
	}
	page := "https://status.example.com/sub/incidents/x/"
	base, _ := url.Parse(page)
	for _, unsafe := range []bool{false, true} {
		bs := &Bodies{md: newMarkdown(unsafe), unsafe: unsafe, kept: map[string]*body{}}
		b := &Build{bodies: bs}
		for i, src := range bodies {
			e := &body{src: []byte(src)}
			bs.render(e)
			if e.plain {
				t.Errorf("body %d: the addresses were not found in the HTML", i)
			}
			got, err := b.absoluteBody(e, page)
			want, err2 := bs.convertAbsolute(e.src, base)
			if err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
			if got != want {
				t.Errorf("unsafe %v, body %d %q:\nspliced  %s\nrendered %s", unsafe, i, src, got, want)
			}
		}
	}
}

// TestBodiesRenderedOnce: a build converts each post's Markdown once,
// though its incident page and several feeds show it.
func TestBodiesRenderedOnce(t *testing.T) {
	fsys := fstest.MapFS{source.SiteFile: {Data: []byte(sitetest.Site)}}
	for i := range 12 {
		region := []string{"na", "jp", "[na, jp]"}[i%3]
		fsys[fmt.Sprintf("content/posts/p%02d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"---\nregion: %s\nservice: psn\nstate: %s\ntimestamp: 2011-05-%02dT00:00:00Z\nincident: i%d\n---\nBody %d, [a link](../x/).\n",
			region, []string{"major_outage", "operational"}[i%2], i+1, i/2, i)}
	}
	var errs source.ErrorList
	c := source.Load(fsys, "", &errs)
	posts := c.Validate(&errs)
	theme := LoadTheme(c.Site, fsys, sitetest.Defaults, &errs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	b := NewBuild(status.Derive(c.Site, posts, sitetest.At("2011-06-01T00:00:00Z")), theme, nil)
	if layoutErrs, err := b.Render(b.Outputs(), func(string, []byte) error { return nil }); len(layoutErrs) > 0 || err != nil {
		t.Fatal(layoutErrs, err)
	}
	if got := b.bodies.converted.Load(); got != int64(len(posts)) {
		t.Errorf("%d posts, each shown on its incident page and in up to three feeds: %d conversions", len(posts), got)
	}
}

func TestMayHoldScheme(t *testing.T) {
	for src, want := range map[string]bool{
		"see <https://example.org> and www.example.org": false,
		"<javascript:alert(1)>":                         true,
		"<JavaScript:alert(1)>":                         true,
		"x <vbscript:y>":                                true,
		"file:///etc/passwd":                            true,
		"<DATA:text/html,x>":                            true,
		"10:30 UTC, time: now":                          false,
		"":                                              false,
	} {
		if got := mayHoldScheme([]byte(src)); got != want {
			t.Errorf("mayHoldScheme(%q) = %v, want %v", src, got, want)
		}
	}
}
