package notify

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

const (
	// googleChatMaxBytes keeps a message under the 32,000 bytes Google
	// Chat takes, text and cards together.
	googleChatMaxBytes = 30000
	// googleChatTextMax bounds the body in characters: Chat's text
	// messages hold 4096, and a card much longer is no easier to read.
	googleChatTextMax = 4096
	// googleChatTitleMax bounds the header's title, which Chat shows on
	// one line and documents no limit for.
	googleChatTitleMax = 256
)

// googleChat posts to a Google Chat incoming webhook one card: the title
// and time in its header, the state in its colour, the body, a button to
// the update and the footer. Each message names its incident's thread by
// a key, and asks to be a reply in it, so that an incident's messages
// stay together and the first of them starts the thread.
type googleChat struct{ *hook }

type googleChatMessage struct {
	FallbackText string             `json:"fallbackText"`
	CardsV2      []googleChatCardID `json:"cardsV2"`
	Thread       googleChatThread   `json:"thread"`
}

type googleChatThread struct {
	ThreadKey string `json:"threadKey"`
}

type googleChatCardID struct {
	CardID string         `json:"cardId"`
	Card   googleChatCard `json:"card"`
}

type googleChatCard struct {
	Header   googleChatHeader    `json:"header"`
	Sections []googleChatSection `json:"sections"`
}

type googleChatHeader struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
}

type googleChatSection struct {
	Widgets []googleChatWidget `json:"widgets"`
}

type googleChatWidget struct {
	TextParagraph *googleChatText    `json:"textParagraph,omitempty"`
	ButtonList    *googleChatButtons `json:"buttonList,omitempty"`
}

type googleChatText struct {
	Text string `json:"text"`
}

type googleChatButtons struct {
	Buttons []googleChatButton `json:"buttons"`
}

type googleChatButton struct {
	Text    string            `json:"text"`
	OnClick googleChatOnClick `json:"onClick"`
}

type googleChatOnClick struct {
	OpenLink googleChatLink `json:"openLink"`
}

type googleChatLink struct {
	URL string `json:"url"`
}

func (c *googleChat) Send(ctx context.Context, m *Message) error {
	payload, err := fitPayload(googleChatMaxBytes, func(limit int) any {
		return googleChatPayload(m, min(limit, googleChatTextMax))
	})
	if err != nil {
		return permanent{fmt.Errorf("target %q: %v", c.target, err)}
	}
	u, err := url.Parse(c.url)
	if err != nil {
		return permanent{fmt.Errorf("target %q: the webhook URL does not parse", c.target)}
	}
	q := u.Query()
	q.Set("messageReplyOption", "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")
	u.RawQuery = q.Encode()
	return c.post(ctx, u.String(), payload, m)
}

// googleChatPayload is the message with its body cut to limit characters.
func googleChatPayload(m *Message, limit int) *googleChatMessage {
	var widgets []googleChatWidget
	if s := stateLine(m); s != "" {
		widgets = append(widgets, paragraph(`<font color="`+color(m.State)+`"><b>`+htmlEscaper.Replace(s)+`</b></font>`))
	}
	if body := strings.TrimSpace(m.Text); body != "" {
		widgets = append(widgets, paragraph(chatHTML(cut(body, limit, nil))))
	}
	if m.URL != "" {
		widgets = append(widgets, googleChatWidget{ButtonList: &googleChatButtons{Buttons: []googleChatButton{{
			Text:    viewLabel(m),
			OnClick: googleChatOnClick{OpenLink: googleChatLink{URL: m.URL}},
		}}}})
	}
	if f := strings.TrimSpace(m.Labels.Footer); f != "" {
		widgets = append(widgets, paragraph(`<font color="#6e7781">`+chatHTML(f)+`</font>`))
	}
	thread := m.Thread
	if thread == "" {
		thread = m.Key
	}
	return &googleChatMessage{
		FallbackText: cut(fallback(m), googleChatTextMax, nil),
		CardsV2: []googleChatCardID{{
			CardID: "update",
			Card: googleChatCard{
				Header: googleChatHeader{
					Title:    cut(headline(m), googleChatTitleMax, nil),
					Subtitle: cut(strings.Join(whenLines(m), " · "), googleChatTitleMax, nil),
				},
				Sections: []googleChatSection{{Widgets: widgets}},
			},
		}},
		Thread: googleChatThread{ThreadKey: idempotencyKey(m.Site.URL, thread)},
	}
}

func paragraph(html string) googleChatWidget {
	return googleChatWidget{TextParagraph: &googleChatText{Text: html}}
}

// chatHTML is plain text in Google Chat's HTML subset, lines kept.
func chatHTML(s string) string {
	return strings.ReplaceAll(htmlEscaper.Replace(s), "\n", "<br>")
}
