package notify

import (
	"html"
	"maps"
	"slices"

	"statusgen/generator/render"
	"statusgen/generator/status"
)

// maxComponentChanges bounds the component_update calls one update makes
// to a Statuspage-shaped webhook: a post for every region of a large site
// changes thousands of components, and the incident payload names them.
const maxComponentChanges = 100

// wording is what a target's messages are worded with.
type wording struct {
	b       *render.Build
	st      *status.Status
	s       scope
	t       *status.NotifyTarget
	threads map[string]string // incident -> the key of its first event
}

// word turns an event into the message the target receives.
func (w *wording) word(e event) (*Message, error) {
	p, tr, site := e.post, w.s.tr, w.st.Site
	told, err := w.b.Tell(w.s.sc, tr, p)
	if err != nil {
		return nil, err
	}
	inc := w.st.Incident(p.Incident)
	m := &Message{
		Key: e.key, Event: e.kind, Time: e.at,
		Incident: p.Incident, IncidentTitle: w.b.IncidentTitle(tr, inc), Maintenance: inc.Maintenance,
		Thread: w.threads[p.Incident],
		Title:  told.Title, HTML: told.HTML, URL: told.URL,
		When:  tr.TimeText(e.at, w.s.loc),
		State: p.State, Stage: p.Stage, Lang: tr.Lang(),
		Site: SiteInfo{Title: site.Title, URL: w.b.AbsURL(""), ScopeName: w.s.name, ScopeURL: w.s.url, Unsubscribe: w.t.Unsubscribe},
	}
	switch e.kind {
	case Scheduled:
		m.Title = tr.Say("notify_scheduled", told.Title)
	case Started:
		m.Title = tr.Say("notify_started", told.Title)
	case Completed:
		m.Title = tr.Say("feed_completed", told.Title)
		m.State = status.Operational
		m.HTML = "<p>" + html.EscapeString(tr.Say("notify_completed_body", m.When)) + "</p>"
	}
	if p.State == status.Maintenance {
		m.Window = tr.Say("notify_window_open", tr.TimeText(p.Timestamp, w.s.loc))
		if !p.Ends.IsZero() {
			m.Window = tr.Say("notify_window", tr.TimeText(p.Timestamp, w.s.loc), tr.TimeText(p.Ends, w.s.loc))
		}
	}
	m.Text = PlainText(m.HTML)
	m.Labels = Labels{View: tr.Say("notify_view"), Unsubscribe: tr.Say("notify_unsubscribe"),
		State: tr.StateText(m.State), Stage: tr.StageText(m.Stage), Colon: tr.Say("colon"),
		Footer: tr.Say("notify_footer", w.s.name, site.Title)}
	if w.s.siteWide {
		m.Labels.Footer = tr.Say("notify_footer_site", site.Title)
	}
	if inc.Maintenance || p.State == status.Maintenance {
		// Planned work has moments, not an investigation's stages, as
		// its pages show them.
		key := "maintenance_in_progress"
		switch {
		case e.kind == Scheduled:
			key = "maintenance_scheduled"
		case e.kind == Completed || p.State != status.Maintenance:
			key = "maintenance_completed"
		}
		m.Labels.Stage = tr.Say(key)
	}
	switch w.t.Type {
	case "webhook":
		m.Hooks = w.hooks(e, inc)
	case "websub":
		if inFeeds(e) {
			m.Feeds = w.feeds(p)
		}
	}
	return m, nil
}

// hooks is the update in the shapes of Statuspage's webhooks: the
// incident, and a change for each component of the scope whose status
// the update changed.
func (w *wording) hooks(e event, inc *status.Incident) *Statuspage {
	h := &Statuspage{Page: w.b.StatuspagePage(), Incident: w.b.StatuspageIncident(inc, w.s.sc, maxComponentChanges)}
	p := e.post
	if e.kind != Update && e.kind != Started || !w.st.IsPast(p) {
		return h
	}
	for _, pair := range p.Pairs {
		if len(h.Components) == maxComponentChanges {
			break
		}
		if !w.holds(pair) {
			continue
		}
		old := w.st.StateBefore(pair, p.Timestamp)
		if old == p.State {
			continue
		}
		h.Components = append(h.Components, ComponentChange{
			ID:        hash(e.key, pair.Region, pair.Service),
			Component: w.b.StatuspageComponent(pair, p.State, p.Timestamp),
			Old:       render.StatuspageStatus(old), New: render.StatuspageStatus(p.State), At: p.Timestamp,
		})
	}
	return h
}

// inFeeds reports whether the event is a post entering the feeds, which
// hubs are told of: an update, planned work announced ahead, or planned
// work not announced ahead at its start.
func inFeeds(e event) bool {
	switch e.kind {
	case Update:
		return true
	case Scheduled:
		return !e.post.Announced.IsZero()
	case Started:
		return e.post.Announced.IsZero()
	}
	return false
}

// holds reports whether a pair is the target's.
func (w *wording) holds(pair status.Pair) bool {
	if w.s.siteWide {
		return true
	}
	return w.s.sc.Holds(pair)
}

// feeds are the feeds of the target's scope that have the post: the
// site's, and those of the regions, services and groups it sets.
func (w *wording) feeds(p *status.Post) []string {
	site := w.st.Site
	dirs := map[string]bool{}
	if w.s.siteWide {
		dirs[""] = true
	}
	for _, pair := range p.Pairs {
		if !w.holds(pair) {
			continue
		}
		dirs[render.ScopeDir(status.Scope{Region: pair.Region})] = true
		dirs[render.ScopeDir(status.Scope{Service: pair.Service})] = true
		if g := site.RegionGroupOf(pair.Region); g != nil {
			dirs[render.ScopeDir(status.Scope{Group: g})] = true
		}
		if g := site.ServiceGroupOf(pair.Service); g != nil {
			dirs[render.ScopeDir(status.Scope{Group: g})] = true
		}
	}
	var out []string
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		out = append(out, w.b.AbsURL(d+"feed.xml"), w.b.AbsURL(d+"atom.xml"))
	}
	return out
}
