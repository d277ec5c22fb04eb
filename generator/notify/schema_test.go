package notify

// Checks of each service's payload against its documented format: the
// fields it requires, their types, and its limits. They read the JSON
// the receiver got, as the service would.

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// doc is a decoded JSON document and the test that reads it.
type doc struct {
	t    *testing.T
	root any
}

func decode(t *testing.T, body []byte) doc {
	t.Helper()
	if !utf8.Valid(body) {
		t.Fatalf("payload is not UTF-8")
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("payload is not JSON: %v\n%s", err, body)
	}
	return doc{t, v}
}

// get walks a dotted path: object keys and array indexes.
func (d doc) get(path string) (any, bool) {
	v := d.root
	if path == "" {
		return v, true
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func (d doc) has(path string) bool { _, ok := d.get(path); return ok }

func (d doc) str(path string) string {
	d.t.Helper()
	v, ok := d.get(path)
	s, isStr := v.(string)
	if !ok || !isStr {
		d.t.Errorf("%s: want a string, got %#v", path, v)
	}
	return s
}

// text is a required, non-empty string of at most max characters (0: no
// limit), which a cut left whole characters in.
func (d doc) text(path string, max int) string {
	d.t.Helper()
	s := d.str(path)
	if s == "" {
		d.t.Errorf("%s: empty", path)
	}
	if max > 0 && width(s) > max {
		d.t.Errorf("%s: %d characters, limit %d", path, width(s), max)
	}
	if strings.ContainsRune(s, utf8.RuneError) {
		d.t.Errorf("%s: holds U+FFFD: a character was split", path)
	}
	if strings.HasSuffix(s, "\u200d"+ellipsis) {
		d.t.Errorf("%s: cut inside an emoji sequence", path)
	}
	return s
}

func (d doc) arr(path string, min, max int) []any {
	d.t.Helper()
	v, ok := d.get(path)
	a, isArr := v.([]any)
	if !ok || !isArr {
		d.t.Errorf("%s: want an array, got %#v", path, v)
		return nil
	}
	if len(a) < min || (max > 0 && len(a) > max) {
		d.t.Errorf("%s: %d items, want %d to %d", path, len(a), min, max)
	}
	return a
}

func (d doc) obj(path string) map[string]any {
	d.t.Helper()
	v, ok := d.get(path)
	o, isObj := v.(map[string]any)
	if !ok || !isObj {
		d.t.Errorf("%s: want an object, got %#v", path, v)
	}
	return o
}

func (d doc) num(path string) float64 {
	d.t.Helper()
	v, ok := d.get(path)
	n, isNum := v.(float64)
	if !ok || !isNum {
		d.t.Errorf("%s: want a number, got %#v", path, v)
	}
	return n
}

func (d doc) oneOf(path string, allowed ...string) string {
	d.t.Helper()
	s := d.str(path)
	if !slices.Contains(allowed, s) {
		d.t.Errorf("%s: %q, want one of %q", path, s, allowed)
	}
	return s
}

func (d doc) absURL(path string) string {
	d.t.Helper()
	s := d.str(path)
	if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		d.t.Errorf("%s: %q is not an absolute http(s) URL", path, s)
	}
	return s
}

func (d doc) hexColor(path string) string {
	d.t.Helper()
	s := d.str(path)
	if !regexp.MustCompile(`^#[0-9a-fA-F]{6}$`).MatchString(s) {
		d.t.Errorf("%s: %q is not a #rrggbb colour", path, s)
	}
	return s
}

func at(path string, i int, rest string) string {
	p := path + "." + strconv.Itoa(i)
	if rest != "" {
		p += "." + rest
	}
	return p
}

// checkSlack: an incoming webhook's message with Block Kit blocks, in
// the message and in attachments (Slack's Block Kit reference).
func checkSlack(t *testing.T, body []byte) doc {
	d := decode(t, body)
	d.text("text", 40000)
	checkSlackBlocks(d, "blocks")
	for i := range d.arr("attachments", 0, 100) {
		d.hexColor(at("attachments", i, "color"))
		checkSlackBlocks(d, at("attachments", i, "blocks"))
	}
	return d
}

var slackLink = regexp.MustCompile(`<https?://[^<>|\s]+\|[^<>]*>`)

func checkSlackBlocks(d doc, path string) {
	d.t.Helper()
	for i := range d.arr(path, 1, 50) {
		p := at(path, i, "")
		switch d.oneOf(p+".type", "header", "section", "context", "divider", "actions") {
		case "header":
			d.oneOf(p+".text.type", "plain_text")
			d.text(p+".text.text", 150)
		case "section":
			typ := d.oneOf(p+".text.type", "mrkdwn", "plain_text")
			s := d.text(p+".text.text", 3000)
			if typ == "mrkdwn" {
				checkMrkdwn(d.t, p, s)
			}
		case "context":
			for j := range d.arr(p+".elements", 1, 10) {
				e := at(p+".elements", j, "")
				if d.oneOf(e+".type", "mrkdwn", "plain_text") == "mrkdwn" {
					checkMrkdwn(d.t, e, d.text(e+".text", 3000))
				}
			}
		}
	}
}

// checkMrkdwn: every < and > is a link's, every & starts an entity.
func checkMrkdwn(t *testing.T, path, s string) {
	t.Helper()
	rest := slackLink.ReplaceAllString(s, "")
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("%s: unescaped < or > in mrkdwn: %.200q", path, rest)
	}
	for i := strings.IndexByte(s, '&'); i >= 0; i = next(s, i, '&') {
		if !strings.HasPrefix(s[i:], "&amp;") && !strings.HasPrefix(s[i:], "&lt;") && !strings.HasPrefix(s[i:], "&gt;") {
			t.Errorf("%s: unescaped & in mrkdwn at %d: %.40q", path, i, s[i:])
			return
		}
	}
}

func next(s string, i int, c byte) int {
	j := strings.IndexByte(s[i+1:], c)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// checkTeams: a message with one Adaptive Card attachment, as a Teams
// workflow's "When a Teams webhook request is received" takes it.
func checkTeams(t *testing.T, body []byte) doc {
	if len(body) > 28<<10 {
		t.Errorf("payload is %d bytes; Teams takes about 28 KB", len(body))
	}
	d := decode(t, body)
	d.oneOf("type", "message")
	d.arr("attachments", 1, 1)
	d.oneOf("attachments.0.contentType", "application/vnd.microsoft.card.adaptive")
	card := "attachments.0.content"
	d.oneOf(card+".type", "AdaptiveCard")
	d.oneOf(card+".version", "1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
	d.str(card + ".$schema")
	checkCardElements(d, card+".body")
	if d.has(card + ".actions") {
		for i := range d.arr(card+".actions", 1, 6) {
			a := at(card+".actions", i, "")
			d.oneOf(a+".type", "Action.OpenUrl")
			d.text(a+".title", 0)
			d.absURL(a + ".url")
		}
	}
	return d
}

func checkCardElements(d doc, path string) {
	d.t.Helper()
	for i := range d.arr(path, 1, 0) {
		p := at(path, i, "")
		if d.has(p + ".spacing") {
			d.oneOf(p+".spacing", "None", "Small", "Default", "Medium", "Large", "ExtraLarge", "Padding")
		}
		switch d.oneOf(p+".type", "Container", "RichTextBlock", "TextBlock") {
		case "Container":
			if d.has(p + ".style") {
				d.oneOf(p+".style", "default", "emphasis", "good", "attention", "warning", "accent")
			}
			checkCardElements(d, p+".items")
		case "RichTextBlock":
			for j := range d.arr(p+".inlines", 1, 0) {
				r := at(p+".inlines", j, "")
				d.oneOf(r+".type", "TextRun")
				d.text(r+".text", 0)
				checkTextStyle(d, r)
			}
		case "TextBlock":
			d.text(p+".text", 0)
			checkTextStyle(d, p)
		}
	}
}

func checkTextStyle(d doc, p string) {
	d.t.Helper()
	if d.has(p + ".weight") {
		d.oneOf(p+".weight", "Default", "Lighter", "Bolder")
	}
	if d.has(p + ".size") {
		d.oneOf(p+".size", "Default", "Small", "Medium", "Large", "ExtraLarge")
	}
	if d.has(p + ".color") {
		d.oneOf(p+".color", "Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention",
			"default", "dark", "light", "accent", "good", "warning", "attention")
	}
}

// checkDiscord: an execute-webhook body with embeds and their limits.
func checkDiscord(t *testing.T, body []byte) doc {
	d := decode(t, body)
	if !d.has("content") && !d.has("embeds") {
		t.Errorf("neither content nor embeds")
	}
	if d.has("content") {
		d.text("content", 2000)
	}
	total := 0
	for i := range d.arr("embeds", 1, 10) {
		e := at("embeds", i, "")
		total += width(d.text(e+".title", 256))
		if d.has(e + ".description") {
			total += width(d.text(e+".description", 4096))
		}
		if d.has(e + ".footer") {
			total += width(d.text(e+".footer.text", 2048))
		}
		if d.has(e + ".url") {
			d.absURL(e + ".url")
		}
		if c := d.num(e + ".color"); c < 0 || c > 0xFFFFFF || c != float64(int(c)) {
			t.Errorf("%s.color: %v is not a 24-bit colour", e, c)
		}
		if d.has(e + ".timestamp") {
			if _, err := time.Parse(time.RFC3339, d.str(e+".timestamp")); err != nil {
				t.Errorf("%s.timestamp: %v", e, err)
			}
		}
	}
	if total > 6000 {
		t.Errorf("embeds hold %d characters; Discord takes 6000", total)
	}
	if p := d.arr("allowed_mentions.parse", 0, 0); len(p) != 0 {
		t.Errorf("allowed_mentions.parse = %v, want [] so that nobody is pinged", p)
	}
	return d
}

// checkMattermost: an incoming webhook's text or Slack-style attachments.
func checkMattermost(t *testing.T, body []byte) doc {
	d := decode(t, body)
	if !d.has("text") && !d.has("attachments") {
		t.Errorf("neither text nor attachments")
	}
	total := 0
	if d.has("text") {
		total += width(d.text("text", 16383))
	}
	for i := range d.arr("attachments", 1, 0) {
		a := at("attachments", i, "")
		d.text(a+".fallback", 0)
		d.hexColor(a + ".color")
		d.text(a+".title", 0)
		if d.has(a + ".title_link") {
			d.absURL(a + ".title_link")
		}
		if d.has(a + ".text") {
			total += width(d.text(a+".text", 16383))
		}
	}
	if total > 16383 {
		t.Errorf("%d characters; a Mattermost post holds 16383", total)
	}
	return d
}

// checkGoogleChat: a message with a cardsV2 card in a named thread.
func checkGoogleChat(t *testing.T, body []byte) doc {
	if len(body) > 32000 {
		t.Errorf("payload is %d bytes; Google Chat takes 32,000", len(body))
	}
	d := decode(t, body)
	d.text("thread.threadKey", 0)
	for i := range d.arr("cardsV2", 1, 0) {
		c := at("cardsV2", i, "")
		d.text(c+".cardId", 0)
		d.text(c+".card.header.title", 0)
		for j := range d.arr(c+".card.sections", 1, 0) {
			s := at(c+".card.sections", j, "")
			for k := range d.arr(s+".widgets", 1, 0) {
				checkChatWidget(d, at(s+".widgets", k, ""))
			}
		}
	}
	return d
}

func checkChatWidget(d doc, w string) {
	d.t.Helper()
	if n := len(d.obj(w)); n != 1 {
		d.t.Errorf("%s: a widget has exactly one kind, this has %d", w, n)
	}
	switch {
	case d.has(w + ".textParagraph"):
		checkChatHTML(d.t, w, d.text(w+".textParagraph.text", 0))
	case d.has(w + ".buttonList"):
		for i := range d.arr(w+".buttonList.buttons", 1, 0) {
			b := at(w+".buttonList.buttons", i, "")
			d.text(b+".text", 0)
			d.absURL(b + ".onClick.openLink.url")
		}
	default:
		d.t.Errorf("%s: unexpected widget %v", w, d.obj(w))
	}
}

// checkChatHTML: only the tags Google Chat's text formatting knows.
func checkChatHTML(t *testing.T, path, s string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if !slices.Contains([]string{"b", "i", "u", "s", "font", "a", "br"}, string(name)) {
				t.Errorf("%s: tag <%s> Google Chat does not format", path, name)
			}
		}
	}
}

// Statuspage's status words, as its webhooks write them.
var (
	spComponentStatus = []string{"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
	spIndicators      = []string{"none", "minor", "major", "critical", "maintenance"}
)

// checkStatuspage: an incident or a component payload of Statuspage's
// webhooks: meta, page, and incident or component_update and component.
func checkStatuspage(t *testing.T, body []byte) doc {
	d := decode(t, body)
	d.text("meta.documentation", 0)
	if d.has("meta.unsubscribe") {
		d.absURL("meta.unsubscribe")
	}
	d.text("page.id", 0)
	d.oneOf("page.status_indicator", spIndicators...)
	d.text("page.status_description", 0)
	switch {
	case d.has("incident"):
		d.text("incident.id", 0)
		d.text("incident.name", 0)
		d.text("incident.status", 0)
		d.arr("incident.incident_updates", 1, 0)
	case d.has("component_update"):
		u := "component_update"
		if _, err := time.Parse(time.RFC3339, d.str(u+".created_at")); err != nil {
			t.Errorf("%s.created_at: %v", u, err)
		}
		d.oneOf(u+".old_status", spComponentStatus...)
		d.oneOf(u+".new_status", spComponentStatus...)
		d.text(u+".id", 0)
		if d.text(u+".component_id", 0) != d.str("component.id") {
			t.Errorf("component_update.component_id %q is not component.id %q", d.str(u+".component_id"), d.str("component.id"))
		}
		d.text("component.name", 0)
		d.oneOf("component.status", spComponentStatus...)
	default:
		t.Errorf("neither incident nor component_update")
	}
	return d
}
