package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// webhookDocs is where the payloads' shape is documented: they are
// Statuspage's, so that receivers written for it work unchanged.
const webhookDocs = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"

// webhook posts to any URL what a Statuspage webhook subscriber receives:
// for each message, one incident payload, then one component payload for
// each component whose status the update changed. A part that went
// through is not posted again when Deliver retries the message; each part
// has its own Idempotency-Key, since a receiver keeps them apart.
type webhook struct {
	*hook
	mu   sync.Mutex
	sent map[string]bool // parts delivered, by idempotency key
}

type webhookMeta struct {
	Unsubscribe   string `json:"unsubscribe,omitempty"`
	Documentation string `json:"documentation"`
	GeneratedAt   string `json:"generated_at"`
}

type webhookIncident struct {
	Meta     webhookMeta     `json:"meta"`
	Page     json.RawMessage `json:"page"`
	Incident json.RawMessage `json:"incident"`
}

type webhookComponent struct {
	Meta            webhookMeta     `json:"meta"`
	Page            json.RawMessage `json:"page"`
	ComponentUpdate componentUpdate `json:"component_update"`
	Component       json.RawMessage `json:"component"`
}

type componentUpdate struct {
	CreatedAt     string `json:"created_at"`
	NewStatus     string `json:"new_status"`
	OldStatus     string `json:"old_status"`
	ID            string `json:"id"`
	ComponentType string `json:"component_type"`
	ComponentID   string `json:"component_id"`
}

func (c *webhook) Send(ctx context.Context, m *Message) error {
	if m.Hooks == nil || len(m.Hooks.Incident) == 0 {
		return permanent{fmt.Errorf("target %q: message %s has no Statuspage incident to send", c.target, m.Key)}
	}
	meta := webhookMeta{
		Unsubscribe:   m.Site.Unsubscribe,
		Documentation: webhookDocs,
		GeneratedAt:   spTime(time.Now()),
	}
	page := orNull(m.Hooks.Page)
	if err := c.part(ctx, m, "incident", webhookIncident{Meta: meta, Page: page, Incident: m.Hooks.Incident}); err != nil {
		return err
	}
	for _, ch := range m.Hooks.Components {
		var comp struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(ch.Component, &comp); err != nil {
			return permanent{fmt.Errorf("target %q: message %s: component change %s: %v", c.target, m.Key, ch.ID, err)}
		}
		body := webhookComponent{
			Meta: meta,
			Page: page,
			ComponentUpdate: componentUpdate{
				CreatedAt:     spTime(ch.At),
				NewStatus:     ch.New,
				OldStatus:     ch.Old,
				ID:            ch.ID,
				ComponentType: "Component",
				ComponentID:   comp.ID,
			},
			Component: ch.Component,
		}
		if err := c.part(ctx, m, "component/"+ch.ID, body); err != nil {
			return err
		}
	}
	return nil
}

// part posts one part of m unless an earlier try delivered it.
func (c *webhook) part(ctx context.Context, m *Message, name string, body any) error {
	key := idempotencyKey(c.target, m.Key, name)
	c.mu.Lock()
	done := c.sent[key]
	c.mu.Unlock()
	if done {
		return nil
	}
	if err := c.post(ctx, c.url, body, m, name); err != nil {
		return err
	}
	c.mu.Lock()
	c.sent[key] = true
	c.mu.Unlock()
	return nil
}

// spTime is a time as Statuspage writes it: UTC, milliseconds, Z.
func spTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}
