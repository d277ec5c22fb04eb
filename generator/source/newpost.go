package source

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"statusgen/generator/status"
)

// NewPost is what `statusgen new` is asked to write.
type NewPost struct {
	Title    string
	Region   []string // ids or all; empty: chosen from the incident
	Service  []string // likewise
	State    string
	Incident string // "" for a post that is an incident of its own
	Stage    string // "" to leave it to be derived
	// Time is the timestamp, in the offset the file name and the
	// front-matter say it in; Until, when not zero, ends a maintenance
	// window, in its own offset.
	Time, Until time.Time
}

// Draft is the post Compose makes: where it goes, its text, and the
// regions and services it names, with where each list came from, for new
// to tell.
type Draft struct {
	Path            string
	Text            []byte
	Region, Service []string
	From            [2]string // how Region and Service were chosen
	Incident        string    // the incident's id, named in the post
	Starts          bool      // whether the post starts the incident
}

// Placeholder is the body of a new post: a comment, which pages leave out
// and check warns of, so that a post published unedited shows no stray
// text.
const Placeholder = "<!-- Write here what readers need to know: what is affected, what they can do, when the next update comes. Replace this line. -->\n"

// NameLayout is how a new post's file name starts: its date and time in
// the timestamp's own offset, so that the names of a day sort in time.
const NameLayout = "2006-01-02-1504"

// Compose checks the request against the site's content and returns the
// new post: content/posts/<date>-<hhmm>-<slug>.md and its text. With an
// existing incident, a missing region or service list is taken from its
// latest update, as written; for a post that restores (operational), from
// the pairs the incident still has open. Its errors are the user's to fix,
// each with a did-you-mean where one fits.
func (n NewPost) Compose(c *Content) (*Draft, error) {
	site := c.Site
	n.Title = strings.Join(strings.Fields(n.Title), " ") // a heading is one line
	if err := n.check(c); err != nil {
		return nil, err
	}
	if err := n.checkTie(c); err != nil {
		return nil, err
	}
	d := &Draft{Region: n.Region, Service: n.Service, From: [2]string{"given", "given"}}
	if len(n.Region) == 0 || len(n.Service) == 0 {
		if err := n.choose(c, d); err != nil {
			return nil, err
		}
	}
	// A group's id stands for its members, as in a post.
	if err := checkIDs("region", d.Region, append(site.RegionIDs(), groupIDs(site.RegionGroups)...)); err != nil {
		return nil, err
	}
	if err := checkIDs("service", d.Service, append(site.ServiceIDs(), groupIDs(site.ServiceGroups)...)); err != nil {
		return nil, err
	}
	d.Path = path.Join("content/posts", n.Time.Format(NameLayout)+"-"+n.slug(d)+".md")
	d.Incident = n.Incident
	if n.Incident == "" {
		// A new incident gets its id written out, the file's name, so that
		// follow-ups can name it and the file can be renamed.
		n.Incident = strings.TrimSuffix(path.Base(d.Path), ".md")
		d.Incident, d.Starts = n.Incident, true
		if slices.Contains(incidentIDs(c.Posts), n.Incident) {
			return nil, fmt.Errorf("an incident %q exists already; give the post another title, or another minute with --at", n.Incident)
		}
	}
	d.Text = []byte(n.text(d))
	// What new writes must pass check: the rules of a post (a region that
	// does not offer a service, all beside other ids, an id twice) apply.
	var errs ErrorList
	if post := parsePost(d.Path, d.Text, &errs); post != nil {
		post.Validate(site, &errs)
	}
	if len(errs) > 0 {
		from := "--region and --service"
		if d.From != [2]string{"given", "given"} {
			from = fmt.Sprintf("region %s and service %s (%s; %s)", idList(d.Region), idList(d.Service), d.From[0], d.From[1])
		}
		return nil, fmt.Errorf("%s make no valid post: %s", from, errs.Sort()[0].Msg)
	}
	return d, nil
}

// check refuses what no post may say, before anything is chosen.
func (n NewPost) check(c *Content) error {
	site := c.Site
	switch {
	case n.Title == "":
		return fmt.Errorf("give the post a title")
	case !slices.Contains(status.StateNames, n.State):
		return fmt.Errorf("--state: %q is not a state%s; use one of %s", n.State, DidYouMean(n.State, status.StateNames), strings.Join(status.StateNames, ", "))
	case n.Stage != "" && !slices.Contains(status.StageNames, n.Stage):
		return fmt.Errorf("--stage: %q is not a stage%s; use one of %s", n.Stage, DidYouMean(n.Stage, status.StageNames), strings.Join(status.StageNames, ", "))
	case n.Incident != "" && (!idPattern.MatchString(n.Incident) || n.Incident == "all"):
		return fmt.Errorf("--incident: %q: use only %s, and not all", n.Incident, idRule)
	case len(n.Incident) > MaxIDLength:
		return fmt.Errorf("--incident: %s", tooLong("incident id", n.Incident))
	case !n.Until.IsZero() && n.State != status.Maintenance.String():
		return fmt.Errorf("--until: only a maintenance window has an end; give --state maintenance, or leave --until out")
	case !n.Until.IsZero() && !n.Until.Truncate(time.Second).After(n.Time.Truncate(time.Second)):
		return fmt.Errorf("--until: %s is not after the window's start, %s; the start is --at, else now", n.Until.Format(time.RFC3339), n.Time.Format(time.RFC3339))
	}
	for _, p := range c.Posts {
		if n.Incident != "" && p != nil && p.Incident == n.Incident && !p.Explicit {
			return fmt.Errorf("--incident: %q is named after the file %s, which has no incident: line; add \"incident: %s\" to it first", n.Incident, p.Path, n.Incident)
		}
	}
	if err := checkIDs("region", n.Region, append(site.RegionIDs(), groupIDs(site.RegionGroups)...)); err != nil {
		return err
	}
	return checkIDs("service", n.Service, append(site.ServiceIDs(), groupIDs(site.ServiceGroups)...))
}

// checkTie: two updates of one incident at the same second have no order
// between them (the worse state wins), so a quick follow-up would be
// overruled without a word.
func (n NewPost) checkTie(c *Content) error {
	at := n.Time.Truncate(time.Second)
	for _, f := range c.Files {
		if p := f.model; p != nil && p.Incident == n.Incident && !p.Draft && p.Timestamp.Equal(at) {
			return fmt.Errorf("incident %q has an update at this very second already, %s: updates at one second have no order; give --at a later time, or wait a second", n.Incident, f.Path)
		}
	}
	return nil
}

// choose fills in the region or service list not given, from the
// incident the post updates.
func (n NewPost) choose(c *Content, d *Draft) error {
	latest := latestOf(c.Files, n.Incident)
	switch {
	case latest == nil && n.Incident != "":
		return fmt.Errorf("--incident: no incident %q yet%s; a new incident needs --region and --service", n.Incident, DidYouMean(n.Incident, incidentIDs(c.Posts)))
	case latest == nil:
		return fmt.Errorf("give --region and --service, or --incident to take them from an incident")
	case n.State == status.Operational.String():
		return n.chooseOpen(c, d)
	}
	from := fmt.Sprintf("as the latest update of incident %q, %s", n.Incident, latest.Path)
	if len(d.Region) == 0 {
		d.Region, d.From[0] = latest.fm.Region, from
	}
	if len(d.Service) == 0 {
		d.Service, d.From[1] = latest.fm.Service, from
	}
	return nil
}

// chooseOpen makes a post that restores name the pairs its incident still
// has open (within the regions or services given), not only those of the
// latest update: a restore in Europe after an update about the US must
// not restore the US.
func (n NewPost) chooseOpen(c *Content, d *Draft) error {
	site := c.Site
	inR, inS := expand(site, "region", d.Region), expand(site, "service", d.Service)
	all := openPairs(c.Files, n.Incident, n.Time)
	// The title is what readers see: "Payments restored in Europe" narrows
	// to Europe what is open, where it names a region (or service) open.
	var titled [2]bool // whether regions, services were narrowed so
	namedR, namedS := titleIDs(site, n.Title)
	if inR == nil && anyOpen(all, namedR, true) {
		inR, titled[0] = namedR, true
	}
	if inS == nil && anyOpen(all, namedS, false) {
		inS, titled[1] = namedS, true
	}
	var open []status.Pair
	for _, p := range all {
		if (inR == nil || inR[p.Region]) && (inS == nil || inS[p.Service]) {
			open = append(open, p)
		}
	}
	within := ""
	if inR != nil {
		within = " in region " + idList(d.Region)
	} else if inS != nil {
		within = " for service " + idList(d.Service)
	}
	if len(open) == 0 {
		return fmt.Errorf("incident %q has no region or service still open%s as of %s: all it touched%s is operational again; to post about others, give --region and --service", n.Incident, within, n.Time.Format(time.RFC3339), within)
	}
	regions, services := sides(site, open)
	if inR != nil && len(d.Region) > 0 {
		regions = keys(site.RegionIDs(), inR)
	}
	if inS != nil && len(d.Service) > 0 {
		services = keys(site.ServiceIDs(), inS)
	}
	if covered(site, regions, services) != len(open) {
		return fmt.Errorf("incident %q still has open%s: %s; one post names a list of regions and one of services, which would take in more than these: give --region and --service, one post for each part", n.Incident, within, pairList(open))
	}
	from := func(titled bool) string {
		if titled {
			return fmt.Sprintf("still open in incident %q and named in the title", n.Incident)
		}
		return fmt.Sprintf("still open in incident %q", n.Incident)
	}
	if len(d.Region) == 0 {
		d.Region, d.From[0] = orAll(regions, len(site.Regions)), from(titled[0])
	}
	if len(d.Service) == 0 {
		d.Service, d.From[1] = orAll(services, len(site.Services)), from(titled[1])
	}
	return nil
}

// anyOpen reports whether one of the open pairs is in ids, by region or
// by service.
func anyOpen(open []status.Pair, ids map[string]bool, region bool) bool {
	for _, p := range open {
		if region && ids[p.Region] || !region && ids[p.Service] {
			return true
		}
	}
	return false
}

// openPairs lists, in site order, the pairs of the incident whose latest
// state in it as of at (drafts aside) is not operational, nor a
// maintenance window over by then.
func openPairs(files []*Post, incident string, at time.Time) []status.Pair {
	var posts []*status.Post
	for _, f := range files {
		if p := f.model; p != nil && p.Incident == incident && !p.Draft && !p.Timestamp.After(at) {
			posts = append(posts, p)
		}
	}
	slices.SortFunc(posts, status.ByTime)
	last := map[status.Pair]*status.Post{}
	var pairs []status.Pair
	for _, p := range posts {
		for _, pair := range p.Pairs {
			if last[pair] == nil {
				pairs = append(pairs, pair)
			}
			last[pair] = p
		}
	}
	return slices.DeleteFunc(pairs, func(pair status.Pair) bool {
		p := last[pair]
		return p.State == status.Operational || p.WindowOver(at)
	})
}

// expand is the set of ids a region or service list means; nil for none.
func expand(site *status.Site, key string, list []string) map[string]bool {
	if len(list) == 0 {
		return nil
	}
	all, group := site.RegionIDs, site.RegionGroup
	if key == "service" {
		all, group = site.ServiceIDs, site.ServiceGroup
	}
	set := map[string]bool{}
	for _, id := range list {
		switch g := group(id); {
		case id == "all":
			for _, m := range all() {
				set[m] = true
			}
		case g != nil:
			for _, m := range g.Members {
				set[m] = true
			}
		default:
			set[id] = true
		}
	}
	return set
}

// sides lists the regions and the services of pairs, each once, in site
// order.
func sides(site *status.Site, pairs []status.Pair) (regions, services []string) {
	inR, inS := map[string]bool{}, map[string]bool{}
	for _, p := range pairs {
		inR[p.Region], inS[p.Service] = true, true
	}
	return keys(site.RegionIDs(), inR), keys(site.ServiceIDs(), inS)
}

// keys lists the ids of order that set holds, in that order.
func keys(order []string, set map[string]bool) []string {
	var out []string
	for _, id := range order {
		if set[id] {
			out = append(out, id)
		}
	}
	return out
}

// covered counts the pairs a post naming regions × services sets.
func covered(site *status.Site, regions, services []string) int {
	n := 0
	for _, r := range regions {
		reg := site.Region(r)
		for _, s := range services {
			if reg != nil && reg.Offers(s) {
				n++
			}
		}
	}
	return n
}

// orAll writes every id of the site as all.
func orAll(ids []string, total int) []string {
	if len(ids) == total {
		return []string{"all"}
	}
	return ids
}

// pairList writes pairs as region/service, the first 20 of them.
func pairList(pairs []status.Pair) string {
	var b strings.Builder
	for i, p := range pairs {
		if i == 20 {
			fmt.Fprintf(&b, " and %d more", len(pairs)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Region + "/" + p.Service)
	}
	return b.String()
}

// text is the post's file: front-matter, then the placeholder.
func (n NewPost) text(d *Draft) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s", scalar(n.Title))
	fmt.Fprintf(&b, "region: %s\n", idList(d.Region))
	fmt.Fprintf(&b, "service: %s\n", idList(d.Service))
	fmt.Fprintf(&b, "state: %s\n", n.State)
	fmt.Fprintf(&b, "timestamp: %s\n", n.Time.Truncate(time.Second).Format(time.RFC3339))
	if !n.Until.IsZero() {
		fmt.Fprintf(&b, "until: %s\n", n.Until.Truncate(time.Second).Format(time.RFC3339))
	}
	if n.Incident != "" {
		fmt.Fprintf(&b, "incident: %s\n", n.Incident)
	}
	if n.Stage != "" {
		fmt.Fprintf(&b, "stage: %s\n", n.Stage)
	}
	b.WriteString("---\n" + Placeholder)
	return b.String()
}

// slug is the words of the file name: the title's, else (a title in
// Japanese, say) the incident's id, else the regions, services and state.
func (n NewPost) slug(d *Draft) string {
	if s := slug(n.Title); s != "" {
		return s
	}
	if n.Incident != "" {
		return slug(n.Incident)
	}
	return slug(strings.Join(d.Region, "-") + "-" + strings.Join(d.Service, "-") + "-" + n.State)
}

// Says tells in a line each which regions and which services the draft
// names, by id and name, and where they came from.
func (d *Draft) Says(site *status.Site) []string {
	region := func(id string) string {
		if id == "all" {
			return "every region"
		}
		if r := site.Region(id); r != nil {
			return r.Name
		}
		return groupName(site.RegionGroup(id))
	}
	service := func(id string) string {
		if id == "all" {
			return "every service"
		}
		if s := site.Service(id); s != nil {
			return s.Name
		}
		return groupName(site.ServiceGroup(id))
	}
	return []string{
		"region " + named(d.Region, region) + ": " + d.From[0],
		"service " + named(d.Service, service) + ": " + d.From[1],
	}
}

// named writes ids with their names: "jp (Japan), asia (Asia)".
func named(ids []string, name func(string) string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id
		if n := name(id); n != "" {
			parts[i] += " (" + n + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func groupName(g *status.Group) string {
	if g == nil {
		return ""
	}
	return g.Name
}

// orList keeps what was given, else takes the default.
func orList(given, fallback []string) []string {
	if len(given) > 0 {
		return given
	}
	return fallback
}

// latestOf returns the incident's latest update, drafts aside, or nil.
func latestOf(files []*Post, incident string) *Post {
	var latest *Post
	for _, f := range files {
		p := f.model
		if incident != "" && p != nil && p.Incident == incident && !p.Draft && (latest == nil || status.ByTime(p, latest.model) > 0) {
			latest = f
		}
	}
	return latest
}

func incidentIDs(posts []*status.Post) []string {
	var ids []string
	for _, p := range posts {
		if p != nil {
			ids = append(ids, p.Incident)
		}
	}
	return ids
}

func checkIDs(key string, ids, known []string) error {
	for _, id := range ids {
		if id != "all" && !slices.Contains(known, id) {
			// As check says it: a did-you-mean, else the ids, at most a
			// screenful of them.
			return fmt.Errorf("--%s: unknown %s %q%s", key, key, id, KnownHint(id, known, key+"s and "+key+" groups", key+"s:"))
		}
	}
	return nil
}

func groupIDs(groups []*status.Group) []string {
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.ID)
	}
	return ids
}

// idList writes ids as front-matter: one bare, several as [a, b].
func idList(ids []string) string {
	if len(ids) == 1 {
		return ids[0]
	}
	return "[" + strings.Join(ids, ", ") + "]"
}

// scalar writes a string for YAML: bare when YAML reads it back as the
// same string, else double-quoted with Go's escapes, which YAML shares
// (unlike yaml.Marshal's, an emoji stays an emoji).
func scalar(s string) string {
	if out, err := yaml.Marshal(s); err == nil && string(out) == s+"\n" {
		return string(out)
	}
	return strconv.Quote(s) + "\n"
}
