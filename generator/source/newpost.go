package source

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"

	"statusgen/generator/status"
)

// NewPost is what `statusgen new` is asked to write.
type NewPost struct {
	Title    string
	Region   []string // ids or all; empty: the incident's
	Service  []string // likewise
	State    string
	Incident string // "" for a post that is an incident of its own
	Stage    string // "" to leave it to be derived
	Time     time.Time
}

// Placeholder is the body of a new post: a comment, which pages leave out
// and check warns of, so that a post published unedited shows no stray
// text.
const Placeholder = "<!-- Write here what readers need to know: what is affected, what they can do, when the next update comes. Replace this line. -->\n"

// Compose checks the request against the site's content and returns the
// new post's path (content/posts/<date>-<slug>.md, the date in the
// request's time zone) and text. With an existing incident, region and
// service default to those of its latest update, as written. Its errors
// are the user's to fix, each with a did-you-mean where one fits.
func (n NewPost) Compose(c *Content) (string, []byte, error) {
	site := c.Site
	n.Title = strings.Join(strings.Fields(n.Title), " ") // a heading is one line
	if n.Title == "" {
		return "", nil, fmt.Errorf("give the post a title")
	}
	if _, ok := status.ParseState(n.State); !ok {
		return "", nil, fmt.Errorf("--state: %q is not a state%s; use one of %s", n.State, DidYouMean(n.State, status.StateNames), strings.Join(status.StateNames, ", "))
	}
	if n.Stage != "" && !slices.Contains(status.StageNames, n.Stage) {
		return "", nil, fmt.Errorf("--stage: %q is not a stage%s; use one of %s", n.Stage, DidYouMean(n.Stage, status.StageNames), strings.Join(status.StageNames, ", "))
	}
	if n.Incident != "" && (!idPattern.MatchString(n.Incident) || n.Incident == "all") {
		return "", nil, fmt.Errorf("--incident: %q: use only %s, and not all", n.Incident, idRule)
	}
	if len(n.Incident) > MaxIDLength {
		return "", nil, fmt.Errorf("--incident: %s", tooLong("incident id", n.Incident))
	}
	for _, p := range c.Posts {
		if n.Incident != "" && p != nil && p.Incident == n.Incident && !p.Explicit {
			return "", nil, fmt.Errorf("--incident: %q is named after the file %s, which has no incident: line; add \"incident: %s\" to it first", n.Incident, p.Path, n.Incident)
		}
	}
	given := len(n.Region) > 0 && len(n.Service) > 0
	if !given {
		latest := latestOf(c.Files, n.Incident)
		switch {
		case latest != nil:
			n.Region = orList(n.Region, latest.fm.Region)
			n.Service = orList(n.Service, latest.fm.Service)
		case n.Incident != "":
			return "", nil, fmt.Errorf("--incident: no incident %q yet%s; a new incident needs --region and --service", n.Incident, DidYouMean(n.Incident, incidentIDs(c.Posts)))
		default:
			return "", nil, fmt.Errorf("give --region and --service, or --incident to take them from an incident")
		}
	}
	// A group's id stands for its members, as in a post.
	if err := checkIDs("region", n.Region, append(site.RegionIDs(), groupIDs(site.RegionGroups)...)); err != nil {
		return "", nil, err
	}
	if err := checkIDs("service", n.Service, append(site.ServiceIDs(), groupIDs(site.ServiceGroups)...)); err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s", scalar(n.Title))
	fmt.Fprintf(&b, "region: %s\n", idList(n.Region))
	fmt.Fprintf(&b, "service: %s\n", idList(n.Service))
	fmt.Fprintf(&b, "state: %s\n", n.State)
	fmt.Fprintf(&b, "timestamp: %s\n", n.Time.Truncate(time.Second).Format(time.RFC3339))
	if n.Incident != "" {
		fmt.Fprintf(&b, "incident: %s\n", n.Incident)
	}
	if n.Stage != "" {
		fmt.Fprintf(&b, "stage: %s\n", n.Stage)
	}
	b.WriteString("---\n" + Placeholder)
	name := path.Join("content/posts", n.Time.Format(time.DateOnly)+"-"+slug(n.Title, n.Time)+".md")
	// What new writes must pass check: the rules of a post (a region that
	// does not offer a service, all beside other ids, an id twice) apply.
	var errs ErrorList
	if post := parsePost(name, []byte(b.String()), &errs); post != nil {
		post.Validate(site, &errs)
	}
	if len(errs) > 0 {
		from := "--region and --service"
		if !given {
			from = "the region and service of the incident's latest update"
		}
		return "", nil, fmt.Errorf("%s make no valid post: %s", from, errs.Sort()[0].Msg)
	}
	return name, []byte(b.String()), nil
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
			return fmt.Errorf("--%s: unknown %s %q%s; site.yaml declares %s", key, key, id, DidYouMean(id, known), strings.Join(known, ", "))
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

// slug makes a file name from a title: lowercase ASCII letters and digits
// joined by hyphens, at most about 60 characters. A title with none of
// them (one in Japanese, say) is named after the time instead: 1105.
func slug(title string, t time.Time) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(strings.Join(append(words, w), "-")) > 60 {
			break
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		return t.Format("1504")
	}
	return strings.Join(words, "-")
}
