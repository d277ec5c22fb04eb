package generator

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxPostSize is the largest post accepted; anything bigger is almost
// certainly a mistake (a pasted log, a binary) and would slow every build.
const MaxPostSize = 1 << 20

// Post is one Markdown file under content/: as of Timestamp, every pair in
// Pairs is in State.
type Post struct {
	Path      string // relative to the site folder, slash-separated
	Name      string // file name without .md: the update's anchor
	Title     string
	Region    []string // as written: ids or "all"
	Service   []string
	State     State
	Stage     Stage
	StageSet  bool // false: derived from whether the post closes its incident
	Timestamp time.Time
	Incident  string // the file name when the front-matter names none
	Until     time.Time
	Announced time.Time
	Draft     bool
	Body      []byte
	BodyLine  int // file line the body starts on

	Pairs []Pair // Region × Service expanded against the site

	keyPos  map[string]Pos    // where each key's value stands
	itemPos map[string][]Pos  // where each id of region and service stands
	bad     map[string]bool   // keys whose value was reported unreadable
	hinted  map[string]bool   // keys a misspelt key was taken for
	raw     map[string]string // scalar values as written, for Validate
	at      Pos               // the opening ---
}

// Pair is one service in one region: the unit whose state posts set.
type Pair struct {
	Region  string
	Service string
}

var postKeys = []string{"title", "region", "service", "state", "timestamp", "incident", "stage", "until", "announced", "draft"}

// parsePost splits a post into front-matter and body and reads the
// front-matter; Validate then checks it against the site.
func parsePost(p string, data []byte, errs *ErrorList) *Post {
	post := &Post{Path: p, Name: strings.TrimSuffix(path.Base(p), ".md"), at: Pos{p, 1, 1}, keyPos: map[string]Pos{}, itemPos: map[string][]Pos{}, bad: map[string]bool{}, raw: map[string]string{}}
	if !checkText(p, data, errs) {
		return nil
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	fm, body, bodyLine, ok := splitFrontMatter(p, data, errs)
	if !ok {
		return nil
	}
	post.Body, post.BodyLine = body, bodyLine
	r := &yamlReader{path: p, lineOffset: 1, errs: errs}
	root := r.parse(fm, Pos{p, 1, 1})
	if root == nil {
		return nil
	}
	r.fields(root, postKeys, func(key string, k, v *yaml.Node) {
		post.keyPos[key] = r.pos(v)
		post.readKey(r, key, v)
	})
	post.hinted = r.hinted
	return post
}

func (post *Post) readKey(r *yamlReader, key string, v *yaml.Node) {
	var ok bool
	var items []*yaml.Node
	switch key {
	case "title":
		post.Title, ok = r.str(key, v, true)
	case "region":
		post.Region, items, ok = r.list(key, v)
	case "service":
		post.Service, items, ok = r.list(key, v)
	case "draft":
		post.Draft, ok = r.boolean(key, v)
	default:
		// timestamps are read as written, not as YAML dates, so that the
		// offset check sees what the author typed.
		var s string
		if s, ok = r.str(key, v, key == "timestamp" || key == "until" || key == "announced"); ok {
			post.raw[key] = s
		}
	}
	for _, item := range items {
		post.itemPos[key] = append(post.itemPos[key], r.pos(item))
	}
	post.bad[key] = !ok
}

// checkText rejects what is not UTF-8 text, pointing at the first bad byte.
func checkText(p string, data []byte, errs *ErrorList) bool {
	if len(bytes.TrimSpace(data)) == 0 {
		errs.add(Pos{p, 1, 1}, "empty file: a post needs front-matter between --- lines")
		return false
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			errs.add(Pos{p, line, col}, "invalid UTF-8: save the file as UTF-8")
			return false
		case r == 0:
			errs.add(Pos{p, line, col}, "NUL byte: this looks like a binary file, not Markdown")
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
		errs.add(Pos{p, 1, 1}, "missing front-matter: a post starts with a line of three hyphens (---)")
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
	errs.add(Pos{p, 1, 1}, "unterminated front-matter: no closing --- line after this opening one")
	return nil, nil, 0, false
}

func isFence(line []byte) bool {
	return string(bytes.TrimRight(line, " \t\r")) == "---"
}

// Validate checks the front-matter against the site, expands Region and
// Service into Pairs and fills in derived values.
func (post *Post) Validate(site *Site, errs *ErrorList) {
	for _, key := range []string{"region", "service", "state", "timestamp"} {
		if _, ok := post.keyPos[key]; !ok && !post.hinted[key] {
			errs.add(post.at, "missing required key %q", key)
		}
	}
	if !idPattern.MatchString(post.Name) {
		errs.add(post.at, "file name %q: use only %s, as it becomes the update's anchor", post.Name+".md", idRule)
	}
	post.validateState(errs)
	post.validateTimes(errs)
	post.validateIncident(errs)
	post.expandPairs(site, errs)
	if post.Title == "" && len(post.Pairs) > 0 {
		post.Title = derivedTitle(site, post)
	}
}

func (post *Post) validateState(errs *ErrorList) {
	if v, ok := post.raw["state"]; ok {
		s, good := parseState(v)
		if !good {
			errs.add(post.keyPos["state"], "state: %q is not a state%s; use one of %s", v, DidYouMean(v, stateNames), strings.Join(stateNames, ", "))
		}
		post.State = s
	}
	if v, ok := post.raw["stage"]; ok {
		s, good := parseStage(v)
		if !good {
			errs.add(post.keyPos["stage"], "stage: %q is not a stage%s; use one of %s", v, DidYouMean(v, stageNames), strings.Join(stageNames, ", "))
		}
		post.Stage, post.StageSet = s, good
	}
}

func (post *Post) validateTimes(errs *ErrorList) {
	post.Timestamp = post.time(errs, "timestamp")
	post.Until = post.time(errs, "until")
	post.Announced = post.time(errs, "announced")
	if post.Timestamp.IsZero() {
		return
	}
	if !post.Until.IsZero() {
		if post.State != Maintenance {
			errs.add(post.keyPos["until"], "until: only a post in state maintenance has an end time")
		} else if !post.Until.After(post.Timestamp) {
			errs.add(post.keyPos["until"], "until: must be after timestamp %s", post.raw["timestamp"])
		}
	}
	if !post.Announced.IsZero() && post.Announced.After(post.Timestamp) {
		errs.add(post.keyPos["announced"], "announced: must not be after timestamp %s", post.raw["timestamp"])
	}
}

func (post *Post) time(errs *ErrorList, key string) time.Time {
	v, ok := post.raw[key]
	if !ok {
		return time.Time{}
	}
	t, err := ParseTime(v)
	if err != nil {
		errs.add(post.keyPos[key], "%s: %v", key, err)
	}
	return t
}

// ParseTime reads an RFC 3339 time; the offset is required because a time
// without a zone means different instants to different readers.
func ParseTime(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time with an offset, such as 2011-05-14T23:00:00-07:00 or 2011-05-15T06:00:00Z", v)
	}
	return t, nil
}

func (post *Post) validateIncident(errs *ErrorList) {
	v, ok := post.raw["incident"]
	if !ok {
		post.Incident = post.Name
		return
	}
	post.Incident = v
	switch {
	case v == "all":
		errs.add(post.keyPos["incident"], "incident id %q is reserved", v)
	case !idPattern.MatchString(v):
		errs.add(post.keyPos["incident"], "incident id %q: use only %s", v, idRule)
	}
}

// expandPairs turns region × service into the pairs the post sets. "all"
// takes only what each region offers; naming both a region and a service
// it does not offer is an error.
func (post *Post) expandPairs(site *Site, errs *ErrorList) {
	regions, okR := post.ids(errs, "region", post.Region, site.regionIDs())
	services, okS := post.ids(errs, "service", post.Service, site.serviceIDs())
	if !okR || !okS {
		return
	}
	explicit := !slices.Contains(post.Region, "all") && !slices.Contains(post.Service, "all")
	for _, r := range regions {
		reg := site.Region(r)
		for _, s := range services {
			switch {
			case reg.Offers(s):
				post.Pairs = append(post.Pairs, Pair{r, s})
			case explicit:
				errs.add(post.itemPos["service"][slices.Index(post.Service, s)], "region %q does not offer service %q (its services: %s)", r, s, strings.Join(reg.Services, ", "))
			}
		}
	}
	if len(post.Pairs) == 0 && !explicit {
		errs.add(post.keyPos["service"], "no region named offers these services")
	}
}

// ids checks a region or service list and returns it in site order.
func (post *Post) ids(errs *ErrorList, key string, list, known []string) ([]string, bool) {
	if _, ok := post.keyPos[key]; !ok || post.bad[key] {
		return nil, false
	}
	if slices.Contains(list, "all") {
		if len(list) > 1 {
			errs.add(post.keyPos[key], "%s: all already means every %s; list no others beside it", key, key)
		}
		return known, true
	}
	ok := true
	for i, id := range list {
		if !slices.Contains(known, id) {
			errs.add(post.itemPos[key][i], "unknown %s %q%s", key, id, DidYouMean(id, known))
			ok = false
		}
	}
	return slices.DeleteFunc(slices.Clone(known), func(id string) bool { return !slices.Contains(list, id) }), ok
}

func derivedTitle(site *Site, post *Post) string {
	var names []string
	for _, p := range post.Pairs {
		if n := site.Service(p.Service).Name; !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ") + ": " + englishState[post.State]
}

// englishState is how readers see a state in English, also in titles.
var englishState = []string{"Operational", "Under maintenance", "Degraded performance", "Partial outage", "Major outage"}
