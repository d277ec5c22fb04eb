// Package render turns a status into the site's output files with a theme,
// and says for each output what it reads, so that a session renders again
// only what a change touched.
//
//	theme.go      Theme: layouts, UI strings and assets over the defaults
//	translate.go  Translator: states, stages, titles and lengths of time in
//	              one language
//	direction.go  which languages are written right to left
//	render.go     Build: the outputs of one status and their rendering
//	deps.go       Dep: what an output reads, each kind a type; Signature
//	              and Candidates tell which changed
//	page.go       Page: the dot of every layout
//	markdown.go   post bodies, rendered once a build and kept for feeds
//	history.go    the incident archive's pages
//	feed.go       RSS and Atom feeds of the site, each region and service
//	api.go        the Statuspage-compatible JSON under api/v2/
//	badge.go      SVG status badges
//	calendar.go   maintenance.ics
//	sitemap.go    sitemap.xml
package render
