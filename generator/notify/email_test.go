package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"statusgen/generator/status"
)

// testCert is a self-signed certificate for mail.example.com, localhost
// and 127.0.0.1, made once per test binary.
var testCert = sync.OnceValues(func() (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mail.example.com"},
		DNSNames:              []string{"mail.example.com", "localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
})

// mailbox is an SMTP server's state: who it lets in, what it refuses,
// what it received.
type mailbox struct {
	user, pass string
	// refuse maps "mail", "rcpt" or "data" to the reply the server gives.
	refuse map[string]*smtp.SMTPError
	// authReply, when set, is the reply to a wrong password.
	authReply *smtp.SMTPError
	maxBytes  int64 // the SIZE the server announces; 0 for none

	mu       sync.Mutex
	authRuns int // AUTH exchanges the server saw, right or wrong
	got      []delivery
}

type delivery struct {
	from string
	to   []string
	tls  bool // the message came over TLS
	data []byte
}

func (mb *mailbox) received() []delivery {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]delivery(nil), mb.got...)
}

func (mb *mailbox) auths() int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return mb.authRuns
}

type session struct {
	mb     *mailbox
	conn   *smtp.Conn
	authed bool
	cur    delivery
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s.mb.mu.Lock()
		s.mb.authRuns++
		s.mb.mu.Unlock()
		if user != s.mb.user || pass != s.mb.pass {
			if s.mb.authReply != nil {
				return s.mb.authReply
			}
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.mb.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	if r := s.mb.refuse["mail"]; r != nil {
		return r
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.cur = delivery{from: from, tls: isTLS}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if r := s.mb.refuse["rcpt"]; r != nil {
		return r
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return err
	}
	if r := s.mb.refuse["data"]; r != nil {
		return r
	}
	s.cur.data = data
	s.mb.mu.Lock()
	s.mb.got = append(s.mb.got, s.cur)
	s.mb.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = delivery{} }
func (s *session) Logout() error { return nil }

// serveSMTP runs a server for mb on 127.0.0.1: "starttls" offers
// STARTTLS, "smtps" speaks TLS from the start, "plain" has no TLS at all
// (and takes AUTH in clear).
func serveSMTP(t *testing.T, mode string, mb *mailbox) string {
	t.Helper()
	cert, _ := testCert()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{mb: mb, conn: c}, nil
	}))
	s.Domain = "mail.example.com"
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.MaxMessageBytes = mb.maxBytes
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case "starttls":
		s.TLSConfig = cfg
	case "smtps":
		l = tls.NewListener(l, cfg)
	case "plain":
		s.AllowInsecureAuth = true
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().String()
}

var testSite = &status.Site{Title: "PSN Status", BaseURL: "https://status.example.com/"}

// newTestEmail makes the channel for smtpURL and sends every connection
// to addr whatever host the URL names; dialed records where it meant to go.
func newTestEmail(t *testing.T, tg *status.NotifyTarget, smtpURL, addr string, roots *x509.CertPool) (*emailChannel, *[]string) {
	t.Helper()
	if tg.SMTPEnv == "" {
		tg.SMTPEnv = "SMTP_URL"
	}
	env := Env{
		Getenv: func(k string) string {
			if k == tg.SMTPEnv {
				return smtpURL
			}
			return ""
		},
		TLS: &tls.Config{RootCAs: roots},
	}
	ch, err := newEmail(tg, testSite, env)
	if err != nil {
		t.Fatal(err)
	}
	c := ch.(*emailChannel)
	var dialed []string
	var d net.Dialer
	c.dial = func(ctx context.Context, network, a string) (net.Conn, error) {
		dialed = append(dialed, a)
		return d.DialContext(ctx, network, addr)
	}
	return c, &dialed
}

func emailTarget() *status.NotifyTarget {
	return &status.NotifyTarget{
		Type:        "email",
		Name:        "email-ops",
		To:          "Ops <ops@lists.example.com>",
		Unsubscribe: "https://status.example.com/unsubscribe",
	}
}

func testMessage(key, thread string) *Message {
	return &Message{
		Key:           key,
		Event:         Update,
		Time:          time.Date(2011, 5, 14, 14, 0, 0, 0, time.UTC),
		Incident:      "psn-outage",
		IncidentTitle: "PlayStation Network outage",
		Thread:        thread,
		Title:         "Japan · PlayStation Network: Major outage — Investigating <b>&",
		Text:          "We are looking into it.\nMore soon: https://example.com/x",
		HTML:          `<p>We are looking into it.</p><p>More <a href="https://example.com/x">soon</a>.</p>`,
		When:          "2011-05-14 23:00 JST",
		URL:           "https://status.example.com/incidents/psn-outage/#" + key,
		Lang:          "en",
		Labels: Labels{
			View:        "View this update",
			Unsubscribe: "Unsubscribe",
			Footer:      "You receive this because you follow Japan on PSN Status.",
		},
		Site: SiteInfo{
			Title:       "PSN Status",
			URL:         "https://status.example.com/",
			ScopeName:   "Japan",
			ScopeURL:    "https://status.example.com/regions/jp/",
			Unsubscribe: "https://status.example.com/unsubscribe",
		},
	}
}

// parsed is a received message taken apart as a mail client would.
type parsed struct {
	header      mail.Header
	subject     string
	text, html  string
	textHeaders map[string]string
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	checkLines(t, raw)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	p := parsed{header: msg.Header, subject: subject}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		if cte := part.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("part Content-Transfer-Encoding %q", cte)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(part))
		if err != nil {
			t.Fatalf("decode part: %v", err)
		}
		body = bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")) // as the wire has them
		ct := part.Header.Get("Content-Type")
		types = append(types, ct)
		switch ct {
		case "text/plain; charset=utf-8":
			p.text = string(body)
		case "text/html; charset=utf-8":
			p.html = string(body)
		}
	}
	if len(types) != 2 || p.text == "" || p.html == "" {
		t.Fatalf("parts %q, want text/plain then text/html", types)
	}
	return p
}

// checkLines holds raw to RFC 5322: CRLF line ends, none over 998 octets.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 998 {
			t.Errorf("line %d is %d octets", i+1, len(line))
		}
	}
}

func TestEmailThreadOverSTARTTLS(t *testing.T) {
	mb := &mailbox{user: "bot@example.com", pass: "pa:ss/wörd"}
	addr := serveSMTP(t, "starttls", mb)
	_, roots := testCert()
	c, dialed := newTestEmail(t, emailTarget(), "smtp://bot%40example.com:pa%3Ass%2Fw%C3%B6rd@mail.example.com", addr, roots)

	keys := []string{"psn-outage#investigating", "psn-outage#identified", "psn-outage#resolved"}
	for _, k := range keys {
		if err := c.Send(context.Background(), testMessage(k, keys[0])); err != nil {
			t.Fatalf("send %s: %v", k, err)
		}
	}
	if want := "mail.example.com:587"; (*dialed)[0] != want {
		t.Errorf("dialed %q, want %q (the default port)", (*dialed)[0], want)
	}
	got := mb.received()
	if len(got) != 3 {
		t.Fatalf("server received %d messages, want 3", len(got))
	}
	idPattern := regexp.MustCompile(`^<[0-9a-f]{32}@status\.example\.com>$`)
	var first string
	for i, d := range got {
		if !d.tls {
			t.Errorf("message %d came in clear", i)
		}
		if d.from != "bot@example.com" || len(d.to) != 1 || d.to[0] != "ops@lists.example.com" {
			t.Errorf("envelope %q -> %q", d.from, d.to)
		}
		p := parse(t, d.data)
		h := p.header
		id := h.Get("Message-ID")
		if !idPattern.MatchString(id) {
			t.Errorf("Message-ID %q", id)
		}
		if i == 0 {
			first = id
			if h.Get("In-Reply-To") != "" || h.Get("References") != "" {
				t.Errorf("the first message replies to %q / %q", h.Get("In-Reply-To"), h.Get("References"))
			}
		} else {
			if id == first {
				t.Errorf("message %d has the first's Message-ID", i)
			}
			if h.Get("In-Reply-To") != first || h.Get("References") != first {
				t.Errorf("message %d: In-Reply-To %q, References %q, want %q", i, h.Get("In-Reply-To"), h.Get("References"), first)
			}
		}
		if p.subject != "[Japan] PlayStation Network outage" {
			t.Errorf("Subject %q", p.subject)
		}
		from, err := h.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != "PSN Status" || from[0].Address != "bot@example.com" {
			t.Errorf("From %q: %v", h.Get("From"), err)
		}
		to, err := h.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != "ops@lists.example.com" {
			t.Errorf("To %q: %v", h.Get("To"), err)
		}
		if _, err := h.Date(); err != nil {
			t.Errorf("Date %q: %v", h.Get("Date"), err)
		}
		for name, want := range map[string]string{
			"MIME-Version":     "1.0",
			"Content-Language": "en",
			"Auto-Submitted":   "auto-generated",
			"List-Id":          `"PSN Status — Japan" <email-ops.status.example.com>`,
			"List-Unsubscribe": "<https://status.example.com/unsubscribe>",
		} {
			if name == "List-Id" {
				got, _ := (&mime.WordDecoder{}).DecodeHeader(h.Get(name))
				if got != "PSN Status — Japan <email-ops.status.example.com>" {
					t.Errorf("List-Id %q (decoded %q)", h.Get(name), got)
				}
				continue
			}
			if h.Get(name) != want {
				t.Errorf("%s %q, want %q", name, h.Get(name), want)
			}
		}
		if h.Get("List-Unsubscribe-Post") != "" {
			t.Errorf("List-Unsubscribe-Post is set")
		}
		checkBodies(t, p, keys[i])
	}

	// A retry sends the same Message-ID again.
	if err := c.Send(context.Background(), testMessage(keys[1], keys[0])); err != nil {
		t.Fatal(err)
	}
	got = mb.received()
	if a, b := parse(t, got[1].data).header.Get("Message-ID"), parse(t, got[3].data).header.Get("Message-ID"); a != b {
		t.Errorf("a retry has Message-ID %q, the first try %q", b, a)
	}
}

func checkBodies(t *testing.T, p parsed, key string) {
	t.Helper()
	m := testMessage(key, "")
	for _, want := range []string{
		m.Title + "\n" + m.When + "\n",
		m.Text,
		"View this update: " + m.URL,
		"-- \n" + m.Labels.Footer,
		"Unsubscribe: https://status.example.com/unsubscribe",
	} {
		if !strings.Contains(p.text, want) {
			t.Errorf("text part lacks %q:\n%s", want, p.text)
		}
	}
	for _, want := range []string{
		`<html lang="en" dir="ltr">`,
		m.HTML, // as the generator made it
		"Investigating &lt;b&gt;&amp;</h1>",
		`<a href="` + m.URL + `"`,
		`<a href="https://status.example.com/unsubscribe"`,
		m.Labels.Footer,
	} {
		if !strings.Contains(p.html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, p.html)
		}
	}
	if strings.Contains(p.html, "<style") || strings.Contains(p.html, "<link") {
		t.Errorf("HTML part has a style sheet")
	}
}

func TestEmailJapanese(t *testing.T) {
	mb := &mailbox{user: "bot", pass: "pw"}
	addr := serveSMTP(t, "starttls", mb)
	_, roots := testCert()
	tg := emailTarget()
	tg.From = "ops@example.com"
	c, _ := newTestEmail(t, tg, "smtp://bot:pw@mail.example.com:2525", addr, roots)

	m := testMessage("psn-outage#ja", "")
	m.Lang = "ja"
	m.IncidentTitle = "PlayStation Network 障害：サインインできない状態が続いています（長いタイトルが折り返されても元に戻ること）"
	m.Site.ScopeName = "日本"
	m.Title = "日本 · PlayStation Network：大規模障害 — 調査中"
	m.Text = "現在、原因を調査しています。\n次の更新は 23:30 JST の予定です。"
	m.HTML = "<p>現在、原因を調査しています。</p>"
	m.When = "2011年5月14日 23:00 JST"
	m.Labels = Labels{View: "この更新を見る", Unsubscribe: "配信停止", Footer: "日本 をフォローしているため、このメールが届いています。", Colon: "："}
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := mb.received()
	if len(got) != 1 {
		t.Fatalf("received %d messages", len(got))
	}
	p := parse(t, got[0].data)
	if want := "[日本] " + m.IncidentTitle; p.subject != want {
		t.Errorf("Subject %q, want %q", p.subject, want)
	}
	if raw := p.header.Get("Subject"); !strings.Contains(raw, "=?utf-8?b?") {
		t.Errorf("Subject not B-encoded: %q", raw)
	}
	if p.header.Get("Content-Language") != "ja" {
		t.Errorf("Content-Language %q", p.header.Get("Content-Language"))
	}
	from, err := p.header.AddressList("From")
	if err != nil || from[0].Address != "ops@example.com" || from[0].Name != "PSN Status" {
		t.Errorf("From %q: %v", p.header.Get("From"), err)
	}
	for _, want := range []string{m.Title, m.When, m.Text, "この更新を見る：" + m.URL, m.Labels.Footer, "配信停止："} {
		if !strings.Contains(p.text, want) {
			t.Errorf("text part lacks %q:\n%s", want, p.text)
		}
	}
	for _, want := range []string{`<html lang="ja" dir="ltr">`, m.HTML, m.Title, "この更新を見る</a>"} {
		if !strings.Contains(p.html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, p.html)
		}
	}
}

func TestEmailHeaderInjection(t *testing.T) {
	mb := &mailbox{}
	addr := serveSMTP(t, "starttls", mb)
	_, roots := testCert()
	c, _ := newTestEmail(t, emailTarget(), "smtp://mail.example.com", addr, roots)

	m := testMessage("x#1", "")
	m.IncidentTitle = "Outage\r\nBcc: victim@example.net\r\n\r\n<html>evil"
	m.Site.ScopeName = "Japan\nX-Evil: 1"
	m.Lang = "en\r\nX-Lang: 1"
	m.Site.Unsubscribe = "https://status.example.com/u\r\nX-Unsub: 1"
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	d := mb.received()[0]
	if len(d.to) != 1 || d.to[0] != "ops@lists.example.com" {
		t.Errorf("recipients %q", d.to)
	}
	p := parse(t, d.data)
	for _, name := range []string{"Bcc", "X-Evil", "X-Lang", "X-Unsub"} {
		if v, ok := p.header[name]; ok {
			t.Errorf("header %s injected: %q", name, v)
		}
	}
	if want := "[Japan X-Evil: 1] Outage Bcc: victim@example.net <html>evil"; p.subject != want {
		t.Errorf("Subject %q, want %q", p.subject, want)
	}
	if p.header.Get("List-Unsubscribe") != "" || p.header.Get("Content-Language") != "" {
		t.Errorf("a bad unsubscribe URL or language was sent: %q, %q", p.header.Get("List-Unsubscribe"), p.header.Get("Content-Language"))
	}
}

func TestEmailSMTPS(t *testing.T) {
	mb := &mailbox{user: "bot", pass: "pw"}
	addr := serveSMTP(t, "smtps", mb)
	_, roots := testCert()
	c, dialed := newTestEmail(t, emailTarget(), "smtps://bot:pw@mail.example.com", addr, roots)
	if err := c.Send(context.Background(), testMessage("x#1", "")); err != nil {
		t.Fatal(err)
	}
	if want := "mail.example.com:465"; (*dialed)[0] != want {
		t.Errorf("dialed %q, want %q", (*dialed)[0], want)
	}
	got := mb.received()
	if len(got) != 1 || !got[0].tls {
		t.Fatalf("received %d messages (over TLS: %v)", len(got), len(got) == 1 && got[0].tls)
	}
	from, _ := parse(t, got[0].data).header.AddressList("From")
	if from[0].Address != "status@status.example.com" {
		t.Errorf("From %q: want status@ the site's host when the user is no address", from[0].Address)
	}
}

func TestEmailWrongPassword(t *testing.T) {
	const secret = "hunter2-s3cr3t"
	for _, echo := range []bool{false, true} {
		mb := &mailbox{user: "bot", pass: "right"}
		if echo {
			// A server that quotes the credentials back in its reply.
			mb.authReply = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials bot " + secret}
		}
		addr := serveSMTP(t, "starttls", mb)
		_, roots := testCert()
		c, _ := newTestEmail(t, emailTarget(), "smtp://bot:"+secret+"@mail.example.com", addr, roots)
		err := c.Send(context.Background(), testMessage("x#1", ""))
		e := emailError(t, err)
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the password: %v", err)
		}
		if e.Step != "auth" || e.Code != 535 || !e.Permanent {
			t.Errorf("step %q code %d permanent %v, want auth 535 permanent: %v", e.Step, e.Code, e.Permanent, err)
		}
		if mb.auths() != 1 || len(mb.received()) != 0 {
			t.Errorf("%d AUTH exchanges, %d messages", mb.auths(), len(mb.received()))
		}
	}
}

func emailError(t *testing.T, err error) *EmailError {
	t.Helper()
	var e *EmailError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *EmailError", err, err)
	}
	var tmp interface{ Temporary() bool }
	if !errors.As(err, &tmp) || tmp.Temporary() == e.Permanent {
		t.Errorf("Temporary() disagrees with Permanent")
	}
	return e
}

func TestEmailRefusals(t *testing.T) {
	for _, tc := range []struct {
		step      string
		reply     *smtp.SMTPError
		wantStep  string
		permanent bool
	}{
		{"rcpt", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}, "rcpt to", true},
		{"data", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}, "data", false},
		{"mail", &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "too many connections"}, "mail from", false},
		{"data", &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "rejected as spam\r\nsecond line"}, "data", true},
	} {
		t.Run(tc.reply.Error(), func(t *testing.T) {
			mb := &mailbox{refuse: map[string]*smtp.SMTPError{tc.step: tc.reply}}
			addr := serveSMTP(t, "starttls", mb)
			_, roots := testCert()
			c, _ := newTestEmail(t, emailTarget(), "smtp://mail.example.com", addr, roots)
			err := c.Send(context.Background(), testMessage("x#1", ""))
			e := emailError(t, err)
			if e.Code != tc.reply.Code || e.Step != tc.wantStep || e.Permanent != tc.permanent {
				t.Errorf("code %d step %q permanent %v, want %d %q %v", e.Code, e.Step, e.Permanent, tc.reply.Code, tc.wantStep, tc.permanent)
			}
			for _, want := range []string{"email-ops", "mail.example.com", strings.Fields(tc.reply.Message)[0]} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestEmailRequiresSTARTTLS(t *testing.T) {
	mb := &mailbox{user: "bot", pass: "pw"}
	addr := serveSMTP(t, "plain", mb)
	c, _ := newTestEmail(t, emailTarget(), "smtp://bot:pw@mail.example.com", addr, nil)
	err := c.Send(context.Background(), testMessage("x#1", ""))
	e := emailError(t, err)
	if !e.Permanent || e.Step != "starttls" || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("step %q permanent %v: %v", e.Step, e.Permanent, err)
	}
	if mb.auths() != 0 || len(mb.received()) != 0 {
		t.Errorf("sent in clear: %d AUTH exchanges, %d messages", mb.auths(), len(mb.received()))
	}

	// A relay on this machine may go without.
	_, port, _ := net.SplitHostPort(addr)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		c, _ := newTestEmail(t, emailTarget(), "smtp://bot:pw@"+host+":"+port, addr, nil)
		if err := c.Send(context.Background(), testMessage("x#1", "")); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if len(mb.received()) != 2 {
		t.Errorf("loopback: %d messages, want 2", len(mb.received()))
	}
}

func TestEmailUntrustedCertificate(t *testing.T) {
	mb := &mailbox{user: "bot", pass: "pw"}
	addr := serveSMTP(t, "starttls", mb)
	c, _ := newTestEmail(t, emailTarget(), "smtp://bot:pw@mail.example.com", addr, x509.NewCertPool())
	e := emailError(t, c.Send(context.Background(), testMessage("x#1", "")))
	if !e.Permanent || e.Step != "starttls" {
		t.Errorf("step %q permanent %v: %v", e.Step, e.Permanent, e)
	}
	if mb.auths() != 0 {
		t.Errorf("AUTH sent over an unverified connection")
	}
}

func TestEmailDeadline(t *testing.T) {
	// A server that accepts and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	c, _ := newTestEmail(t, emailTarget(), "smtp://mail.example.com", l.Addr().String(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	e := emailError(t, c.Send(ctx, testMessage("x#1", "")))
	if e.Permanent || !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("permanent %v: %v", e.Permanent, e)
	}
}

func TestEmailTooLarge(t *testing.T) {
	mb := &mailbox{maxBytes: 10000}
	addr := serveSMTP(t, "starttls", mb)
	_, roots := testCert()
	c, _ := newTestEmail(t, emailTarget(), "smtp://mail.example.com", addr, roots)
	m := testMessage("x#1", "")
	m.Text = strings.Repeat("long text ", 2000)
	m.HTML = "<p>" + m.Text + "</p>"
	e := emailError(t, c.Send(context.Background(), m))
	if !e.Permanent || !strings.Contains(e.Error(), "at most 10000") {
		t.Errorf("permanent %v: %v", e.Permanent, e)
	}
	if len(mb.received()) != 0 {
		t.Errorf("sent anyway")
	}
}

func TestNewEmailConfig(t *testing.T) {
	const secret = "s3cr3t-pw"
	for _, tc := range []struct {
		name, url, from string
		wantErr         string // "" for none
		wantFrom        string
	}{
		{name: "unset", url: "", wantErr: "$SMTP_URL is not set"},
		{name: "scheme", url: "http://u:" + secret + "@mail.example.com", wantErr: "smtp:// or smtps://"},
		{name: "unparsable", url: "smtp://u:" + secret + "%zz@mail.example.com", wantErr: "$SMTP_URL is not a URL"},
		{name: "no host", url: "smtp://u:" + secret + "@:587", wantErr: "has no host"},
		{name: "bad port", url: "smtp://u:" + secret + "@mail.example.com:99999", wantErr: "bad port"},
		{name: "user address", url: "smtp://bot%40example.com:" + secret + "@mail.example.com", wantFrom: `"PSN Status" <bot@example.com>`},
		{name: "user name", url: "smtp://apikey:" + secret + "@mail.example.com", wantFrom: `"PSN Status" <status@status.example.com>`},
		{name: "from", url: "smtp://apikey:" + secret + "@mail.example.com", from: "Ops Team <ops@example.com>", wantFrom: `"Ops Team" <ops@example.com>`},
		{name: "bad from", url: "smtp://mail.example.com", from: "not an address", wantErr: `from "not an address"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := emailTarget()
			tg.SMTPEnv = "SMTP_URL"
			tg.From = tc.from
			env := Env{Getenv: func(k string) string {
				if k == "SMTP_URL" {
					return tc.url
				}
				return ""
			}}
			ch, err := newEmail(tg, testSite, env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "mail.example.com") && strings.Contains(err.Error(), "u:") {
					t.Errorf("the error shows the URL: %v", err)
				}
				if !strings.Contains(err.Error(), "email-ops") {
					t.Errorf("the error does not name the target: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ch.(*emailChannel).from.String(); got != tc.wantFrom {
				t.Errorf("From %s, want %s", got, tc.wantFrom)
			}
		})
	}
}

// TestEmailDirection: an email in a right-to-left language lays out
// right to left, whatever its first letters are.
func TestEmailDirection(t *testing.T) {
	for lang, want := range map[string]string{"ar": `<html lang="ar" dir="rtl">`, "ja": `<html lang="ja" dir="ltr">`} {
		m := testMessage("x#1", "")
		m.Lang, m.Title = lang, "PlayStation Network"
		html, err := emailHTML(m, m.Title)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(html), want) {
			t.Errorf("%s: HTML lacks %s:\n%s", lang, want, html)
		}
	}
}
