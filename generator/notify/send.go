package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

const (
	maxAttempts    = 4                // a message is tried at most this often in one run
	requestTimeout = 15 * time.Second // each HTTP request, within the caller's deadline
	maxRetryAfter  = 60 * time.Second // a server asking for longer is waited on this long
	maxReply       = 64 << 10         // what is read of a server's answer
	maxDetail      = 200              // what of it an error quotes, in runes
)

// Deliver sends m through ch, retrying what may pass on a later try: at
// most maxAttempts tries, waiting env.Retry(n) before the n-th retry, or
// longer when the server said so in Retry-After. Errors a retry cannot
// mend (a rejected payload, a deleted webhook) end it at once, and so
// does ctx, which carries the run's deadline: a wait that would outlast
// it is not begun.
func Deliver(ctx context.Context, ch Channel, m *Message, env Env) error {
	for n := 1; ; n++ {
		err := ch.Send(ctx, m)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w (stopped: %w)", err, ctx.Err())
		}
		if !retryable(err) {
			return err
		}
		if n == maxAttempts {
			return fmt.Errorf("%w (gave up after %d attempts)", err, n)
		}
		wait := max(backoff(env, n), retryAfter(err))
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%w (the next try, in %s, would pass the deadline)", err, wait)
		}
		if err2 := sleep(ctx, wait); err2 != nil {
			return fmt.Errorf("%w (stopped: %w)", err, err2)
		}
	}
}

// backoff is the wait before the n-th retry: env.Retry's, or 1 s doubling.
func backoff(env Env, n int) time.Duration {
	if env.Retry != nil {
		return env.Retry(n)
	}
	return time.Second << (n - 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryable reports whether another try may succeed. An error says so by
// a Retryable method (HTTPError does, and so may other channels' errors);
// any other error, a refused connection or a timeout, is taken as passing.
func retryable(err error) bool {
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	return true
}

// retryAfter is how long the server asked to wait, 0 when it did not.
func retryAfter(err error) time.Duration {
	var r interface{ RetryAfter() time.Duration }
	if errors.As(err, &r) {
		return r.RetryAfter()
	}
	return 0
}

// permanent marks an error no retry can mend: a payload that cannot be
// made, a message the channel cannot carry.
type permanent struct{ err error }

func (p permanent) Error() string   { return p.err.Error() }
func (p permanent) Unwrap() error   { return p.err }
func (p permanent) Retryable() bool { return false }

// HTTPError is a webhook's answer other than 2xx. It names the target and
// the server's scheme and host, never the path or query, which hold the
// webhook's secret.
type HTTPError struct {
	Target string // the target's name
	Origin string // scheme://host of the URL
	Status int
	Wait   time.Duration // what Retry-After asked, at most maxRetryAfter
	Detail string        // the start of the answer's body, printable
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "target %q: %s answered %d %s", e.Target, e.Origin, e.Status, http.StatusText(e.Status))
	switch {
	case e.Gone():
		b.WriteString(": the webhook no longer exists (deleted or revoked)")
	case e.Status >= 300 && e.Status < 400:
		b.WriteString(": a webhook URL does not redirect; check the target's URL")
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	return b.String()
}

// Gone reports whether the server says the webhook was deleted.
func (e *HTTPError) Gone() bool {
	return e.Status == http.StatusNotFound || e.Status == http.StatusGone
}

// Retryable reports whether the answer may change on another try: server
// errors, timeouts and rate limits may; other 4xx and redirects will not.
func (e *HTTPError) Retryable() bool {
	switch e.Status {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return e.Status >= 500
}

// RetryAfter is how long the server asked to wait before trying again.
func (e *HTTPError) RetryAfter() time.Duration { return e.Wait }

// postJSON posts body as JSON to rawURL for the named target and reads
// the answer. Each request has its own timeout within ctx. Redirects are
// not followed: they would carry the payload to a host nobody chose.
func postJSON(ctx context.Context, env Env, target, rawURL string, body any, header http.Header) error {
	data, err := encodeJSON(body)
	if err != nil {
		return permanent{fmt.Errorf("target %q: making the payload: %v", target, err)}
	}
	return post(ctx, env, target, rawURL, "application/json", data, header)
}

// post sends one request of the content type given, with the same
// timeout, redaction and reading of the reply as every channel's.
func post(ctx context.Context, env Env, target, rawURL, contentType string, data []byte, header http.Header) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return permanent{fmt.Errorf("target %q: the URL does not parse", target)}
	}
	origin := u.Scheme + "://" + u.Host
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(data))
	if err != nil {
		return permanent{fmt.Errorf("target %q: %s: the request cannot be made", target, origin)}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "statusgen")
	resp, err := noRedirects(env.Client).Do(req)
	if err != nil {
		return fmt.Errorf("target %q: POST %s: %s", target, origin, redact(transportError(err).Error(), u))
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &HTTPError{Target: target, Origin: origin, Status: resp.StatusCode, Detail: detail(reply, u)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.Wait = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return e
}

// encodeJSON is json.Marshal without the escaping of <, > and & that only
// HTML needs: the services count what they receive, and the escapes
// would swell a size-limited payload.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func noRedirects(c *http.Client) *http.Client {
	var cp http.Client
	if c != nil {
		cp = *c
	}
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// transportError drops the *url.Error around err: its text holds the
// whole URL, secret and all.
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date, capped at
// maxRetryAfter; 0 when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0
		}
		d = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// detail is the printable start of a server's answer, with anything of
// the webhook's path or query it may echo taken out.
func detail(reply []byte, u *url.URL) string {
	s := strings.ToValidUTF8(string(reply), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(redact(s, u)), " ")
	return cut(s, maxDetail, nil)
}

// redact takes out of s every piece of u that may be secret: the whole
// URL, its path and query, and each longer segment or value of them.
func redact(s string, u *url.URL) string {
	secrets := []string{u.String(), u.RawQuery, u.EscapedPath(), u.Path}
	if p, ok := u.User.Password(); ok {
		secrets = append(secrets, p)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		secrets = append(secrets, seg)
	}
	for _, vs := range u.Query() {
		secrets = append(secrets, vs...)
	}
	for _, sec := range secrets {
		if len(sec) >= 6 && sec != "/" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// idempotencyKey names one request's content for one target, the same on
// every try and every run, so that a receiver can drop a repeat.
func idempotencyKey(target string, parts ...string) string {
	h := sha256.New()
	io.WriteString(h, target)
	for _, p := range parts {
		h.Write([]byte{0})
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}
