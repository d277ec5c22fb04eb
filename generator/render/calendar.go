package render

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"statusgen/generator/status"
)

// The maintenance calendar (RFC 5545) lets readers subscribe to planned
// work in the calendar they already use. It holds every maintenance that is
// scheduled or in progress and drops it once its window is over. Like every
// other output it depends on the content and now only, never on the clock:
// DTSTAMP is the time of the incident's latest post, so an unchanged
// maintenance keeps its bytes and a calendar client sees it unchanged.

// event is one VEVENT: a maintenance window.
type event struct {
	uid, summary, description, url string
	start, end, stamp              time.Time
}

// calendar writes maintenance.ics.
func (b *Build) calendar(buf *bytes.Buffer) error {
	line := func(name, value string) { foldLine(buf, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("PRODID", "-//statusgen//statusgen//EN")
	line("VERSION", "2.0")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", icsText(b.site.Title))
	for _, e := range b.events() {
		line("BEGIN", "VEVENT")
		line("UID", icsText(e.uid))
		line("DTSTAMP", icsTime(e.stamp))
		line("DTSTART", icsTime(e.start))
		line("DTEND", icsTime(e.end))
		line("SUMMARY", icsText(e.summary))
		line("DESCRIPTION", icsText(e.description))
		line("URL", e.url)
		// Maintenance elsewhere does not make the subscriber busy.
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return nil
}

// events lists the maintenance windows not yet over, soonest first.
func (b *Build) events() []event {
	say := b.translator(b.site.Language).plain() // iCalendar text has no bidi controls to honour
	var out []event
	for _, v := range b.st.Views(status.Scope{}) {
		if v.Maintenance && b.st.Pending(v) {
			out = append(out, b.event(v, say))
		}
	}
	slices.SortFunc(out, func(x, y event) int { return cmp.Or(x.start.Compare(y.start), cmp.Compare(x.uid, y.uid)) })
	return out
}

// event makes a maintenance's VEVENT: from its first post to the latest end
// any post gives, else status.DefaultWindow after its start.
func (b *Build) event(v *status.IncidentView, say *Translator) event {
	base := b.theme.base
	e := event{
		// The base path keeps two sites on one host apart.
		uid:     v.ID + "@" + base.Hostname() + strings.TrimSuffix(base.Path, "/"),
		summary: say.PostTitle(b.site, v.First()),
		url:     b.theme.absURL("incidents/" + v.ID + "/"),
		stamp:   v.Posts[len(v.Posts)-1].Timestamp, // posts are in time order
	}
	e.start, e.end = v.Window()
	e.description = b.affectedText(say, v.Pairs) + "\n\n" + e.url
	return e
}

// affectedText names the regions and services of pairs, a line per region:
// "Europe: Network, Shop", with the language's colon and list separator.
func (b *Build) affectedText(say *Translator, pairs []status.Pair) string {
	colon, sep := say.must("colon"), say.must("list_separator")
	var lines []string
	for i, pair := range pairs {
		name := b.site.Service(pair.Service).Name
		if i > 0 && pairs[i-1].Region == pair.Region {
			lines[len(lines)-1] += sep + name
			continue
		}
		lines = append(lines, b.site.Region(pair.Region).Name+colon+name)
	}
	return strings.Join(lines, "\n")
}

// icsTime is a UTC date-time, the one form every client reads alike.
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// icsText escapes a TEXT value (RFC 5545 3.3.11) and drops the control
// characters it may not hold.
func icsText(s string) string {
	s = strings.Map(func(c rune) rune {
		if (c < ' ' && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return -1
		}
		return c
	}, s)
	return icsEscaper.Replace(s)
}

// foldLine writes a content line with CRLF, folded into lines of at most 75
// octets (RFC 5545 3.1); a fold never splits a UTF-8 sequence.
func foldLine(b *bytes.Buffer, line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 1 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // after the leading space
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}
