package source

import (
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"statusgen/generator/status"
)

// SiteFile is where a site declares itself, relative to the site folder.
const SiteFile = "content/site.yaml"

// siteDoc is site.yaml as read: the model of the site, and where each of
// its keys stands for the problems found later.
type siteDoc struct {
	*status.Site
	keyPos   map[string]Pos
	hinted   map[string]bool // keys a misspelt key was taken for
	at       Pos             // the file itself
	regions  []regionDoc     // beside Site.Regions
	services []map[string]Pos
	groups   [2][]groupDoc // region_groups, service_groups: beside Site's
	notify   []notifyDoc   // beside Site.Notify
}

// groupDoc is where a group's keys and member ids stand.
type groupDoc struct {
	keyPos  map[string]Pos
	itemPos []Pos
	bad     bool // its members could not be read, as reported
}

type regionDoc struct {
	keyPos  map[string]Pos
	itemPos []Pos // where each id of services stands
}

var idPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

const idRule = "lowercase letters, digits and hyphens"

// MaxIDLength is the longest id taken, of a region, service, group or
// incident, and the longest post file name (its update's anchor, and the
// incident id of a post without incident:). Ids name output folders and
// files (regions/<id>/, badges/regions/<id>/<service>.svg), and a file
// name of over 255 bytes is refused by every common file system.
const MaxIDLength = 100

// tooLong says what is wrong with an id over MaxIDLength.
func tooLong(what, id string) string {
	return fmt.Sprintf("%s %q… is %d characters long; %s are at most %d", what, id[:20], len(id), what+"s", MaxIDLength)
}

// Default values for keys site.yaml may leave out.
const (
	defaultLanguage  = "en"
	defaultTimezone  = "UTC"
	defaultFeedLimit = 50
)

var siteKeys = []string{"title", "description", "base_url", "home_url", "support_url", "language", "timezone", "feed_limit", "stale_incident_days", "websub_hub", "unsafe_html", "regions", "services", "region_groups", "service_groups", "deploy", "notify"}

// parseSite reads site.yaml; problems go to errs and the result holds what
// could be read.
func parseSite(data []byte, errs *ErrorList) *siteDoc {
	r := newYAMLReader(SiteFile, 0, errs)
	s := &siteDoc{Site: &status.Site{FeedLimit: defaultFeedLimit, StaleDays: DefaultStaleDays}, at: Pos{SiteFile, 1, 1}, keyPos: map[string]Pos{}}
	root := r.parse(data, s.at)
	if root == nil {
		return nil
	}
	r.fields(root, siteKeys, func(key string, k, v *yaml.Node) {
		s.keyPos[key] = r.pos(v)
		switch key {
		case "title":
			s.Title, _ = r.str(key, v, true)
		case "description":
			s.Description, _ = r.str(key, v, true)
		case "base_url":
			s.BaseURL, _ = r.str(key, v, false)
		case "home_url":
			s.HomeURL, _ = r.str(key, v, false)
		case "support_url":
			s.SupportURL, _ = r.str(key, v, false)
		case "language":
			s.Language, _ = r.str(key, v, false)
		case "timezone":
			s.Timezone, _ = r.str(key, v, false)
		case "feed_limit":
			if n, ok := r.integer(key, v); ok {
				s.FeedLimit = n
			}
		case "stale_incident_days":
			if n, ok := r.integer(key, v); ok {
				s.StaleDays = n
			}
		case "websub_hub":
			s.WebSubHub, _ = r.str(key, v, false)
		case "unsafe_html":
			s.UnsafeHTML, _ = r.boolean(key, v)
		case "regions":
			s.Regions, s.regions = parseRegions(r, v)
		case "services":
			s.Services, s.services = parseServices(r, v)
		case "region_groups":
			s.RegionGroups, s.groups[0] = parseGroups(r, key, "regions", v)
		case "service_groups":
			s.ServiceGroups, s.groups[1] = parseGroups(r, key, "services", v)
		case "deploy":
			s.Deploy = parseDeploy(r, v)
		case "notify":
			s.Notify, s.notify = parseNotify(r, v)
		}
	})
	s.hinted = r.hinted
	return s
}

// sequence returns the mappings of the list v, reporting what else it
// holds; needs names the keys an entry needs, for the message.
func sequence(r *yamlReader, key, needs string, v *yaml.Node) []*yaml.Node {
	if v.Kind != yaml.SequenceNode {
		r.errorf(v, "%s: expected a list, found %s", key, kindName(v))
		return nil
	}
	var items []*yaml.Node
	for _, item := range v.Content {
		if item.Kind != yaml.MappingNode {
			r.errorf(item, "%s: each entry needs %s, found %s", key, needs, kindName(item))
			continue
		}
		items = append(items, item)
	}
	return items
}

const idAndName = "id and name keys"

func parseRegions(r *yamlReader, v *yaml.Node) ([]*status.Region, []regionDoc) {
	var out []*status.Region
	var docs []regionDoc
	for _, item := range sequence(r, "regions", idAndName, v) {
		reg := &status.Region{}
		doc := regionDoc{keyPos: map[string]Pos{"": r.pos(item)}}
		r.fields(item, []string{"id", "name", "language", "timezone", "services"}, func(key string, k, v *yaml.Node) {
			doc.keyPos[key] = r.pos(v)
			switch key {
			case "id":
				reg.ID, _ = r.str(key, v, false)
			case "name":
				reg.Name, _ = r.str(key, v, true)
			case "language":
				reg.Language, _ = r.str(key, v, false)
			case "timezone":
				reg.Timezone, _ = r.str(key, v, false)
			case "services":
				var items []*yaml.Node
				reg.Services, items, _ = r.list(key, v)
				for _, item := range items {
					doc.itemPos = append(doc.itemPos, r.pos(item))
				}
			}
		})
		out, docs = append(out, reg), append(docs, doc)
	}
	return out, docs
}

func parseServices(r *yamlReader, v *yaml.Node) ([]*status.Service, []map[string]Pos) {
	var out []*status.Service
	var docs []map[string]Pos
	for _, item := range sequence(r, "services", idAndName, v) {
		svc := &status.Service{}
		keyPos := map[string]Pos{"": r.pos(item)}
		r.fields(item, []string{"id", "name"}, func(key string, k, v *yaml.Node) {
			keyPos[key] = r.pos(v)
			switch key {
			case "id":
				svc.ID, _ = r.str(key, v, false)
			case "name":
				svc.Name, _ = r.str(key, v, true)
			}
		})
		out, docs = append(out, svc), append(docs, keyPos)
	}
	return out, docs
}

// parseGroups reads region_groups or service_groups: a list of groups with
// id, name and the members under members (regions or services).
func parseGroups(r *yamlReader, key, members string, v *yaml.Node) ([]*status.Group, []groupDoc) {
	var out []*status.Group
	var docs []groupDoc
	for _, item := range sequence(r, key, idAndName, v) {
		g := &status.Group{Regions: members == "regions"}
		doc := groupDoc{keyPos: map[string]Pos{"": r.pos(item)}}
		r.fields(item, []string{"id", "name", members}, func(k string, _, v *yaml.Node) {
			doc.keyPos[k] = r.pos(v)
			switch k {
			case "id":
				g.ID, _ = r.str(k, v, false)
			case "name":
				g.Name, _ = r.str(k, v, true)
			case members:
				var items []*yaml.Node
				var ok bool
				g.Members, items, ok = r.list(k, v)
				doc.bad = !ok
				for _, item := range items {
					doc.itemPos = append(doc.itemPos, r.pos(item))
				}
			}
		})
		out, docs = append(out, g), append(docs, doc)
	}
	return out, docs
}

// Validate checks what parsing cannot: required keys, ids, URLs, zones and
// languages, and fills in defaults. uiLangs are the languages with UI
// strings (see UILanguages); nil checks none.
func (s *siteDoc) validate(errs *ErrorList, uiLangs []string) {
	s.require(errs, "title", s.Title)
	s.require(errs, "base_url", s.BaseURL)
	if s.BaseURL != "" {
		if u, err := CheckBaseURL(s.BaseURL); err != nil {
			errs.Add(s.keyPos["base_url"], "base_url: %v", err)
		} else {
			s.BaseURL = u.String()
		}
	}
	s.checkURL(errs, "home_url", s.HomeURL)
	s.checkURL(errs, "support_url", s.SupportURL)
	s.checkURL(errs, "websub_hub", s.WebSubHub)
	s.Language = orDefault(s.Language, defaultLanguage)
	checkUILanguage(errs, s.keyPos["language"].or(s.at), s.Language, uiLangs)
	s.Language = CanonicalLanguage(s.Language)
	s.Timezone = orDefault(s.Timezone, defaultTimezone)
	s.Location = loadZone(errs, s.keyPos["timezone"], s.Timezone)
	if s.FeedLimit < 1 {
		errs.Add(s.keyPos["feed_limit"], "feed_limit: must be at least 1")
	}
	if s.StaleDays < 1 {
		errs.Add(s.keyPos["stale_incident_days"], "stale_incident_days: must be at least 1")
	}
	s.validateServices(errs)
	s.Services = validateGroups(errs, "service", s.ServiceGroups, s.groups[1], s.Services, func(v *status.Service) string { return v.ID }, s.keyPos["service_groups"])
	s.validateRegions(errs, uiLangs) // before reordering: s.regions stands beside the regions as written
	s.Regions = validateGroups(errs, "region", s.RegionGroups, s.groups[0], s.Regions, func(r *status.Region) string { return r.ID }, s.keyPos["region_groups"])
	s.validateNotify(errs) // names regions, services and groups
	// Names stand in plain text beside statusgen's words: in feed item
	// titles, JSON, the calendar, badges. A direction control left open in
	// one would reverse the words after it.
	s.Title, s.Description = CloseBidi(s.Title), CloseBidi(s.Description)
	for _, r := range s.Regions {
		r.Name = CloseBidi(r.Name)
	}
	for _, v := range s.Services {
		v.Name = CloseBidi(v.Name)
	}
	for _, g := range append(slices.Clone(s.RegionGroups), s.ServiceGroups...) {
		g.Name = CloseBidi(g.Name)
	}
}

// CloseBidi closes, at its end, every direction embedding, override and
// isolate s opens and leaves open, so that s reorders only itself
// wherever it is placed.
func CloseBidi(s string) string {
	if !strings.ContainsFunc(s, IsBidiControl) {
		return s
	}
	var open []rune // the closers owed, innermost last
	for _, r := range s {
		switch {
		case r >= 0x202A && r <= 0x202E && r != 0x202C: // LRE, RLE, LRO, RLO
			open = append(open, 0x202C)
		case r >= 0x2066 && r <= 0x2068: // LRI, RLI, FSI
			open = append(open, 0x2069)
		case r == 0x202C: // PDF closes the innermost embedding, if that is one
			if len(open) > 0 && open[len(open)-1] == 0x202C {
				open = open[:len(open)-1]
			}
		case r == 0x2069: // PDI closes the innermost isolate and what it holds
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == 0x2069 {
					open = open[:i]
					break
				}
			}
		}
	}
	var b strings.Builder
	b.WriteString(s)
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteRune(open[i])
	}
	return b.String()
}

// validateGroups checks the groups of regions or of services: ids unlike
// every other id of their kind, since a post may name either, and every
// member in exactly one group. It returns the members in display order:
// group by group, each in the order its group lists them.
func validateGroups[T any](errs *ErrorList, what string, groups []*status.Group, docs []groupDoc, items []T, id func(T) string, at Pos) []T {
	if groups == nil {
		return items
	}
	byID := make(map[string]T, len(items))
	var ids []string
	for _, it := range items {
		byID[id(it)] = it
		ids = append(ids, id(it))
	}
	seen := map[string]bool{}
	in := map[string]int{} // member -> its group's place + 1, so that a group without id counts
	var ordered []T
	for i, g := range groups {
		doc := docs[i]
		checkEntry(errs, what+" group", doc.keyPos, g.ID, g.Name, seen)
		if _, clash := byID[g.ID]; clash {
			errs.Add(doc.keyPos["id"], "%s group id %q is also a %s id; give the group another", what, g.ID, what)
		}
		if _, ok := doc.keyPos[what+"s"]; !ok {
			errs.Add(doc.keyPos[""], "%s group %q: missing required key %q", what, g.ID, what+"s")
		}
		for j, m := range g.Members {
			it, known := byID[m]
			switch {
			case m == "all":
				errs.Add(doc.itemPos[j], "%s group %q: list its %ss by id; all is not allowed in a group", what, g.ID, what)
			case !known:
				errs.Add(doc.itemPos[j], "%s group %q: unknown %s %q%s", what, g.ID, what, m, KnownHint(m, ids, what+"s", what+"s:"))
			case in[m] == i+1:
				errs.Add(doc.itemPos[j], "%s group %q: %s %q listed twice", what, g.ID, what, m)
			case in[m] != 0:
				errs.Add(doc.itemPos[j], "%s group %q: %s %q is already in group %q; a %s is in one group", what, g.ID, what, m, groups[in[m]-1].ID, what)
			default:
				in[m] = i + 1
				ordered = append(ordered, it)
			}
		}
	}
	if slices.ContainsFunc(docs, func(d groupDoc) bool { return d.bad }) {
		return items // which are in no group is not known
	}
	for _, it := range items {
		if in[id(it)] == 0 {
			errs.Add(at, "%s_groups: %s %q is in no group; with groups, every %s is in one", what, what, id(it), what)
		}
	}
	for i, g := range groups {
		g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return in[m] != i+1 })
	}
	if len(ordered) < len(items) {
		return items // with errors reported, the order matters no more
	}
	return ordered
}

func (s *siteDoc) require(errs *ErrorList, key, value string) {
	if _, ok := s.keyPos[key]; !ok && value == "" && !s.hinted[key] {
		errs.Add(s.at, "missing required key %q", key)
	}
}

// checkURL wants an absolute http(s) URL where one is given.
func (s *siteDoc) checkURL(errs *ErrorList, key, raw string) *url.URL {
	if raw == "" {
		return nil
	}
	u, err := CheckURL(raw)
	if err != nil {
		errs.Add(s.keyPos[key], "%s: %v", key, err)
	}
	return u
}

// CheckURL parses an absolute http or https URL.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http or https URL", raw)
	}
	return u, nil
}

// CheckBaseURL parses a site's address: an absolute URL of a folder, with
// no query or fragment, returned with a trailing slash.
func CheckBaseURL(raw string) (*url.URL, error) {
	u, err := CheckURL(raw)
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#") {
		return nil, fmt.Errorf("%q has a query or fragment; give the address of a folder", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

func (s *siteDoc) validateServices(errs *ErrorList) {
	if len(s.Services) == 0 {
		errs.Add(s.keyPos["services"].or(s.at), "services: declare at least one service")
	}
	seen := map[string]bool{}
	for i, svc := range s.Services {
		checkEntry(errs, "service", s.services[i], svc.ID, svc.Name, seen)
	}
}

func (s *siteDoc) validateRegions(errs *ErrorList, uiLangs []string) {
	if len(s.Regions) == 0 {
		errs.Add(s.keyPos["regions"].or(s.at), "regions: declare at least one region")
	}
	seen := map[string]bool{}
	served := map[string]bool{} // languages found to have strings: a thousand regions share a few
	for i, reg := range s.Regions {
		doc := s.regions[i]
		checkEntry(errs, "region", doc.keyPos, reg.ID, reg.Name, seen)
		if reg.Language != "" {
			if !served[reg.Language] {
				n := len(*errs)
				checkUILanguage(errs, doc.keyPos["language"], reg.Language, uiLangs)
				served[reg.Language] = len(*errs) == n
			}
			reg.Language = CanonicalLanguage(reg.Language)
		}
		reg.Location = s.Location
		if reg.Timezone != "" {
			reg.Location = loadZone(errs, doc.keyPos["timezone"], reg.Timezone)
		}
		s.checkOffered(errs, reg, doc)
	}
}

func (s *siteDoc) checkOffered(errs *ErrorList, reg *status.Region, doc regionDoc) {
	if _, ok := doc.keyPos["services"]; !ok {
		reg.Services = s.ServiceIDs()
		return
	}
	known := map[string]bool{}
	for _, svc := range s.Services {
		known[svc.ID] = true
	}
	offered := map[string]bool{}
	for i, id := range reg.Services {
		switch {
		case !known[id]:
			errs.Add(doc.itemPos[i], "region %q: unknown service %q%s", reg.ID, id, KnownHint(id, s.ServiceIDs(), "services", "services:"))
		case offered[id]:
			errs.Add(doc.itemPos[i], "region %q: service %q listed twice", reg.ID, id)
		default:
			offered[id] = true
		}
	}
	// Keep the site's service order so pages list services alike everywhere.
	reg.Services = slices.DeleteFunc(s.ServiceIDs(), func(id string) bool { return !offered[id] })
}

func checkEntry(errs *ErrorList, what string, keyPos map[string]Pos, id, name string, seen map[string]bool) {
	at := keyPos[""]
	switch {
	case id == "":
		errs.Add(at, "%s: missing required key \"id\"", what)
	case id == "all":
		errs.Add(keyPos["id"], "%s id %q is reserved: it stands for every %s", what, id, what)
	case !idPattern.MatchString(id):
		errs.Add(keyPos["id"], "%s id %q: use only %s", what, id, idRule)
	case len(id) > MaxIDLength:
		errs.Add(keyPos["id"], "%s", tooLong(what+" id", id))
	case seen[id]:
		errs.Add(keyPos["id"], "duplicate %s id %q", what, id)
	}
	seen[id] = true
	if name == "" {
		errs.Add(at, "%s %q: missing required key \"name\"", what, id)
	}
}

// languagePattern is the shape of a BCP 47 tag, in any case: zh-hant-tw
// is zh-Hant-TW, as BCP 47 says tags are.
var languagePattern = regexp.MustCompile(`^(?i:[a-z]{2,3}(-[a-z0-9]{2,8})*)$`)

func checkLanguage(errs *ErrorList, at Pos, lang string) bool {
	if !languagePattern.MatchString(lang) {
		errs.Add(at, "language: %q is not a language tag such as en or ja", lang)
		return false
	}
	return true
}

// CanonicalLanguage writes a tag in BCP 47's case, zh-hant-tw as
// zh-Hant-TW, so that pages, feeds and file names agree on one spelling.
// A tag x/text cannot read is kept as written.
func CanonicalLanguage(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return lang
	}
	return tag.String()
}

// checkUILanguage wants a language pages can be written in: one with UI
// strings of its own or of a language that serves it (de for de-CH,
// zh-Hant for zh-TW). Without, the page would say lang="sv" in English
// words.
func checkUILanguage(errs *ErrorList, at Pos, lang string, uiLangs []string) {
	if !checkLanguage(errs, at, lang) || uiLangs == nil || HasUIStrings(lang, uiLangs) {
		return
	}
	// The primary language's file serves its regional tags too, unless
	// the tag names another script (sr-Latn is not sr).
	file, _, _ := strings.Cut(lang, "-")
	if len(StringsFiles(lang, []string{file})) == 0 {
		file = CanonicalLanguage(lang)
	}
	errs.Add(at, "language: no UI strings for %q; the languages there are: %s (or add layouts/i18n/%s.yaml with its strings)", lang, strings.Join(uiLangs, ", "), file)
}

// HasUIStrings reports whether pages in lang have UI strings among
// uiLangs (see StringsFiles); English always has.
func HasUIStrings(lang string, uiLangs []string) bool {
	return len(StringsFiles(lang, uiLangs)) > 0
}

// StringsFiles lists the languages of uiLangs whose strings files pages in
// lang read, the more general first, each over English: de then de-CH
// for de-CH when both exist; zh-Hant for zh-TW and zh-HK, zh-Hans for
// zh-CN, pt-BR for pt. Tags match by CLDR's likely subtags, as x/text's
// matcher does, case aside; a language that only shares a script or a
// region with lang does not serve it. Nil when none serves lang.
func StringsFiles(lang string, uiLangs []string) []string {
	var exact string
	var others []string
	var tags []language.Tag
	want, err := language.Parse(lang)
	for _, l := range uiLangs {
		switch tag, terr := language.Parse(l); {
		case strings.EqualFold(l, lang) || (err == nil && terr == nil && tag == want):
			exact = l
		case terr == nil:
			others, tags = append(others, l), append(tags, tag)
		}
	}
	var out []string
	switch {
	case exact != "" && err == nil && want.Parent() != language.Und:
		// The exact file lies over its parent's: de-CH over de.
		out = StringsFiles(want.Parent().String(), others)
	case exact == "" && err == nil && len(tags) > 0:
		// The matcher offers a speaker of one language another they
		// often read (English for Urdu, Spanish for Basque): only a
		// variant of the same language and script serves, over the
		// files it lies on itself (es under es-419 for es-MX).
		if _, i, conf := language.NewMatcher(tags).Match(want); conf >= language.High && SameLanguage(want, tags[i]) {
			out = StringsFiles(others[i], others)
		}
	}
	if exact != "" {
		out = append(out, exact)
	}
	return out
}

// SameLanguage reports whether two tags are variants of one language in
// one script, by their likely subtags: zh-TW and zh-Hant, pt and pt-BR,
// not sr and sr-Latn, nor eu and es.
func SameLanguage(a, b language.Tag) bool {
	ab, _ := a.Base()
	bb, _ := b.Base()
	as, _ := a.Script()
	bs, _ := b.Script()
	return ab == bb && as == bs
}

// UIStringsDir holds a file of UI strings per language, <lang>.yaml.
const UIStringsDir = "layouts/i18n"

// UILanguages lists, sorted, the languages with UI strings in any of
// layers (the defaults, the site's layouts): the names of the
// <lang>.yaml files of UIStringsDir that are language tags.
func UILanguages(layers ...fs.FS) []string {
	langs := []string{}
	for _, layer := range layers {
		entries, _ := fs.ReadDir(layer, UIStringsDir) // none is none
		for _, e := range entries {
			lang, ok := strings.CutSuffix(e.Name(), ".yaml")
			if ok && !Ignored(e.Name()) && languagePattern.MatchString(lang) {
				langs = append(langs, lang)
			}
		}
	}
	slices.Sort(langs)
	return slices.Compact(langs)
}

func loadZone(errs *ErrorList, at Pos, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		errs.Add(at, "timezone: %q is not an IANA time zone such as UTC or Asia/Tokyo", name)
		return time.UTC
	}
	return loc
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (p Pos) or(def Pos) Pos {
	if p.Path == "" {
		return def
	}
	return p
}
