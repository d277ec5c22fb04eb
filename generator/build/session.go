package build

import (
	"bytes"
	"slices"
	"sync"
	"time"

	"statusgen/generator/publish"
	"statusgen/generator/render"
	"statusgen/generator/status"
)

// Session builds a site once and then again after each change, as watch and
// serve do: it re-reads only the files that changed, re-renders only the
// outputs that read what changed (render.Dep), and replaces each changed
// output file atomically. The output always equals what a fresh build with
// the same now gives. A build with errors writes nothing and keeps the
// last good site.
type Session struct {
	p       *pipeline
	out     string
	outputs map[string]bool // output files of the last good build
}

// Rebuild reports one build of a session.
type Rebuild struct {
	Stats             // the whole site
	BasePath string   // the site's path on its host, e.g. "/status/"
	Rendered []string // output files rendered this time, sorted
	Written  []string // output files added or changed
	Removed  []string // output files no longer part of the site
}

// NewSession prepares builds of opts's site into the folder out.
func NewSession(opts Options, out string) *Session {
	return &Session{p: newPipeline(opts), out: out}
}

// Build brings the output up to date after the given site paths changed
// (files or folders under content/, layouts/ or assets/, created, written,
// renamed or removed); the first build reads everything.
func (s *Session) Build(changed []string, now time.Time) (Rebuild, error) {
	r, err := s.p.run(changed, now)
	if err != nil {
		return Rebuild{}, err
	}
	res := Rebuild{Stats: r.stats, BasePath: r.build.Theme().BasePath()}
	if s.outputs == nil {
		err = s.publish(r, &res)
	} else {
		err = s.update(r, &res)
	}
	if err != nil {
		return Rebuild{}, err
	}
	s.p.commit(r)
	return res, nil
}

// publish makes the first build: the whole site staged and swapped in.
func (s *Session) publish(r *run, res *Rebuild) error {
	_, err := publish.Publish(s.out, r.build.Status().Now, func(emit func(string, []byte) error) error {
		return s.p.render(r, r.outputs, emit)
	})
	if err != nil {
		return err
	}
	s.outputs = map[string]bool{}
	for _, o := range r.outputs {
		s.outputs[o.Path] = true
		res.Written = append(res.Written, o.Path)
	}
	res.Rendered = res.Written
	slices.Sort(res.Written)
	return nil
}

// update renders the outputs the change touched, then writes those whose
// bytes changed and removes outputs no longer built. Nothing is written
// unless every output rendered.
func (s *Session) update(r *run, res *Rebuild) error {
	todo := s.p.stale(r, s.outputs)
	var mu sync.Mutex
	rendered := map[string][]byte{}
	err := s.p.render(r, todo, func(p string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		rendered[p] = bytes.Clone(data)
		return nil
	})
	if err != nil {
		return err
	}
	for _, o := range todo {
		res.Rendered = append(res.Rendered, o.Path)
	}
	slices.Sort(res.Rendered)
	now := make(map[string]bool, len(r.outputs))
	for _, o := range r.outputs {
		now[o.Path] = true
	}
	res.Written, res.Removed, err = publish.Update(s.out, r.build.Status().Now, s.outputs, now, rendered)
	if err != nil {
		return err
	}
	s.outputs = now
	return nil
}

// stale lists the outputs of r to render again: those the last good build
// did not have, and those that read a dep the changes since it touched.
// Everything, after a change of site.yaml, or when now moved across a
// post's time or a day.
func (p *pipeline) stale(r *run, had map[string]bool) []*render.Output {
	if p.settings || r.moved {
		return r.outputs
	}
	dirty := p.dirty(r)
	var out []*render.Output
	for _, o := range r.outputs {
		if !had[o.Path] || o.Reads(dirty) {
			out = append(out, o)
		}
	}
	return out
}

// dirty names the deps whose signature the changes since the last good
// build changed: of the theme, and of the status those the touched
// incidents, before and after, may have changed.
func (p *pipeline) dirty(r *run) *render.Changed {
	dirty := &render.Changed{}
	for _, d := range r.theme {
		dirty.Add(d)
	}
	if len(p.touched) == 0 {
		return dirty
	}
	for id := range p.touched {
		dirty.Add(render.Incident{ID: id})
	}
	old, cur := p.prev, r.build
	for _, d := range render.Candidates(old, cur, p.touched) {
		if !dirty.Has(d) && old.Signature(d) != cur.Signature(d) {
			dirty.Add(d)
		}
	}
	return dirty
}

// movedTime reports whether pages may differ because now moved from from
// to to: one of the posts' timestamp, announced time or window end passed,
// or a day began in one of the site's zones.
func movedTime(from, to time.Time, site *status.Site, posts []*status.Post) bool {
	if from.Equal(to) {
		return false
	}
	zones := []*time.Location{site.Location}
	for _, r := range site.Regions {
		zones = append(zones, r.Location)
	}
	for _, z := range zones {
		a, b := from.In(z), to.In(z)
		if a.YearDay() != b.YearDay() || a.Year() != b.Year() {
			return true
		}
	}
	lo, hi := from, to
	if hi.Before(lo) {
		lo, hi = hi, lo
	}
	between := func(t time.Time) bool { return t.After(lo) && !t.After(hi) }
	for _, p := range posts {
		if between(p.Timestamp) || between(p.Announced) || between(p.Ends) {
			return true
		}
	}
	return false
}
