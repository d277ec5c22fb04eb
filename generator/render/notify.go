package render

import (
	"encoding/json"
	"time"

	"statusgen/generator/status"
)

// What statusgen notify asks of a build: an update worded as a scope's
// feed words it, and the Statuspage shapes of incidents and components,
// so that a message never says other than the site.

// Told is one update as a scope's feed tells it.
type Told struct {
	Title string // the feed item's title: what and where, marked when it resolves
	HTML  string // the body, its links absolute
	URL   string // the update's anchor on its incident page, the feed item's id
	Page  string // the incident page
}

// Tell words a post for the scope in the language of tr, as the scope's
// feed words it.
func (b *Build) Tell(sc status.Scope, tr *Translator, p *status.Post) (Told, error) {
	e := b.bodies.entry(p)
	b.bodies.render(e)
	if e.err != nil {
		return Told{}, e.err
	}
	page := b.theme.absURL("incidents/" + p.Incident + "/")
	html, err := b.absoluteBody(e, page)
	if err != nil {
		return Told{}, err
	}
	return Told{b.itemTitle(tr, sc, p), html, page + "#" + p.Name, page}, nil
}

// Words returns the translator of a language.
func (b *Build) Words(lang string) *Translator { return b.translator(lang) }

// ScopeLanguage is the language of a scope's pages and feeds.
func (b *Build) ScopeLanguage(sc status.Scope) string { return b.scopeLang(sc) }

// AbsURL is the absolute URL of a path below the site.
func (b *Build) AbsURL(path string) string { return b.theme.absURL(path) }

// ScopeDir is the folder of a scope's page and feeds, e.g. "regions/jp/".
func ScopeDir(sc status.Scope) string { return scopeDir(sc) }

// Say is a UI string with its % verbs filled; a missing one shows as its
// key.
func (tr *Translator) Say(key string, args ...any) string { return tr.must(key, args...) }

// Lang is the translator's language.
func (tr *Translator) Lang() string { return tr.lang }

// TimeText shows t in the zone loc, named, as pages do, in plain text.
func (tr *Translator) TimeText(t time.Time, loc *time.Location) string {
	return tr.cal.format(t.In(loc), tr.must("format_datetime"))
}

// IncidentTitle is an incident's title as its page shows it.
func (b *Build) IncidentTitle(tr *Translator, inc *status.Incident) string {
	return tr.PostTitle(b.site, inc.First())
}

// StatuspagePage is the page object of Statuspage's webhooks: the page's
// id and the site's status now.
func (b *Build) StatuspagePage() json.RawMessage {
	a := b.api()
	s := a.status()
	data, _ := json.Marshal(struct {
		ID          string `json:"id"`
		Indicator   string `json:"status_indicator"`
		Description string `json:"status_description"`
	}{a.page.ID, s.Indicator, s.Description})
	return data
}

// StatuspageIncident is an incident as incidents.json (or, for planned
// work, scheduled-maintenances.json) has it, seen from the scope: its
// updates and components there, at most limit components in each list,
// so that a post for every region of a large site stays a payload a
// receiver takes.
func (b *Build) StatuspageIncident(inc *status.Incident, sc status.Scope, limit int) json.RawMessage {
	a := b.api()
	v := b.st.View(inc, sc)
	if v == nil {
		return nil
	}
	list := a.incidents([]*status.IncidentView{v})
	if v.Maintenance {
		list = a.maintenances([]*status.IncidentView{v})
	}
	out := list[0]
	out.Components = out.Components[:min(len(out.Components), limit)]
	for i := range out.IncidentUpdates {
		u := &out.IncidentUpdates[i]
		u.AffectedComponents = u.AffectedComponents[:min(len(u.AffectedComponents), limit)]
	}
	data, _ := json.Marshal(out)
	return data
}

// StatuspageComponent is a pair's component as components.json has it,
// with the status given.
func (b *Build) StatuspageComponent(pair status.Pair, s status.State, at time.Time) json.RawMessage {
	c := b.api().byID[pair.Region+"."+pair.Service]
	c.Status, c.UpdatedAt = apiStateWords[s], apiTime(at)
	data, _ := json.Marshal(c)
	return data
}

// StatuspageStatus is Statuspage's word for a state.
func StatuspageStatus(s status.State) string { return apiStateWords[s] }
