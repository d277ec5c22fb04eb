package deploy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"statusgen/generator/status"
)

// The purgers are tested against real HTTPS servers on 127.0.0.1 that
// speak each provider's documented API and check every request against
// it. The client's transport dials that server whatever API host a
// purger asks for, and the server holds a certificate for those hosts
// that only the client trusts: the purgers run unchanged, with their
// production URLs, TLS and all.

// cdnHosts are the API hosts the purgers call.
var cdnHosts = []string{
	"api.cloudflare.com",
	"api.fastly.com",
	"compute.googleapis.com",
	"oauth2.googleapis.com",
	"cloudfront.amazonaws.com",
}

var cdnCert = sync.OnceValue(func() tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(17),
		Subject:               pkix.Name{CommonName: "statusgen CDN API test"},
		DNSNames:              cdnHosts,
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
})

// cdnCall is one request an API server received.
type cdnCall struct {
	Method string
	Host   string
	Path   string // as sent, escaped
	Query  string
	Header http.Header
	Body   []byte
}

// cdnAPI is a local HTTPS server standing in for CDN APIs.
type cdnAPI struct {
	mu    sync.Mutex
	calls []cdnCall
}

func (s *cdnAPI) Calls() []cdnCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// startCDNAPI serves answer, which sees each request once recorded, and
// returns a client that reaches it for every API host.
func startCDNAPI(t *testing.T, answer func(w http.ResponseWriter, c cdnCall)) (*cdnAPI, *http.Client) {
	t.Helper()
	s := &cdnAPI{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if err != nil {
			t.Errorf("reading request body: %v", err)
		}
		c := cdnCall{r.Method, r.Host, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), body}
		if c.Header.Get("Content-Length") == "" && r.ContentLength >= 0 {
			c.Header.Set("Content-Length", fmt.Sprint(r.ContentLength))
		}
		s.mu.Lock()
		s.calls = append(s.calls, c)
		s.mu.Unlock()
		answer(w, c)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cdnCert()}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes a test means to fail
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)

	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	addr := srv.Listener.Addr().String()
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(hostport)
			if err != nil || port != "443" || !slices.Contains(cdnHosts, host) {
				return nil, fmt.Errorf("test dialer: no API at %s", hostport)
			}
			var d net.Dialer
			return d.DialContext(ctx, "tcp", addr)
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return s, &http.Client{Transport: tr}
}

// cdnTestEnv is an Env with client and only vars in its environment.
func cdnTestEnv(client *http.Client, vars map[string]string) Env {
	return Env{HTTP: client, Getenv: func(k string) string { return vars[k] }}
}

// cdnPageURLs returns the URLs of n pages under base, each both as its
// folder and as its index.html, sorted.
func cdnPageURLs(base string, n int) []string {
	var urls []string
	for i := range n {
		page := fmt.Sprintf("%sincidents/%04d/", base, i)
		urls = append(urls, page, page+"index.html")
	}
	slices.Sort(urls)
	return urls
}

// cdnFileURLs returns n distinct file URLs under base, sorted.
func cdnFileURLs(base string, n int) []string {
	var urls []string
	for i := range n {
		urls = append(urls, fmt.Sprintf("%sregions/r%04d.json", base, i))
	}
	slices.Sort(urls)
	return urls
}

func TestPurgersNamesEveryCDN(t *testing.T) {
	env := cdnTestEnv(nil, map[string]string{
		"CLOUDFLARE_API_TOKEN": "cf-token",
		"FASTLY_API_TOKEN":     "fastly-token",
	})
	ps, err := Purgers(status.DeployCDN{
		CloudFront: "E2QWRUHAPOMQZL",
		CloudCDN:   &status.CloudCDNTarget{Project: "acme-status", URLMap: "status-map"},
		Cloudflare: &status.CloudflareTarget{Zone: "023e105f4ecef8ad9ca31a8372d0c353"},
		Fastly:     &status.FastlyTarget{Service: "SU1Z0isxPaozGVKXdv0eY"},
	}, env)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name())
	}
	want := []string{
		"CloudFront E2QWRUHAPOMQZL",
		"Cloud CDN acme-status/status-map",
		"Cloudflare zone 023e105f4ecef8ad9ca31a8372d0c353",
		"Fastly service SU1Z0isxPaozGVKXdv0eY",
	}
	if !slices.Equal(names, want) {
		t.Errorf("names = %q, want %q", names, want)
	}

	none, err := Purgers(status.DeployCDN{}, env)
	if err != nil || len(none) != 0 {
		t.Errorf("no CDN: got %d purgers, %v", len(none), err)
	}
}

func TestPurgersMissingTokens(t *testing.T) {
	api, client := startCDNAPI(t, func(w http.ResponseWriter, c cdnCall) {
		t.Errorf("request made: %s %s%s", c.Method, c.Host, c.Path)
	})
	_, err := Purgers(status.DeployCDN{
		Cloudflare: &status.CloudflareTarget{Zone: "zone1"},
		Fastly:     &status.FastlyTarget{Service: "svc1"},
		CloudCDN:   &status.CloudCDNTarget{Project: "p", URLMap: "m"},
		CloudFront: "EDIST",
	}, cdnTestEnv(client, map[string]string{
		"GOOGLE_APPLICATION_CREDENTIALS": filepath.Join(t.TempDir(), "missing.json"),
		"AWS_ACCESS_KEY_ID":              "AKIDONLY",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"Cloudflare zone zone1: CLOUDFLARE_API_TOKEN is not set",
		"Fastly service svc1: FASTLY_API_TOKEN is not set",
		"Cloud CDN p/m: GOOGLE_APPLICATION_CREDENTIALS: ",
		"missing.json",
		"CloudFront EDIST: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if n := len(api.Calls()); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

func TestPurgersEmptyIDs(t *testing.T) {
	env := cdnTestEnv(nil, map[string]string{"CLOUDFLARE_API_TOKEN": "x", "FASTLY_API_TOKEN": "y"})
	for _, cdn := range []status.DeployCDN{
		{Cloudflare: &status.CloudflareTarget{}},
		{Fastly: &status.FastlyTarget{}},
		{CloudCDN: &status.CloudCDNTarget{Project: "p"}},
	} {
		if _, err := Purgers(cdn, env); err == nil {
			t.Errorf("%+v: no error", cdn)
		}
	}
}

func TestPurgeRefusesWhatIsNotASiteURL(t *testing.T) {
	api, client := startCDNAPI(t, func(w http.ResponseWriter, c cdnCall) {
		t.Errorf("request made: %s %s%s", c.Method, c.Host, c.Path)
	})
	ps, err := Purgers(status.DeployCDN{
		Cloudflare: &status.CloudflareTarget{Zone: "z"},
		Fastly:     &status.FastlyTarget{Service: "s"},
	}, cdnTestEnv(client, map[string]string{"CLOUDFLARE_API_TOKEN": "x", "FASTLY_API_TOKEN": "y"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"/status/", "ftp://status.example.com/", "https://user:pw@status.example.com/", "https://status.example.com/a b\x00"} {
		for _, p := range ps {
			n, err := p.Purge(context.Background(), []string{"https://status.example.com/status/", bad})
			if err == nil || n != 0 || !strings.Contains(err.Error(), p.Name()) {
				t.Errorf("%s: %q: %d requests, error %v", p.Name(), bad, n, err)
			}
		}
	}
	if n := len(api.Calls()); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

func TestPurgeNothing(t *testing.T) {
	api, client := startCDNAPI(t, func(w http.ResponseWriter, c cdnCall) {
		t.Errorf("request made: %s %s%s", c.Method, c.Host, c.Path)
	})
	ps, err := Purgers(status.DeployCDN{
		Cloudflare: &status.CloudflareTarget{Zone: "z"},
		Fastly:     &status.FastlyTarget{Service: "s"},
		CloudCDN:   &status.CloudCDNTarget{Project: "p", URLMap: "m"},
		CloudFront: "EDIST",
	}, cdnTestEnv(client, map[string]string{"CLOUDFLARE_API_TOKEN": "x", "FASTLY_API_TOKEN": "y"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if n, err := p.Purge(context.Background(), nil); n != 0 || err != nil {
			t.Errorf("%s: %d requests, %v", p.Name(), n, err)
		}
	}
	if n := len(api.Calls()); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

func TestPurgeStopsWhenCancelled(t *testing.T) {
	api, client := startCDNAPI(t, func(w http.ResponseWriter, c cdnCall) {
		t.Errorf("request made: %s %s%s", c.Method, c.Host, c.Path)
	})
	ps, err := Purgers(status.DeployCDN{
		Cloudflare: &status.CloudflareTarget{Zone: "z"},
		Fastly:     &status.FastlyTarget{Service: "s"},
	}, cdnTestEnv(client, map[string]string{"CLOUDFLARE_API_TOKEN": "x", "FASTLY_API_TOKEN": "y"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range ps {
		if _, err := p.Purge(ctx, cdnPageURLs("https://status.example.com/status/", 40)); err == nil {
			t.Errorf("%s: no error", p.Name())
		}
	}
	if n := len(api.Calls()); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

func TestCommonFolder(t *testing.T) {
	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{"/status/", "/status/index.html"}, "/status/"},
		{[]string{"/status/a/x.html", "/status/a/y.html"}, "/status/a/"},
		{[]string{"/status/ab/", "/status/ac/"}, "/status/"},
		{[]string{"/a/", "/b/"}, "/"},
		{[]string{"/status/x"}, "/status/"},
	} {
		if got := commonURLFolder(tc.paths); got != tc.want {
			t.Errorf("commonURLFolder(%q) = %q, want %q", tc.paths, got, tc.want)
		}
	}
}

func TestCallErrorIsShortAndRedacted(t *testing.T) {
	secret := "s3cr3t-token"
	msg := "bad token " + secret + "\n\n" + strings.Repeat("é", 1000)
	err := purgeCallError("Fastly service s", "purging x", 403, msg, secret)
	s := err.Error()
	if strings.Contains(s, secret) || strings.Contains(s, "\n") || len(s) > 600 || !strings.Contains(s, "HTTP 403 Forbidden: bad token [redacted]") {
		t.Errorf("error = %q", s)
	}
	if !strings.HasSuffix(s, "é…") {
		t.Errorf("cut inside a rune: %q", s[len(s)-10:])
	}
}
