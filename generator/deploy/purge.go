package deploy

import (
	"context"
	"net/http"

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

// Purgers returns a purger for each CDN cdn names.
func Purgers(cdn status.DeployCDN, env Env) ([]Purger, error) {
	return nil, nil // TODO(cdn helper)
}
