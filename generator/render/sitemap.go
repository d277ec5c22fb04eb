package render

import (
	"bytes"
	"encoding/xml"

	"statusgen/generator/status"
)

// sitemap lists every page readers may land on: the overview, regions,
// services, groups, published incidents and the history pages. It is written by
// hand, as encoding/xml would write it indented: thousands of incidents
// made it the slowest file of a rebuild that adds one.
func (b *Build) sitemap(buf *bytes.Buffer) error {
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	add := func(dir string) {
		buf.WriteString("\n  <url>\n    <loc>")
		xml.EscapeText(buf, []byte(b.theme.absURL(dir))) // a bytes.Buffer never fails
		buf.WriteString("</loc>\n  </url>")
	}
	add("")
	for _, reg := range b.site.Regions {
		add(scopeDir(status.Scope{Region: reg.ID}))
	}
	for _, svc := range b.site.Services {
		add(scopeDir(status.Scope{Service: svc.ID}))
	}
	for _, sc := range b.groupScopes() {
		add(scopeDir(sc))
	}
	if b.wholeGridPage() {
		add("regions/")
	}
	for _, v := range b.st.Views(status.Scope{}) {
		if published(v) {
			add("incidents/" + v.ID + "/")
		}
	}
	for _, h := range b.historyLayout() {
		add(h.dir)
	}
	buf.WriteString("\n</urlset>\n")
	return nil
}
