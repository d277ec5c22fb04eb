package render

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/gohugoio/locales"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"statusgen/generator/status"
)

// Translator words what the status says in one language, from the UI
// strings of layouts/i18n: pages, feeds, badges, the calendar and the API
// all phrase states, stages, titles and lengths of time through one.
type Translator struct {
	lang    string
	tag     language.Tag
	strings map[string]uiString // the language's, over English
	english map[string]uiString // for a string the language lacks
	cal     *calendar
	cldr    locales.Translator // nil for a language gohugoio/locales does not serve here
	numbers *message.Printer
	rtl     bool
}

// Translator returns the theme's translator for a language: made once
// for each language the site uses, as CLDR's data takes a while to set.
func (t *Theme) Translator(lang string) *Translator {
	if tr := t.words[lang]; tr != nil {
		return tr
	}
	return t.newTranslator(lang)
}

func (t *Theme) newTranslator(lang string) *Translator {
	tag, _ := language.Parse(lang) // und, for a tag it cannot read
	strs := t.strings[lang]
	if strs == nil {
		strs = t.strings["en"]
	}
	return &Translator{lang: lang, tag: tag, strings: strs, english: t.strings["en"],
		cal: newCalendar(tag), cldr: cldrFor(tag), numbers: numbers(tag), rtl: rightToLeft(tag)}
}

// T returns the UI string key, English when the language lacks it; args
// fill its % verbs, the first integer among them choosing its plural
// form.
func (tr *Translator) T(key string, args ...any) (string, error) {
	s, ok := tr.strings[key]
	if !ok {
		if s, ok = tr.english[key]; !ok {
			return "", fmt.Errorf("no UI string %q in layouts/i18n/en.yaml", key)
		}
	}
	if tr.rtl && slices.ContainsFunc(args, func(a any) bool { _, ok := a.(string); return ok }) {
		// The arguments isolated, what is left may hold no letter to say
		// the text is right to left ("%s · %s"): a mark says so, for feed
		// readers, subject lines and chat clients that guess.
		args = isolate(args)
		return "\u200f" + sprintf(tr.form(s, args), args), nil
	}
	return sprintf(tr.form(s, args), args), nil
}

// must is T for the strings statusgen's own code asks for, which the
// default English file holds; a missing one shows as its key.
func (tr *Translator) must(key string, args ...any) string {
	s, err := tr.T(key, args...)
	if err != nil {
		return key
	}
	return s
}

// StateText is how readers see a state, e.g. "Major outage".
func (tr *Translator) StateText(s status.State) string { return tr.must("state_" + s.String()) }

// StageText is how readers see a stage, e.g. "Monitoring".
func (tr *Translator) StageText(s status.Stage) string { return tr.must("stage_" + s.String()) }

// Duration reads like "3 d 4 h": the two largest units, the smaller left
// out when it is 0 ("2 d", not "2 d 0 h").
func (tr *Translator) Duration(d time.Duration) string {
	days, hours := int(d/(24*time.Hour)), int(d/time.Hour)%24
	switch {
	case days > 0 && hours == 0:
		return tr.own("unit_days", days)
	case days > 0:
		return tr.pair(tr.own("unit_days", days), tr.own("unit_hours", hours))
	}
	return tr.span(d)
}

// own is must for arguments in the language's own words (a date, a
// state), which need no isolating.
func (tr *Translator) own(key string, args ...any) string {
	return sprintf(tr.form(tr.text(key), args), args)
}

// pair joins two lengths of time, the larger first. Not through T: the
// parts are the language's own words, nothing to isolate.
func (tr *Translator) pair(larger, smaller string) string {
	format := tr.text("duration_pair").format
	if format == "" {
		format = "%s %s"
	}
	return sprintf(format, []any{larger, smaller})
}

// text is the UI string key, English when the language lacks it.
func (tr *Translator) text(key string) uiString {
	if s, ok := tr.strings[key]; ok {
		return s
	}
	return tr.english[key]
}

// span writes a part of a day in hours and minutes: "24 h", "7 h 30 min",
// "45 min".
func (tr *Translator) span(d time.Duration) string {
	hours, minutes := int(d/time.Hour), int(d/time.Minute)%60
	switch {
	case hours > 0 && minutes == 0:
		return tr.own("unit_hours", hours)
	case hours > 0:
		return tr.pair(tr.own("unit_hours", hours), tr.own("unit_minutes", minutes))
	}
	return tr.own("unit_minutes", minutes)
}

// Mark is a state as a layout shows it: never colour alone.
type Mark struct {
	Class string // CSS class, e.g. major-outage
	Icon  string // a shape that differs per state
	Text  string // the state in words
}

var stateIcons = []string{"✓", "◆", "▲", "◐", "✕"}

// stateClasses are the states' CSS classes: their names with hyphens.
var stateClasses = func() []string {
	var out []string
	for _, n := range status.StateNames {
		out = append(out, strings.ReplaceAll(n, "_", "-"))
	}
	return out
}()

// Mark returns how a state is shown.
func (tr *Translator) Mark(s status.State) Mark {
	return Mark{stateClasses[s], stateIcons[s], tr.StateText(s)}
}

// DayText is the accessible text of one history cell: the day, its worst
// state and how long that lasted, "May 12: Major outage, 24 h". Today's
// has no length, as the day is not over.
func (tr *Translator) DayText(d status.Day) string {
	day := tr.cal.format(d.Date, tr.must("format_day"))
	// The parts are the language's own words: nothing to isolate, on
	// 90 squares a row.
	if d.Today {
		return tr.own("history_today", day, tr.StateText(d.Worst))
	}
	return tr.own("history_day", day, tr.StateText(d.Worst), tr.span(d.In[d.Worst]))
}

// timeIn shows t in the zone loc, named, inside a <time> element.
func (tr *Translator) timeIn(t time.Time, loc *time.Location) template.HTML {
	return template.HTML(fmt.Sprintf(`<time datetime="%s">%s</time>`,
		t.In(loc).Format(time.RFC3339), template.HTMLEscapeString(tr.TimeText(t, loc))))
}

// PostTitle is a post's title, or one made of its services and state when
// the author gave none.
func (tr *Translator) PostTitle(site *status.Site, post *status.Post) string {
	if post.Title != "" {
		return post.Title
	}
	return tr.must("derived_title", tr.names(site, post.Services, false), tr.StateText(post.State))
}

// where names the regions and services of a post that the scope holds,
// e.g. "North America, Europe · PlayStation Network".
func (tr *Translator) where(site *status.Site, post *status.Post, sc status.Scope) string {
	regions, services := post.Regions, post.Services
	switch {
	case sc.Group != nil:
		var r, s distinct
		for _, pair := range post.Pairs {
			if sc.Holds(pair) {
				r.add(pair.Region)
				s.add(pair.Service)
			}
		}
		// Pairs go region by region: the services come in site order anew.
		regions, services = r.list, slices.DeleteFunc(slices.Clone(post.Services), func(id string) bool { return !s.has(id) })
	case sc.Region != "" && sc.Service != "":
		regions, services = []string{sc.Region}, []string{sc.Service}
	case sc.Region != "":
		reg := site.Region(sc.Region)
		regions, services = []string{sc.Region}, slices.DeleteFunc(slices.Clone(post.Services), func(id string) bool { return !reg.Offers(id) })
	case sc.Service != "":
		regions = slices.DeleteFunc(slices.Clone(post.Regions), func(id string) bool { return !site.Region(id).Offers(sc.Service) })
		services = []string{sc.Service}
	}
	return tr.must("where", tr.names(site, regions, true), tr.names(site, services, false))
}

// listed is how many names a list of regions or services shows before it
// sums up: "All regions", a group's name for all its members, "and 12 more".
const listed = 8

// names joins the names of regions (or services) given by id in site
// order; a long list is summed up, so that a post for a thousand regions
// has a title a reader can take in.
func (tr *Translator) names(site *status.Site, ids []string, regions bool) string {
	return tr.namesUpTo(site, ids, regions, listed)
}

// namesUpTo is names showing at most limit names or groups, or all of them
// for a negative limit, every whole group still by its name.
func (tr *Translator) namesUpTo(site *status.Site, ids []string, regions bool, limit int) string {
	list := tr.nameList(site, ids, regions, limit)
	texts := make([]string, len(list))
	for i, n := range list {
		texts[i] = n.Text
		if tr.rtl && len(list) > 1 {
			texts[i] = "\u2068" + n.Text + "\u2069"
		}
	}
	joined := strings.Join(texts, tr.must("list_separator"))
	if tr.rtl && len(list) > 1 {
		// Each name keeps its own direction, and the list reads right to
		// left: the first name rightmost.
		joined = "\u2067" + joined + "\u2069"
	}
	return joined
}

// Name is a region or a service, a whole group of them, or a summing up
// ("All regions", "and 12 more"), with the page that shows it.
type Name struct {
	Text     string
	kind, id string // "regions/" or "services/" and the id; "" for a summing up
}

// Dir is the name's page below the base URL, e.g. regions/jp/; "" for a
// summing up. Made when asked: feed titles, which name thousands, need
// only the text.
func (n Name) Dir() string {
	if n.id == "" {
		return ""
	}
	return n.kind + n.id + "/"
}

// nameList is namesUpTo's list, each name with its page. Up to listed ids
// are named one by one; every id of the site reads "All regions" (or "All
// services"); past that, whole groups go by their names. It costs what ids
// holds.
func (tr *Translator) nameList(site *status.Site, ids []string, regions bool, limit int) []Name {
	name := func(id string) Name {
		if regions {
			return Name{site.Region(id).Name, "regions/", id}
		}
		return Name{site.Service(id).Name, "services/", id}
	}
	all, groupOf, kind, allKey := len(site.Services), site.ServiceGroupOf, "services/", "all_services"
	if regions {
		all, groupOf, kind, allKey = len(site.Regions), site.RegionGroupOf, "regions/", "all_regions"
	}
	var out []Name
	switch {
	case len(ids) <= listed:
		for _, id := range ids {
			out = append(out, name(id))
		}
		return out
	case len(ids) == all:
		return []Name{{Text: tr.must(allKey)}}
	}
	named := map[*status.Group]int{} // how many of a group's members ids holds
	for _, id := range ids {
		if g := groupOf(id); g != nil {
			named[g]++
		}
	}
	for i := 0; i < len(ids); i++ {
		if g := groupOf(ids[i]); g != nil && named[g] == len(g.Members) && ids[i] == g.Members[0] {
			out = append(out, Name{g.Name, kind, g.ID})
			i += len(g.Members) - 1 // members are in site order, together
			continue
		}
		out = append(out, name(ids[i]))
	}
	if limit >= 0 && len(out) > limit {
		out = append(out[:limit], Name{Text: tr.must("and_more", len(out)-limit)})
	}
	return out
}

// distinct gathers names in the order first seen, each once. A post for
// every region and service names thousands of pairs but few names.
type distinct struct {
	list []string
	seen map[string]bool // once the list is long
}

func (d *distinct) has(name string) bool {
	if d.seen != nil {
		return d.seen[name]
	}
	return slices.Contains(d.list, name)
}

func (d *distinct) add(name string) {
	if d.seen == nil && len(d.list) < 16 {
		if !slices.Contains(d.list, name) {
			d.list = append(d.list, name)
		}
		return
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
		for _, n := range d.list {
			d.seen[n] = true
		}
	}
	if !d.seen[name] {
		d.seen[name] = true
		d.list = append(d.list, name)
	}
}
