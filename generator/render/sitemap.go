package render

import (
	"bytes"
	"encoding/xml"

	"statusgen/generator/status"
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
func (b *Build) sitemap(buf *bytes.Buffer) error {
	set := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	add := func(dir string) { set.URLs = append(set.URLs, sitemapURL{b.theme.absURL(dir)}) }
	add("")
	for _, reg := range b.site.Regions {
		add(scopeDir(status.Scope{Region: reg.ID}))
	}
	for _, svc := range b.site.Services {
		add(scopeDir(status.Scope{Service: svc.ID}))
	}
	for _, v := range b.st.Views(status.Scope{}) {
		if published(v) {
			add("incidents/" + v.ID + "/")
		}
	}
	for _, h := range b.historyLayout() {
		add(h.dir)
	}
	return writeXML(buf, set)
}
