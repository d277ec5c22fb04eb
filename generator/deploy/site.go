package deploy

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"statusgen/generator/publish"
)

// site is a built site as a deploy sees it.
type site struct {
	out   string
	base  string   // the absolute URL it was built for, ending in "/"
	files []string // slash-separated paths, as its marker lists them
}

// readSite reads which files the last build wrote into out, and the URL
// it built them for: the sitemap's first address, the overview's. Taking
// it from the build rather than from site.yaml keeps purges right for a
// site built with --base-url.
func readSite(out string) (*site, error) {
	files, err := publish.Listed(out)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if !fs.ValidPath(f) || f == "." || strings.HasPrefix(f, ".") {
			return nil, fmt.Errorf("%s: its %s lists %q, which no build writes; build the site again", out, publish.Marker, f)
		}
	}
	base, err := sitemapBase(filepath.Join(out, "sitemap.xml"))
	if err != nil {
		return nil, fmt.Errorf("%s: %v; build the site again", out, err)
	}
	return &site{out: out, base: base, files: files}, nil
}

func sitemapBase(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	for {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("sitemap.xml names no page")
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "loc" {
			var loc string
			if err := d.DecodeElement(&loc, &se); err != nil {
				return "", fmt.Errorf("sitemap.xml: %v", err)
			}
			u, err := url.Parse(strings.TrimSpace(loc))
			if err != nil || !u.IsAbs() || !strings.HasSuffix(u.Path, "/") {
				return "", fmt.Errorf("sitemap.xml does not start with the site's address")
			}
			return u.String(), nil
		}
	}
}

// urls are the addresses readers reach keys at: a page both as its folder
// and as its index.html, which a CDN caches apart. Sorted.
func (s *site) urls(keys []string) []string {
	var urls []string
	for _, k := range keys {
		if dir, ok := strings.CutSuffix(k, "index.html"); ok && (dir == "" || strings.HasSuffix(dir, "/")) {
			urls = append(urls, s.base+dir)
		}
		urls = append(urls, s.base+k)
	}
	slices.Sort(urls)
	return slices.Compact(urls)
}
