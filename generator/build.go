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
	stats, _, err := generate(opts, emit, false)
	return stats, err
}

// Check runs the pipeline as Generate does, writing nothing, and returns
// besides the errors the warnings: what the site may hold but likely did
// not mean (an incident left open, a post that changes nothing, a future
// post that is not maintenance, updates whose file names sort out of time
// order, an empty body, a link to a page the site lacks).
func Check(opts Options) (Stats, ErrorList, error) {
	return generate(opts, func(string, []byte) error { return nil }, true)
}

func generate(opts Options, emit func(path string, data []byte) error, warn bool) (Stats, ErrorList, error) {
	var errs ErrorList
	c := Load(opts.Site, &errs)
	if c.Site != nil && opts.BaseURL != "" {
		c.Site.BaseURL = opts.BaseURL
	}
	c.Validate(&errs)
	if len(errs) > 0 {
		return Stats{}, nil, errs.Err()
	}
	st := Derive(c.Site, c.Posts, opts.Now)
	r := newRenderer(st, newLook(st.Site, opts.Site, opts.Defaults), &errs)
	if len(errs) > 0 {
		return Stats{}, nil, errs.Err()
	}
	jobs := r.jobs()
	layoutErrs, err := r.run(jobs, emit)
	if len(layoutErrs) > 0 {
		return Stats{}, nil, layoutErrs.Err()
	}
	stats := count(jobs, len(c.Posts))
	stats.BaseURL = r.site.BaseURL
	var warns ErrorList
	if warn && err == nil {
		outputs := map[string]bool{}
		for _, j := range jobs {
			outputs[j.path] = true
		}
		warns = warnings(c, st, outputs)
	}
	return stats, warns, err
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
