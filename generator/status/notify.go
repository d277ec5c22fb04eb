package status

// NotifyTarget is one place `statusgen notify` tells of new updates: a
// chat webhook, a Statuspage-shaped webhook, a mailing address or a
// WebSub hub, limited to some regions and services if it says so. Its
// secrets (webhook URLs, SMTP passwords) come from the environment
// variables it names, never from site.yaml.
type NotifyTarget struct {
	Type   string // one of NotifyTypes
	Name   string // unique in the site; given, or made of the type and where it sends
	URLEnv string // the variable holding the webhook URL (chat and webhook types)
	URL    string // websub: the hub; "" means the site's websub_hub
	// Email: the recipient, the sender ("" for one made from the SMTP
	// user or the site's host) and the variable holding
	// smtp://user:password@host:port or smtps://….
	To, From, SMTPEnv string
	Unsubscribe       string // a URL or mailto: readers leave by; shown and sent as List-Unsubscribe
	// Regions and Services limit the target to updates that set a pair of
	// theirs; each lists ids of regions (services) or of their groups.
	// Empty means all.
	Regions, Services []string
	// Maintenance lists which moments of planned work are announced:
	// "scheduled", "started", "completed". All three unless set.
	Maintenance []string
	Line        int // where the target starts in site.yaml
}

// NotifyTypes are the kinds of notify targets.
var NotifyTypes = []string{"slack", "teams", "discord", "mattermost", "google_chat", "webhook", "email", "websub"}

// MaintenanceEvents are the moments of planned work a target may be told of.
var MaintenanceEvents = []string{"scheduled", "started", "completed"}
