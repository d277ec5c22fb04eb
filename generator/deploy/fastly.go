package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"statusgen/generator/status"
)

// Fastly purges each URL with the API's "Purge a URL" endpoint and, past
// fastlyMaxURLs, the whole service with "Purge everything from a
// service", as documented at
// https://www.fastly.com/documentation/reference/api/purging/:
//
//	POST https://api.fastly.com/purge/{cached_url}     (cached_url: host and path, e.g. www.example.com/path/to/object-to-purge)
//	POST https://api.fastly.com/service/{service_id}/purge_all
//	Fastly-Key: $FASTLY_API_TOKEN
//
// each answered by {"status": "ok", ...}. Purges are hard, not soft: a
// status page must stop showing the old state at once.
type fastly struct {
	service string
	token   string
	http    *http.Client
}

const (
	fastlyAPI = "https://api.fastly.com"
	// fastlyMaxURLs is how many URLs are purged one by one; past it one
	// purge_all costs one request instead of hundreds.
	fastlyMaxURLs = 100
	// fastlyTokenVar holds a token with the purge_select scope
	// (purge_all too, for changes past fastlyMaxURLs).
	fastlyTokenVar = "FASTLY_API_TOKEN"
)

func newFastly(t status.FastlyTarget, env Env) (*fastly, error) {
	if t.Service == "" {
		return nil, errors.New("Fastly: no service id")
	}
	f := &fastly{service: t.Service, token: env.Getenv(fastlyTokenVar), http: env.HTTP}
	if f.token == "" {
		return nil, fmt.Errorf("%s: %s is not set: export an API token with the purge_select and purge_all scopes", f.Name(), fastlyTokenVar)
	}
	return f, nil
}

func (f *fastly) Name() string { return "Fastly service " + f.service }

func (f *fastly) Purge(ctx context.Context, urls []string) (int, error) {
	us, err := parseSiteURLs(urls)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", f.Name(), err)
	}
	cached := make([]string, len(us))
	for i, u := range us {
		cached[i] = u.Host + u.EscapedPath()
		if u.RawQuery != "" {
			cached[i] += "?" + u.RawQuery
		}
	}
	cached = uniqueStrings(cached)
	if len(cached) == 0 {
		return 0, nil
	}
	if len(cached) > fastlyMaxURLs {
		err := f.post(ctx, "/service/"+url.PathEscape(f.service)+"/purge_all", "purging everything")
		return 1, err
	}
	return purgeEach(ctx, len(cached), func(ctx context.Context, i int) error {
		return f.post(ctx, "/purge/"+cached[i], "purging "+cached[i])
	})
}

func (f *fastly) post(ctx context.Context, path, what string) error {
	req, err := http.NewRequest(http.MethodPost, fastlyAPI+path, nil)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", f.Name(), what, err)
	}
	req.Header.Set("Fastly-Key", f.token)
	req.Header.Set("Accept", "application/json")
	code, answer, err := purgeCall(ctx, f.http, req)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", f.Name(), what, err)
	}
	var r struct {
		Status string `json:"status"`
		Msg    string `json:"msg"`
		Detail string `json:"detail"`
	}
	jsonErr := json.Unmarshal(answer, &r)
	if jsonErr == nil && r.Status == "ok" && code/100 == 2 {
		return nil
	}
	msg := string(answer)
	if jsonErr == nil && r.Msg != "" {
		msg = r.Msg
		if r.Detail != "" {
			msg += ": " + r.Detail
		}
	}
	return purgeCallError(f.Name(), what, code, msg, f.token)
}
