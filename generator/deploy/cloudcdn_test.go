package deploy

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"statusgen/generator/status"
)

const (
	gcpProject     = "acme-status"
	gcpURLMap      = "status-map"
	gcpEmail       = "deploy@acme-status.iam.gserviceaccount.com"
	gcpAccessToken = "ya29.c3RhdHVzZ2VuLWFjY2Vzcy10b2tlbg"
	gcpTokenURI    = "https://oauth2.googleapis.com/token"
)

var gcpKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

// writeServiceAccount writes a service account key file, as the Cloud
// console makes them, and returns its path.
func writeServiceAccount(t *testing.T) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(gcpKey())
	if err != nil {
		t.Fatal(err)
	}
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	b, err := json.Marshal(map[string]string{
		"type":                        "service_account",
		"project_id":                  gcpProject,
		"private_key_id":              "k1",
		"private_key":                 string(key),
		"client_email":                gcpEmail,
		"client_id":                   "1234567890",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   gcpTokenURI,
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// googleServer answers as Google's OAuth 2 token endpoint does for a
// service account's JWT grant
// (https://developers.google.com/identity/protocols/oauth2/service-account#httprest)
// and as the Compute Engine API's urlMaps.invalidateCache does
// (https://cloud.google.com/compute/docs/reference/rest/v1/urlMaps/invalidateCache),
// after checking each request is one. fail, if not nil, may refuse an
// invalidation instead.
func googleServer(t *testing.T, fail func(w http.ResponseWriter) bool) func(http.ResponseWriter, cdnCall) {
	return func(w http.ResponseWriter, c cdnCall) {
		w.Header().Set("Content-Type", "application/json")
		switch c.Host {
		case "oauth2.googleapis.com":
			if !checkTokenCall(t, c) {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)
				return
			}
			fmt.Fprintf(w, `{"access_token":%q,"expires_in":3599,"token_type":"Bearer"}`, gcpAccessToken)
		default:
			if _, ok := checkInvalidateCall(t, c); !ok {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			if fail != nil && fail(w) {
				return
			}
			fmt.Fprintf(w, `{"kind":"compute#operation","id":"4012","name":"operation-1700000000000-0","operationType":"invalidateCache","targetLink":"https://www.googleapis.com/compute/v1/projects/%s/global/urlMaps/%s","status":"DONE","progress":100}`, gcpProject, gcpURLMap)
		}
	}
}

// checkTokenCall checks a JWT bearer grant: the form, and the assertion's
// signature, issuer, scope, audience and lifetime.
func checkTokenCall(t *testing.T, c cdnCall) bool {
	ok := true
	fail := func(format string, args ...any) {
		t.Errorf("token request: "+format, args...)
		ok = false
	}
	if c.Method != http.MethodPost || c.Path != "/token" {
		fail("%s %s%s", c.Method, c.Host, c.Path)
	}
	if ct := c.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		fail("Content-Type %q", ct)
	}
	form, err := url.ParseQuery(string(c.Body))
	if err != nil || form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		fail("form %q", c.Body)
	}
	parts := strings.Split(form.Get("assertion"), ".")
	if len(parts) != 3 {
		fail("assertion %q is no JWT", form.Get("assertion"))
		return false
	}
	var head struct{ Alg, Typ, Kid string }
	var claims struct {
		Iss, Scope, Aud string
		Exp, Iat        int64
	}
	decode := func(part string, v any) {
		b, err := base64.RawURLEncoding.DecodeString(part)
		if err == nil {
			err = json.Unmarshal(b, v)
		}
		if err != nil {
			fail("JWT part %q: %v", part, err)
		}
	}
	decode(parts[0], &head)
	decode(parts[1], &claims)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || rsa.VerifyPKCS1v15(&gcpKey().PublicKey, crypto.SHA256, sum[:], sig) != nil {
		fail("JWT signature does not verify")
	}
	if head.Alg != "RS256" || head.Kid != "k1" {
		fail("JWT header %+v", head)
	}
	now := time.Now().Unix()
	if claims.Iss != gcpEmail || claims.Scope != "https://www.googleapis.com/auth/compute" || claims.Aud != gcpTokenURI ||
		claims.Iat > now+60 || claims.Exp <= now || claims.Exp-claims.Iat > 3600 {
		fail("JWT claims %+v", claims)
	}
	return ok
}

func checkInvalidateCall(t *testing.T, c cdnCall) (string, bool) {
	ok := true
	fail := func(format string, args ...any) {
		t.Errorf("invalidateCache request: "+format, args...)
		ok = false
	}
	want := "/compute/v1/projects/" + gcpProject + "/global/urlMaps/" + gcpURLMap + "/invalidateCache"
	if c.Method != http.MethodPost || c.Host != "compute.googleapis.com" || c.Path != want {
		fail("%s %s%s", c.Method, c.Host, c.Path)
	}
	if got := c.Header.Get("Authorization"); got != "Bearer "+gcpAccessToken {
		fail("Authorization %q", got)
	}
	if got := c.Header.Get("Content-Type"); got != "application/json" {
		fail("Content-Type %q", got)
	}
	var rule struct {
		Path string `json:"path"`
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rule); err != nil {
		fail("body %s: %v", c.Body, err)
	}
	// The documented rules of a path pattern.
	p := rule.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?#") ||
		(strings.Contains(p, "*") && (strings.Index(p, "*") != len(p)-1 || !strings.HasSuffix(p, "/*"))) {
		fail("path %q", p)
	}
	return p, ok
}

func cloudCDNPurger(t *testing.T, client *http.Client, credsPath string) Purger {
	t.Helper()
	ps, err := Purgers(status.DeployCDN{CloudCDN: &status.CloudCDNTarget{Project: gcpProject, URLMap: gcpURLMap}},
		cdnTestEnv(client, map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": credsPath}))
	if err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

// invalidated returns the paths of the invalidations api received, sorted,
// and how many tokens it issued.
func cdnInvalidated(t *testing.T, api *cdnAPI) (paths []string, tokens int) {
	for _, c := range api.Calls() {
		if c.Host == "oauth2.googleapis.com" {
			tokens++
			continue
		}
		p, _ := checkInvalidateCall(t, c)
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths, tokens
}

func TestCloudCDNInvalidatesUpTo10PathsOneByOne(t *testing.T) {
	api, client := startCDNAPI(t, googleServer(t, nil))
	urls := cdnPageURLs("https://status.example.com/status/", 5)
	urls = append(urls, urls[0])
	n, err := cloudCDNPurger(t, client, writeServiceAccount(t)).Purge(context.Background(), urls)
	if err != nil {
		t.Fatal(err)
	}
	paths, tokens := cdnInvalidated(t, api)
	var want []string
	for _, u := range urls[:10] {
		want = append(want, strings.TrimPrefix(u, "https://status.example.com"))
	}
	slices.Sort(want)
	if n != 10 || !slices.Equal(paths, want) || tokens != 1 {
		t.Errorf("%d requests told, %d tokens, paths %q, want %q", n, tokens, paths, want)
	}
}

func TestCloudCDNInvalidatesTheBasePathPast10Paths(t *testing.T) {
	for _, tc := range []struct {
		name string
		urls []string
		want string
	}{
		{"site under a base path", append(cdnPageURLs("https://status.example.com/status/", 5),
			"https://status.example.com/status/", "https://status.example.com/status/index.html"), "/status/*"},
		{"one folder", cdnFileURLs("https://status.example.com/status/", 11), "/status/regions/*"},
		{"site at the root", append(cdnFileURLs("https://status.example.com/", 10), "https://status.example.com/"), "/*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, client := startCDNAPI(t, googleServer(t, nil))
			n, err := cloudCDNPurger(t, client, writeServiceAccount(t)).Purge(context.Background(), tc.urls)
			if err != nil {
				t.Fatal(err)
			}
			paths, _ := cdnInvalidated(t, api)
			if n != 1 || !slices.Equal(paths, []string{tc.want}) {
				t.Errorf("%d requests told, paths %q, want [%q]", n, paths, tc.want)
			}
		})
	}
}

func TestCloudCDNErrors(t *testing.T) {
	api, client := startCDNAPI(t, googleServer(t, func(w http.ResponseWriter) bool {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"error":{"code":403,"message":"Required 'compute.urlMaps.invalidateCache' permission for 'projects/%s/global/urlMaps/%s' (Bearer %s)","errors":[{"message":"Required permission","domain":"global","reason":"forbidden"}]}}`,
			gcpProject, gcpURLMap, gcpAccessToken)
		return true
	}))
	n, err := cloudCDNPurger(t, client, writeServiceAccount(t)).Purge(context.Background(), []string{"https://status.example.com/status/"})
	if err == nil {
		t.Fatal("no error")
	}
	if n != 1 {
		t.Errorf("%d requests told", n)
	}
	for _, want := range []string{"Cloud CDN acme-status/status-map: invalidating /status/: HTTP 403 Forbidden",
		"Required 'compute.urlMaps.invalidateCache' permission", "(Bearer [redacted])"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), gcpAccessToken) {
		t.Errorf("error shows the token: %v", err)
	}
	if _, tokens := cdnInvalidated(t, api); tokens != 1 {
		t.Errorf("%d tokens", tokens)
	}
}

func TestCloudCDNFailedOperation(t *testing.T) {
	_, client := startCDNAPI(t, googleServer(t, func(w http.ResponseWriter) bool {
		fmt.Fprint(w, `{"kind":"compute#operation","status":"DONE","error":{"errors":[{"code":"RATE_LIMIT_EXCEEDED","message":"Rate limit exceeded for invalidations"}]}}`)
		return true
	}))
	_, err := cloudCDNPurger(t, client, writeServiceAccount(t)).Purge(context.Background(), []string{"https://status.example.com/status/"})
	if err == nil || !strings.Contains(err.Error(), "RATE_LIMIT_EXCEEDED: Rate limit exceeded for invalidations") {
		t.Errorf("error %v", err)
	}
}

func TestCloudCDNTokenRefused(t *testing.T) {
	api, client := startCDNAPI(t, func(w http.ResponseWriter, c cdnCall) {
		if c.Host != "oauth2.googleapis.com" {
			t.Errorf("request without a token: %s%s", c.Host, c.Path)
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)
	})
	n, err := cloudCDNPurger(t, client, writeServiceAccount(t)).Purge(context.Background(), []string{"https://status.example.com/status/"})
	if err == nil || n != 0 || !strings.Contains(err.Error(), "Cloud CDN acme-status/status-map: getting a Google access token") ||
		!strings.Contains(err.Error(), "Invalid JWT Signature") {
		t.Errorf("%d requests, error %v", n, err)
	}
	if len(api.Calls()) != 1 {
		t.Errorf("%d calls", len(api.Calls()))
	}
}

func TestCloudCDNBadCredentialsFile(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "creds.txt")
	os.WriteFile(notJSON, []byte("not json"), 0o600)
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"type":"api_key"}`), 0o600)
	for path, want := range map[string]string{
		filepath.Join(dir, "missing.json"): "no such file",
		dir:                                "not a regular file",
		notJSON:                            "not a Google credentials file",
		unknown:                            `type "api_key" are not supported`,
	} {
		_, err := Purgers(status.DeployCDN{CloudCDN: &status.CloudCDNTarget{Project: "p", URLMap: "m"}},
			cdnTestEnv(nil, map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": path}))
		if err == nil || !strings.Contains(err.Error(), "Cloud CDN p/m: GOOGLE_APPLICATION_CREDENTIALS: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", path, err, want)
		}
	}
}
