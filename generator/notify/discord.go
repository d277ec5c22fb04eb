package notify

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Discord's documented embed limits, in characters.
const (
	discordTitleMax       = 256
	discordDescriptionMax = 4096
	discordFooterMax      = 2048
	discordEmbedMax       = 6000 // title, description and footer together
)

// discord executes a Discord webhook with one embed: the title linking to
// the update, the state's colour, the state, time, body and link in the
// description, the footer, and the event's time. allowed_mentions parses
// nothing, so "@everyone" or "<@id>" in a post notifies nobody.
type discord struct{ *hook }

type discordMessage struct {
	Embeds          []discordEmbed  `json:"embeds"`
	AllowedMentions discordMentions `json:"allowed_mentions"`
}

type discordMentions struct {
	Parse []string `json:"parse"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	URL         string         `json:"url,omitempty"`
	Description string         `json:"description,omitempty"`
	Color       int            `json:"color"`
	Footer      *discordFooter `json:"footer,omitempty"`
	Timestamp   string         `json:"timestamp,omitempty"`
}

type discordFooter struct {
	Text string `json:"text"`
}

func (c *discord) Send(ctx context.Context, m *Message) error {
	return c.post(ctx, c.url, discordPayload(m), m)
}

func discordPayload(m *Message) *discordMessage {
	e := discordEmbed{
		Title: cut(mdEscape(headline(m)), discordTitleMax, tidyBackslash),
		URL:   m.URL,
		Color: hexColor(color(m.State)),
	}
	if f := strings.TrimSpace(m.Labels.Footer); f != "" {
		e.Footer = &discordFooter{Text: cut(f, discordFooterMax, nil)}
	}
	if !m.Time.IsZero() {
		e.Timestamp = m.Time.UTC().Format(time.RFC3339)
	}
	var head, tail []string
	if s := stateLine(m); s != "" {
		head = append(head, mdBold(s))
	}
	for _, l := range whenLines(m) {
		head = append(head, mdEscape(l))
	}
	if m.URL != "" {
		tail = append(tail, mdLink(viewLabel(m), m.URL))
	}
	room := min(discordDescriptionMax, discordEmbedMax-width(e.Title))
	if e.Footer != nil {
		room = min(room, discordEmbedMax-width(e.Title)-width(e.Footer.Text))
	}
	e.Description = layout(room, strings.Join(head, "\n"), mdEscape(strings.TrimSpace(m.Text)), strings.Join(tail, "\n"), tidyBackslash)
	return &discordMessage{Embeds: []discordEmbed{e}, AllowedMentions: discordMentions{Parse: []string{}}}
}

// layout joins a head, a body and a tail as paragraphs within limit
// characters, cutting the body, and the head if it must, but keeping
// the tail (the link) whole when it fits at all.
func layout(limit int, head, body, tail string, tidy func(string) string) string {
	const sep = "\n\n"
	parts := func(ss ...string) string { return joinNonEmpty(sep, ss...) }
	fixed := width(parts(head, tail))
	if body != "" && fixed > 0 {
		fixed += width(sep)
	}
	if fixed >= limit {
		return cut(parts(head, tail), limit, tidy)
	}
	return parts(head, cut(body, limit-fixed, tidy), tail)
}

// hexColor reads "#rrggbb" as the integer Discord wants.
func hexColor(s string) int {
	n, _ := strconv.ParseInt(strings.TrimPrefix(s, "#"), 16, 32)
	return int(n)
}
