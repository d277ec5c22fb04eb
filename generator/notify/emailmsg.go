package notify

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"statusgen/generator/render"
)

// compose writes m as an RFC 5322 message: CRLF line ends, headers
// folded, both bodies quoted-printable, so no line passes 78 octets
// unless a single word in a header does (titles are cut to keep even
// that under 998).
func (c *emailChannel) compose(m *Message, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	c.writeHeaders(&b, m, now)
	mp := multipart.NewWriter(&b)
	writeHeader(&b, "Content-Type", "multipart/alternative; boundary="+mp.Boundary())
	b.WriteString("\r\n")
	if err := writeQPPart(mp, "text/plain; charset=utf-8", []byte(emailText(m))); err != nil {
		return nil, err
	}
	html, err := emailHTML(m, c.subject(m))
	if err != nil {
		return nil, err
	}
	if err := writeQPPart(mp, "text/html; charset=utf-8", html); err != nil {
		return nil, err
	}
	if err := mp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (c *emailChannel) writeHeaders(b *bytes.Buffer, m *Message, now time.Time) {
	h := func(name, value string) { writeHeader(b, name, value) }
	h("From", c.from.String())
	h("To", c.to.String())
	h("Subject", encodeHeaderText(c.subject(m)))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", c.messageID(m.Key))
	if m.Thread != "" && m.Thread != m.Key {
		first := c.messageID(m.Thread)
		h("In-Reply-To", first)
		h("References", first)
	}
	h("MIME-Version", "1.0")
	if langTag.MatchString(m.Lang) {
		h("Content-Language", m.Lang)
	}
	h("Auto-Submitted", "auto-generated")
	h("List-Id", encodeHeaderText(c.listName(m))+" <"+c.listID+">")
	if u := m.Site.Unsubscribe; headerSafeURL(u) {
		h("List-Unsubscribe", "<"+u+">")
	}
}

// subject is the same for every message of an incident, so that mail
// clients that thread by subject agree with the References chain.
func (c *emailChannel) subject(m *Message) string {
	scope := mailCut(mailOneLine(cmp.Or(m.Site.ScopeName, c.title)), 80)
	title := mailCut(mailOneLine(m.IncidentTitle), 160)
	return "[" + scope + "] " + title
}

// messageID is the same for the same target and event on every run and
// retry, so that receivers can drop a message they already have.
func (c *emailChannel) messageID(key string) string {
	sum := sha256.Sum256([]byte(c.name + "\x00" + key))
	return "<" + hex.EncodeToString(sum[:16]) + "@" + c.siteHost + ">"
}

func (c *emailChannel) listName(m *Message) string {
	name := mailOneLine(c.title)
	if s := mailOneLine(m.Site.ScopeName); s != "" && s != name {
		name += " — " + s
	}
	return mailCut(name, 100)
}

var langTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// headerSafeURL reports whether u can stand in <> in a header as is.
func headerSafeURL(u string) bool {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "mailto:") {
		return false
	}
	for i := 0; i < len(u); i++ {
		if u[i] <= ' ' || u[i] >= 0x7f || u[i] == '<' || u[i] == '>' {
			return false
		}
	}
	return len(u) <= 900
}

// writeHeader writes one field, folded before spaces to keep lines near
// 78 octets. value must be one line.
func writeHeader(b *bytes.Buffer, name, value string) {
	line := len(name) + 2
	b.WriteString(name + ":")
	for i, word := range strings.Split(value, " ") {
		if i > 0 && line+1+len(word) > 78 {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(" " + word)
		line += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// encodeHeaderText writes s as RFC 2047 encoded words when it is not
// plain ASCII: B for text mostly outside ASCII (Japanese), Q otherwise so
// that accented Latin stays legible.
func encodeHeaderText(s string) string {
	if mailASCII(s) && !strings.Contains(s, "=?") {
		return s
	}
	wide := 0
	for _, r := range s {
		if r >= 0x80 {
			wide++
		}
	}
	if wide*2 > utf8.RuneCountInString(s) {
		return mime.BEncoding.Encode("utf-8", s)
	}
	return mime.QEncoding.Encode("utf-8", s)
}

func writeQPPart(mp *multipart.Writer, contentType string, body []byte) error {
	w, err := mp.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {contentType},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write(body); err != nil {
		return err
	}
	return qp.Close()
}

// emailText is the plain-text body. Its footer follows the "-- " line
// mail clients show as a signature.
func emailText(m *Message) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	line(mailOneLine(m.Title))
	line(mailOneLine(m.When))
	if m.Window != "" {
		line(mailOneLine(m.Window))
	}
	line("")
	if t := strings.TrimSpace(mailLines(m.Text)); t != "" {
		line(t)
		line("")
	}
	line(m.Labels.View + cmp.Or(m.Labels.Colon, ": ") + m.URL)
	line("")
	line("-- ")
	if m.Labels.Footer != "" {
		line(mailOneLine(m.Labels.Footer))
	}
	if m.Site.Unsubscribe != "" {
		line(m.Labels.Unsubscribe + cmp.Or(m.Labels.Colon, ": ") + m.Site.Unsubscribe)
	}
	return b.String()
}

// mailLines gives s "\n" line ends and no other control characters.
func mailLines(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
}

// emailPage is the HTML body: one column, inline styles only (mail
// clients drop <style> and external sheets), the update's own HTML in
// the middle, laid out in the direction of its language.
var emailPage = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f6f8fa">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;background:#ffffff">
<h1 style="margin:0 0 4px;font-size:18px;line-height:1.3">{{.Title}}</h1>
<p style="margin:0 0 16px;font-size:13px;color:#59636e">{{.When}}{{if .Window}}<br>{{.Window}}{{end}}</p>
<div>{{.Body}}</div>
<p style="margin:24px 0"><a href="{{.URL}}" style="color:#0969da">{{.View}}</a></p>
<hr style="border:0;border-top:1px solid #d1d9e0;margin:24px 0 12px">
<p style="margin:0;font-size:12px;color:#59636e">{{.Footer}}{{if .Unsubscribe}} <a href="{{.Unsubscribe}}" style="color:#59636e">{{.UnsubscribeLabel}}</a>{{end}}</p>
</div>
</body>
</html>
`))

func emailHTML(m *Message, subject string) ([]byte, error) {
	var b bytes.Buffer
	err := emailPage.Execute(&b, struct {
		Lang, Dir, Subject, Title, When, Window string
		Body                                    template.HTML
		URL, View, Footer                       string
		Unsubscribe, UnsubscribeLabel           string
	}{
		Lang:    m.Lang,
		Dir:     render.Direction(m.Lang),
		Subject: subject,
		Title:   mailOneLine(m.Title),
		When:    m.When,
		Window:  m.Window,
		// The generator renders it from Markdown with raw HTML off.
		Body:             template.HTML(m.HTML),
		URL:              m.URL,
		View:             m.Labels.View,
		Footer:           m.Labels.Footer,
		Unsubscribe:      m.Site.Unsubscribe,
		UnsubscribeLabel: m.Labels.Unsubscribe,
	})
	return b.Bytes(), err
}

// mailOneLine is s fit for a header: valid UTF-8, no control characters
// (a CR or LF from a post's title would start a header of its own), runs
// of spaces made one.
func mailOneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// mailCut cuts s to at most n runes, ending it with "…" when cut.
func mailCut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// mailLabel makes a target's name a List-Id label: lower-case letters,
// digits and hyphens.
func mailLabel(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	s := b.String()
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	if s == "" {
		sum := sha256.Sum256([]byte(name))
		s = "t" + hex.EncodeToString(sum[:6])
	}
	return s
}
