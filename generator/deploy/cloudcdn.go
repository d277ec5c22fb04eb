package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"statusgen/generator/status"
)

// cloudCDN invalidates paths of a URL map with the Compute Engine API's
// urlMaps.invalidateCache, as documented at
// https://cloud.google.com/compute/docs/reference/rest/v1/urlMaps/invalidateCache
// and https://cloud.google.com/cdn/docs/cache-invalidation-overview:
//
//	POST https://compute.googleapis.com/compute/v1/projects/{project}/global/urlMaps/{urlMap}/invalidateCache
//	Authorization: Bearer <OAuth 2 token, scope https://www.googleapis.com/auth/compute>
//	{"path": "/status/regions/jp/"}
//
// answered by an Operation. Each request names one path (a CacheInvalidationRule
// has one); the path may end in "/*" to take a whole folder. The rule names
// no host, so the path is forgotten for every host the URL map serves, as
// a site may be reached under several names.
//
// Credentials are Google's Application Default Credentials: the file that
// GOOGLE_APPLICATION_CREDENTIALS names (a service account key, or a
// workload identity federation configuration such as GitHub Actions'
// OIDC one), gcloud's application default file, or the metadata server.
type cloudCDN struct {
	project, urlMap string
	http            *http.Client
	// credJSON is the file GOOGLE_APPLICATION_CREDENTIALS names, read
	// early so that a wrong path stops a deploy before it uploads.
	credJSON []byte
	credType google.CredentialsType
}

const (
	computeAPI   = "https://compute.googleapis.com/compute/v1"
	computeScope = "https://www.googleapis.com/auth/compute"
	// cloudCDNMaxPaths is how many paths are invalidated one by one. Cloud
	// CDN rate-limits invalidations (500 requests a minute a project) and
	// each is a long-running operation of its own; past this, one request
	// for the folder holding them all (the site's base path, "/status/*")
	// is kinder to that limit and to the deploy's time.
	cloudCDNMaxPaths = 10
	googleCredsVar   = "GOOGLE_APPLICATION_CREDENTIALS"
	maxCredsFile     = 1 << 20
)

// googleCredTypes are the kinds of credentials file taken from
// GOOGLE_APPLICATION_CREDENTIALS, as the gcloud tool takes them.
var googleCredTypes = []google.CredentialsType{
	google.ServiceAccount,
	google.AuthorizedUser,
	google.ExternalAccount,
	google.ExternalAccountAuthorizedUser,
	google.ImpersonatedServiceAccount,
}

func newCloudCDN(t status.CloudCDNTarget, env Env) (*cloudCDN, error) {
	if t.Project == "" || t.URLMap == "" {
		return nil, errors.New("Cloud CDN: both project and url map are needed")
	}
	c := &cloudCDN{project: t.Project, urlMap: t.URLMap, http: env.HTTP}
	if path := env.Getenv(googleCredsVar); path != "" {
		var err error
		if c.credJSON, c.credType, err = readGoogleCreds(path); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", c.Name(), googleCredsVar, err)
		}
	}
	return c, nil
}

// readGoogleCreds reads a credentials file and tells its type.
func readGoogleCreds(path string) ([]byte, google.CredentialsType, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, "", err
	} else if !fi.Mode().IsRegular() {
		return nil, "", fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCredsFile+1))
	if err != nil {
		return nil, "", err
	}
	if len(b) > maxCredsFile {
		return nil, "", fmt.Errorf("%s is larger than a credentials file can be", path)
	}
	var head struct {
		Type google.CredentialsType `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, "", fmt.Errorf("%s is not a Google credentials file: %v", path, err)
	}
	for _, t := range googleCredTypes {
		if head.Type == t {
			return b, t, nil
		}
	}
	return nil, "", fmt.Errorf("%s: credentials of type %.40q are not supported", path, head.Type)
}

func (c *cloudCDN) Name() string { return "Cloud CDN " + c.project + "/" + c.urlMap }

func (c *cloudCDN) Purge(ctx context.Context, urls []string) (int, error) {
	us, err := parseSiteURLs(urls)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", c.Name(), err)
	}
	paths := make([]string, len(us))
	for i, u := range us {
		paths[i] = u.EscapedPath()
		if paths[i] == "" {
			paths[i] = "/"
		}
	}
	paths = uniqueStrings(paths)
	if len(paths) == 0 {
		return 0, nil
	}
	if len(paths) > cloudCDNMaxPaths {
		paths = []string{commonURLFolder(paths) + "*"}
	}
	tok, err := c.token(ctx)
	if err != nil {
		return 0, err
	}
	return purgeEach(ctx, len(paths), func(ctx context.Context, i int) error {
		return c.invalidate(ctx, tok, paths[i])
	})
}

// token gets an access token, fetched through the purger's HTTP client.
func (c *cloudCDN) token(ctx context.Context) (*oauth2.Token, error) {
	client := *c.http
	if client.Timeout == 0 || client.Timeout > requestTimeout {
		client.Timeout = requestTimeout
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &client)
	params := google.CredentialsParams{Scopes: []string{computeScope}}
	var (
		creds *google.Credentials
		err   error
	)
	if c.credJSON != nil {
		creds, err = google.CredentialsFromJSONWithTypeAndParams(ctx, c.credJSON, c.credType, params)
	} else {
		creds, err = google.FindDefaultCredentialsWithParams(ctx, params)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: no Google credentials (set %s, or run gcloud auth application-default login): %w", c.Name(), googleCredsVar, err)
	}
	tok, err := creds.TokenSource.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: getting a Google access token: %w", c.Name(), err)
	}
	return tok, nil
}

func (c *cloudCDN) invalidate(ctx context.Context, tok *oauth2.Token, path string) error {
	what := "invalidating " + path
	body, err := json.Marshal(struct {
		Path string `json:"path"`
	}{path})
	if err != nil {
		return err
	}
	endpoint := computeAPI + "/projects/" + url.PathEscape(c.project) +
		"/global/urlMaps/" + url.PathEscape(c.urlMap) + "/invalidateCache"
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	tok.SetAuthHeader(req)
	req.Header.Set("Content-Type", "application/json")
	code, answer, err := purgeCall(ctx, c.http, req)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", c.Name(), what, err)
	}
	// A refusal is {"error": {"code", "message"}}; an operation that failed
	// at once is an Operation whose "error" lists "errors".
	var r struct {
		Kind  string `json:"kind"`
		Error *struct {
			Message string `json:"message"`
			Errors  []struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"errors"`
		} `json:"error"`
	}
	jsonErr := json.Unmarshal(answer, &r)
	if jsonErr == nil && code/100 == 2 && r.Kind == "compute#operation" && r.Error == nil {
		return nil
	}
	msg := string(answer)
	if jsonErr == nil && r.Error != nil {
		msg = r.Error.Message
		for _, e := range r.Error.Errors {
			if e.Message != msg {
				msg += " " + e.Code + ": " + e.Message
			}
		}
	}
	return purgeCallError(c.Name(), what, code, msg, tok.AccessToken)
}
