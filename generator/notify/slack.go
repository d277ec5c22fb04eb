package notify

import (
	"context"
	"strings"
)

// Slack's documented limits (Block Kit reference), in characters.
const (
	slackHeaderMax  = 150  // a header block's plain_text
	slackTextMax    = 3000 // a section's or a context element's text
	slackSummaryMax = 4000 // the top-level text Slack advises at most
)

// slack posts to a Slack incoming webhook: a header block with the title,
// then an attachment whose sidebar has the state's colour, holding the
// state and time, the body, the link and the footer as blocks. The
// top-level text is the plain summary notifications show.
type slack struct{ *hook }

type slackMessageBody struct {
	Text        string            `json:"text"`
	Blocks      []slackBlock      `json:"blocks"`
	Attachments []slackAttachment `json:"attachments"`
	UnfurlLinks bool              `json:"unfurl_links"`
	UnfurlMedia bool              `json:"unfurl_media"`
}

type slackAttachment struct {
	Color    string       `json:"color"`
	Fallback string       `json:"fallback"`
	Blocks   []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string         `json:"type"`
	Text     *slackTextObj  `json:"text,omitempty"`
	Elements []slackTextObj `json:"elements,omitempty"`
}

type slackTextObj struct {
	Type  string `json:"type"` // plain_text or mrkdwn
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

func (c *slack) Send(ctx context.Context, m *Message) error {
	return c.post(ctx, c.url, slackPayload(m), m)
}

func slackPayload(m *Message) *slackMessageBody {
	var blocks []slackBlock
	meta := append([]string{slackBold(stateLine(m))}, mrkdwnLines(whenLines(m))...)
	if line := joinNonEmpty("  ·  ", meta...); line != "" {
		blocks = append(blocks, slackContext(cut(line, slackTextMax, tidyEntity)))
	}
	if body := strings.TrimSpace(m.Text); body != "" {
		blocks = append(blocks, slackSection(cut(slackEscaper.Replace(body), slackTextMax, tidyEntity)))
	}
	if m.URL != "" {
		link := "<" + slackURL.Replace(m.URL) + "|" + slackEscaper.Replace(viewLabel(m)) + ">"
		blocks = append(blocks, slackSection(link))
	}
	if footer := strings.TrimSpace(m.Labels.Footer); footer != "" {
		blocks = append(blocks, slackContext(cut(slackEscaper.Replace(footer), slackTextMax, tidyEntity)))
	}
	summary := cut(slackEscaper.Replace(fallback(m)), slackSummaryMax, tidyEntity)
	return &slackMessageBody{
		Text: summary,
		Blocks: []slackBlock{{
			Type: "header",
			Text: &slackTextObj{Type: "plain_text", Text: cut(headline(m), slackHeaderMax, nil), Emoji: true},
		}},
		Attachments: []slackAttachment{{Color: color(m.State), Fallback: summary, Blocks: blocks}},
	}
}

func slackSection(mrkdwn string) slackBlock {
	return slackBlock{Type: "section", Text: &slackTextObj{Type: "mrkdwn", Text: mrkdwn}}
}

func slackContext(mrkdwn string) slackBlock {
	return slackBlock{Type: "context", Elements: []slackTextObj{{Type: "mrkdwn", Text: mrkdwn}}}
}

func slackBold(s string) string {
	if s == "" {
		return ""
	}
	return "*" + slackEscaper.Replace(s) + "*"
}

func mrkdwnLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = slackEscaper.Replace(l)
	}
	return out
}
