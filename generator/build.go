package generator

import (
	"io/fs"
	"time"
)

// Options say what to build.
type Options struct {
	Site     fs.FS     // the site folder: content/, optionally layouts/ and assets/
	Defaults fs.FS     // the default layouts/ and assets/ the site may override
	Now      time.Time // the build instant: which posts are past
	BaseURL  string    // replaces site.yaml's base_url when set
}

// Stats counts what a build produced, for its summary line.
type Stats struct {
	Posts int // posts read, drafts included
	Pages int // HTML pages
	Feeds int // RSS and Atom feeds
	Files int // everything else: sitemap, assets, JSON

	BaseURL string // the site's absolute URL, ending in "/"
}

// Generate runs the pipeline load -> validate -> derive status -> render and
// hands every output file to emit, from several goroutines at once. Content
// problems come back as an ErrorList before anything is emitted; layout
// problems likewise, found while parsing or, at the latest, while rendering.
func Generate(opts Options, emit func(path string, data []byte) error) (Stats, error) {
	var errs ErrorList
	c := Load(opts.Site, &errs)
	if c.Site != nil && opts.BaseURL != "" {
		c.Site.BaseURL = opts.BaseURL
	}
	c.Validate(&errs)
	if len(errs) > 0 {
		return Stats{}, errs.Err()
	}
	st := Derive(c.Site, c.Posts, opts.Now)
	r := newRenderer(st, newLook(st.Site, opts.Site, opts.Defaults), &errs)
	if len(errs) > 0 {
		return Stats{}, errs.Err()
	}
	jobs := r.jobs()
	layoutErrs, err := r.run(jobs, emit)
	if len(layoutErrs) > 0 {
		return Stats{}, layoutErrs.Err()
	}
	stats := count(jobs, len(c.Posts))
	stats.BaseURL = r.site.BaseURL
	return stats, err
}

func count(jobs []job, posts int) Stats {
	s := Stats{Posts: posts}
	for _, j := range jobs {
		switch j.kind {
		case "page":
			s.Pages++
		case "feed":
			s.Feeds++
		default:
			s.Files++
		}
	}
	return s
}
