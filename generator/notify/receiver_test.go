package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"statusgen/generator/status"
)

// receiver is a webhook endpoint in process: it records every request
// and answers with the scripted replies in turn, then with ok.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []request
	replies []reply
	ok      reply
}

type request struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

type reply struct {
	status int
	header map[string]string
	body   string
	hang   bool // answer nothing until the client gives up
}

func newReceiver(t *testing.T, ok reply, replies ...reply) *receiver {
	t.Helper()
	r := &receiver{ok: ok, replies: replies}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	r.got = append(r.got, request{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), body})
	rep := r.ok
	if len(r.replies) > 0 {
		rep, r.replies = r.replies[0], r.replies[1:]
	}
	r.mu.Unlock()
	if rep.hang {
		<-req.Context().Done()
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (r *receiver) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.got...)
}

// okReplies are what each service answers a message it took.
var okReplies = map[string]reply{
	"slack":       {status: 200, body: "ok"},
	"teams":       {status: 202},
	"discord":     {status: 204},
	"mattermost":  {status: 200, body: "ok"},
	"google_chat": {status: 200, body: `{"name":"spaces/AAA/messages/BBB"}`},
	"webhook":     {status: 200},
}

// testChannel makes a channel of kind typ posting to the receiver at
// path, as the target "<typ>-test" whose URL is in HOOK_URL.
func testChannel(t *testing.T, typ string, r *receiver, path string) Channel {
	t.Helper()
	ch, err := NewChannel(testTarget(typ), &status.Site{}, testEnv(r, r.URL+path))
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func testTarget(typ string) *status.NotifyTarget {
	return &status.NotifyTarget{Type: typ, Name: typ + "-test", URLEnv: "HOOK_URL"}
}

func testEnv(r *receiver, hookURL string) Env {
	return Env{
		Getenv: func(k string) string {
			if k == "HOOK_URL" {
				return hookURL
			}
			return ""
		},
		Client: r.Client(),
		Retry:  func(int) time.Duration { return time.Millisecond },
	}
}

func deliver(t *testing.T, ch Channel, m *Message, env Env) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Deliver(ctx, ch, m, env)
}

var day = time.Date(2011, 5, 14, 14, 0, 0, 0, time.UTC)

// sampleMessage is an update as the lead's code fills it: the PSN outage
// told to a target that follows Japan.
func sampleMessage() *Message {
	return &Message{
		Key:           "psn-outage#2011-05-14-restored",
		Event:         Update,
		Time:          day,
		Incident:      "psn-outage",
		IncidentTitle: "PlayStation Network outage",
		Thread:        "psn-outage#2011-04-20-outage",
		Title:         "Japan · PlayStation Network: Major outage — Investigating",
		Text: PlainText(`<p>PlayStation Network is down in Japan. See <a href="https://status.example.com/incidents/psn-outage/">the incident</a>.</p>` +
			"\n<ul>\n<li>Sign-in fails</li>\n<li>The store is closed</li>\n</ul>"),
		When:  "2011-05-14 23:00 JST",
		URL:   "https://status.example.com/incidents/psn-outage/#2011-05-14-restored",
		State: status.MajorOutage,
		Stage: status.Investigating,
		Lang:  "en",
		Labels: Labels{
			View:   "View this update",
			Footer: "You receive this because you follow Japan on PlayStation Network Status.",
			State:  "Major outage",
			Stage:  "Investigating",
		},
		Site: SiteInfo{
			Title:       "PlayStation Network Status",
			URL:         "https://status.example.com/",
			ScopeName:   "Japan",
			ScopeURL:    "https://status.example.com/regions/jp/",
			Unsubscribe: "https://status.example.com/unsubscribe/",
		},
		Hooks: &Statuspage{
			Page: json.RawMessage(`{"id":"status.example.com","status_indicator":"critical","status_description":"Major System Outage"}`),
			Incident: json.RawMessage(`{"id":"psn-outage","name":"PlayStation Network outage","status":"investigating","impact":"critical",` +
				`"created_at":"2011-04-20T14:00:00.000Z","updated_at":"2011-05-14T14:00:00.000Z","shortlink":"https://status.example.com/incidents/psn-outage/",` +
				`"page_id":"status.example.com","incident_updates":[{"id":"2011-05-14-restored","incident_id":"psn-outage","status":"investigating",` +
				`"body":"PlayStation Network is down in Japan.","created_at":"2011-05-14T14:00:00.000Z","display_at":"2011-05-14T14:00:00.000Z"}],` +
				`"components":[{"id":"jp-psn","name":"Japan · PlayStation Network","status":"major_outage"}]}`),
			Components: []ComponentChange{
				{
					ID:        "2011-05-14-restored-jp-psn",
					Component: json.RawMessage(`{"id":"jp-psn","name":"Japan · PlayStation Network","status":"major_outage","page_id":"status.example.com","group_id":null}`),
					Old:       "operational",
					New:       "major_outage",
					At:        day,
				},
				{
					ID:        "2011-05-14-restored-jp-store",
					Component: json.RawMessage(`{"id":"jp-store","name":"Japan · PlayStation Store","status":"partial_outage","page_id":"status.example.com","group_id":null}`),
					Old:       "degraded_performance",
					New:       "partial_outage",
					At:        day,
				},
			},
		},
	}
}

// hostileMessage holds what a post may hold: quotes, markup, mentions of
// everyone, emoji sequences, Japanese, and a body of 10,000 characters.
func hostileMessage() *Message {
	m := sampleMessage()
	nasty := `"Quoted" 'single' <script>alert("x")</script> <!channel> <@U123> @everyone @here @channel @all ` +
		"*bold* _em_ ~strike~ `code` [link](https://evil.example/) \\ back\\slash &amp; & < > | # heading\n"
	family := "👨‍👩‍👧‍👦"
	var b strings.Builder
	for i := 0; b.Len() < 40000; i++ {
		b.WriteString(nasty)
		b.WriteString("障害が発生しています。日本のPlayStation Networkに接続できません。" + family + "🇯🇵 ")
		b.WriteString("Café naïve ́combining e\u0301 and https://status.example.com/a_b_c?x=1&y=2 here.\n\n")
	}
	body := []rune(b.String())[:10000]
	m.Text = string(body)
	m.Title = nasty + strings.Repeat("長いタイトル"+family, 40)
	m.Labels.Footer = "@all " + strings.Repeat("フッター ", 600)
	m.Labels.State = "<b>Major</b> & \"outage\""
	m.Labels.View = `View "this" <update> & more`
	m.When = "2011年5月14日 23:00 JST <now>"
	m.Window = "@here 2011-05-15 01:00–05:00 JST"
	return m
}
