package notify

import (
	"context"
	"fmt"
	"net/url"
	"sync"

	"statusgen/generator/status"
)

// websub tells a WebSub hub that feeds changed (the publish notification
// hubs such as pubsubhubbub.appspot.com take: hub.mode=publish and
// hub.url), so that subscribers fetch them at once. A feed is pinged once
// a run: the deployed feed holds every update of the run already.
type websub struct {
	name, hub string
	env       Env
	mu        sync.Mutex
	pinged    map[string]bool
}

func newWebSub(t *status.NotifyTarget, site *status.Site, env Env) (*websub, error) {
	hub := t.URL
	if hub == "" {
		hub = site.WebSubHub
	}
	if hub == "" {
		return nil, fmt.Errorf("target %q: no WebSub hub: give url: or the site's websub_hub", t.Name)
	}
	return &websub{name: t.Name, hub: hub, env: env, pinged: map[string]bool{}}, nil
}

func (w *websub) Send(ctx context.Context, m *Message) error {
	for _, feed := range m.Feeds {
		w.mu.Lock()
		done := w.pinged[feed]
		w.mu.Unlock()
		if done {
			continue
		}
		form := url.Values{"hub.mode": {"publish"}, "hub.url": {feed}}
		if err := post(ctx, w.env, w.name, w.hub, "application/x-www-form-urlencoded", []byte(form.Encode()), nil); err != nil {
			return err
		}
		w.mu.Lock()
		w.pinged[feed] = true
		w.mu.Unlock()
	}
	return nil
}
