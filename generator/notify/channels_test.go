package notify

import (
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var examples = flag.String("examples", "", "write each channel's payload for the sample message to this directory")

// chatServices are the channels that post one payload a message, each
// with the check of its documented format.
var chatServices = []struct {
	typ   string
	check func(*testing.T, []byte) doc
}{
	{"slack", checkSlack},
	{"teams", checkTeams},
	{"discord", checkDiscord},
	{"mattermost", checkMattermost},
	{"google_chat", checkGoogleChat},
}

// sent delivers m through a new channel of kind typ and returns what the
// service received, after checking what every request must have.
func sent(t *testing.T, typ string, m *Message) []request {
	t.Helper()
	r := newReceiver(t, okReplies[typ])
	ch := testChannel(t, typ, r, "/hook/T000/B000/secret?key=k&token=tok")
	if err := deliver(t, ch, m, testEnv(r, "")); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got := r.requests()
	for i, req := range got {
		if req.Method != "POST" {
			t.Errorf("request %d: method %s, want POST", i, req.Method)
		}
		if ct := req.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("request %d: Content-Type %q", i, ct)
		}
		if ua := req.Header.Get("User-Agent"); ua != "statusgen" {
			t.Errorf("request %d: User-Agent %q", i, ua)
		}
		if k, err := hex.DecodeString(req.Header.Get("Idempotency-Key")); err != nil || len(k) < 16 {
			t.Errorf("request %d: Idempotency-Key %q", i, req.Header.Get("Idempotency-Key"))
		}
		if req.Path != "/hook/T000/B000/secret" {
			t.Errorf("request %d: path %q", i, req.Path)
		}
	}
	if *examples != "" {
		for i, req := range got {
			name := fmt.Sprintf("%s-%s-%d.json", strings.ReplaceAll(t.Name(), "/", "_"), typ, i)
			if err := os.WriteFile(filepath.Join(*examples, name), req.Body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return got
}

func TestChatChannels(t *testing.T) {
	for _, svc := range chatServices {
		t.Run(svc.typ, func(t *testing.T) {
			m := sampleMessage()
			got := sent(t, svc.typ, m)
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			body := string(got[0].Body)
			svc.check(t, got[0].Body)
			for _, want := range []string{"Japan · PlayStation Network: Major outage", "2011-05-14 23:00 JST",
				"Sign-in fails", m.URL, "View this update", "You receive this because you follow Japan"} {
				if !strings.Contains(body, want) {
					t.Errorf("payload lacks %q:\n%s", want, body)
				}
			}
		})
	}
}

func TestSlackPayload(t *testing.T) {
	d := checkSlack(t, sent(t, "slack", sampleMessage())[0].Body)
	if got := d.str("blocks.0.text.text"); got != "Japan · PlayStation Network: Major outage — Investigating" {
		t.Errorf("header %q", got)
	}
	if got := d.str("attachments.0.color"); got != "#c0262d" {
		t.Errorf("colour %q, want red for a major outage", got)
	}
	link := "<https://status.example.com/incidents/psn-outage/#2011-05-14-restored|View this update>"
	if !strings.Contains(string(sent(t, "slack", sampleMessage())[0].Body), link) {
		t.Errorf("no link %s", link)
	}
}

func TestTeamsPayload(t *testing.T) {
	m := sampleMessage()
	m.State = 1 // maintenance
	d := checkTeams(t, sent(t, "teams", m)[0].Body)
	if got := d.str("attachments.0.content.body.0.style"); got != "accent" {
		t.Errorf("style %q, want accent (blue) for maintenance", got)
	}
	if got := d.str("attachments.0.content.actions.0.url"); got != m.URL {
		t.Errorf("action url %q", got)
	}
	// Each line of the body its own block: Teams would run them together.
	body := string(sent(t, "teams", m)[0].Body)
	if !strings.Contains(body, `"text":"- Sign-in fails"`) || !strings.Contains(body, `"text":"- The store is closed"`) {
		t.Errorf("list items are not blocks of their own:\n%s", body)
	}
}

func TestDiscordPayload(t *testing.T) {
	d := checkDiscord(t, sent(t, "discord", sampleMessage())[0].Body)
	if got := d.num("embeds.0.color"); got != 0xc0262d {
		t.Errorf("colour %x", int(got))
	}
	if got := d.str("embeds.0.timestamp"); got != "2011-05-14T14:00:00Z" {
		t.Errorf("timestamp %q", got)
	}
	desc := d.str("embeds.0.description")
	if !strings.HasPrefix(desc, "**Major outage · Investigating**\n2011\\-05\\-14 23:00 JST") &&
		!strings.HasPrefix(desc, "**Major outage · Investigating**\n2011-05-14 23:00 JST") {
		t.Errorf("description starts %.80q", desc)
	}
	if !strings.HasSuffix(desc, "[View this update](https://status.example.com/incidents/psn-outage/#2011-05-14-restored)") {
		t.Errorf("description ends %q", desc[max(0, len(desc)-120):])
	}
}

func TestMattermostPayload(t *testing.T) {
	d := checkMattermost(t, sent(t, "mattermost", sampleMessage())[0].Body)
	if got := d.str("attachments.0.color"); got != "#c0262d" {
		t.Errorf("colour %q", got)
	}
	if got := d.str("attachments.0.title_link"); got != sampleMessage().URL {
		t.Errorf("title_link %q", got)
	}
}

func TestGoogleChatPayload(t *testing.T) {
	m := sampleMessage()
	got := sent(t, "google_chat", m)
	d := checkGoogleChat(t, got[0].Body)
	q, _ := url.ParseQuery(got[0].Query)
	if q.Get("messageReplyOption") != "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD" || q.Get("key") != "k" || q.Get("token") != "tok" {
		t.Errorf("query %q: want the webhook's key and token and messageReplyOption", got[0].Query)
	}
	key := d.str("thread.threadKey")
	// The incident's next message goes to the same thread; another
	// incident's to another.
	m2 := sampleMessage()
	m2.Key = "psn-outage#2011-05-15-resolved"
	if k := checkGoogleChat(t, sent(t, "google_chat", m2)[0].Body).str("thread.threadKey"); k != key {
		t.Errorf("thread key %q, want the incident's %q", k, key)
	}
	m3 := sampleMessage()
	m3.Thread = "other#first"
	if k := checkGoogleChat(t, sent(t, "google_chat", m3)[0].Body).str("thread.threadKey"); k == key {
		t.Errorf("another incident shares thread key %q", k)
	}
	para := d.str("cardsV2.0.card.sections.0.widgets.0.textParagraph.text")
	if para != `<font color="#c0262d"><b>Major outage · Investigating</b></font>` {
		t.Errorf("state paragraph %q", para)
	}
}

func TestStatuspageWebhook(t *testing.T) {
	m := sampleMessage()
	got := sent(t, "webhook", m)
	if len(got) != 3 {
		t.Fatalf("%d requests, want the incident and 2 component updates", len(got))
	}
	inc := checkStatuspage(t, got[0].Body)
	if inc.str("incident.id") != "psn-outage" || inc.str("meta.unsubscribe") != m.Site.Unsubscribe {
		t.Errorf("incident payload: %s", got[0].Body)
	}
	if inc.str("page.status_indicator") != "critical" {
		t.Errorf("page: %s", got[0].Body)
	}
	keys := map[string]bool{}
	for i, want := range []struct{ id, old, new string }{
		{"jp-psn", "operational", "major_outage"},
		{"jp-store", "degraded_performance", "partial_outage"},
	} {
		c := checkStatuspage(t, got[i+1].Body)
		if c.str("component.id") != want.id || c.str("component_update.old_status") != want.old || c.str("component_update.new_status") != want.new {
			t.Errorf("component payload %d: %s", i, got[i+1].Body)
		}
		if c.str("component_update.created_at") != "2011-05-14T14:00:00.000Z" {
			t.Errorf("created_at %q", c.str("component_update.created_at"))
		}
		if c.has("incident") {
			t.Errorf("component payload has an incident")
		}
	}
	for _, r := range got {
		keys[r.Header.Get("Idempotency-Key")] = true
	}
	if len(keys) != 3 {
		t.Errorf("%d distinct idempotency keys for 3 payloads", len(keys))
	}

	noUnsub := sampleMessage()
	noUnsub.Site.Unsubscribe = ""
	if d := checkStatuspage(t, sent(t, "webhook", noUnsub)[0].Body); d.has("meta.unsubscribe") {
		t.Errorf("meta.unsubscribe present without an unsubscribe URL")
	}
}

func TestStatuspageWebhookWithoutShape(t *testing.T) {
	r := newReceiver(t, okReplies["webhook"])
	ch := testChannel(t, "webhook", r, "/hook")
	m := sampleMessage()
	m.Hooks = nil
	err := deliver(t, ch, m, testEnv(r, ""))
	if err == nil || len(r.requests()) != 0 {
		t.Fatalf("err %v after %d requests, want an error and none", err, len(r.requests()))
	}
}

func TestHostileMessage(t *testing.T) {
	for _, svc := range chatServices {
		t.Run(svc.typ, func(t *testing.T) {
			got := sent(t, svc.typ, hostileMessage())
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			d := svc.check(t, got[0].Body)
			hostileChecks[svc.typ](t, d, string(got[0].Body))
		})
	}
}

var hostileChecks = map[string]func(*testing.T, doc, string){
	"slack": func(t *testing.T, d doc, body string) {
		// mrkdwn is checked escaped by checkSlack; the header is
		// plain_text, shown as written.
		if s := d.str("text"); strings.Contains(s, "<script>") || strings.Contains(s, "<!channel>") {
			t.Errorf("markup passed unescaped into the notification text")
		}
		if s := d.str("blocks.0.text.text"); !strings.HasSuffix(s, ellipsis) {
			t.Errorf("header not cut: %d characters", width(s))
		}
		if s := d.str("attachments.0.blocks.1.text.text"); !strings.HasSuffix(s, ellipsis) || width(s) > 3000 {
			t.Errorf("body not cut to 3000: %d characters", width(s))
		}
	},
	"teams": func(t *testing.T, d doc, body string) {
		if !strings.Contains(body, ellipsis) {
			t.Errorf("nothing was cut to fit 28 KB")
		}
		// Plain text runs show as written: nothing to escape, all kept.
		if !strings.Contains(body, `<script>alert(\"x\")</script>`) {
			t.Errorf("the text was altered")
		}
	},
	"discord": func(t *testing.T, d doc, body string) {
		desc := d.str("embeds.0.description")
		if !strings.Contains(desc, ellipsis) || !strings.HasSuffix(d.str("embeds.0.title"), ellipsis) {
			t.Errorf("description or title not cut")
		}
		if !strings.HasSuffix(desc, "[View \"this\" \\<update\\> & more](https://status.example.com/incidents/psn-outage/#2011-05-14-restored)") {
			t.Errorf("the link did not survive the cut: %q", desc[max(0, len(desc)-100):])
		}
		if !strings.Contains(desc, `\*bold\*`) || strings.Contains(desc, "a\\_b\\_c") {
			t.Errorf("Markdown escaped wrongly (outside or inside addresses)")
		}
	},
	"mattermost": func(t *testing.T, d doc, body string) {
		for _, p := range []string{"attachments.0.text", "attachments.0.title", "attachments.0.footer", "attachments.0.fallback"} {
			s := d.str(p)
			for _, mention := range []string{"@everyone", "@here", "@channel", "@all"} {
				if strings.Contains(s, mention) {
					t.Errorf("%s: %s would notify", p, mention)
				}
			}
		}
	},
	"google_chat": func(t *testing.T, d doc, body string) {
		// The paragraphs' HTML is checked by checkGoogleChat; this is
		// that the text is there, escaped, and cut.
		s := d.str("cardsV2.0.card.sections.0.widgets.1.textParagraph.text")
		if !strings.Contains(s, "&lt;script&gt;") || !strings.HasSuffix(s, ellipsis) {
			t.Errorf("body not escaped or not cut: %.100q", s)
		}
	},
}
