// Package build runs statusgen's pipeline: read and check the sources
// (package source), derive the status at now (package status), render the
// outputs (package render) and write them (package publish). A full build
// and a session's rebuild after a change run the same pipeline; a session
// only decides what to read again and what to render again.
package build

import (
	"bytes"
	"io/fs"
	"time"

	"statusgen/generator/render"
	"statusgen/generator/source"
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

// Generate builds the whole site and hands every output file to emit,
// from several goroutines at once. Content problems come back as a
// source.ErrorList before anything is emitted; layout problems likewise,
// found while parsing or, at the latest, while rendering.
func Generate(opts Options, emit func(path string, data []byte) error) (Stats, error) {
	// Nothing holds the pipeline after its run: what it read of the posts
	// but their bodies (front-matter and positions, a tenth of the heap)
	// goes while the outputs render.
	run, err := newPipeline(opts).run(nil, opts.Now)
	if err != nil {
		return Stats{}, err
	}
	if err := render1(run, run.outputs, emit); err != nil {
		return Stats{}, err
	}
	return run.stats, nil
}

// Check builds the site as Generate does, writing nothing, and returns
// besides the errors the warnings: what the site may hold but likely did
// not mean (see source.Warnings).
func Check(opts Options) (Stats, source.ErrorList, error) {
	p := newPipeline(opts)
	run, err := p.run(nil, opts.Now)
	if err != nil {
		return Stats{}, nil, err
	}
	outputs := map[string]bool{}
	for _, o := range run.outputs {
		outputs[o.Path] = true
	}
	if err := p.render(run, run.outputs, func(string, []byte) error { return nil }); err != nil {
		return Stats{}, nil, err
	}
	return run.stats, source.Warnings(p.content(), run.build.Status(), outputs), nil
}

// Loaded is a site read, checked and derived as a build does it, its
// outputs rendered only when asked: what notify words messages with.
type Loaded struct {
	run *run
}

// Load reads the site as Generate does, writing nothing.
func Load(opts Options) (*Loaded, error) {
	run, err := newPipeline(opts).run(nil, opts.Now)
	if err != nil {
		return nil, err
	}
	return &Loaded{run}, nil
}

// Build is the loaded site's rendering.
func (l *Loaded) Build() *render.Build { return l.run.build }

// Render renders one output file, e.g. "feed.xml"; nil when the site has
// no such output.
func (l *Loaded) Render(path string) ([]byte, error) {
	for _, o := range l.run.outputs {
		if o.Path == path {
			var data []byte
			err := render1(l.run, []*render.Output{o}, func(_ string, b []byte) error {
				data = bytes.Clone(b)
				return nil
			})
			return data, err
		}
	}
	return nil, nil
}

// count sums up the outputs of a build.
func count(outs []*render.Output, posts int) Stats {
	s := Stats{Posts: posts}
	for _, o := range outs {
		switch o.Kind {
		case render.PageKind:
			s.Pages++
		case render.FeedKind:
			s.Feeds++
		default:
			s.Files++
		}
	}
	return s
}
