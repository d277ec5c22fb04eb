package source

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"statusgen/generator/status"
)

// The notify: key of site.yaml lists where statusgen notify tells of new
// updates. A target is checked on its own as it is read; what it names
// elsewhere in the file (regions, services, their groups, websub_hub) is
// checked by validateNotify once the whole file is read, since notify:
// may come before them.

var notifyKeys = []string{"type", "name", "url_env", "url", "to", "from", "smtp_env", "unsubscribe", "regions", "services", "maintenance"}

// envName is a portable environment variable name (POSIX's, in either
// case): the shells and CI systems that set it accept no other.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// notifyDoc is where a target and the ids it lists stand.
type notifyDoc struct {
	at                Pos
	name              *yaml.Node // the name: value, if given
	hub               bool       // a websub url: was written, good or bad
	regions, services []Pos      // beside the target's Regions and Services
}

// notifySecretHint says where a secret written on a target goes instead.
const notifySecretHint = "; name the environment variable holding it with url_env: (webhooks) or smtp_env: (email)"

// parseNotify reads the list of notify targets, naming each and checking
// the names are distinct.
func parseNotify(r *yamlReader, v *yaml.Node) ([]*status.NotifyTarget, []notifyDoc) {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
		r.errorf(v, "notify: list at least one target, or leave notify: out")
		return nil, nil
	}
	items := sequence(r, "notify", "a type key", v)
	out := make([]*status.NotifyTarget, 0, len(items))
	docs := make([]notifyDoc, 0, len(items))
	names := make(map[string]int, len(items)) // name -> line of the first target so named
	for _, item := range items {
		t, doc := parseNotifyTarget(r, item)
		nameNotifyTarget(r, t, doc, names)
		out, docs = append(out, t), append(docs, doc)
	}
	return out, docs
}

func parseNotifyTarget(r *yamlReader, item *yaml.Node) (*status.NotifyTarget, notifyDoc) {
	t := &status.NotifyTarget{Line: r.pos(item).Line}
	doc := notifyDoc{at: r.pos(item)}
	keys := map[string]*yaml.Node{} // the keys written, for the checks that depend on the type
	var hub *yaml.Node
	hinted := r.mapping(withoutSecrets(r, item, notifySecretHint), notifyKeys, func(key string, k, v *yaml.Node) {
		keys[key] = k
		switch key {
		case "type":
			t.Type = notifyType(r, v)
		case "name":
			t.Name, _ = r.str(key, v, false)
			doc.name = v
		case "url_env", "smtp_env":
			env := envVar(r, key, v)
			if key == "url_env" {
				t.URLEnv = env
			} else {
				t.SMTPEnv = env
			}
		case "url":
			hub = v // read once the type is known: elsewhere it is a secret
		case "to":
			t.To = address(r, key, v, "status@example.com")
		case "from":
			t.From = address(r, key, v, "Example Status <status@example.com>")
		case "unsubscribe":
			t.Unsubscribe = unsubscribeURL(r, v)
		case "regions":
			t.Regions, doc.regions = scopeIDs(r, key, v)
		case "services":
			t.Services, doc.services = scopeIDs(r, key, v)
		case "maintenance":
			t.Maintenance = maintenanceEvents(r, v)
		}
	})
	// Filled in rather than left nil, so that nil and [] (announce none)
	// cannot be mistaken for each other downstream.
	if _, ok := keys["maintenance"]; !ok {
		t.Maintenance = slices.Clone(status.MaintenanceEvents)
	}
	if hub != nil && t.Type == "websub" {
		doc.hub = true
		t.URL = hubURL(r, hub)
	}
	checkNotifyKeys(r, t, item, keys, hinted)
	return t, doc
}

// notifyType reads type:; a type not known is stored as "", so that the
// checks that depend on it are not tried.
func notifyType(r *yamlReader, v *yaml.Node) string {
	s, ok := r.str("type", v, false)
	if ok && !slices.Contains(status.NotifyTypes, s) {
		r.errorf(v, "type: %q is not a notify type%s; use one of %s", shorten(s), DidYouMean(s, status.NotifyTypes), strings.Join(status.NotifyTypes, ", "))
		return ""
	}
	return s
}

// notifyRules are the keys each type needs and those it refuses, with
// why; the chat types and webhook share the rules of webhook.
var notifyRules = map[string]struct {
	required []string
	refused  map[string]string
}{
	"webhook": {[]string{"url_env"}, map[string]string{
		"to": "only email targets do", "from": "only email targets do", "smtp_env": "only email targets do",
	}},
	"email": {[]string{"to", "smtp_env"}, map[string]string{
		"url_env": "name the variable holding the SMTP server's URL with smtp_env:",
	}},
	"websub": {nil, map[string]string{
		"url_env":  "give the hub's address with url:, or the site's websub_hub",
		"to":       "only email targets do",
		"from":     "only email targets do",
		"smtp_env": "only email targets do",
	}},
}

// checkNotifyKeys checks the keys against the target's type: url:
// anywhere but on websub, keys of another type, required keys missing
// (but for those a misspelt key was taken for).
func checkNotifyKeys(r *yamlReader, t *status.NotifyTarget, item *yaml.Node, keys map[string]*yaml.Node, hinted map[string]bool) {
	what := notifyWhat(t)
	if k, ok := keys["url"]; ok && t.Type != "websub" {
		if t.Type == "email" {
			r.errorf(k, "url: an email target takes no url:; the SMTP server's URL holds its password: name the environment variable holding it with smtp_env:")
		} else {
			r.errorf(k, "url: webhook URLs are secrets; name the environment variable holding it with url_env:")
		}
	}
	if _, ok := keys["type"]; !ok && !hinted["type"] {
		r.errorf(item, "%s: missing required key \"type\"", what)
	}
	if t.Type == "" {
		return // missing or wrong, as reported
	}
	rules, ok := notifyRules[t.Type]
	if !ok {
		rules = notifyRules["webhook"]
	}
	for _, key := range notifyKeys { // in a fixed order
		if why, refused := rules.refused[key]; refused && keys[key] != nil {
			r.errorf(keys[key], "%s: %s %s target takes no %s:; %s", key, article(t.Type), t.Type, key, why)
		}
	}
	for _, key := range rules.required {
		if keys[key] == nil && !hinted[key] {
			r.errorf(item, "%s: missing required key %q", what, key)
		}
	}
}

// notifyWhat names a target in messages: by type and by name if given.
func notifyWhat(t *status.NotifyTarget) string {
	what := "notify target"
	if t.Type != "" {
		what = t.Type + " target"
	}
	if t.Name != "" {
		what += fmt.Sprintf(" %q", shorten(t.Name))
	}
	return what
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// envVar reads url_env or smtp_env. A value that is no variable name is
// not quoted: it may be the secret itself.
func envVar(r *yamlReader, key string, v *yaml.Node) string {
	s, ok := r.str(key, v, false)
	if !ok || envName.MatchString(s) {
		return s
	}
	example := "SLACK_WEBHOOK_URL"
	if key == "smtp_env" {
		example = "SMTP_URL"
	}
	msg := fmt.Sprintf("%s: expected the name of an environment variable, such as %s: letters, digits and _, not starting with a digit", key, example)
	if strings.Contains(s, "://") {
		msg += "; the URL itself goes in that variable: " + secretsMessage
	}
	r.errorf(v, "%s", msg)
	return ""
}

// address reads to: or from:, one address, bare or with a name.
func address(r *yamlReader, key string, v *yaml.Node, example string) string {
	s, ok := r.str(key, v, false)
	if !ok {
		return ""
	}
	if list, err := mail.ParseAddressList(s); err == nil && len(list) > 1 {
		r.errorf(v, "%s: give one address; for several, add a target for each, or send to a mailing list", key)
		return ""
	}
	if _, err := mail.ParseAddress(s); err != nil {
		r.errorf(v, "%s: %q is not an email address such as %s", key, shorten(s), example)
		return ""
	}
	return s
}

// hubURL reads a websub target's url:, the hub's address. Hubs are
// public (feeds name them), but a secret is refused all the same, and
// the URL is not quoted in case it holds one.
func hubURL(r *yamlReader, v *yaml.Node) string {
	s, ok := r.str("url", v, false)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	var problems []string
	switch {
	case err != nil:
		problems = []string{"not a valid URL; check its host, port and %-escapes"}
	case (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		problems = []string{"give the hub's address, an absolute https or http URL such as https://pubsubhubbub.appspot.com/"}
	case u.User != nil:
		problems = []string{"a user or password in the URL: " + secretsMessage}
	default:
		problems = queryProblems(u.RawQuery, "")
	}
	for _, p := range problems {
		r.errorf(v, "url: %s", p)
	}
	if problems != nil {
		return ""
	}
	return s
}

// unsubscribeURL reads unsubscribe:, which goes to readers in the
// messages and, between < and >, in an email's List-Unsubscribe header.
func unsubscribeURL(r *yamlReader, v *yaml.Node) string {
	s, ok := r.str("unsubscribe", v, false)
	if !ok {
		return ""
	}
	if !isUnsubscribeURL(s) {
		r.errorf(v, "unsubscribe: %q is not an absolute https or http URL or a mailto: URL, such as https://example.com/leave or mailto:leave@example.com, with spaces and characters outside ASCII %%-escaped", shorten(s))
		return ""
	}
	return s
}

func isUnsubscribeURL(s string) bool {
	// What would end the header's <…> or is not sent as is in a header.
	if strings.ContainsFunc(s, func(c rune) bool { return c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "https", "http":
		return u.Host != ""
	case "mailto":
		to, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return false
		}
		_, err = mail.ParseAddress(to)
		return err == nil
	}
	return false
}

// scopeIDs reads regions: or services:, one id or a list of them, and
// where each stands; values that are not text are left out, as reported.
func scopeIDs(r *yamlReader, key string, v *yaml.Node) ([]string, []Pos) {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
		r.errorf(v, "%s: the list is empty; leave %s: out to follow every one", key, key)
		return nil, nil
	}
	ids, nodes, _ := r.list(key, v)
	var out []string
	var at []Pos
	for i, n := range nodes {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
			out, at = append(out, ids[i]), append(at, r.pos(n))
		}
	}
	return out, at
}

// maintenanceEvents reads maintenance:, returned in the order of
// status.MaintenanceEvents; [] is none, not empty.
func maintenanceEvents(r *yamlReader, v *yaml.Node) []string {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
		return []string{}
	}
	events, nodes, _ := r.list("maintenance", v)
	listed := map[string]bool{}
	for i, e := range events {
		n := nodes[i]
		switch {
		case n.Kind != yaml.ScalarNode || n.Tag != "!!str":
			continue // reported by list
		case !slices.Contains(status.MaintenanceEvents, e):
			r.errorf(n, "maintenance: %q is not a moment of planned work%s; use scheduled, started or completed, or [] to hear of planned work only as the update it is when it starts", shorten(e), DidYouMean(e, status.MaintenanceEvents))
		case listed[e]:
			r.errorf(n, "maintenance: %q listed twice", e)
		}
		listed[e] = true
	}
	return slices.DeleteFunc(slices.Clone(status.MaintenanceEvents), func(e string) bool { return !listed[e] })
}

// nameNotifyTarget checks the name given, or gives the target its
// default, and refuses a name an earlier target has: the name keys the
// ledger of what each target was sent.
func nameNotifyTarget(r *yamlReader, t *status.NotifyTarget, doc notifyDoc, names map[string]int) {
	if doc.name != nil {
		if t.Name == "" || !checkNotifyName(r, doc.name, t.Name) {
			return
		}
		if line, dup := names[t.Name]; dup {
			r.errorf(doc.name, "duplicate notify target name %q (also on line %d); give each target a distinct name:", t.Name, line)
			return
		}
	} else {
		var madeOf string
		t.Name, madeOf = defaultNotifyName(t)
		if t.Name == "" {
			return // the keys it is made of are missing or wrong, as reported
		}
		if line, dup := names[t.Name]; dup {
			r.errs.Add(doc.at, "notify target name %q, %s, is also the name of the target on line %d; give each target a distinct name:", shorten(t.Name), madeOf, line)
			return
		}
	}
	names[t.Name] = t.Line
}

func checkNotifyName(r *yamlReader, v *yaml.Node, name string) bool {
	switch {
	case !idPattern.MatchString(name):
		r.errorf(v, "notify target name %q: use only %s", shorten(name), idRule)
	case len(name) > MaxIDLength:
		r.errorf(v, "%s", tooLong("notify target name", name))
	default:
		return true
	}
	return false
}

// defaultNotifyName is the name of a target without name:, and what it
// is made of, for messages; "" when what it is made of is missing.
func defaultNotifyName(t *status.NotifyTarget) (name, madeOf string) {
	switch t.Type {
	case "":
		return "", ""
	case "websub":
		return "websub", "the default of websub targets"
	case "email":
		a, err := mail.ParseAddress(t.To)
		if err != nil {
			return "", ""
		}
		return "email-" + a.Address, "made of its type and to:"
	}
	if t.URLEnv == "" {
		return "", ""
	}
	return t.Type + "-" + strings.ToLower(strings.ReplaceAll(t.URLEnv, "_", "-")), "made of its type and url_env:"
}

// validateNotify checks what the targets name elsewhere in site.yaml,
// once all of it is read, and gives websub targets the site's hub.
func (s *siteDoc) validateNotify(errs *ErrorList) {
	if len(s.Notify) == 0 {
		return
	}
	regions := newScope("region", s.Regions, func(r *status.Region) string { return r.ID }, s.RegionGroups)
	services := newScope("service", s.Services, func(v *status.Service) string { return v.ID }, s.ServiceGroups)
	for i, t := range s.Notify {
		doc := s.notify[i]
		regions.check(errs, t.Regions, doc.regions)
		services.check(errs, t.Services, doc.services)
		if len(t.Regions) > 0 && len(t.Services) > 0 && !s.offersAny(t.Regions, t.Services) {
			errs.Add(doc.at, "notify target %q: none of its regions offers any of its services, so it would never hear of anything", shorten(t.Name))
		}
		if t.Type == "websub" && !doc.hub {
			t.URL = s.WebSubHub
			if t.URL == "" {
				what := "websub target"
				if doc.name != nil {
					what += fmt.Sprintf(" %q", t.Name)
				}
				errs.Add(doc.at, "%s needs url: or websub_hub, the address of the hub to ping", what)
			}
		}
	}
}

// offersAny reports whether some region of regions (ids of regions or
// region groups) offers some service of services; unknown ids, reported
// already, count as offering.
func (s *siteDoc) offersAny(regions, services []string) bool {
	members := func(ids []string, groups []*status.Group) []string {
		var out []string
		for _, id := range ids {
			if i := slices.IndexFunc(groups, func(g *status.Group) bool { return g.ID == id }); i >= 0 {
				out = append(out, groups[i].Members...)
			} else {
				out = append(out, id)
			}
		}
		return out
	}
	want := members(services, s.ServiceGroups)
	for _, id := range members(regions, s.RegionGroups) {
		i := slices.IndexFunc(s.Regions, func(r *status.Region) bool { return r.ID == id })
		if i < 0 || slices.ContainsFunc(want, func(v string) bool {
			return slices.Contains(s.Regions[i].Services, v) || !slices.ContainsFunc(s.Services, func(sv *status.Service) bool { return sv.ID == v })
		}) {
			return true
		}
	}
	return false
}

// scope is what a target's regions: or services: may name: the ids of
// regions (services) and of their groups.
type scope struct {
	what    string // "region" or "service"
	ids     []string
	known   map[string]bool
	grouped bool
}

func newScope[T any](what string, items []T, id func(T) string, groups []*status.Group) *scope {
	s := &scope{what: what, known: make(map[string]bool, len(items)+len(groups)), grouped: len(groups) > 0}
	for _, it := range items {
		s.ids = append(s.ids, id(it))
	}
	for _, g := range groups {
		s.ids = append(s.ids, g.ID)
	}
	for _, id := range s.ids {
		s.known[id] = true
	}
	return s
}

func (s *scope) check(errs *ErrorList, ids []string, at []Pos) {
	key, noun, nouns := s.what+"s", s.what, s.what+"s"
	where := key + ":"
	if s.grouped {
		noun, nouns = s.what+" or "+s.what+" group", s.what+"s and "+s.what+" groups"
		where += " and " + s.what + "_groups:"
	}
	listed := make(map[string]bool, len(ids))
	for i, id := range ids {
		switch {
		case id == "all":
			errs.Add(at[i], "%s: all is not allowed here; leave %s: out to follow every %s", key, key, s.what)
		case listed[id]:
			errs.Add(at[i], "%s: %q listed twice", key, shorten(id))
		case !s.known[id]:
			errs.Add(at[i], "%s: unknown %s %q%s", key, noun, shorten(id), KnownHint(id, s.ids, nouns, where))
		}
		listed[id] = true
	}
}
