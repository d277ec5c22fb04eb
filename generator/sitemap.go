package generator

import (
	"bytes"
	"encoding/xml"
)

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc string `xml:"loc"`
}

// sitemap lists every page readers may land on: the overview, regions,
// services, published incidents and the history pages.
func (r *renderer) sitemap(b *bytes.Buffer) error {
	set := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range r.pageList {
		if p.Kind == "404" || (p.Kind == "incident" && !published(p.Incident)) {
			continue
		}
		set.URLs = append(set.URLs, sitemapURL{r.absURL(p.Rel())})
	}
	return writeXML(b, set)
}
