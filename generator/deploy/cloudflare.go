package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"statusgen/generator/status"
)

// Cloudflare purges by URL with the API v4 "Purge Cached Content"
// endpoint, as documented at
// https://developers.cloudflare.com/api/resources/cache/methods/purge/ and
// https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-single-file/:
//
//	POST https://api.cloudflare.com/client/v4/zones/{zone_id}/purge_cache
//	Authorization: Bearer $CLOUDFLARE_API_TOKEN
//	{"files": ["https://status.example.com/status/", ...]}
//
// answered by {"success": true, "errors": [], "messages": [], "result": {"id": ...}}.
type cloudflare struct {
	zone  string
	token string
	http  *http.Client
}

const (
	cloudflareAPI = "https://api.cloudflare.com/client/v4"
	// cloudflareBatch is how many URLs one call purges: the documented
	// limit of Free, Pro and Business zones (Enterprise takes more).
	cloudflareBatch = 30
	// cloudflareTokenVar holds a token with the Zone > Cache Purge permission.
	cloudflareTokenVar = "CLOUDFLARE_API_TOKEN"
)

func newCloudflare(t status.CloudflareTarget, env Env) (*cloudflare, error) {
	if t.Zone == "" {
		return nil, errors.New("Cloudflare: no zone id")
	}
	c := &cloudflare{zone: t.Zone, token: env.Getenv(cloudflareTokenVar), http: env.HTTP}
	if c.token == "" {
		return nil, fmt.Errorf("%s: %s is not set: export an API token with the Zone > Cache Purge permission", c.Name(), cloudflareTokenVar)
	}
	return c, nil
}

func (c *cloudflare) Name() string { return "Cloudflare zone " + c.zone }

func (c *cloudflare) Purge(ctx context.Context, urls []string) (int, error) {
	if _, err := parseSiteURLs(urls); err != nil {
		return 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	urls = uniqueStrings(urls)
	n := (len(urls) + cloudflareBatch - 1) / cloudflareBatch
	return purgeEach(ctx, n, func(ctx context.Context, i int) error {
		return c.purge(ctx, urls[i*cloudflareBatch:min((i+1)*cloudflareBatch, len(urls))])
	})
}

func (c *cloudflare) purge(ctx context.Context, files []string) error {
	body, err := json.Marshal(struct {
		Files []string `json:"files"`
	}{files})
	if err != nil {
		return err
	}
	endpoint := cloudflareAPI + "/zones/" + url.PathEscape(c.zone) + "/purge_cache"
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	code, answer, err := purgeCall(ctx, c.http, req)
	if err != nil {
		return fmt.Errorf("%s: purging %d URLs: %w", c.Name(), len(files), err)
	}
	var r struct {
		Success bool `json:"success"`
		Errors  []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	jsonErr := json.Unmarshal(answer, &r)
	if jsonErr == nil && r.Success && code/100 == 2 {
		return nil
	}
	msg := string(answer)
	if jsonErr == nil && len(r.Errors) > 0 {
		var ms []string
		for _, e := range r.Errors {
			ms = append(ms, fmt.Sprintf("%s (code %d)", e.Message, e.Code))
		}
		msg = strings.Join(ms, "; ")
	}
	return purgeCallError(c.Name(), fmt.Sprintf("purging %d URLs", len(files)), code, msg, c.token)
}
