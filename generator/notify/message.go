package notify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"time"

	"statusgen/generator/status"
)

// Event is what a message tells of.
type Event int

const (
	Update    Event = iota // an update became public
	Scheduled              // planned work was announced ahead of its start
	Started                // planned work began, as announced
	Completed              // planned work ended at the end of its window
)

var eventNames = []string{"update", "scheduled", "started", "completed"}

func (e Event) String() string { return eventNames[e] }

// Message is one event told to one target, worded for the target's scope
// as that scope's feed words it: in its language, its times in its zone.
type Message struct {
	// Key names the event within the site, stable from run to run: the
	// update's incident and anchor ("psn-outage#2011-05-14-restored"),
	// with "/scheduled", "/started" or "/completed" for those events of
	// planned work. With the
	// target's name it is the message's idempotency key.
	Key   string
	Event Event
	Time  time.Time // when the event happened: published, started or ended

	Incident      string // the incident's id
	IncidentTitle string // its title, as its page shows it
	Maintenance   bool   // the incident is planned work
	// Thread is the Key of the incident's first message to the target:
	// an email replies to it, a chat that threads puts it first.
	Thread string

	Title  string       // what and where, e.g. "Japan · PlayStation Network: Major outage — …", with the event's label
	Text   string       // the update's body as plain text, links written out
	HTML   string       // the update's body as HTML, links absolute
	When   string       // Time in the scope's zone and language, e.g. "2011-05-14 23:00 JST"
	Window string       // planned work: its window in the scope's zone and language; "" otherwise
	URL    string       // the update on its incident page
	State  status.State // what the update says, in the scope: the worst state it sets there
	Stage  status.Stage
	Lang   string // the scope's language, e.g. "ja"
	Labels Labels

	Site  SiteInfo
	Hooks *Statuspage // what a Statuspage-shaped webhook receives
	Feeds []string    // websub: the feeds (absolute URLs) that gained the update
}

// Labels are the few words messages add, in the message's language.
type Labels struct {
	View        string // the link to the update: "View this update"
	Unsubscribe string // "Unsubscribe"
	Footer      string // why the reader gets this: "You receive this because you follow Japan on PlayStation Network Status."
	State       string // the state's name: "Major outage"
	Stage       string // the stage's name: "Investigating"
	Colon       string // what stands after a label: ": ", "："
}

// SiteInfo is where the message comes from.
type SiteInfo struct {
	Title       string // the site's title
	URL         string // its address, ending in "/"
	ScopeName   string // what the target follows: "Japan", or the site's title
	ScopeURL    string // the page of the scope
	Unsubscribe string // the target's unsubscribe URL or mailto:; "" when none
}

// Statuspage is an update in the shapes of Statuspage's webhooks: the
// incident as incidents.json has it, and one change for each component
// of the scope whose status the update changed.
type Statuspage struct {
	Page       json.RawMessage // {"id","status_indicator","status_description"}
	Incident   json.RawMessage // as in incidents.json
	Components []ComponentChange
}

// ComponentChange is one component_update of Statuspage's webhooks.
type ComponentChange struct {
	ID        string          // the change's id, stable: the update's key and the component's
	Component json.RawMessage // as in components.json
	Old, New  string          // Statuspage's status words
	At        time.Time
}

// Channel delivers messages to one target.
type Channel interface {
	// Send delivers m once, or returns why not. It does not retry:
	// the caller does, with backoff, within its deadline.
	Send(ctx context.Context, m *Message) error
}

// Env is what channels reach the world through: the environment holding
// the targets' secrets, and the network. Tests point it at their own
// servers.
type Env struct {
	Getenv func(string) string
	Client *http.Client // for webhooks and hubs
	TLS    *tls.Config  // for SMTP; nil for the system's roots
	// Retry is the backoff before the n-th retry (n from 1); nil for
	// the default, 1 s doubling.
	Retry func(n int) time.Duration
}
