package build

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// badgePaths lists every badge the contract asks of a site: the site's,
// each region's, each service a region offers there, each service's.
func badgePaths(site *status.Site) []string {
	paths := []string{"badges/site.svg"}
	for _, r := range site.Regions {
		paths = append(paths, "badges/regions/"+r.ID+".svg")
		for _, s := range r.Services {
			paths = append(paths, "badges/regions/"+r.ID+"/"+s+".svg")
		}
	}
	for _, s := range site.Services {
		paths = append(paths, "badges/services/"+s.ID+".svg")
	}
	return paths
}

// svgBadge is what a test reads back from a badge.
type svgBadge struct {
	XMLName   xml.Name `xml:"svg"`
	Role      string   `xml:"role,attr"`
	AriaLabel string   `xml:"aria-label,attr"`
	Title     string   `xml:"title"`
	Texts     []string `xml:"g>text"`
}

// parseBadge decodes a badge token by token to EOF, so that anything after
// the root element or any malformed markup fails, then reads its fields.
func parseBadge(t *testing.T, name string, data []byte) svgBadge {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v\n%s", name, err, data)
		}
	}
	var b svgBadge
	if err := xml.Unmarshal(data, &b); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

func TestBadges(t *testing.T) {
	const now = "2011-05-20T00:00:00Z"
	out := build(t, exampleFS(t), Options{Now: sitetest.At(now)})
	site := example(t, now).Site
	want := badgePaths(site)
	for _, p := range want {
		data, ok := out[p]
		if !ok {
			t.Errorf("%s: not written", p)
			continue
		}
		b := parseBadge(t, p, data)
		if b.XMLName.Space != "http://www.w3.org/2000/svg" || b.Role != "img" {
			t.Errorf("%s: root is {%s}%s role=%q; want an svg with role img", p, b.XMLName.Space, b.XMLName.Local, b.Role)
		}
		if b.Title == "" || b.AriaLabel != b.Title || len(b.Texts) != 2 || !labelled(b.Title, b.Texts[0], b.Texts[1]) {
			t.Errorf("%s: title %q, aria-label %q, texts %q; want \"label: message\" in all three", p, b.Title, b.AriaLabel, b.Texts)
		}
		text := string(data)
		if strings.Contains(text, "<script") || strings.Count(text, "http") != strings.Count(text, "http://www.w3.org/2000/svg") {
			t.Errorf("%s holds a script or a link:\n%s", p, text)
		}
		if isASCII(b.Title) && len(data) >= 1024 {
			t.Errorf("%s is %d bytes; want well under 1 KB", p, len(data))
		}
	}
	for p := range out {
		if strings.HasPrefix(p, "badges/") && !slices.Contains(want, p) {
			t.Errorf("%s: a badge the site does not call for (a service not offered there?)", p)
		}
	}
	titles := map[string]string{
		"badges/site.svg":             "status: Major outage",
		"badges/regions/jp.svg":       "Japan：重大な障害",
		"badges/regions/jp/psn.svg":   "Japan PlayStation Network：重大な障害",
		"badges/regions/na/psn.svg":   "North America PlayStation Network: Operational",
		"badges/regions/na/store.svg": "North America PlayStation Store: Major outage",
		"badges/services/psn.svg":     "PlayStation Network: Major outage",
	}
	for p, title := range titles {
		if got := parseBadge(t, p, out[p]).Title; got != title {
			t.Errorf("%s: title %q, want %q", p, got, title)
		}
	}
}

// labelled reports whether a badge's title is its label and message
// joined by a colon, as the message's language writes it (": ", "：").
func labelled(title, label, message string) bool {
	colon, ok := strings.CutPrefix(title, label)
	if colon, ok = strings.CutSuffix(colon, message); !ok {
		return false
	}
	return strings.TrimSpace(colon) == ":" || colon == "："
}

func isASCII(s string) bool { return utf8.RuneCountInString(s) == len(s) }

// TestBadgeEscapes builds a site whose names are markup: the badges must
// stay well-formed and say the names as written.
func TestBadgeEscapes(t *testing.T) {
	fsys := smallSite(nil)
	fsys[source.SiteFile] = &fstest.MapFile{Data: []byte(strings.NewReplacer(
		"name: North America", `name: "R&D <lab> \"x\""`,
		"name: PlayStation Store", "name: Store ]]> 'y'",
	).Replace(sitetest.Site))}
	out := build(t, fsys, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
	p := "badges/regions/na/store.svg"
	if got, want := parseBadge(t, p, out[p]).Title, `R&D <lab> "x" Store ]]> 'y': Operational`; got != want {
		t.Errorf("%s: title %q, want %q", p, got, want)
	}
}
