package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"statusgen/generator/status"
)

// A fake secret in the webhook's path and query: no error may show it.
const secretPath = "/services/T0SECRET/B0SECRET/xoxSECRETtoken123?sig=SIGsecret456&sp=/triggers/run"

var secrets = []string{"T0SECRET", "B0SECRET", "xoxSECRETtoken123", "SIGsecret456", "triggers", "/services/"}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	t.Logf("error: %v", err)
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error shows %q: %v", s, err)
		}
	}
}

func TestDeliverRetriesServerErrors(t *testing.T) {
	r := newReceiver(t, reply{status: 200, body: "ok"}, reply{status: 500, body: "rollup_error"})
	ch := testChannel(t, "slack", r, "/hook")
	if err := deliver(t, ch, sampleMessage(), testEnv(r, "")); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got := r.requests()
	if len(got) != 2 {
		t.Fatalf("%d attempts, want 2", len(got))
	}
	if got[0].Header.Get("Idempotency-Key") != got[1].Header.Get("Idempotency-Key") {
		t.Errorf("the retry has another idempotency key")
	}
	if string(got[0].Body) != string(got[1].Body) {
		t.Errorf("the retry sent another payload")
	}
}

func TestDeliverGivesUpAfterFourAttempts(t *testing.T) {
	r := newReceiver(t, reply{status: 502, body: "<html>Bad Gateway</html>"})
	ch := testChannel(t, "discord", r, "/hook")
	err := deliver(t, ch, sampleMessage(), testEnv(r, ""))
	if err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") || !strings.Contains(err.Error(), "502") {
		t.Fatalf("err = %v", err)
	}
	if n := len(r.requests()); n != 4 {
		t.Errorf("%d attempts, want 4", n)
	}
}

func TestDeliverBackoffDefault(t *testing.T) {
	var env Env
	for n, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if got := backoff(env, n+1); got != want {
			t.Errorf("backoff before retry %d = %s, want %s", n+1, got, want)
		}
	}
}

func TestDeliverHonoursRetryAfter(t *testing.T) {
	// Retry-After: 1 outweighs the injected 1 ms backoff; the second try
	// succeeds.
	r := newReceiver(t, reply{status: 204}, reply{status: 429, header: map[string]string{"Retry-After": "1"}, body: `{"retry_after":1,"global":false}`})
	ch := testChannel(t, "discord", r, "/hook")
	if err := deliver(t, ch, sampleMessage(), testEnv(r, "")); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if n := len(r.requests()); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
}

func TestDeliverRetryAfterBeyondDeadline(t *testing.T) {
	// The server asks for more time than the run has left: Deliver does
	// not wait for nothing, and says why it stopped.
	for _, tt := range []struct {
		name, retryAfter, wait string
		status                 int
	}{
		{"seconds", "30", "30s", 429},
		{"date capped at 60 s", time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat), "1m0s", 503},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newReceiver(t, reply{status: 200}, reply{status: tt.status, header: map[string]string{"Retry-After": tt.retryAfter}})
			ch := testChannel(t, "mattermost", r, "/hook")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := Deliver(ctx, ch, sampleMessage(), testEnv(r, ""))
			if err == nil || !strings.Contains(err.Error(), "in "+tt.wait+", would pass the deadline") {
				t.Fatalf("err = %v", err)
			}
			if n := len(r.requests()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2011, 5, 14, 14, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"5", 5 * time.Second},
		{" 12 ", 12 * time.Second},
		{"3600", time.Minute},
		{"99999999999999999999", 0},
		{"-3", 0},
		{"soon", 0},
		{"Sat, 14 May 2011 14:00:20 GMT", 20 * time.Second},
		{"Sat, 14 May 2011 13:00:00 GMT", 0},
		{"Sun, 15 May 2011 14:00:00 GMT", time.Minute},
	} {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestDeliverGoneWebhook(t *testing.T) {
	for _, tt := range []struct {
		typ    string
		status int
		body   string
	}{
		{"slack", 404, "no_service"},
		{"slack", 410, "channel_is_archived"},
		{"discord", 404, `{"message": "Unknown Webhook", "code": 10015}`},
		{"teams", 404, `{"error":{"code":"WorkflowNotFound"}}`},
	} {
		t.Run(tt.typ, func(t *testing.T) {
			r := newReceiver(t, reply{status: tt.status, body: tt.body})
			ch := testChannel(t, tt.typ, r, secretPath)
			err := deliver(t, ch, sampleMessage(), testEnv(r, ""))
			if n := len(r.requests()); n != 1 {
				t.Errorf("%d attempts, want 1: a deleted webhook stays deleted", n)
			}
			if err == nil || !strings.Contains(err.Error(), "no longer exists") || !strings.Contains(err.Error(), "HOOK_URL") {
				t.Errorf("err = %v", err)
			}
			var he *HTTPError
			if !errors.As(err, &he) || !he.Gone() {
				t.Errorf("err is not a gone HTTPError: %v", err)
			}
			assertNoSecret(t, err)
		})
	}
}

func TestDeliverDoesNotRetryRejectedPayload(t *testing.T) {
	for _, status := range []int{400, 401, 403, 413, 422} {
		r := newReceiver(t, reply{status: status, body: "invalid_payload"})
		ch := testChannel(t, "slack", r, "/hook")
		err := deliver(t, ch, sampleMessage(), testEnv(r, ""))
		if err == nil || !strings.Contains(err.Error(), "invalid_payload") {
			t.Errorf("%d: err = %v", status, err)
		}
		if n := len(r.requests()); n != 1 {
			t.Errorf("%d: %d attempts, want 1", status, n)
		}
	}
	for _, status := range []int{408, 425} {
		r := newReceiver(t, reply{status: 200}, reply{status: status})
		ch := testChannel(t, "slack", r, "/hook")
		if err := deliver(t, ch, sampleMessage(), testEnv(r, "")); err != nil {
			t.Errorf("%d: %v", status, err)
		}
	}
}

func TestErrorsHideTheSecret(t *testing.T) {
	// A server that echoes the URL it was called at, secret and all.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte("bad request to " + r.URL.String() + " path " + r.URL.Path + " query " + r.URL.RawQuery))
	}))
	defer echo.Close()
	r := &receiver{Server: echo}
	ch := testChannel(t, "teams", r, secretPath)
	err := deliver(t, ch, sampleMessage(), testEnv(r, ""))
	if err == nil || !strings.Contains(err.Error(), echo.URL) {
		t.Fatalf("err = %v, want it to name %s", err, echo.URL)
	}
	assertNoSecret(t, err)

	// No server at all: Go's *url.Error would print the whole URL.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	r = &receiver{Server: closed}
	ch = testChannel(t, "slack", r, secretPath)
	err = deliver(t, ch, sampleMessage(), testEnv(r, ""))
	if err == nil || !strings.Contains(err.Error(), closed.URL) {
		t.Fatalf("err = %v, want it to name %s", err, closed.URL)
	}
	assertNoSecret(t, err)

	// A URL that is not one.
	env := Env{Getenv: func(string) string { return "hooks.example.com" + secretPath }}
	_, err = NewChannel(testTarget("slack"), &status.Site{}, env)
	if err == nil || !strings.Contains(err.Error(), "HOOK_URL") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecret(t, err)
}

func TestDeliverDoesNotFollowRedirects(t *testing.T) {
	elsewhere := newReceiver(t, reply{status: 200})
	r := newReceiver(t, reply{status: 307, header: map[string]string{"Location": elsewhere.URL + "/steal"}})
	ch := testChannel(t, "mattermost", r, "/hook")
	err := deliver(t, ch, sampleMessage(), testEnv(r, ""))
	if err == nil || !strings.Contains(err.Error(), "307") {
		t.Fatalf("err = %v", err)
	}
	if n := len(elsewhere.requests()); n != 0 {
		t.Errorf("the payload followed the redirect")
	}
	if n := len(r.requests()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestDeliverStopsAtDeadline(t *testing.T) {
	// Backoff longer than the deadline: no second try.
	r := newReceiver(t, reply{status: 500})
	ch := testChannel(t, "slack", r, "/hook")
	env := testEnv(r, "")
	env.Retry = func(int) time.Duration { return time.Hour }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := Deliver(ctx, ch, sampleMessage(), env)
	if err == nil || !strings.Contains(err.Error(), "would pass the deadline") {
		t.Fatalf("err = %v", err)
	}
	if n := len(r.requests()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}

	// A server that never answers: the deadline ends the request and
	// the retries.
	r = newReceiver(t, reply{hang: true})
	ch = testChannel(t, "slack", r, "/hook")
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = Deliver(ctx, ch, sampleMessage(), testEnv(r, ""))
	if !errors.Is(err, context.DeadlineExceeded) && (err == nil || !strings.Contains(err.Error(), "deadline exceeded")) {
		t.Fatalf("err = %v", err)
	}
	if n := len(r.requests()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}

	// A cancelled run stops between tries.
	r = newReceiver(t, reply{status: 500})
	ch = testChannel(t, "slack", r, "/hook")
	env = testEnv(r, "")
	ctx, cancel = context.WithCancel(context.Background())
	env.Retry = func(int) time.Duration { cancel(); return time.Hour }
	err = Deliver(ctx, ch, sampleMessage(), env)
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("err = %v", err)
	}
	if n := len(r.requests()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestWebhookRetrySkipsDeliveredParts(t *testing.T) {
	// The incident goes through, the first component update fails once:
	// the retry posts the component updates, not the incident again.
	r := newReceiver(t, reply{status: 200}, reply{status: 200}, reply{status: 503})
	ch := testChannel(t, "webhook", r, "/hook")
	if err := deliver(t, ch, sampleMessage(), testEnv(r, "")); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	counts := map[string]int{}
	for _, req := range r.requests() {
		d := checkStatuspage(t, req.Body)
		if d.has("incident") {
			counts["incident"]++
		} else {
			counts[d.str("component.id")]++
		}
	}
	if counts["incident"] != 1 || counts["jp-psn"] != 2 || counts["jp-store"] != 1 {
		t.Errorf("posts: %v, want the incident once, jp-psn twice, jp-store once", counts)
	}
}

func TestIdempotencyKeys(t *testing.T) {
	a := idempotencyKey("slack-jp", "psn#1")
	if a != idempotencyKey("slack-jp", "psn#1") {
		t.Errorf("not stable")
	}
	for _, other := range []string{idempotencyKey("slack-eu", "psn#1"), idempotencyKey("slack-jp", "psn#2"), idempotencyKey("slack-j", "ppsn#1")} {
		if other == a {
			t.Errorf("%s: two keys alike", other)
		}
	}
}

func TestNewChannel(t *testing.T) {
	env := Env{Getenv: func(k string) string {
		return map[string]string{"GOOD": " https://hooks.example.com/x \n", "FTP": "ftp://hooks.example.com/x", "REL": "/services/x"}[k]
	}}
	for _, tt := range []struct {
		target status.NotifyTarget
		err    string
	}{
		{status.NotifyTarget{Type: "slack", Name: "s", URLEnv: "GOOD"}, ""},
		{status.NotifyTarget{Type: "google_chat", Name: "g", URLEnv: "GOOD"}, ""},
		{status.NotifyTarget{Type: "webhook", Name: "w", URLEnv: "GOOD"}, ""},
		{status.NotifyTarget{Type: "slack", Name: "s", URLEnv: "MISSING"}, `target "s": the environment variable MISSING is not set or empty`},
		{status.NotifyTarget{Type: "slack", Name: "s"}, `target "s": url_env is not set`},
		{status.NotifyTarget{Type: "teams", Name: "t", URLEnv: "FTP"}, `does not hold an absolute http(s) URL`},
		{status.NotifyTarget{Type: "discord", Name: "d", URLEnv: "REL"}, `does not hold an absolute http(s) URL`},
		{status.NotifyTarget{Type: "email", Name: "e"}, "smtp_env is not set"},
		{status.NotifyTarget{Type: "websub", Name: "h", URL: "https://hub.example.com/"}, ""},
		{status.NotifyTarget{Type: "websub", Name: "h"}, "no WebSub hub"},
		{status.NotifyTarget{Type: "sms", Name: "x"}, `unknown type "sms"`},
	} {
		ch, err := NewChannel(&tt.target, &status.Site{}, env)
		switch {
		case tt.err == "" && (err != nil || ch == nil):
			t.Errorf("%s: %v", tt.target.Type, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: err = %v, want %q", tt.target.Type, err, tt.err)
		case err != nil && strings.Contains(err.Error(), "hooks.example.com"):
			t.Errorf("error shows the URL: %v", err)
		}
	}
}
