package notify

import (
	"context"
	"strings"
)

// mattermostMax is the characters a Mattermost post holds (16383 since
// server 5.0); the attachment's text is kept within it.
const mattermostMax = 16383

// mattermost posts to a Mattermost incoming webhook one Slack-style
// attachment: the title linking to the update, the state's colour in the
// sidebar, the state, time, body and link as its Markdown text, and the
// footer. Mentions in the text are broken so that a post notifies no one.
type mattermost struct{ *hook }

type mattermostMessage struct {
	Attachments []mattermostAttachment `json:"attachments"`
}

type mattermostAttachment struct {
	Fallback  string `json:"fallback"`
	Color     string `json:"color"`
	Title     string `json:"title"`
	TitleLink string `json:"title_link,omitempty"`
	Text      string `json:"text,omitempty"`
	Footer    string `json:"footer,omitempty"`
}

func (c *mattermost) Send(ctx context.Context, m *Message) error {
	return c.post(ctx, c.url, mattermostPayload(m), m)
}

func mattermostPayload(m *Message) *mattermostMessage {
	var head []string
	if s := stateLine(m); s != "" {
		head = append(head, "**"+mmEscape(s)+"**")
	}
	for _, l := range whenLines(m) {
		head = append(head, mmEscape(l))
	}
	var tail string
	if m.URL != "" {
		tail = mdLink(viewLabel(m), m.URL)
	}
	return &mattermostMessage{Attachments: []mattermostAttachment{{
		Fallback:  cut(noMention(fallback(m)), mattermostMax, nil),
		Color:     color(m.State),
		Title:     cut(noMention(headline(m)), mattermostMax, nil),
		TitleLink: m.URL,
		Text:      layout(mattermostMax, strings.Join(head, "\n"), mmEscape(strings.TrimSpace(m.Text)), tail, tidyBackslash),
		Footer:    cut(noMention(strings.TrimSpace(m.Labels.Footer)), mattermostMax, nil),
	}}}
}
