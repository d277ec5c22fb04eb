package build

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"statusgen/internal/sitetest"
)

// calendarSite holds maintenance in every phase around now
// (2011-08-01T12:00:00Z), plus smallSite's open outage, which is no
// maintenance.
func calendarSite() map[string]string {
	post := func(fm string) string { return "---\n" + fm + "---\nBody.\n" }
	return map[string]string{
		// In progress, its update inheriting the window's end; a title
		// that needs escaping.
		"content/db.md":   post("title: \"Database upgrade; phase 1, part \\\"A\\\" \\\\ B\"\nregion: na\nservice: store\nstate: maintenance\ntimestamp: 2011-08-01T10:00:00Z\nuntil: 2011-08-01T14:00:00Z\nincident: db-upgrade\n"),
		"content/db-2.md": post("title: Halfway\nregion: na\nservice: store\nstate: maintenance\ntimestamp: 2011-08-01T11:00:00Z\nincident: db-upgrade\n"),
		// Scheduled with until, not announced; a title long enough to fold
		// inside multi-byte characters.
		"content/net.md": post("title: ネットワーク機器の交換作業（東京データセンター、第二期工事、約二時間の予定）\nregion: jp\nservice: psn\nstate: maintenance\ntimestamp: 2011-08-03T01:00:00Z\nuntil: 2011-08-03T03:00:00Z\nincident: net-swap\n"),
		// Scheduled without until or title, announced.
		"content/quick.md": post("region: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-08-05T09:00:00Z\nannounced: 2011-07-30T00:00:00Z\n"),
		// Over: its window ended.
		"content/old.md": post("title: Old work\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-07-20T22:00:00Z\nuntil: 2011-07-20T23:00:00Z\n"),
		// Over: finished before its until.
		"content/early.md":      post("title: Early work\nregion: na\nservice: psn\nstate: maintenance\ntimestamp: 2011-08-01T06:00:00Z\nuntil: 2011-08-01T20:00:00Z\nincident: early\n"),
		"content/early-done.md": post("title: Early work done\nregion: na\nservice: psn\nstate: operational\ntimestamp: 2011-08-01T07:00:00Z\nincident: early\n"),
	}
}

type wantEvent struct {
	start, end, stamp string
	summary, where    string
}

func TestCalendar(t *testing.T) {
	opts := Options{Now: sitetest.At("2011-08-01T12:00:00Z")}
	data := build(t, smallSite(calendarSite()), opts)["maintenance.ics"]
	if again := build(t, smallSite(calendarSite()), opts)["maintenance.ics"]; !bytes.Equal(data, again) {
		t.Errorf("two builds give different calendars:\n%s", sitetest.FirstDiff(again, data))
	}
	checkLines(t, data)

	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("maintenance.ics does not parse: %v\n%s", err, data)
	}
	for name, want := range map[string]string{
		"PRODID": "-//statusgen//statusgen//EN", "VERSION": "2.0", "CALSCALE": "GREGORIAN",
		"METHOD": "PUBLISH", "X-WR-CALNAME": "Test Status",
	} {
		if got := cal.Props.Get(name); got == nil || got.Value != want {
			t.Errorf("calendar %s = %v, want %q", name, got, want)
		}
	}

	want := map[string]wantEvent{
		"db-upgrade@status.example.com": {"20110801T100000Z", "20110801T140000Z", "20110801T110000Z",
			`Database upgrade; phase 1, part "A" \ B`, "North America: PlayStation Store"},
		"net-swap@status.example.com": {"20110803T010000Z", "20110803T030000Z", "20110803T010000Z",
			"ネットワーク機器の交換作業（東京データセンター、第二期工事、約二時間の予定）", "Japan: PlayStation Network"},
		"quick@status.example.com": {"20110805T090000Z", "20110805T100000Z", "20110805T090000Z",
			"PlayStation Network: Under maintenance", "North America: PlayStation Network"},
	}
	events := cal.Events()
	if len(events) != len(want) {
		t.Errorf("%d events, want %d (not ended maintenance only)", len(events), len(want))
	}
	for _, ev := range events {
		uid, _ := ev.Props.Text(ical.PropUID)
		w, ok := want[uid]
		if !ok {
			t.Errorf("unexpected event %q", uid)
			continue
		}
		delete(want, uid)
		checkEvent(t, uid, ev, w)
	}
	for uid := range want {
		t.Errorf("no event %s", uid)
	}
}

// checkLines wants CRLF line ends only and no line over 75 octets, each
// line valid UTF-8; the test site folds at least one line.
func checkLines(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) ||
		bytes.Count(data, []byte("\r")) != bytes.Count(data, []byte("\r\n")) {
		t.Error("a line does not end in CRLF")
	}
	folded := false
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
		if len(line) > 75 || !utf8.ValidString(line) {
			t.Errorf("line of %d octets (valid UTF-8: %v): %q", len(line), utf8.ValidString(line), line)
		}
		folded = folded || strings.HasPrefix(line, " ")
	}
	if !folded {
		t.Error("no folded line; the test site should need one")
	}
}

func checkEvent(t *testing.T, uid string, ev ical.Event, w wantEvent) {
	t.Helper()
	for name, value := range map[string]string{ical.PropDateTimeStart: w.start, ical.PropDateTimeEnd: w.end, ical.PropDateTimeStamp: w.stamp} {
		prop := ev.Props.Get(name)
		if prop == nil || prop.Value != value || len(prop.Params) > 0 {
			t.Errorf("%s: %s = %+v, want %s in UTC", uid, name, prop, value)
			continue
		}
		if tm, err := prop.DateTime(time.Local); err != nil || tm.Location() != time.UTC {
			t.Errorf("%s: %s read as %v (%v), want UTC", uid, name, tm, err)
		}
	}
	if got, err := ev.Props.Text(ical.PropSummary); err != nil || got != w.summary {
		t.Errorf("%s: SUMMARY %q (%v), want %q", uid, got, err, w.summary)
	}
	page := "https://status.example.com/incidents/" + strings.TrimSuffix(uid, "@status.example.com") + "/"
	if got := ev.Props.Get(ical.PropURL); got == nil || got.Value != page {
		t.Errorf("%s: URL %+v, want %s", uid, got, page)
	}
	desc, err := ev.Props.Text(ical.PropDescription)
	if err != nil || !strings.Contains(desc, w.where) || !strings.Contains(desc, page) {
		t.Errorf("%s: DESCRIPTION %q (%v), want %q and %s", uid, desc, err, w.where, page)
	}
}
