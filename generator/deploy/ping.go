package deploy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultEnv reaches the outside as the cloud tools do: the process's
// environment and an HTTP client honouring its proxy settings.
func DefaultEnv() Env {
	return Env{HTTP: &http.Client{Timeout: 30 * time.Second}, Getenv: os.Getenv}
}

// ping tells the WebSub hub that feeds changed, so that subscribers hear
// of an update at once (WebSub's publish notification, as hubs such as
// pubsubhubbub.appspot.com take it: hub.mode=publish, hub.url=the feed).
func ping(ctx context.Context, env Env, hub string, feeds []string) error {
	for _, feed := range feeds {
		form := url.Values{"hub.mode": {"publish"}, "hub.url": {feed}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
		if err != nil {
			return fmt.Errorf("websub_hub: %v", err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := env.HTTP.Do(req)
		if err != nil {
			return fmt.Errorf("pinging the WebSub hub for %s: %v", feed, err)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("pinging the WebSub hub for %s: %s", feed, resp.Status)
		}
	}
	return nil
}
