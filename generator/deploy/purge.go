package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"statusgen/generator/status"
)

// Purger makes one CDN forget URLs of the site.
type Purger interface {
	// Name names the CDN in messages, such as "CloudFront E2QWRUHAPOMQZL".
	Name() string
	// Purge makes the CDN forget urls, absolute URLs of the site (a page
	// both as its folder and as its index.html), sorted. It returns how
	// many purge requests it made.
	Purge(ctx context.Context, urls []string) (requests int, err error)
}

// Env is what purgers reach the outside with: the HTTP client every call
// goes through, and the environment, where credentials and API tokens are.
type Env struct {
	HTTP   *http.Client
	Getenv func(string) string
}

// Purgers returns a purger for each CDN cdn names. It checks, before any
// request is made, that the API token each CDN needs is in the
// environment, so that a deploy can stop before it uploads anything.
// A nil Env.HTTP means a plain client, a nil Env.Getenv os.Getenv.
func Purgers(cdn status.DeployCDN, env Env) ([]Purger, error) {
	if env.HTTP == nil {
		env.HTTP = &http.Client{}
	}
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	var (
		ps   []Purger
		errs []error
	)
	add := func(p Purger, err error) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		ps = append(ps, p)
	}
	if cdn.CloudFront != "" {
		add(newCloudFront(cdn.CloudFront, env))
	}
	if cdn.CloudCDN != nil {
		add(newCloudCDN(*cdn.CloudCDN, env))
	}
	if cdn.Cloudflare != nil {
		add(newCloudflare(*cdn.Cloudflare, env))
	}
	if cdn.Fastly != nil {
		add(newFastly(*cdn.Fastly, env))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ps, nil
}

const (
	// requestTimeout bounds each call to a CDN's API: a purge that hangs
	// must not hold a deploy that has already published.
	requestTimeout = 30 * time.Second
	// maxResponse bounds what is read of an API's answer.
	maxResponse = 1 << 20
	// purgeWorkers is how many purge requests to one CDN run at once:
	// enough that a status update reaches the edge in seconds, few enough
	// to stay within every provider's rate limits.
	purgeWorkers = 4
)

// parseSiteURLs parses the URLs handed to Purge.
func parseSiteURLs(urls []string) ([]*url.URL, error) {
	us := make([]*url.URL, len(urls))
	for i, s := range urls {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("%.200q is not an absolute http(s) URL", s)
		}
		us[i] = u
	}
	return us, nil
}

// uniqueStrings returns ss without repeats, in order.
func uniqueStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// commonURLFolder returns the deepest folder, ending in "/", that holds
// every path (each starting with "/"). For a change to a whole site it is
// the site's base path, such as "/status/".
func commonURLFolder(paths []string) string {
	prefix := paths[0]
	for _, p := range paths[1:] {
		n := min(len(prefix), len(p))
		i := 0
		for i < n && prefix[i] == p[i] {
			i++
		}
		prefix = prefix[:i]
	}
	return prefix[:strings.LastIndexByte(prefix, '/')+1]
}

// purgeEach calls do for 0 ≤ i < n, purgeWorkers at a time, and stops at
// the first error. It returns how many calls it made.
func purgeEach(ctx context.Context, n int, do func(ctx context.Context, i int) error) (int, error) {
	var calls atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(purgeWorkers)
	for i := 0; i < n && gctx.Err() == nil; i++ {
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			calls.Add(1)
			return do(gctx, i)
		})
	}
	err := g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return int(calls.Load()), err
}

// purgeCall sends req within requestTimeout and returns the answer's status
// and (at most maxResponse bytes of) its body.
func purgeCall(ctx context.Context, client *http.Client, req *http.Request) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, body, nil
}

// purgeCallError is the error of a call the API refused: the CDN, what was
// asked, the HTTP status and the provider's own words, short and without
// the secret that authorised the call.
func purgeCallError(name, what string, status int, msg, secret string) error {
	msg = strings.Join(strings.Fields(msg), " ")
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "[redacted]")
	}
	if len(msg) > 500 {
		cut := 500
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	if msg == "" {
		msg = "no message"
	}
	return fmt.Errorf("%s: %s: HTTP %d %s: %s", name, what, status, http.StatusText(status), msg)
}
