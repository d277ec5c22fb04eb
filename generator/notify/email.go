package notify

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"statusgen/generator/status"
)

// emailTimeout bounds one message: connecting, TLS, AUTH and the whole
// transfer. The caller's deadline shortens it.
const emailTimeout = 30 * time.Second

// email sends each message as one email to one address, through the SMTP
// server the target's smtp_env names.
type emailChannel struct {
	name     string
	to, from mail.Address // from.Name is the site's title unless From gave one
	server   smtpServer
	siteHost string // the host of the site's base URL: Message-IDs and List-Id live there
	listID   string // List-Id's dot-atom, "<label>.<siteHost>"
	title    string // the site's title, for subjects without a scope

	now  func() time.Time
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// smtpServer is where and how to submit: what smtp_env holds.
type smtpServer struct {
	host, port  string
	implicitTLS bool // smtps://: TLS from the first byte; else STARTTLS
	loopback    bool // the host is this machine: STARTTLS not required
	user, pass  string
	tls         *tls.Config
}

func newEmail(t *status.NotifyTarget, site *status.Site, env Env) (Channel, error) {
	srv, err := parseSMTPEnv(t, env)
	if err != nil {
		return nil, err
	}
	siteHost := mailHost(site.BaseURL)
	if siteHost == "" {
		siteHost = srv.host
	}
	to, err := mail.ParseAddress(t.To)
	if err != nil {
		return nil, fmt.Errorf("email %s: to %q is not an address", t.Name, t.To)
	}
	from, err := emailFrom(t, srv.user, siteHost, site.Title)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{}
	return &emailChannel{
		name:     t.Name,
		to:       mail.Address{Name: mailCut(mailOneLine(to.Name), 100), Address: to.Address},
		from:     from,
		server:   srv,
		siteHost: siteHost,
		listID:   mailLabel(t.Name) + "." + siteHost,
		title:    site.Title,
		now:      time.Now,
		dial:     d.DialContext,
	}, nil
}

// parseSMTPEnv reads smtp://user:password@host:port or smtps://… from the
// variable the target names. Its errors name the variable, never its
// value: the value holds the password.
func parseSMTPEnv(t *status.NotifyTarget, env Env) (smtpServer, error) {
	bad := func(why string) (smtpServer, error) {
		return smtpServer{}, fmt.Errorf("email %s: $%s %s", t.Name, t.SMTPEnv, why)
	}
	if t.SMTPEnv == "" {
		return smtpServer{}, fmt.Errorf("email %s: smtp_env is not set", t.Name)
	}
	v := env.Getenv(t.SMTPEnv)
	if v == "" {
		return bad("is not set or empty")
	}
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return bad("is not a URL (percent-encode special characters in the user and password)")
	}
	srv := smtpServer{host: u.Hostname(), port: u.Port()}
	switch u.Scheme {
	case "smtp":
		srv.port = cmp.Or(srv.port, "587")
	case "smtps":
		srv.implicitTLS = true
		srv.port = cmp.Or(srv.port, "465")
	default:
		return bad("must start with smtp:// or smtps://")
	}
	if srv.host == "" {
		return bad("has no host")
	}
	if _, err := net.LookupPort("tcp", srv.port); err != nil {
		return bad("has a bad port")
	}
	if u.User != nil {
		srv.user = u.User.Username()
		srv.pass, _ = u.User.Password()
	}
	srv.loopback = smtpLoopback(srv.host)
	srv.tls = smtpTLS(env.TLS, srv.host)
	return srv, nil
}

func smtpLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func smtpTLS(base *tls.Config, host string) *tls.Config {
	c := &tls.Config{}
	if base != nil {
		c = base.Clone()
	}
	c.ServerName = host
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

// emailFrom is the target's From, else the SMTP user when it is an
// address (providers often insist the two match), else status@ the
// site's host. Its name is the site's title unless From gave one.
func emailFrom(t *status.NotifyTarget, user, siteHost, title string) (mail.Address, error) {
	name := mailCut(mailOneLine(title), 100)
	if t.From != "" {
		a, err := mail.ParseAddress(t.From)
		if err != nil {
			return mail.Address{}, fmt.Errorf("email %s: from %q is not an address", t.Name, t.From)
		}
		if a.Name != "" {
			name = mailCut(mailOneLine(a.Name), 100)
		}
		return mail.Address{Name: name, Address: a.Address}, nil
	}
	if a, err := mail.ParseAddress(user); err == nil && a.Name == "" && a.Address == user {
		return mail.Address{Name: name, Address: a.Address}, nil
	}
	return mail.Address{Name: name, Address: "status@" + strings.Trim(siteHost, "[]")}, nil
}

func mailHost(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	if strings.Contains(h, ":") {
		return "[" + h + "]" // an IPv6 literal, as a Message-ID's right side writes it
	}
	return h
}

// Send submits m as one email. It does not retry; its errors are
// *EmailError, which tell whether a retry may help.
func (c *emailChannel) Send(ctx context.Context, m *Message) error {
	raw, err := c.compose(m, c.now())
	if err != nil {
		return &EmailError{Target: c.name, Host: c.server.host, Step: "compose", Permanent: true, err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, emailTimeout)
	defer cancel()
	step, err := c.submit(ctx, raw)
	if err != nil {
		return c.failure(ctx, step, err)
	}
	return nil
}

// submit runs one SMTP session and returns the step it failed in.
func (c *emailChannel) submit(ctx context.Context, raw []byte) (string, error) {
	conn, err := c.connect(ctx)
	if err != nil {
		return "connect", err
	}
	// A cancelled context ends the session at once, whatever it waits on.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()

	client, step, err := c.open(conn)
	if err != nil {
		return step, err
	}
	if err := c.auth(client); err != nil {
		return "auth", err
	}
	if step, err := c.transfer(client, raw); err != nil {
		return step, err
	}
	// The server has taken the message once DATA is acknowledged: a
	// failing QUIT must not make the caller send it again.
	client.Quit()
	return "", nil
}

// connect dials the server and, for smtps://, completes the TLS handshake.
// Every deadline the SMTP client sets is held to the context's.
func (c *emailChannel) connect(ctx context.Context) (net.Conn, error) {
	raw, err := c.dial(ctx, "tcp", net.JoinHostPort(c.server.host, c.server.port))
	if err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	var conn net.Conn = &boundedConn{Conn: raw, limit: deadline}
	conn.SetDeadline(deadline)
	if !c.server.implicitTLS {
		return conn, nil
	}
	tc := tls.Client(conn, c.server.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return tc, nil
}

// boundedConn keeps every deadline at or before limit: the SMTP client
// sets its own per command and clears them after.
type boundedConn struct {
	net.Conn
	limit time.Time
}

func (b *boundedConn) bound(t time.Time) time.Time {
	if t.IsZero() || t.After(b.limit) {
		return b.limit
	}
	return t
}

func (b *boundedConn) SetDeadline(t time.Time) error { return b.Conn.SetDeadline(b.bound(t)) }
func (b *boundedConn) SetReadDeadline(t time.Time) error {
	return b.Conn.SetReadDeadline(b.bound(t))
}
func (b *boundedConn) SetWriteDeadline(t time.Time) error {
	return b.Conn.SetWriteDeadline(b.bound(t))
}

var (
	errNoAuth     = errors.New("the server offers neither AUTH PLAIN nor AUTH LOGIN")
	errTooLarge   = errors.New("the message is too large")
	errNoSTARTTLS = errors.New("the server offers no STARTTLS: refusing to send the password or the message in clear " +
		"to a host that is not this machine (use smtps:// or a server with STARTTLS)")
)

// open greets the server and, unless the connection is TLS already or
// stays on this machine, upgrades it with STARTTLS, which it requires.
// A loopback relay is spoken to in clear: the traffic never leaves the
// host, and such relays often have certificates no one can verify.
func (c *emailChannel) open(conn net.Conn) (*smtp.Client, string, error) {
	if c.server.implicitTLS || c.server.loopback {
		client := smtp.NewClient(conn)
		if err := client.Hello("localhost"); err != nil {
			return nil, "hello", err
		}
		return client, "", nil
	}
	client, err := smtp.NewClientStartTLS(conn, c.server.tls)
	if err != nil {
		var se *smtp.SMTPError
		if !errors.As(err, &se) && strings.Contains(err.Error(), "STARTTLS") {
			err = errNoSTARTTLS
		}
		return nil, "starttls", err
	}
	// The handshake runs with the first command after STARTTLS.
	if err := client.Hello("localhost"); err != nil {
		return nil, "starttls", err
	}
	return client, "", nil
}

// auth logs in with PLAIN, or LOGIN where PLAIN is not offered; it does
// nothing when the URL has no user.
func (c *emailChannel) auth(client *smtp.Client) error {
	if c.server.user == "" {
		return nil
	}
	var a sasl.Client
	switch {
	case client.SupportsAuth(sasl.Plain):
		a = sasl.NewPlainClient("", c.server.user, c.server.pass)
	case client.SupportsAuth(sasl.Login):
		a = sasl.NewLoginClient(c.server.user, c.server.pass)
	default:
		return errNoAuth
	}
	return client.Auth(a)
}

func (c *emailChannel) transfer(client *smtp.Client, raw []byte) (string, error) {
	if max, ok := client.MaxMessageSize(); ok && max > 0 && len(raw) > max {
		return "mail from", fmt.Errorf("%w: it is %d bytes, the server takes at most %d", errTooLarge, len(raw), max)
	}
	opts := &smtp.MailOptions{Size: int64(len(raw)), UTF8: !mailASCII(c.from.Address + c.to.Address)}
	if err := client.Mail(c.from.Address, opts); err != nil {
		return "mail from", err
	}
	if err := client.Rcpt(c.to.Address, nil); err != nil {
		return "rcpt to", err
	}
	w, err := client.Data()
	if err != nil {
		return "data", err
	}
	if _, err := w.Write(raw); err != nil {
		w.Close()
		return "data", err
	}
	if err := w.Close(); err != nil {
		return "data", err
	}
	return "", nil
}

func mailASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// EmailError is why an email was not sent. Temporary errors may pass on
// a later try: 4xx replies, the network, a timeout. Permanent ones fail
// again until someone changes the server, the account or site.yaml: 5xx
// replies (550 no such mailbox, 535 wrong password, 554 refused), a
// certificate that does not verify, a server without STARTTLS, a message
// larger than the server takes. Either way the message was not
// delivered. Its text names the target, the step and the server's host,
// with the server's reply; never the password or the SMTP URL.
type EmailError struct {
	Target    string // the target's name
	Host      string // the SMTP server
	Step      string // "compose", "connect", "hello", "starttls", "auth", "mail from", "rcpt to", "data"
	Code      int    // the server's reply code (421, 550…); 0 when it gave none
	Permanent bool
	err       error
}

func (e *EmailError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	why := mailCut(mailOneLine(fmt.Sprint(e.err)), 300)
	return fmt.Sprintf("email %s: %s at %s: %s (%s)", e.Target, e.Step, e.Host, why, kind)
}

func (e *EmailError) Unwrap() error { return e.err }

// Temporary reports whether retrying the same message may succeed, as
// net.Error and go-smtp's SMTPError do.
func (e *EmailError) Temporary() bool { return !e.Permanent }

// Retryable is what Deliver asks: a permanent refusal is not tried again.
func (e *EmailError) Retryable() bool { return !e.Permanent }

func (c *emailChannel) failure(ctx context.Context, step string, err error) error {
	e := &EmailError{Target: c.name, Host: c.server.host, Step: step, err: err}
	var se *smtp.SMTPError
	var cv *tls.CertificateVerificationError
	var ha x509.HostnameError
	var ua x509.UnknownAuthorityError
	switch {
	case errors.As(err, &se):
		e.Code = se.Code
		e.Permanent = se.Code/100 == 5
		e.err = replyError(se, step != "auth")
	case ctxDone(ctx) != nil:
		e.err = fmt.Errorf("%w: %v", ctxDone(ctx), err)
	case errors.As(err, &cv), errors.As(err, &ha), errors.As(err, &ua):
		e.Permanent = true
	case errors.Is(err, errNoSTARTTLS), errors.Is(err, errNoAuth), errors.Is(err, errTooLarge):
		e.Permanent = true
	case step == "auth" && !smtpNetError(err):
		// A malformed reply to AUTH would be quoted: it may hold the credentials.
		e.err = errors.New("the server's reply to AUTH is not SMTP")
	}
	return e
}

// ctxDone is ctx.Err(), or DeadlineExceeded as soon as the deadline has
// passed: the connection's deadline, the same instant, may fire first.
func ctxDone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

func smtpNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF)
}

// replyError is the server's reply as an error, its text on one line and
// cut short. The text of replies to AUTH is left out: a server may quote
// the credentials back.
func replyError(se *smtp.SMTPError, withText bool) error {
	s := fmt.Sprint(se.Code)
	if se.EnhancedCode != (smtp.EnhancedCode{}) && se.EnhancedCode != smtp.NoEnhancedCode {
		s += fmt.Sprintf(" %d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
	}
	if withText {
		if t := mailCut(mailOneLine(se.Message), 200); t != "" {
			s += " " + t
		}
	}
	return errors.New("server replied " + s)
}
