package notify

import (
	"context"
	"fmt"
	"strings"

	"statusgen/generator/status"
)

// teamsMaxBytes keeps a card under the about 28 KB a Teams message may
// hold, with room for what the workflow adds around it.
const teamsMaxBytes = 26 << 10

// teams posts to a Microsoft Teams workflow started by "When a Teams
// webhook request is received" (the "Send webhook alerts to a channel"
// template), which posts the Adaptive Card it is sent. The card's text
// is in RichTextBlocks, which take no Markdown: Teams clients disagree on
// Markdown escapes, and a plain text shown as written needs none.
type teams struct{ *hook }

type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"`
	Content     teamsCard `json:"content"`
}

type teamsCard struct {
	Schema  string        `json:"$schema"`
	Type    string        `json:"type"`
	Version string        `json:"version"`
	Body    []teamsElem   `json:"body"`
	Actions []teamsAction `json:"actions,omitempty"`
}

// teamsElem is a Container, a RichTextBlock or a TextRun.
type teamsElem struct {
	Type     string      `json:"type"`
	Style    string      `json:"style,omitempty"`
	Bleed    bool        `json:"bleed,omitempty"`
	Items    []teamsElem `json:"items,omitempty"`
	Inlines  []teamsElem `json:"inlines,omitempty"`
	Spacing  string      `json:"spacing,omitempty"`
	Text     string      `json:"text,omitempty"`
	Weight   string      `json:"weight,omitempty"`
	Size     string      `json:"size,omitempty"`
	Color    string      `json:"color,omitempty"`
	IsSubtle bool        `json:"isSubtle,omitempty"`
}

type teamsAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

func (c *teams) Send(ctx context.Context, m *Message) error {
	payload, err := fitPayload(teamsMaxBytes, func(limit int) any { return teamsPayload(m, limit) })
	if err != nil {
		return permanent{fmt.Errorf("target %q: %v", c.target, err)}
	}
	return c.post(ctx, c.url, payload, m)
}

// teamsStyles are the card's styles by state: Adaptive Cards name no
// orange, so a partial outage is a warning as degraded service is.
var teamsStyles = []string{"good", "accent", "warning", "warning", "attention"}

func teamsStyle(s status.State) string {
	if int(s) < 0 || int(s) >= len(teamsStyles) {
		return "default"
	}
	return teamsStyles[s]
}

// teamsPayload is the message with its body cut to limit characters.
func teamsPayload(m *Message, limit int) *teamsMessage {
	style := teamsStyle(m.State)
	head := []teamsElem{richText("", teamsRun{text: headline(m), weight: "Bolder", size: "Medium"})}
	if s := stateLine(m); s != "" {
		head = append(head, richText("None", teamsRun{text: s, weight: "Bolder", color: style}))
	}
	body := []teamsElem{{Type: "Container", Style: style, Bleed: true, Items: head}}
	for _, line := range whenLines(m) {
		body = append(body, richText("Small", teamsRun{text: line, subtle: true}))
	}
	body = append(body, teamsParagraphs(cut(strings.TrimSpace(m.Text), limit, nil))...)
	if f := strings.TrimSpace(m.Labels.Footer); f != "" {
		body = append(body, richText("Medium", teamsRun{text: f, subtle: true, size: "Small"}))
	}
	card := teamsCard{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: "1.4",
		Body:    body,
	}
	if m.URL != "" {
		card.Actions = []teamsAction{{Type: "Action.OpenUrl", Title: viewLabel(m), URL: m.URL}}
	}
	return &teamsMessage{
		Type: "message",
		Attachments: []teamsAttachment{{
			ContentType: "application/vnd.microsoft.card.adaptive",
			Content:     card,
		}},
	}
}

// teamsParagraphs lays out a plain text one RichTextBlock a line, tight
// within a paragraph and apart between them: Markdown-free blocks do
// not break lines on their own.
func teamsParagraphs(text string) []teamsElem {
	var out []teamsElem
	spacing := "Medium"
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			spacing = "Medium"
			continue
		}
		out = append(out, richText(spacing, teamsRun{text: line}))
		spacing = "None"
	}
	return out
}

type teamsRun struct {
	text, weight, size, color string
	subtle                    bool
}

func richText(spacing string, r teamsRun) teamsElem {
	return teamsElem{
		Type:    "RichTextBlock",
		Spacing: spacing,
		Inlines: []teamsElem{{
			Type: "TextRun", Text: r.text, Weight: r.weight, Size: r.size, Color: r.color, IsSubtle: r.subtle,
		}},
	}
}

// fitPayload builds a payload with its body cut ever shorter until its
// JSON fits in maxBytes: the services that limit a message by its size
// count bytes, which a text's characters do not tell.
func fitPayload(maxBytes int, build func(limit int) any) (any, error) {
	limit := maxBytes
	for {
		p := build(limit)
		data, err := encodeJSON(p)
		if err != nil {
			return nil, err
		}
		if len(data) <= maxBytes {
			return p, nil
		}
		if limit == 0 {
			return nil, fmt.Errorf("the message is %d bytes without its body; at most %d fit", len(data), maxBytes)
		}
		limit = limit * maxBytes / len(data) * 9 / 10
	}
}
