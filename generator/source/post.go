package source

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"statusgen/generator/status"
)

// MaxPostSize is the largest post accepted; anything bigger is almost
// certainly a mistake (a pasted log, a binary) and would slow every build.
const MaxPostSize = 1 << 20

// Post is one Markdown file under content/ as read: its front-matter,
// with where each key stands, and its body. Validate makes of it the
// update the site states (a status.Post).
type Post struct {
	Path     string // relative to the site folder, slash-separated
	Name     string // file name without .md: the update's anchor
	Body     []byte
	BodyLine int // file line the body starts on

	fm    FrontMatter
	model *status.Post // what the last Validate made of it
}

// Model is what the last Validate made of the post, or nil.
func (post *Post) Model() *status.Post { return post.model }

// FrontMatter is a post's header as written, before Validate checks it
// against the site.
type FrontMatter struct {
	Title     string
	Region    []string // ids or "all"
	Service   []string
	State     string
	Timestamp string
	Incident  string
	Stage     string
	Until     string
	Announced string
	Draft     bool
	Language  string

	at     Pos             // the opening ---
	pos    map[string]Pos  // where each key's value stands
	idPos  [2][]Pos        // where each id of region and service stands
	bad    map[string]bool // keys whose value was reported unreadable; nil when none
	hinted map[string]bool // keys a misspelt key was taken for; nil when none
}

// idsAt says where each id of the list key (region or service) stands.
// Posts are kept for a whole build, so their front-matter holds no more
// maps than it needs.
func (fm *FrontMatter) idsAt(key string) *[]Pos {
	if key == "region" {
		return &fm.idPos[0]
	}
	return &fm.idPos[1]
}

// has reports whether the front-matter gave key a readable value.
func (fm *FrontMatter) has(key string) bool {
	_, ok := fm.pos[key]
	return ok && !fm.bad[key]
}

var postKeys = []string{"title", "region", "service", "state", "timestamp", "incident", "stage", "until", "announced", "draft", "language"}

// parsePost splits a post into front-matter and body and reads the
// front-matter; Validate then checks it against the site.
func parsePost(p string, data []byte, errs *ErrorList) *Post {
	post := &Post{Path: p, Name: strings.TrimSuffix(path.Base(p), ".md")}
	post.fm = FrontMatter{at: Pos{p, 1, 1}, pos: map[string]Pos{}}
	loneCRs(data)
	if !checkText(p, data, errs) {
		return nil
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	yml, body, bodyLine, ok := splitFrontMatter(p, data, errs)
	if !ok {
		return nil
	}
	post.Body, post.BodyLine = body, bodyLine
	r := newYAMLReader(p, 1, errs)
	root := r.parse(yml, Pos{p, 1, 1})
	if root == nil {
		return nil
	}
	r.fields(root, postKeys, func(key string, k, v *yaml.Node) {
		post.fm.pos[key] = r.pos(v)
		post.fm.read(r, key, v)
	})
	post.fm.hinted = r.hinted
	return post
}

func (fm *FrontMatter) read(r *yamlReader, key string, v *yaml.Node) {
	var ok bool
	var items []*yaml.Node
	switch key {
	case "title":
		fm.Title, ok = r.str(key, v, true)
	case "region":
		fm.Region, items, ok = r.list(key, v)
	case "service":
		fm.Service, items, ok = r.list(key, v)
	case "state":
		fm.State, ok = r.str(key, v, false)
	case "stage":
		fm.Stage, ok = r.str(key, v, false)
	case "draft":
		fm.Draft, ok = r.boolean(key, v)
	// Times are taken as written, not as YAML dates, so that the offset
	// check sees what the author typed; an incident id may look like a date.
	case "timestamp":
		fm.Timestamp, ok = r.str(key, v, true)
	case "until":
		fm.Until, ok = r.str(key, v, true)
	case "announced":
		fm.Announced, ok = r.str(key, v, true)
	case "incident":
		fm.Incident, ok = r.str(key, v, true)
	case "language":
		fm.Language, ok = r.str(key, v, false)
	}
	for _, item := range items {
		at := fm.idsAt(key)
		*at = append(*at, r.pos(item))
	}
	if !ok {
		if fm.bad == nil {
			fm.bad = map[string]bool{}
		}
		fm.bad[key] = true
	}
}

// loneCRs turns each carriage return not followed by a line feed, the line
// end of old Mac files, into a line feed, in place: lines end at LF, CRLF
// or a lone CR, as in CommonMark and in editors, for positions and for the
// front-matter's fences alike.
func loneCRs(data []byte) {
	for i := bytes.IndexByte(data, '\r'); i >= 0; {
		if i+1 == len(data) || data[i+1] != '\n' {
			data[i] = '\n'
		}
		j := bytes.IndexByte(data[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
}

// checkText rejects what is not UTF-8 text, pointing at the first bad byte.
func checkText(p string, data []byte, errs *ErrorList) bool {
	if len(bytes.TrimSpace(data)) == 0 {
		errs.Add(Pos{p, 1, 1}, "empty file: a post needs front-matter between --- lines")
		return false
	}
	return checkEncoding(p, data, "Markdown", errs)
}

// checkEncoding reports the first byte that is not UTF-8 text, where it
// stands, before a parser would report it less precisely; what names the
// kind of text expected.
func checkEncoding(p string, data []byte, what string, errs *ErrorList) bool {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			errs.Add(Pos{p, line, col}, "invalid UTF-8: save the file as UTF-8")
			return false
		case r == 0:
			errs.Add(Pos{p, line, col}, "NUL byte: this looks like a binary file, not %s", what)
			return false
		case r == '\n':
			line, col = line+1, 0
		}
		i += size
		col++
	}
	return true
}

// splitFrontMatter cuts the YAML between the opening and closing --- lines.
// The YAML keeps its line numbers relative to the line after the opening.
func splitFrontMatter(p string, data []byte, errs *ErrorList) (fm, body []byte, bodyLine int, ok bool) {
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	if !isFence(first) {
		errs.Add(Pos{p, 1, 1}, "missing front-matter: a post starts with a line of three hyphens (---)")
		return nil, nil, 0, false
	}
	line := 2
	for off := 0; off < len(rest); line++ {
		end := bytes.IndexByte(rest[off:], '\n')
		if end < 0 {
			end = len(rest) - off
		}
		if isFence(rest[off : off+end]) {
			return rest[:off], rest[min(off+end+1, len(rest)):], line + 1, true
		}
		off += end + 1
	}
	errs.Add(Pos{p, 1, 1}, "unterminated front-matter: no closing --- line after this opening one")
	return nil, nil, 0, false
}

func isFence(line []byte) bool {
	return string(bytes.TrimRight(line, " \t\r")) == "---"
}

// Validate checks the front-matter against the site and returns a new
// status.Post of what it says, region and service expanded into pairs.
// What Thread derives from the post's incident is left to it.
func (post *Post) Validate(site *status.Site, errs *ErrorList) *status.Post {
	fm := &post.fm
	m := &status.Post{Path: post.Path, Name: post.Name, Body: post.Body, BodyLine: post.BodyLine}
	for _, key := range []string{"region", "service", "state", "timestamp"} {
		if _, ok := fm.pos[key]; !ok && !fm.hinted[key] {
			errs.Add(fm.at, "missing required key %q", key)
		}
	}
	switch {
	case !idPattern.MatchString(post.Name):
		errs.Add(fm.at, "file name %q: use only %s, as it becomes the update's anchor", post.Name+".md", idRule)
	case len(post.Name) > MaxIDLength:
		errs.Add(fm.at, "%s", tooLong("file name", post.Name))
	}
	m.Title, m.Draft, m.Language = CloseBidi(fm.Title), fm.Draft, fm.Language
	if fm.has("language") {
		checkLanguage(errs, fm.pos["language"], fm.Language)
	}
	fm.validateState(m, errs)
	fm.validateTimes(m, errs)
	fm.validateIncident(m, post.Name, errs)
	fm.expandPairs(m, site, errs)
	post.model = m
	return m
}

func (fm *FrontMatter) validateState(post *status.Post, errs *ErrorList) {
	if fm.has("state") {
		s, ok := status.ParseState(fm.State)
		if !ok {
			errs.Add(fm.pos["state"], "state: %q is not a state%s; use one of %s", fm.State, DidYouMean(fm.State, status.StateNames), strings.Join(status.StateNames, ", "))
		}
		post.State = s
	}
	if fm.has("stage") {
		s, ok := status.ParseStage(fm.Stage)
		if !ok {
			errs.Add(fm.pos["stage"], "stage: %q is not a stage%s; use one of %s", fm.Stage, DidYouMean(fm.Stage, status.StageNames), strings.Join(status.StageNames, ", "))
		}
		post.Stage, post.StageSet = s, ok
	}
}

func (fm *FrontMatter) validateTimes(post *status.Post, errs *ErrorList) {
	var okT, okU, okA bool
	post.Timestamp, okT = fm.time(errs, "timestamp", fm.Timestamp)
	post.Until, okU = fm.time(errs, "until", fm.Until)
	post.Announced, okA = fm.time(errs, "announced", fm.Announced)
	if fm.has("until") && fm.has("state") && post.State != status.Maintenance {
		errs.Add(fm.pos["until"], "until: only a post in state maintenance has an end time")
	}
	// Compared only when given: a zero time is a valid year-one instant.
	if okT && okU && !post.Until.After(post.Timestamp) {
		errs.Add(fm.pos["until"], "until: must be after timestamp %s", fm.Timestamp)
	}
	if okT && okA && post.Announced.After(post.Timestamp) {
		errs.Add(fm.pos["announced"], "announced: must not be after timestamp %s", fm.Timestamp)
	}
}

// time parses the time under key; ok is false when the key is absent or
// its value is not a time.
func (fm *FrontMatter) time(errs *ErrorList, key, v string) (t time.Time, ok bool) {
	if !fm.has(key) {
		return time.Time{}, false
	}
	t, err := ParseTime(v)
	if err != nil {
		errs.Add(fm.pos[key], "%s: %v", key, err)
		return time.Time{}, false
	}
	return t, true
}

// ParseTime reads an RFC 3339 time; the offset is required because a time
// without a zone means different instants to different readers. A leap
// second (23:59:60), valid RFC 3339 that Go refuses, is read as the next
// instant. Only the years 1970 to 9999 in UTC are taken: every such time
// has a form in RFC 3339, RFC 822 (RSS) and RFC 5545 (the calendar), and
// a feed reader's clock.
func ParseTime(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil && len(v) > 19 && v[10] == 'T' && v[16:19] == ":60" {
		if t, err = time.Parse(time.RFC3339, v[:17]+"59"+v[19:]); err == nil {
			t = t.Add(time.Second)
			if u := t.UTC(); u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 {
				err = errors.New("a leap second is the last of a UTC day") // 23:59:60 in UTC, whatever the offset
			}
		}
	}
	switch {
	case err != nil:
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time with an offset, such as 2011-05-14T23:00:00-07:00 or 2011-05-15T06:00:00Z", v)
	case t.Before(MinTime) || !t.Before(MaxTime):
		return time.Time{}, fmt.Errorf("%q is outside the years 1970 to 9999 (in UTC) that statusgen takes", v)
	}
	return t, nil
}

// MinTime and MaxTime bound the times ParseTime takes: from 1970 up to,
// not including, the year 10000, in UTC.
var (
	MinTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (fm *FrontMatter) validateIncident(post *status.Post, name string, errs *ErrorList) {
	post.Explicit = fm.has("incident")
	if !post.Explicit {
		post.Incident = name
		if name == "all" {
			errs.Add(fm.at, "file name %q: all is reserved; name the file otherwise or set incident:", name+".md")
		}
		return
	}
	post.Incident = fm.Incident
	switch {
	case fm.Incident == "all":
		errs.Add(fm.pos["incident"], "incident id %q is reserved", fm.Incident)
	case !idPattern.MatchString(fm.Incident):
		errs.Add(fm.pos["incident"], "incident id %q: use only %s", fm.Incident, idRule)
	case len(fm.Incident) > MaxIDLength:
		errs.Add(fm.pos["incident"], "%s", tooLong("incident id", fm.Incident))
	}
}

// expandPairs turns region × service into the pairs the post sets. "all"
// and a group take only what each region offers; naming both a region and
// a service it does not offer, each by its id, is an error.
func (fm *FrontMatter) expandPairs(post *status.Post, site *status.Site, errs *ErrorList) {
	regions, byIDR, okR := fm.ids(errs, "region", fm.Region, site)
	services, byIDS, okS := fm.ids(errs, "service", fm.Service, site)
	if !okR || !okS {
		return
	}
	for _, r := range regions {
		reg := site.Region(r)
		for _, s := range services {
			switch {
			case reg.Offers(s):
				post.Pairs = append(post.Pairs, status.Pair{Region: r, Service: s})
			case byIDR[r] && byIDS[s]:
				errs.Add(fm.idPos[1][slices.Index(fm.Service, s)], "region %q does not offer service %q (its services: %s)", r, s, strings.Join(reg.Services, ", "))
			}
		}
	}
	if len(post.Pairs) == 0 && (len(byIDR) < len(fm.Region) || len(byIDS) < len(fm.Service)) {
		errs.Add(fm.pos["service"], "no region named offers these services")
	}
	post.Place(site)
}

// ids checks a region or service list, whose items are ids, ids of groups
// or all, and returns the ids meant in site order, and those named by
// their own ids.
func (fm *FrontMatter) ids(errs *ErrorList, key string, list []string, site *status.Site) (meant []string, byID map[string]bool, ok bool) {
	if !fm.has(key) {
		return nil, nil, false
	}
	known, group, groups := site.ServiceIDs, site.ServiceGroup, site.ServiceGroups
	if key == "region" {
		known, group, groups = site.RegionIDs, site.RegionGroup, site.RegionGroups
	}
	if slices.Contains(list, "all") {
		if len(list) > 1 {
			errs.Add(fm.pos[key], "%s: all already means every %s; list no others beside it", key, key)
		}
		return known(), nil, true
	}
	ok = true
	at := site.ServiceAt
	if key == "region" {
		at = site.RegionAt
	}
	named, byID := map[string]bool{}, map[string]bool{}
	listed := make(map[string]bool, len(list))
	for i, id := range list {
		g := group(id)
		switch {
		case listed[id]:
			errs.Add((*fm.idsAt(key))[i], "%s %q listed twice", key, id)
		case g != nil:
			for _, m := range g.Members {
				if !named[m] {
					named[m] = true
					meant = append(meant, m)
				}
			}
		case at(id) >= 0:
			if !named[id] {
				named[id] = true
				meant = append(meant, id)
			}
			byID[id] = true
		default:
			candidates, what, where := known(), key+"s", key+"s:"
			for _, g := range groups {
				candidates = append(candidates, g.ID)
			}
			if len(groups) > 0 {
				what, where = fmt.Sprintf("%ss and %s groups", key, key), fmt.Sprintf("%ss: and %s_groups:", key, key)
			}
			errs.Add((*fm.idsAt(key))[i], "unknown %s %q%s", key, id, KnownHint(id, candidates, what, where))
			ok = false
		}
		listed[id] = true
	}
	// In site order, sorted rather than found by a walk over every region
	// for each post.
	slices.SortFunc(meant, func(a, b string) int { return at(a) - at(b) })
	return meant, byID, ok
}
