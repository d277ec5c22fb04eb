package notify

import (
	"strings"
)

// slackEscaper escapes the three characters Slack's mrkdwn gives meaning
// to (links, mentions, entities): so escaped, "<!channel>" in a post
// notifies nobody and shows as written.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackURL makes a URL safe inside Slack's <url|label>.
var slackURL = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20")

// htmlEscaper escapes text for Google Chat's small HTML subset.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// mdSpecial are the characters Discord's and Mattermost's Markdown act on.
// Brackets are not: with every [ escaped, no ( can start a link address.
const mdSpecial = "\\`*_~|[]<>#"

// mdEscape backslash-escapes Markdown in plain text, all but addresses:
// an escape inside a URL would end up in the link.
func mdEscape(s string) string { return escapeOutsideURLs(s, true, false) }

// mmEscape is mdEscape for Mattermost, which also notifies whoever a
// text @-mentions: a zero-width space after an @ that starts a word
// breaks "@channel", "@all", "@here" and "@name", and does not show.
func mmEscape(s string) string { return escapeOutsideURLs(s, true, true) }

// noMention breaks mentions in a text Mattermost shows without Markdown.
func noMention(s string) string { return escapeOutsideURLs(s, false, true) }

func escapeOutsideURLs(s string, markdown, breakMentions bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	prev, afterURL := ' ', false
	for s != "" {
		i := urlStart(s)
		if i < 0 {
			i = len(s)
		}
		for j, r := range s[:i] {
			// A backslash just after an address would be taken into it
			// by the services' link detection; the < > ] that may end
			// up there do nothing unescaped.
			if markdown && !(afterURL && j == 0) && r < 0x80 && strings.ContainsRune(mdSpecial, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
			if breakMentions && r == '@' && !wordRune(prev) && j+1 < len(s) && wordRune(rune(s[j+1])) {
				b.WriteString("\u200B")
			}
			prev = r
		}
		s = s[i:]
		end := urlEnd(s)
		b.WriteString(s[:end])
		s = s[end:]
		prev, afterURL = '/', true
	}
	return b.String()
}

// wordRune reports whether r may be part of a user or channel name.
func wordRune(r rune) bool {
	return r == '_' || r == '-' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// urlStart is where the first http(s) address in s begins, or -1.
func urlStart(s string) int {
	i, j := strings.Index(s, "https://"), strings.Index(s, "http://")
	switch {
	case i < 0:
		return j
	case j < 0:
		return i
	}
	return min(i, j)
}

// urlEnd is where an address at the start of s ends: at whitespace, or
// before a closing bracket or a stop that ends the sentence around it.
func urlEnd(s string) int {
	end := strings.IndexFunc(s, func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '<' || r == '>' || r > 0x7F
	})
	if end < 0 {
		end = len(s)
	}
	for end > 0 && strings.ContainsRune(").,;:!?'\"]", rune(s[end-1])) {
		end--
	}
	return end
}

// mdURL makes a URL safe inside Markdown's [label](url).
var mdURL = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E")

// mdLink is a Markdown link with an escaped label.
func mdLink(label, url string) string {
	return "[" + mdEscape(label) + "](" + mdURL.Replace(url) + ")"
}

// mdBold is s in bold, escaped.
func mdBold(s string) string {
	if s == "" {
		return ""
	}
	return "**" + mdEscape(s) + "**"
}
