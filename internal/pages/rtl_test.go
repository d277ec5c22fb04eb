package pages

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// layout is where a page puts things, as a reader sees them.
type layout struct {
	Direction string // the page's, computed
	Oldest    string // the side of its history row the oldest day is on: left or right
	Heading   string // the side of the content the h1's text starts at
	Brand     string // the side of the header the site's name is on
	Feeds     string // the side the RSS link is on, beside the Atom link
	// Names are the region and service names of the header and the
	// service list that do not read left to right on their own.
	Names []string
}

// measure finds the layout of the open page.
const measure = `(() => {
	const side = (r, box) => r.left - box.left < box.right - r.right ? "left" : "right";
	const main = document.querySelector("main"), cs = getComputedStyle(main), m = main.getBoundingClientRect();
	const content = {left: m.left + parseFloat(cs.paddingLeft), right: m.right - parseFloat(cs.paddingRight)};
	const days = document.querySelector(".bars").children;
	const range = document.createRange();
	range.selectNodeContents(document.querySelector("h1"));
	const rect = e => document.querySelector(e).getBoundingClientRect();
	const names = [...document.querySelectorAll(".top nav a[href*='/regions/'], .services h3 a, h1 bdi")];
	return {
		Direction: getComputedStyle(document.documentElement).direction,
		Oldest: days[0].getBoundingClientRect().left < days[days.length-1].getBoundingClientRect().left ? "left" : "right",
		Heading: side(range.getBoundingClientRect(), content),
		Brand: side(rect(".brand"), rect(".top .wrap")),
		Feeds: rect(".subscribe a[href$='feed.xml']").left < rect(".subscribe a[href$='atom.xml']").left ? "left" : "right",
		Names: names.filter(e => getComputedStyle(e).direction != "ltr").map(e => e.textContent),
	};
})()`

// TestRightToLeft: the Arabic region page of the example mirrors the
// English one: heading, header and links from the right, its history with
// the oldest day on the right and today on the left, and the Latin names
// in it still reading left to right.
func TestRightToLeft(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(t.TempDir(), "site")
	now, _ := time.Parse(time.RFC3339, instants[0])
	if err := BuildExample(root, site, now, ""); err != nil {
		t.Fatal(err)
	}
	srv := Serve(site)
	defer srv.Close()
	b := newBrowser(t)
	for _, tc := range []struct {
		page string
		want layout
	}{
		{"regions/me/", layout{"rtl", "right", "right", "right", "right", nil}},
		{"regions/na/", layout{"ltr", "left", "left", "left", "left", nil}},
	} {
		for _, width := range []int{375, 1280} {
			name := fmt.Sprintf("/%s %d px", tc.page, width)
			b.visit(t, name, srv.URL+"/"+tc.page, View{width, false})
			got, err := chromedp.Run(b.ctx, chromedp.Evaluate[layout](measure))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s: laid out %+v, want %+v", name, got, tc.want)
			}
			b.check(t, name, srv.URL)
		}
	}
}
