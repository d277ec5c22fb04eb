package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmcdole/gofeed"

	"statusgen/generator/build"
	"statusgen/generator/deploy"
	"statusgen/generator/publish"
	"statusgen/generator/status"
)

// A site of two regions in two languages and two services, with five
// targets: the whole site on Slack, Japan on Slack, the shop service on
// a Statuspage-shaped webhook, Europe by email, and a WebSub hub.

const runSiteYAML = `title: Example Status
base_url: https://status.example.com/
timezone: UTC
regions:
  - id: eu
    name: Europe
    timezone: Europe/London
  - id: jp
    name: Japan
    language: ja
    timezone: Asia/Tokyo
services:
  - id: net
    name: Network
  - id: shop
    name: Shop
notify:
  - {type: slack, name: everything, url_env: HOOK_ALL}
  - {type: slack, name: japan, url_env: HOOK_JP, regions: [jp]}
  - {type: webhook, name: shop, url_env: HOOK_SHOP, services: [shop]}
  - {type: email, name: europe, to: status-eu@lists.example.com, from: status@example.com, smtp_env: SMTP_URL, regions: [eu], unsubscribe: "https://example.com/leave"}
  - {type: websub, name: hub, url: "%s"}
`

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// runSite is a site under test with its receivers.
type runSite struct {
	t       *testing.T
	dir     string
	out     string
	ledger  string
	hooks   map[string]*receiver // by variable
	hub     *receiver
	mailbox *mailbox
	env     Env
}

func newRunSite(t *testing.T) *runSite {
	t.Helper()
	s := &runSite{t: t, dir: t.TempDir(), hooks: map[string]*receiver{}, mailbox: &mailbox{user: "mailer", pass: "s3cret:pw"}}
	s.out = filepath.Join(t.TempDir(), "public")
	s.ledger = filepath.Join(t.TempDir(), "ledger")
	vars := map[string]string{}
	for _, v := range []string{"HOOK_ALL", "HOOK_JP", "HOOK_SHOP"} {
		s.hooks[v] = newReceiver(t, reply{status: 200, body: "ok"})
		vars[v] = s.hooks[v].URL + "/services/T000/B000/secret-token-" + strings.ToLower(v)
	}
	s.hub = newReceiver(t, reply{status: 204})
	addr := serveSMTP(t, "plain", s.mailbox)
	vars["SMTP_URL"] = "smtp://mailer:" + url.QueryEscape("s3cret:pw") + "@" + addr
	s.env = Env{Getenv: func(k string) string { return vars[k] }, Client: s.hub.Client(),
		Retry: func(int) time.Duration { return time.Millisecond }}
	s.write("content/site.yaml", fmt.Sprintf(runSiteYAML, s.hub.URL+"/hub"))
	return s
}

func (s *runSite) write(name, text string) {
	s.t.Helper()
	full := filepath.Join(s.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// post writes a post; region and service are YAML values.
func (s *runSite) post(name, incident, region, service, state string, at time.Time, title, extra string) {
	s.write("content/"+name+".md", fmt.Sprintf("---\ntitle: %q\nincident: %s\nregion: %s\nservice: %s\nstate: %s\ntimestamp: %s\n%s---\n%s: see [the details](/incidents/%s/).\n",
		title, incident, region, service, state, at.Format(time.RFC3339), extra, title, incident))
}

func (s *runSite) options() build.Options {
	return build.Options{Site: os.DirFS(s.dir), Defaults: os.DirFS("../..")}
}

// buildAt builds the site as of now into out, as statusgen build does.
func (s *runSite) buildAt(now time.Time) {
	s.t.Helper()
	opts := s.options()
	opts.Now = now
	_, err := publish.Publish(s.out, now, func(emit func(string, []byte) error) error {
		_, err := build.Generate(opts, emit)
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

// run runs notify and returns each target's result by name.
func (s *runSite) run(dryRun bool) (map[string]Result, string) {
	s.t.Helper()
	site := s.site()
	var log bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	results, err := Run(ctx, Options{Build: s.options(), Out: s.out, Ledger: s.ledger, Targets: site.Notify,
		DryRun: dryRun, Env: s.env, Log: &log, Deadline: 30 * time.Second})
	if err != nil {
		s.t.Fatal(err)
	}
	byName := map[string]Result{}
	for _, r := range results {
		byName[r.Target] = r
	}
	return byName, log.String()
}

func (s *runSite) site() *status.Site {
	s.t.Helper()
	l, err := build.Load(s.options())
	if err != nil {
		s.t.Fatal(err)
	}
	return l.Build().Status().Site
}

// slack returns the headlines a Slack receiver got since the last call.
func (s *runSite) slack(v string) []string {
	s.t.Helper()
	r := s.hooks[v]
	var out []string
	for _, req := range r.requests() {
		var p struct {
			Blocks []struct {
				Text struct{ Text string }
			}
		}
		if err := json.Unmarshal(req.Body, &p); err != nil {
			s.t.Fatalf("%s: %v", v, err)
		}
		out = append(out, p.Blocks[0].Text.Text)
	}
	r.mu.Lock()
	r.got = nil
	r.mu.Unlock()
	return out
}

// feedTitles returns the item titles of a built feed.
func (s *runSite) feedTitles(name string) []string {
	s.t.Helper()
	f, err := os.Open(filepath.Join(s.out, filepath.FromSlash(name)))
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	feed, err := gofeed.NewParser().Parse(f)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, it := range feed.Items {
		out = append(out, it.Title)
	}
	return out
}

// bodies returns the raw bodies a receiver got since the last call.
func (s *runSite) bodies(r *receiver) []string {
	var out []string
	for _, req := range r.requests() {
		out = append(out, string(req.Body))
	}
	r.mu.Lock()
	r.got = nil
	r.mu.Unlock()
	return out
}

// mails returns the messages the mailbox got since the last call.
func (s *runSite) mails() []parsed {
	s.t.Helper()
	var out []parsed
	for _, d := range s.mailbox.received() {
		out = append(out, parse(s.t, d.data))
	}
	s.mailbox.mu.Lock()
	s.mailbox.got = nil
	s.mailbox.mu.Unlock()
	return out
}

func sentCounts(t *testing.T, results map[string]Result, want map[string]int) {
	t.Helper()
	for name, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", name, r.Err)
		}
		if r.Sent != want[name] {
			t.Errorf("%s: sent %d, want %d", name, r.Sent, want[name])
		}
	}
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// TestRunIncident follows an incident from a first run on a site with
// history to its resolution: each target hears of what touches its
// scope, in its language, once, and a target that was down hears of
// what it missed on the next run.
func TestRunIncident(t *testing.T) {
	s := newRunSite(t)
	// History: an incident of last month, and one begun 30 minutes ago.
	s.post("old-1", "old", "eu", "net", "major_outage", t0.Add(-40*24*time.Hour), "Network down in Europe", "")
	s.post("old-2", "old", "eu", "net", "operational", t0.Add(-40*24*time.Hour+2*time.Hour), "Network restored in Europe", "")
	s.post("fiber-1", "fiber", "jp", "net", "major_outage", t0.Add(-30*time.Minute), "Fiber cut near Tokyo", "")
	s.buildAt(t0)

	// The first run tells of the last hour only.
	results, _ := s.run(false)
	sentCounts(t, results, map[string]int{"everything": 1, "japan": 1, "hub": 1})
	same(t, "everything", s.slack("HOOK_ALL"), []string{"Japan · Network: Major outage — Fiber cut near Tokyo"})
	same(t, "japan", s.slack("HOOK_JP"), []string{"Japan · Network：重大な障害 — Fiber cut near Tokyo"})
	if len(s.bodies(s.hooks["HOOK_SHOP"])) != 0 || len(s.mails()) != 0 {
		t.Error("the shop webhook or the Europe list heard of Japan's network")
	}
	same(t, "hub pings", s.bodies(s.hub), []string{
		"hub.mode=publish&hub.url=https%3A%2F%2Fstatus.example.com%2Ffeed.xml",
		"hub.mode=publish&hub.url=https%3A%2F%2Fstatus.example.com%2Fatom.xml",
		"hub.mode=publish&hub.url=https%3A%2F%2Fstatus.example.com%2Fregions%2Fjp%2Ffeed.xml",
		"hub.mode=publish&hub.url=https%3A%2F%2Fstatus.example.com%2Fregions%2Fjp%2Fatom.xml",
		"hub.mode=publish&hub.url=https%3A%2F%2Fstatus.example.com%2Fservices%2Fnet%2Ffeed.xml",
		"hub.mode=publish&hub.url=https%3A%2F%2Fstatus.example.com%2Fservices%2Fnet%2Fatom.xml",
	})

	// Worded exactly as the scope's feed words the update.
	same(t, "the Japan feed", s.feedTitles("regions/jp/feed.xml"), []string{"Japan · Network：重大な障害 — Fiber cut near Tokyo"})
	same(t, "the site's feed", s.feedTitles("feed.xml"), []string{"Japan · Network: Major outage — Fiber cut near Tokyo", "[Resolved] Europe · Network: Operational — Network restored in Europe", "Europe · Network: Major outage — Network down in Europe"})

	// A rerun, as a CI retry makes, sends nothing.
	results, _ = s.run(false)
	sentCounts(t, results, map[string]int{})
	if n := len(s.slack("HOOK_ALL")) + len(s.slack("HOOK_JP")) + len(s.bodies(s.hub)); n != 0 {
		t.Errorf("a rerun sent %d messages", n)
	}

	// Europe goes down too, while the mail server refuses mail.
	s.post("fiber-2", "fiber", "[eu, jp]", "net", "major_outage", t0.Add(10*time.Minute), "Network down in Europe and Japan", "stage: identified\n")
	s.buildAt(t0.Add(15 * time.Minute))
	s.mailbox.mu.Lock()
	s.mailbox.refuse = map[string]*smtp.SMTPError{"rcpt": {Code: 550, Message: "mailbox unavailable"}}
	s.mailbox.mu.Unlock()
	results, _ = s.run(false)
	if r := results["europe"]; r.Err == nil || r.Sent != 0 || r.Pending != 1 || strings.Contains(r.Err.Error(), "s3cret") {
		t.Errorf("europe, with its server refusing: %+v", r)
	}
	delete(results, "europe")
	sentCounts(t, results, map[string]int{"everything": 1, "japan": 1, "hub": 1})
	same(t, "everything", s.slack("HOOK_ALL"), []string{"Europe, Japan · Network: Major outage — Network down in Europe and Japan"})
	same(t, "japan", s.slack("HOOK_JP"), []string{"Japan · Network：重大な障害 — Network down in Europe and Japan"})
	s.bodies(s.hub)

	// The server is back: the next run sends Europe what it missed, and
	// nothing again to the others.
	s.mailbox.mu.Lock()
	s.mailbox.refuse = nil
	s.mailbox.mu.Unlock()
	results, _ = s.run(false)
	sentCounts(t, results, map[string]int{"europe": 1})
	first := s.mails()
	if len(first) != 1 {
		t.Fatalf("europe got %d mails", len(first))
	}
	m := first[0]
	if got := m.subject; got != "[Europe] Fiber cut near Tokyo" {
		t.Errorf("subject %q", got)
	}
	if !strings.Contains(m.text, "Europe · Network: Major outage — Network down in Europe and Japan") ||
		!strings.Contains(m.text, "GMT") || strings.Contains(m.text, "Japan ·") {
		t.Errorf("the Europe mail is not worded for Europe:\n%s", m.text)
	}
	if got := m.header.Get("List-Unsubscribe"); got != "<https://example.com/leave>" {
		t.Errorf("List-Unsubscribe %q", got)
	}
	if len(s.slack("HOOK_ALL"))+len(s.slack("HOOK_JP")) != 0 {
		t.Error("the others heard again")
	}

	// Resolved everywhere: each hears of it, the mail in the same thread.
	s.post("fiber-3", "fiber", "all", "net", "operational", t0.Add(time.Hour), "Network restored", "")
	s.buildAt(t0.Add(65 * time.Minute))
	results, _ = s.run(false)
	sentCounts(t, results, map[string]int{"everything": 1, "japan": 1, "europe": 1, "hub": 1})
	same(t, "everything", s.slack("HOOK_ALL"), []string{"[Resolved] Europe, Japan · Network: Operational — Network restored"})
	same(t, "japan", s.slack("HOOK_JP"), []string{"[解決済み] Japan · Network：正常 — Network restored"})
	last := s.mails()
	if len(last) != 1 {
		t.Fatalf("europe got %d mails", len(last))
	}
	if got, want := last[0].header.Get("In-Reply-To"), m.header.Get("Message-ID"); got != want || got == "" {
		t.Errorf("the resolution replies to %q, the first mail was %q", got, want)
	}
	if got := last[0].subject; got != m.subject {
		t.Errorf("the subject changed within the thread: %q", got)
	}
}

// TestRunMaintenance: planned work is announced when it becomes public,
// again when it starts and when its window ends, to the targets of its
// scope only; the webhook gets Statuspage's maintenance shapes.
func TestRunMaintenance(t *testing.T) {
	s := newRunSite(t)
	start := t0.Add(48 * time.Hour)
	s.post("upgrade", "shop-upgrade", "[eu, jp]", "shop", "maintenance", start, "Shop upgrade",
		"until: "+start.Add(2*time.Hour).Format(time.RFC3339)+"\n")
	steps := []struct {
		at                time.Time
		everything, japan string
		webhook           string // the incident's status in the webhook's payload
		components        []string
	}{
		{t0, "[Scheduled] Europe, Japan · Shop: Under maintenance — Shop upgrade", "[予定] Japan · Shop：メンテナンス中 — Shop upgrade", "scheduled", nil},
		{start.Add(10 * time.Minute), "[In progress] Europe, Japan · Shop: Under maintenance — Shop upgrade", "[実施中] Japan · Shop：メンテナンス中 — Shop upgrade", "in_progress", []string{"eu.shop operational->under_maintenance", "jp.shop operational->under_maintenance"}},
		{start.Add(3 * time.Hour), "[Completed] Europe, Japan · Shop: Under maintenance — Shop upgrade", "[完了] Japan · Shop：メンテナンス中 — Shop upgrade", "completed", nil},
	}
	var first string // the Message-ID of Europe's first mail
	for _, step := range steps {
		s.buildAt(step.at)
		results, _ := s.run(false)
		sentCounts(t, results, map[string]int{"everything": 1, "japan": 1, "shop": 1, "europe": 1, "hub": b2i(step.webhook == "in_progress")})
		same(t, "everything", s.slack("HOOK_ALL"), []string{step.everything})
		same(t, "japan", s.slack("HOOK_JP"), []string{step.japan})
		hooks := s.bodies(s.hooks["HOOK_SHOP"])
		if len(hooks) != 1+len(step.components) {
			t.Fatalf("%s: the webhook got %d calls, want %d", step.webhook, len(hooks), 1+len(step.components))
		}
		var inc struct {
			Incident struct {
				Status, Impact string
				ScheduledFor   string `json:"scheduled_for"`
			}
		}
		if err := json.Unmarshal([]byte(hooks[0]), &inc); err != nil {
			t.Fatal(err)
		}
		if inc.Incident.Status != step.webhook || inc.Incident.Impact != "maintenance" || inc.Incident.ScheduledFor != start.Format(time.RFC3339) {
			t.Errorf("the webhook's incident: %+v", inc.Incident)
		}
		for i, want := range step.components {
			id, change, _ := strings.Cut(want, " ")
			from, to, _ := strings.Cut(change, "->")
			if !strings.Contains(hooks[1+i], `"old_status":"`+from+`"`) || !strings.Contains(hooks[1+i], `"new_status":"`+to+`"`) ||
				!strings.Contains(hooks[1+i], `"component_id":"`+id+`"`) {
				t.Errorf("component update %s", hooks[1+i])
			}
		}
		// Europe's list gets the three in one thread, in English.
		mails := s.mails()
		if len(mails) != 1 {
			t.Fatalf("europe got %d mails", len(mails))
		}
		if first == "" {
			first = mails[0].header.Get("Message-ID")
		} else if got := mails[0].header.Get("In-Reply-To"); got != first {
			t.Errorf("%s: In-Reply-To %q, want the announcement's %q", step.webhook, got, first)
		}
		if !strings.Contains(mails[0].text, "Mar 3, 2026, 00:00 GMT to Mar 3, 2026, 02:00 GMT") {
			t.Errorf("the window in Europe's time:\n%s", mails[0].text)
		}
		s.bodies(s.hub)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRunDryRun prints what a run would send and records nothing.
func TestRunDryRun(t *testing.T) {
	s := newRunSite(t)
	s.post("fiber-1", "fiber", "jp", "net", "major_outage", t0.Add(-time.Minute), "Fiber cut near Tokyo", "")
	s.buildAt(t0)
	results, log := s.run(true)
	sentCounts(t, results, map[string]int{"everything": 1, "japan": 1, "hub": 1})
	for _, want := range []string{"japan: update fiber#fiber-1", "Japan · Network：重大な障害 — Fiber cut near Tokyo", "JST", "https://status.example.com/incidents/fiber/#fiber-1"} {
		if !strings.Contains(log, want) {
			t.Errorf("the dry run does not show %q:\n%s", want, log)
		}
	}
	if len(s.slack("HOOK_ALL"))+len(s.slack("HOOK_JP"))+len(s.bodies(s.hub)) != 0 {
		t.Error("a dry run sent")
	}
	results, _ = s.run(false)
	sentCounts(t, results, map[string]int{"everything": 1, "japan": 1, "hub": 1})
}

// TestRunNotBuiltFromThesePosts: a build of other posts is refused.
func TestRunNotBuiltFromThesePosts(t *testing.T) {
	s := newRunSite(t)
	s.post("fiber-1", "fiber", "jp", "net", "major_outage", t0.Add(-time.Minute), "Fiber cut near Tokyo", "")
	s.buildAt(t0)
	s.post("fiber-2", "fiber", "jp", "net", "operational", t0.Add(-30*time.Second), "Fixed", "")
	_, err := Run(context.Background(), Options{Build: s.options(), Out: s.out, Ledger: s.ledger, Targets: s.site().Notify, Env: s.env, Log: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "was not built from these posts") {
		t.Fatalf("err = %v", err)
	}
	if len(s.slack("HOOK_ALL")) != 0 {
		t.Error("sent anyway")
	}
}

// TestRunChecksTheDeploy: with the ledger in the bucket the site is
// deployed to, a build the bucket does not hold is not announced.
func TestRunChecksTheDeploy(t *testing.T) {
	s := newRunSite(t)
	bucket := fakeS3(t)
	s.post("fiber-1", "fiber", "jp", "net", "major_outage", t0.Add(-time.Minute), "Fiber cut near Tokyo", "")
	s.buildAt(t0)
	opts := Options{Build: s.options(), Out: s.out, Ledger: bucket, Deploys: []string{bucket}, Targets: s.site().Notify, Env: s.env, Log: &bytes.Buffer{}}
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "deploy, then notify") {
		t.Fatalf("before the deploy: %v", err)
	}
	target := &status.DeployTarget{Name: "main", URL: bucket, MaxAge: 60, StaleIfError: 60}
	if _, err := deploy.Run(context.Background(), deploy.Options{Env: deploy.DefaultEnv(), Out: s.out, Targets: []*status.DeployTarget{target}, MaxDeletes: -1, Log: &bytes.Buffer{}, Errors: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	results, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Target, r.Err)
		}
	}
	if got := s.slack("HOOK_JP"); len(got) != 1 {
		t.Errorf("japan got %q", got)
	}
	// A new build not deployed yet is refused again.
	s.post("fiber-2", "fiber", "jp", "net", "operational", t0.Add(time.Minute), "Fixed", "")
	s.buildAt(t0.Add(2 * time.Minute))
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "does not hold this build") {
		t.Fatalf("a build not deployed: %v", err)
	}
}

// TestRunTwoAtOnce: two runs of the same build at the same moment, as two
// CI jobs would make, deliver each message once between them.
func TestRunTwoAtOnce(t *testing.T) {
	s := newRunSite(t)
	s.post("fiber-1", "fiber", "[eu, jp]", "[net, shop]", "major_outage", t0.Add(-time.Minute), "Everything down", "")
	s.post("fiber-2", "fiber", "[eu, jp]", "[net, shop]", "operational", t0.Add(-30*time.Second), "Everything back", "")
	s.buildAt(t0)
	var wg sync.WaitGroup
	totals := make([]int, 2)
	for i := range totals {
		wg.Go(func() {
			results, _ := s.run(false)
			for _, r := range results {
				if r.Err != nil {
					t.Errorf("%s: %v", r.Target, r.Err)
				}
				totals[i] += r.Sent
			}
		})
	}
	wg.Wait()
	// everything, japan, shop and europe hear of both updates; the hub
	// of both, its feeds pinged once each run that sends.
	if got := totals[0] + totals[1]; got != 10 {
		t.Errorf("the two runs sent %d and %d messages, want 10 in all", totals[0], totals[1])
	}
	if n := len(s.slack("HOOK_ALL")); n != 2 {
		t.Errorf("everything got %d messages, want 2", n)
	}
	if n := len(s.slack("HOOK_JP")); n != 2 {
		t.Errorf("japan got %d messages, want 2", n)
	}
	if n := len(s.mails()); n != 2 {
		t.Errorf("europe got %d mails, want 2", n)
	}
}

// TestRunFirstRunFailing: a target that fails on its first run, its
// variable not set yet, is owed what comes after that run, even when the
// variable is set hours later.
func TestRunFirstRunFailing(t *testing.T) {
	s := newRunSite(t)
	s.post("fiber-1", "fiber", "jp", "net", "major_outage", t0.Add(-time.Minute), "Fiber cut near Tokyo", "")
	s.buildAt(t0)
	hook := s.env.Getenv("HOOK_JP")
	get := s.env.Getenv
	s.env.Getenv = func(k string) string {
		if k == "HOOK_JP" {
			return ""
		}
		return get(k)
	}
	results, _ := s.run(false)
	if r := results["japan"]; r.Err == nil || r.Pending != 1 || !strings.Contains(r.Err.Error(), "HOOK_JP") {
		t.Fatalf("japan without its variable: %+v", r)
	}
	// Set hours later: the post of an hour after the first run is still
	// owed, though older than a first run's hour by then; so is the one
	// the failing run could not send.
	s.post("fiber-2", "fiber", "jp", "net", "operational", t0.Add(time.Hour), "Fixed", "")
	s.buildAt(t0.Add(3 * time.Hour))
	s.env.Getenv = func(k string) string {
		if k == "HOOK_JP" {
			return hook
		}
		return get(k)
	}
	s.slack("HOOK_JP")
	results, _ = s.run(false)
	if r := results["japan"]; r.Err != nil || r.Sent != 2 {
		t.Fatalf("japan with its variable: %+v", r)
	}
}

// runAt runs notify with the clock at the build instant, as in production
// (a build is made, deployed and announced within minutes).
func (s *runSite) runAt(now time.Time) map[string]Result {
	s.t.Helper()
	var log bytes.Buffer
	results, err := Run(context.Background(), Options{Build: s.options(), Out: s.out, Ledger: s.ledger, Targets: s.site().Notify,
		Env: s.env, Log: &log, Deadline: 30 * time.Second, Clock: func() time.Time { return now }})
	if err != nil {
		s.t.Fatal(err)
	}
	byName := map[string]Result{}
	for _, r := range results {
		byName[r.Target] = r
	}
	return byName
}

func (s *runSite) readSiteYAML() string {
	data, err := os.ReadFile(filepath.Join(s.dir, "content", "site.yaml"))
	if err != nil {
		s.t.Fatal(err)
	}
	return string(data)
}

// Planned work announced more than 30 days ahead (no announced:) is
// announced once: the ledger keeps the record while the work is to come.
func TestRunScheduledFarAhead(t *testing.T) {
	s := newRunSite(t)
	start := t0.Add(45 * 24 * time.Hour)
	s.post("upgrade", "shop-upgrade", "jp", "shop", "maintenance", start, "Shop upgrade",
		"until: "+start.Add(2*time.Hour).Format(time.RFC3339)+"\n")
	var got []string
	for _, at := range []time.Time{t0, t0.Add(31 * 24 * time.Hour), t0.Add(32 * 24 * time.Hour)} {
		s.buildAt(at)
		s.runAt(at)
		got = append(got, s.slack("HOOK_JP")...)
	}
	if len(got) != 1 {
		t.Errorf("japan got %d messages, want 1 announcement:\n%q", len(got), got)
	}
}

// A target limited to regions and services is told of services it does
// not follow, and not told that its own are resolved.
func TestRunRegionsAndServices(t *testing.T) {
	s := newRunSite(t)
	s.write("content/site.yaml", strings.Replace(s.readSiteYAML(), "regions: [jp]}", "regions: [eu, jp], services: [net]}", 1))
	s.post("all-1", "wide", "[eu, jp]", "[net, shop]", "major_outage", t0.Add(-20*time.Minute), "Down", "")
	s.post("all-2", "wide", "[eu, jp]", "net", "operational", t0.Add(-10*time.Minute), "Network back", "")
	s.buildAt(t0)
	s.runAt(t0)
	got := s.slack("HOOK_JP")
	same(t, "net in eu and jp", got, []string{"Europe, Japan · Network: Major outage — Down", "[Resolved] Europe, Japan · Network: Operational — Network back"})
}

// A target following a declared region group is worded as that group's
// feed: its language is the site's.
func TestRunRegionGroupLanguage(t *testing.T) {
	s := newRunSite(t)
	y := strings.Replace(s.readSiteYAML(), "regions: [jp]}", "regions: [asia]}", 1)
	y = strings.Replace(y, "services:\n", "region_groups:\n  - {id: asia, name: Asia, regions: [jp]}\n  - {id: europe-g, name: Europe group, regions: [eu]}\nservices:\n", 1)
	s.write("content/site.yaml", y)
	s.post("fiber-1", "fiber", "jp", "net", "major_outage", t0.Add(-10*time.Minute), "Fiber cut", "")
	s.buildAt(t0)
	s.runAt(t0)
	same(t, "the asia feed", s.feedTitles("regions/asia/feed.xml"), s.slack("HOOK_JP"))
}

// One message the receiver refuses for good (413: a proxy's body limit,
// 400: a payload it rejects) blocks every later message to the target,
// run after run: the next incident never reaches it.
func TestRunRefusedMessage(t *testing.T) {
	s := newRunSite(t)
	s.post("big-1", "big", "jp", "net", "major_outage", t0.Add(-20*time.Minute), "Huge", "")
	s.buildAt(t0)
	jp := s.hooks["HOOK_JP"]
	jp.mu.Lock()
	jp.ok = reply{status: 413, body: "Request Entity Too Large"}
	jp.mu.Unlock()
	s.runAt(t0)
	jp.mu.Lock()
	jp.ok = reply{status: 200, body: "ok"} // only "Huge" is refused from now on
	jp.replies = []reply{{status: 413}}
	jp.mu.Unlock()
	s.post("next-1", "next", "jp", "shop", "major_outage", t0.Add(30*time.Minute), "Shop down", "")
	s.buildAt(t0.Add(35 * time.Minute))
	r := s.runAt(t0.Add(35 * time.Minute))["japan"]
	got := s.slack("HOOK_JP")
	t.Logf("japan: %v; pending %d", r.Err, r.Pending)
	if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "Shop down") }) {
		t.Errorf("the next incident never reached japan; it got %q", got)
	}
	if r.Refused != 1 || r.Err == nil || !strings.Contains(r.Err.Error(), "1 message refused for good") || r.Pending != 0 {
		t.Errorf("japan's result: %+v", r)
	}
	// Recorded: the next run does not try it again.
	if r := s.runAt(t0.Add(40 * time.Minute))["japan"]; r.Err != nil || r.Sent != 0 {
		t.Errorf("the run after: %+v", r)
	}
	if got := s.slack("HOOK_JP"); len(got) != 0 {
		t.Errorf("japan got %q again", got)
	}
}
