package source

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/status"
)

// notifySite is the rest of a site.yaml the notify tests write notify:
// above, so that its lines are the file's and every id a target names is
// declared below it.
const notifySite = `title: Test Status
base_url: https://status.example.com/
regions:
  - {id: na, name: North America}
  - {id: jp, name: Japan}
  - {id: de, name: Germany}
region_groups:
  - {id: americas, name: Americas, regions: [na]}
  - {id: asia, name: Asia, regions: [jp]}
  - {id: europe, name: Europe, regions: [de]}
services:
  - {id: psn, name: PlayStation Network}
  - {id: store, name: PlayStation Store}
`

// readNotify reads yml as site.yaml and returns the site and its sorted
// errors.
func readNotify(t *testing.T, yml string) (*status.Site, []string) {
	t.Helper()
	var errs ErrorList
	site := ReadSite(fstest.MapFS{SiteFile: {Data: []byte(yml)}}, "", nil, &errs)
	var lines []string
	for _, e := range errs.Sort() {
		lines = append(lines, e.Error())
	}
	return site, lines
}

var allEvents = status.MaintenanceEvents

// TestNotifyRead: the targets as written, with their default names,
// maintenance and hub, whether notify: comes before or after what it
// names.
func TestNotifyRead(t *testing.T) {
	targets := `notify:
  - type: slack
    url_env: SLACK_JP
    regions: [jp]
    maintenance: [started, scheduled]
  - {type: teams, name: ops, url_env: TEAMS_URL, services: psn, regions: [americas, de]}
  - type: email
    to: Status EU <status-eu@lists.example.com>
    from: status@example.com
    smtp_env: SMTP_URL
    regions: europe
    unsubscribe: "mailto:status-eu-leave@lists.example.com?subject=unsubscribe"
  - type: websub
  - type: websub
    name: second-hub
    url: https://hub.example.com/publish
    maintenance: []
  - {type: discord, url_env: DISCORD_URL, unsubscribe: "https://example.com/leave?from=discord"}
  - {type: mattermost, url_env: MM_URL}
  - {type: google_chat, url_env: _CHAT}
  - {type: webhook, url_env: hook_url_2}
`
	want := func(first int) []*status.NotifyTarget {
		return []*status.NotifyTarget{
			{Type: "slack", Name: "slack-slack-jp", URLEnv: "SLACK_JP", Regions: []string{"jp"}, Maintenance: []string{"scheduled", "started"}, Line: first + 1},
			{Type: "teams", Name: "ops", URLEnv: "TEAMS_URL", Regions: []string{"americas", "de"}, Services: []string{"psn"}, Maintenance: allEvents, Line: first + 5},
			{Type: "email", Name: "email-status-eu@lists.example.com", To: "Status EU <status-eu@lists.example.com>", From: "status@example.com", SMTPEnv: "SMTP_URL",
				Regions: []string{"europe"}, Unsubscribe: "mailto:status-eu-leave@lists.example.com?subject=unsubscribe", Maintenance: allEvents, Line: first + 6},
			{Type: "websub", Name: "websub", URL: "https://hub.example.com/", Maintenance: allEvents, Line: first + 12},
			{Type: "websub", Name: "second-hub", URL: "https://hub.example.com/publish", Maintenance: []string{}, Line: first + 13},
			{Type: "discord", Name: "discord-discord-url", URLEnv: "DISCORD_URL", Unsubscribe: "https://example.com/leave?from=discord", Maintenance: allEvents, Line: first + 17},
			{Type: "mattermost", Name: "mattermost-mm-url", URLEnv: "MM_URL", Maintenance: allEvents, Line: first + 18},
			{Type: "google_chat", Name: "google_chat--chat", URLEnv: "_CHAT", Maintenance: allEvents, Line: first + 19},
			{Type: "webhook", Name: "webhook-hook-url-2", URLEnv: "hook_url_2", Maintenance: allEvents, Line: first + 20},
		}
	}
	hub := "websub_hub: https://hub.example.com/\n"
	for _, order := range []struct {
		name, yml string
		first     int
	}{
		{"notify first", targets + notifySite + hub, 1},
		{"notify last", hub + notifySite + targets, 2 + strings.Count(notifySite, "\n")},
	} {
		t.Run(order.name, func(t *testing.T) {
			site, errs := readNotify(t, order.yml)
			if errs != nil {
				t.Fatalf("errors:\n%s", strings.Join(errs, "\n"))
			}
			if !reflect.DeepEqual(site.Notify, want(order.first)) {
				for i, n := range site.Notify {
					t.Logf("got %d: %+v", i, *n)
				}
				t.Fatal("targets differ")
			}
		})
	}
}

// TestNotifyAbsent: without notify:, nothing is there, not even an empty
// list.
func TestNotifyAbsent(t *testing.T) {
	site, errs := readNotify(t, notifySite)
	if errs != nil || site.Notify != nil {
		t.Fatalf("errors %v, notify %v", errs, site.Notify)
	}
}

func TestNotifyErrors(t *testing.T) {
	const p = "content/site.yaml:"
	const known = "known keys: type, name, url_env, url, to, from, smtp_env, unsubscribe, regions, services, maintenance"
	tests := []struct {
		name, yml string
		want      []string
	}{
		{"a mapping", "notify: {type: slack}\n", []string{
			p + `1:9: notify: expected a list, found a mapping`}},
		{"an empty list", "notify: []\n", []string{
			p + `1:9: notify: list at least one target, or leave notify: out`}},
		{"nothing", "notify:\n", []string{
			p + `1:8: notify: expected a list, found nothing`}},
		{"an entry not a mapping", "notify:\n  - slack\n", []string{
			p + `2:5: notify: each entry needs a type key, found the value`}},
		{"missing type", "notify:\n  - url_env: SLACK_URL\n", []string{
			p + `2:5: notify target: missing required key "type"`}},
		{"misspelt type is not also missing", "notify:\n  - typ: slack\n    url_env: SLACK_URL\n", []string{
			p + `2:5: unknown key "typ" (did you mean "type"?); ` + known}},
		{"unknown type", "notify:\n  - {type: Slack, url_env: A}\n  - {type: sms, to: \"+15550100\"}\n", []string{
			p + `2:12: type: "Slack" is not a notify type (did you mean "slack"?); use one of slack, teams, discord, mattermost, google_chat, webhook, email, websub`,
			p + `3:12: type: "sms" is not a notify type; use one of slack, teams, discord, mattermost, google_chat, webhook, email, websub`,
			p + `3:21: to: "+15550100" is not an email address such as status@example.com`}},
		{"unknown key", "notify:\n  - {type: slack, url_env: A, region: jp, channel: ops}\n", []string{
			p + `2:31: unknown key "region" (did you mean "regions"?); ` + known,
			p + `2:43: unknown key "channel"; ` + known}},
		{"duplicate key", "notify:\n  - {type: slack, url_env: A, url_env: B}\n", []string{
			p + `2:31: duplicate key "url_env"`}},
		{"missing url_env", "notify:\n  - type: slack\n  - {type: webhook, name: hook}\n", []string{
			p + `2:5: slack target: missing required key "url_env"`,
			p + `3:5: webhook target "hook": missing required key "url_env"`}},
		{"misspelt url_env is not also missing", "notify:\n  - {type: slack, url_evn: A}\n", []string{
			p + `2:19: unknown key "url_evn" (did you mean "url_env"?); ` + known}},
		{"url on a chat target", "notify:\n  - type: slack\n    url: https://hooks.slack.com/services/T0/B0/Zq8sEcReT\n", []string{
			p + `2:5: slack target: missing required key "url_env"`,
			p + `3:5: url: webhook URLs are secrets; name the environment variable holding it with url_env:`}},
		{"url without a type", "notify:\n  - url: https://example.com/hook\n", []string{
			p + `2:5: notify target: missing required key "type"`,
			p + `2:5: url: webhook URLs are secrets; name the environment variable holding it with url_env:`}},
		{"url on email", "notify:\n  - {type: email, to: a@example.com, smtp_env: SMTP_URL, url: smtp://x}\n", []string{
			p + `2:58: url: an email target takes no url:; the SMTP server's URL holds its password: name the environment variable holding it with smtp_env:`}},
		{"url_env not a name", "notify:\n  - {type: slack, url_env: SLACK-JP}\n  - {type: teams, url_env: 1TEAMS}\n", []string{
			p + `2:28: url_env: expected the name of an environment variable, such as SLACK_WEBHOOK_URL: letters, digits and _, not starting with a digit`,
			p + `3:28: url_env: expected the name of an environment variable, such as SLACK_WEBHOOK_URL: letters, digits and _, not starting with a digit`}},
		{"url_env a URL", "notify:\n  - {type: slack, url_env: \"https://hooks.slack.com/services/T0/B0/Zq8sEcReT\"}\n", []string{
			p + `2:28: url_env: expected the name of an environment variable, such as SLACK_WEBHOOK_URL: letters, digits and _, not starting with a digit; the URL itself goes in that variable: secrets go in the environment, not in site.yaml`}},
		{"url_env a number", "notify:\n  - {type: slack, url_env: 5}\n", []string{
			p + `2:28: url_env: expected text, found the number "5"`}},
		{"secret keys", "notify:\n  - type: email\n    to: a@example.com\n    smtp_env: SMTP_URL\n    smtp_password: Zq8sEcReT\n  - {type: slack, url_env: A, token: Zq8sEcReT}\n", []string{
			p + `5:5: smtp_password: secrets go in the environment, not in site.yaml; name the environment variable holding it with url_env: (webhooks) or smtp_env: (email)`,
			p + `6:31: token: secrets go in the environment, not in site.yaml; name the environment variable holding it with url_env: (webhooks) or smtp_env: (email)`}},
		{"email missing to and smtp_env", "notify:\n  - type: email\n", []string{
			p + `2:5: email target: missing required key "smtp_env"`,
			p + `2:5: email target: missing required key "to"`}},
		{"email with url_env", "notify:\n  - {type: email, to: a@example.com, smtp_env: SMTP_URL, url_env: MAIL}\n", []string{
			p + `2:58: url_env: an email target takes no url_env:; name the variable holding the SMTP server's URL with smtp_env:`}},
		{"email keys on a chat target", "notify:\n  - type: discord\n    url_env: D\n    to: a@example.com\n    from: b@example.com\n    smtp_env: SMTP_URL\n", []string{
			p + `4:5: to: a discord target takes no to:; only email targets do`,
			p + `5:5: from: a discord target takes no from:; only email targets do`,
			p + `6:5: smtp_env: a discord target takes no smtp_env:; only email targets do`}},
		{"smtp_env a URL", "notify:\n  - {type: email, to: a@example.com, smtp_env: \"smtps://u:Zq8sEcReT@mail.example.com\"}\n", []string{
			p + `2:48: smtp_env: expected the name of an environment variable, such as SMTP_URL: letters, digits and _, not starting with a digit; the URL itself goes in that variable: secrets go in the environment, not in site.yaml`}},
		{"bad addresses", "notify:\n  - {type: email, to: status, from: \"a@example.com, b@example.com\", smtp_env: S}\n  - {type: email, to: \"a@example.com>\", smtp_env: S}\n", []string{
			p + `2:23: to: "status" is not an email address such as status@example.com`,
			p + `2:37: from: give one address; for several, add a target for each, or send to a mailing list`,
			p + `3:23: to: "a@example.com>" is not an email address such as status@example.com`}},
		{"to a list", "notify:\n  - {type: email, to: [a@example.com], smtp_env: S}\n", []string{
			p + `2:23: to: expected text, found a list`}},
		{"websub without hub", "notify:\n  - type: websub\n", []string{
			p + `2:5: websub target needs url: or websub_hub, the address of the hub to ping`}},
		{"websub hub not http", "notify:\n  - {type: websub, url: \"ftp://hub.example.com/\"}\n  - {type: websub, name: b, url: hub.example.com}\n", []string{
			p + `2:25: url: give the hub's address, an absolute https or http URL such as https://pubsubhubbub.appspot.com/`,
			p + `3:34: url: give the hub's address, an absolute https or http URL such as https://pubsubhubbub.appspot.com/`}},
		{"websub hub with secrets", "notify:\n  - {type: websub, url: \"https://u:Zq8sEcReT@hub.example.com/\"}\n  - {type: websub, name: b, url: \"https://hub.example.com/?access_token=Zq8sEcReT\"}\n", []string{
			p + `2:25: url: a user or password in the URL: secrets go in the environment, not in site.yaml`,
			p + `3:34: url: query parameter "access_token": secrets go in the environment, not in site.yaml`}},
		{"websub with url_env and to", "notify:\n  - {type: websub, url_env: HUB, to: a@example.com}\n", []string{
			p + `2:5: websub target needs url: or websub_hub, the address of the hub to ping`,
			p + `2:20: url_env: a websub target takes no url_env:; give the hub's address with url:, or the site's websub_hub`,
			p + `2:34: to: a websub target takes no to:; only email targets do`}},
		{"unsubscribe", "notify:\n  - {type: slack, url_env: A, unsubscribe: /leave}\n  - {type: slack, url_env: B, unsubscribe: \"https://example.com/leave here\"}\n  - {type: slack, url_env: C, unsubscribe: \"mailto:nobody\"}\n  - {type: slack, url_env: D, unsubscribe: \"javascript:alert(1)\"}\n", []string{
			p + `2:44: unsubscribe: "/leave" is not an absolute https or http URL or a mailto: URL, such as https://example.com/leave or mailto:leave@example.com, with spaces and characters outside ASCII %-escaped`,
			p + `3:44: unsubscribe: "https://example.com/leave here" is not an absolute https or http URL or a mailto: URL, such as https://example.com/leave or mailto:leave@example.com, with spaces and characters outside ASCII %-escaped`,
			p + `4:44: unsubscribe: "mailto:nobody" is not an absolute https or http URL or a mailto: URL, such as https://example.com/leave or mailto:leave@example.com, with spaces and characters outside ASCII %-escaped`,
			p + `5:44: unsubscribe: "javascript:alert(1)" is not an absolute https or http URL or a mailto: URL, such as https://example.com/leave or mailto:leave@example.com, with spaces and characters outside ASCII %-escaped`}},
		{"name not an id", "notify:\n  - {type: slack, url_env: A, name: Ops Chat}\n", []string{
			p + `2:37: notify target name "Ops Chat": use only lowercase letters, digits and hyphens`}},
		{"name too long", "notify:\n  - {type: slack, url_env: A, name: " + strings.Repeat("a", 101) + "}\n", []string{
			p + `2:37: notify target name "aaaaaaaaaaaaaaaaaaaa"… is 101 characters long; notify target names are at most 100`}},
		{"duplicate names", "notify:\n  - {type: slack, url_env: A, name: ops}\n  - {type: teams, url_env: B, name: ops}\n", []string{
			p + `3:37: duplicate notify target name "ops" (also on line 2); give each target a distinct name:`}},
		{"a name given like a default", "notify:\n  - {type: slack, url_env: SLACK_URL}\n  - {type: teams, url_env: B, name: slack-slack-url}\n", []string{
			p + `3:37: duplicate notify target name "slack-slack-url" (also on line 2); give each target a distinct name:`}},
		{"duplicate default names", "notify:\n  - {type: slack, url_env: SLACK_URL, regions: jp}\n  - {type: slack, url_env: SLACK_URL, regions: de}\n  - {type: email, to: a@example.com, smtp_env: S}\n  - {type: email, to: \"A <a@example.com>\", smtp_env: T}\n  - {type: websub, url: \"https://hub.example.com/\"}\n  - {type: websub, url: \"https://hub2.example.com/\"}\n", []string{
			p + `3:5: notify target name "slack-slack-url", made of its type and url_env:, is also the name of the target on line 2; give each target a distinct name:`,
			p + `5:5: notify target name "email-a@example.com", made of its type and to:, is also the name of the target on line 4; give each target a distinct name:`,
			p + `7:5: notify target name "websub", the default of websub targets, is also the name of the target on line 6; give each target a distinct name:`}},
		{"unknown ids", "notify:\n  - {type: slack, url_env: A, regions: [jpp, mars], services: [pns, psn, store, games]}\n", []string{
			p + `2:41: regions: unknown region or region group "jpp" (did you mean "jp"?)`,
			p + `2:46: regions: unknown region or region group "mars"; the regions and region groups are na, jp, de, americas, asia, europe`,
			p + `2:64: services: unknown service "pns" (did you mean "psn"?)`,
			p + `2:81: services: unknown service "games"; the services are psn, store`}},
		{"unknown single id", "notify:\n  - type: slack\n    url_env: A\n    regions: eu\n", []string{
			p + `4:14: regions: unknown region or region group "eu"; the regions and region groups are na, jp, de, americas, asia, europe`}},
		{"all", "notify:\n  - {type: slack, url_env: A, regions: all, services: [psn, all]}\n", []string{
			p + `2:40: regions: all is not allowed here; leave regions: out to follow every region`,
			p + `2:61: services: all is not allowed here; leave services: out to follow every service`}},
		{"listed twice", "notify:\n  - type: slack\n    url_env: A\n    regions:\n      - asia\n      - jp\n      - asia\n    services: [psn, psn]\n", []string{
			p + `7:9: regions: "asia" listed twice`,
			p + `8:21: services: "psn" listed twice`}},
		{"empty lists of ids", "notify:\n  - {type: slack, url_env: A, regions: [], services: []}\n", []string{
			p + `2:40: regions: the list is empty; leave regions: out to follow every one`,
			p + `2:54: services: the list is empty; leave services: out to follow every one`}},
		{"ids not text", "notify:\n  - {type: slack, url_env: A, regions: [1, {jp: x}]}\n", []string{
			p + `2:41: regions: expected text, found the number "1"`,
			p + `2:44: regions: expected text, found a mapping`}},
		{"maintenance", "notify:\n  - {type: slack, url_env: A, maintenance: [schedule, started, started, all]}\n  - {type: slack, url_env: B, maintenance: none}\n", []string{
			p + `2:45: maintenance: "schedule" is not a moment of planned work (did you mean "scheduled"?); use scheduled, started or completed, or [] to hear of planned work only as the update it is when it starts`,
			p + `2:64: maintenance: "started" listed twice`,
			p + `2:73: maintenance: "all" is not a moment of planned work; use scheduled, started or completed, or [] to hear of planned work only as the update it is when it starts`,
			p + `3:44: maintenance: "none" is not a moment of planned work; use scheduled, started or completed, or [] to hear of planned work only as the update it is when it starts`}},
		{"maintenance a boolean", "notify:\n  - {type: slack, url_env: A, maintenance: false}\n", []string{
			p + `2:44: maintenance: expected text, found the boolean "false"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := readNotify(t, tt.yml+notifySite)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestNotifyWithoutGroups: where a site has no groups, the hint names
// only its regions.
func TestNotifyWithoutGroups(t *testing.T) {
	_, errs := readNotify(t, "notify:\n  - {type: slack, url_env: A, regions: eu}\n"+testSite)
	want := `content/site.yaml:2:40: regions: unknown region "eu"; the regions are na, jp`
	if strings.Join(errs, "\n") != want {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), want)
	}
}

// TestNotifySecretsNotQuoted: no message repeats a secret, wherever it
// was written.
func TestNotifySecretsNotQuoted(t *testing.T) {
	const secret = "Zq8sEcReTvAlUe"
	for _, target := range []string{
		"{type: slack, url: \"https://hooks.slack.com/services/T0/B0/" + secret + "\"}",
		"{url: \"https://hooks.slack.com/services/T0/B0/" + secret + "\"}",
		"{type: slak, url: \"https://hooks.slack.com/services/T0/B0/" + secret + "\"}",
		"{type: slack, url_env: \"https://hooks.slack.com/services/T0/B0/" + secret + "\"}",
		"{type: slack, url_env: \"xoxb-" + secret + "\"}",
		"{type: email, to: a@example.com, smtp_env: \"smtp://u:" + secret + "@mail.example.com:587\"}",
		"{type: email, to: a@example.com, smtp_env: S, password: " + secret + "}",
		"{type: email, to: a@example.com, smtp_env: S, url: \"smtp://u:" + secret + "@mail.example.com\"}",
		"{type: websub, url: \"https://u:" + secret + "@hub.example.com/\"}",
		"{type: websub, url: \"https://hub.example.com/?hub.secret=" + secret + "\"}",
		"{type: websub, url: \"https://hub.example.com:" + secret + "/\"}",
		"{type: webhook, url_env: A, api_key: " + secret + "}",
	} {
		_, errs := readNotify(t, "notify:\n  - "+target+"\n"+notifySite)
		if len(errs) == 0 {
			t.Errorf("%s: no error", target)
		}
		for _, e := range errs {
			if strings.Contains(e, secret[2:8]) {
				t.Errorf("%s: the secret is quoted: %s", target, e)
			}
		}
	}
}

// TestNotifySecretNames: none of notify's own keys looks like a secret.
func TestNotifySecretNames(t *testing.T) {
	for _, k := range notifyKeys {
		if isSecretName(k) {
			t.Errorf("%s taken for a secret", k)
		}
	}
}

// TestNotifyManyTargets: thousands of targets of one default name are
// read, each duplicate reported once, at its own line.
func TestNotifyManyTargets(t *testing.T) {
	const n = 5000
	var b strings.Builder
	b.WriteString("notify:\n")
	for range n {
		b.WriteString("  - {type: slack, url_env: A, regions: [jp, asia], services: psn}\n")
	}
	site, errs := readNotify(t, b.String()+notifySite)
	if len(site.Notify) != n || len(errs) != n-1 || !strings.HasPrefix(errs[n-2], "content/site.yaml:5001:5: notify target name \"slack-a\"") {
		t.Fatalf("%d targets, %d errors, the last %q", len(site.Notify), len(errs), errs[len(errs)-1])
	}
}

// FuzzNotify: any target reads without a panic, and every problem stands
// on a line of the file.
func FuzzNotify(f *testing.F) {
	for _, seed := range []string{
		"{type: slack, url_env: A, regions: [jp, asia], maintenance: []}",
		"{type: email, to: \"A <a@example.com>\", smtp_env: S, unsubscribe: \"mailto:x@example.com\"}",
		"{type: websub, url: \"https://u:p@hub.example.com/?token=x\"}",
		"{type: teams, url: x, password: y, name: Ops}",
		"{type: , services: [all, psn, psn], maintenance: [started, x]}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, target string) {
		yml := "notify:\n  - " + target + "\n" + notifySite
		lines := strings.Count(yml, "\n") + 1
		var errs ErrorList
		ReadSite(fstest.MapFS{SiteFile: {Data: []byte(yml)}}, "", nil, &errs)
		for _, e := range errs {
			if e.Pos.Line < 1 || e.Pos.Line > lines {
				t.Fatalf("%v: outside the file's %d lines", e, lines)
			}
		}
	})
}

// TestNotifyNothingOffered: a target whose regions offer none of its
// services would never hear of anything, which check says.
func TestNotifyNothingOffered(t *testing.T) {
	site := strings.Replace(notifySite, "  - {id: jp, name: Japan}", "  - {id: jp, name: Japan, services: [psn]}", 1)
	_, errs := readNotify(t, "notify:\n  - {type: slack, name: jp-store, url_env: X, regions: [asia], services: [store]}\n  - {type: slack, name: jp-psn, url_env: Y, regions: [jp, de], services: [store]}\n"+site)
	want := []string{`content/site.yaml:2:5: notify target "jp-store": none of its regions offers any of its services, so it would never hear of anything`}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errors:\n%q\nwant\n%q", errs, want)
	}
}
