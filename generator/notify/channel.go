package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"statusgen/generator/status"
)

// NewChannel makes the channel that delivers to target t. A webhook's URL
// is read from the environment variable the target names, and is checked
// here, so that a missing or mistyped secret fails before anything is
// sent; no error repeats the URL.
func NewChannel(t *status.NotifyTarget, site *status.Site, env Env) (Channel, error) {
	switch t.Type {
	case "slack", "teams", "discord", "mattermost", "google_chat", "webhook":
		h, err := newHook(t, env)
		if err != nil {
			return nil, err
		}
		return newChat(t.Type, h), nil
	case "email":
		return newEmail(t, site, env)
	case "websub":
		return newWebSub(t, site, env)
	}
	return nil, fmt.Errorf("target %q: unknown type %q", t.Name, t.Type)
}

func newChat(kind string, h *hook) Channel {
	switch kind {
	case "slack":
		return &slack{h}
	case "teams":
		return &teams{h}
	case "discord":
		return &discord{h}
	case "mattermost":
		return &mattermost{h}
	case "google_chat":
		return &googleChat{h}
	}
	return &webhook{hook: h, sent: map[string]bool{}}
}

// hook is what every webhook channel has: where to post and for whom.
type hook struct {
	target string // the target's name, in errors and idempotency keys
	urlEnv string // the variable the URL came from, for errors
	url    string // secret: never in an error or a log
	env    Env
}

func newHook(t *status.NotifyTarget, env Env) (*hook, error) {
	if t.URLEnv == "" {
		return nil, fmt.Errorf("target %q: url_env is not set: name the environment variable that holds the webhook URL", t.Name)
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	raw := strings.TrimSpace(getenv(t.URLEnv))
	if raw == "" {
		return nil, fmt.Errorf("target %q: the environment variable %s is not set or empty; it must hold the webhook URL", t.Name, t.URLEnv)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("target %q: the environment variable %s does not hold an absolute http(s) URL", t.Name, t.URLEnv)
	}
	return &hook{target: t.Name, urlEnv: t.URLEnv, url: raw, env: env}, nil
}

// post sends one payload of message m, keyed by m.Key and parts.
func (h *hook) post(ctx context.Context, rawURL string, body any, m *Message, parts ...string) error {
	header := http.Header{}
	header.Set("Idempotency-Key", idempotencyKey(h.target, append([]string{m.Key}, parts...)...))
	err := postJSON(ctx, h.env, h.target, rawURL, body, header)
	var he *HTTPError
	if errors.As(err, &he) && he.Gone() {
		return fmt.Errorf("%w; make a new one and put its URL in %s", err, h.urlEnv)
	}
	return err
}

// colors are the states' colours, as sidebars and accents show them:
// operational green, maintenance blue, degraded yellow, partial outage
// orange, major outage red.
var colors = []string{"#1a7f37", "#0b62c4", "#d4a72c", "#e16f24", "#c0262d"}

func color(s status.State) string {
	if int(s) < 0 || int(s) >= len(colors) {
		return colors[status.Operational]
	}
	return colors[s]
}

// headline is the message's title, or the site's when it has none: the
// services refuse an empty title.
func headline(m *Message) string {
	for _, s := range []string{m.Title, m.IncidentTitle, m.Site.Title} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return "Status update"
}

// stateLine is what the update says, e.g. "Major outage · Investigating".
func stateLine(m *Message) string {
	return joinNonEmpty(" · ", m.Labels.State, m.Labels.Stage)
}

// whenLines are the event's time and, for planned work, its window.
func whenLines(m *Message) []string {
	var lines []string
	for _, s := range []string{m.When, m.Window} {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	return lines
}

// viewLabel is the link's label, in the message's language when given.
func viewLabel(m *Message) string {
	if s := strings.TrimSpace(m.Labels.View); s != "" {
		return s
	}
	return "View this update"
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// fallback is the message in one plain line, for notifications.
func fallback(m *Message) string {
	return joinNonEmpty(" — ", headline(m), m.When)
}
