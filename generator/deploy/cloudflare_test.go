package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"statusgen/generator/status"
)

const (
	cfZone  = "023e105f4ecef8ad9ca31a8372d0c353"
	cfToken = "cf-Y2xvdWRmbGFyZS10b2tlbg"
)

// cloudflareServer answers as the Cloudflare API v4 "Purge Cached Content"
// endpoint does (https://developers.cloudflare.com/api/resources/cache/methods/purge/),
// after checking the request is one: POST to the zone's purge_cache with
// the bearer token and a JSON body holding only "files", at most 30
// absolute URLs. fail, if not nil, may refuse a call instead.
func cloudflareServer(t *testing.T, fail func(w http.ResponseWriter) bool) func(http.ResponseWriter, cdnCall) {
	return func(w http.ResponseWriter, c cdnCall) {
		if files, ok := checkCloudflareCall(t, c); !ok || len(files) == 0 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if fail != nil && fail(w) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"success":true,"errors":[],"messages":[],"result":{"id":%q}}`, cfZone)
	}
}

func checkCloudflareCall(t *testing.T, c cdnCall) ([]string, bool) {
	ok := true
	fail := func(format string, args ...any) {
		t.Errorf("Cloudflare request: "+format, args...)
		ok = false
	}
	if c.Method != http.MethodPost || c.Host != "api.cloudflare.com" || c.Path != "/client/v4/zones/"+cfZone+"/purge_cache" || c.Query != "" {
		fail("%s %s%s?%s", c.Method, c.Host, c.Path, c.Query)
	}
	if got := c.Header.Get("Authorization"); got != "Bearer "+cfToken {
		fail("Authorization %q", got)
	}
	if got := c.Header.Get("Content-Type"); got != "application/json" {
		fail("Content-Type %q", got)
	}
	var body struct {
		Files []string `json:"files"`
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		fail("body %s: %v", c.Body, err)
	}
	if n := len(body.Files); n < 1 || n > 30 {
		fail("%d files in one call", n)
	}
	for _, f := range body.Files {
		if u, err := url.Parse(f); err != nil || u.Scheme != "https" || u.Host == "" {
			fail("file %q is not an absolute URL", f)
		}
	}
	return body.Files, ok
}

func cloudflarePurger(t *testing.T, client *http.Client) Purger {
	t.Helper()
	ps, err := Purgers(status.DeployCDN{Cloudflare: &status.CloudflareTarget{Zone: cfZone}},
		cdnTestEnv(client, map[string]string{"CLOUDFLARE_API_TOKEN": cfToken}))
	if err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

func TestCloudflareBatchesOf30(t *testing.T) {
	for _, tc := range []struct{ urls, calls int }{{1, 1}, {30, 1}, {31, 2}, {60, 2}, {61, 3}} {
		t.Run(fmt.Sprint(tc.urls), func(t *testing.T) {
			api, client := startCDNAPI(t, cloudflareServer(t, nil))
			urls := cdnFileURLs("https://status.example.com/status/", tc.urls)
			n, err := cloudflarePurger(t, client).Purge(context.Background(), urls)
			if err != nil {
				t.Fatal(err)
			}
			calls := api.Calls()
			if n != tc.calls || len(calls) != tc.calls {
				t.Errorf("%d requests told, %d made, want %d", n, len(calls), tc.calls)
			}
			var purged []string
			for _, c := range calls {
				files, _ := checkCloudflareCall(t, c)
				purged = append(purged, files...)
			}
			slices.Sort(purged)
			if !slices.Equal(purged, urls) {
				t.Errorf("purged %d URLs, want the %d given", len(purged), len(urls))
			}
		})
	}
}

func TestCloudflarePurgesEachURLOnce(t *testing.T) {
	api, client := startCDNAPI(t, cloudflareServer(t, nil))
	urls := cdnPageURLs("https://status.example.com/status/", 3)
	urls = append(urls, urls[0])
	if _, err := cloudflarePurger(t, client).Purge(context.Background(), urls); err != nil {
		t.Fatal(err)
	}
	files, _ := checkCloudflareCall(t, api.Calls()[0])
	if !slices.Equal(files, urls[:6]) {
		t.Errorf("files = %q", files)
	}
}

func TestCloudflareErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"refused", 403, `{"success":false,"errors":[{"code":10000,"message":"Authentication error: token ` + cfToken + ` lacks Cache Purge"}],"messages":[],"result":null}`,
			[]string{"HTTP 403 Forbidden", "Authentication error: token [redacted] lacks Cache Purge (code 10000)"}},
		{"not a success", 200, `{"success":false,"errors":[{"code":1134,"message":"Invalid url"}],"messages":[],"result":null}`,
			[]string{"HTTP 200 OK", "Invalid url (code 1134)"}},
		{"no JSON", 502, "<html><body>Bad gateway</body></html>",
			[]string{"HTTP 502 Bad Gateway", "<html><body>Bad gateway</body></html>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, client := startCDNAPI(t, cloudflareServer(t, func(w http.ResponseWriter) bool {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
				return true
			}))
			n, err := cloudflarePurger(t, client).Purge(context.Background(), cdnFileURLs("https://status.example.com/", 3))
			if err == nil {
				t.Fatal("no error")
			}
			if n != 1 || len(api.Calls()) != 1 {
				t.Errorf("%d requests told, %d made", n, len(api.Calls()))
			}
			for _, want := range append(tc.want, "Cloudflare zone "+cfZone+": purging 3 URLs") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), cfToken) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}
