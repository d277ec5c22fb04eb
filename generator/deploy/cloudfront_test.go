package deploy

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"net/http"
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
	cfDist      = "E2QWRUHAPOMQZL"
	awsKeyID    = "AKIDSTATUSGENTEST"
	awsSecret   = "c3RhdHVzZ2VuLXNlY3JldC1hY2Nlc3Mta2V5"
	cloudFrontN = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
)

// cdnIsolateAWS keeps the developer's AWS configuration, and any instance
// metadata service, out of a test: the SDK reads them from the process
// environment.
func cdnIsolateAWS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_CLOUDFRONT", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_CA_BUNDLE",
		"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"} {
		t.Setenv(v, "")
	}
}

type invalidationBatch struct {
	XMLName         xml.Name `xml:"http://cloudfront.amazonaws.com/doc/2020-05-31/ InvalidationBatch"`
	CallerReference string
	Paths           struct {
		Quantity int
		Items    struct {
			Path []string
		}
	}
}

// cloudFrontServer answers as CloudFront's CreateInvalidation does
// (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html),
// after checking the request is one, SigV4 signature included. fail, if
// not nil, may refuse a call instead.
func cloudFrontServer(t *testing.T, fail func(w http.ResponseWriter) bool) func(http.ResponseWriter, cdnCall) {
	var mu sync.Mutex
	refs := map[string]bool{}
	return func(w http.ResponseWriter, c cdnCall) {
		b, ok := checkInvalidationCall(t, c)
		mu.Lock()
		if refs[b.CallerReference] {
			t.Errorf("CallerReference %q used twice", b.CallerReference)
		}
		refs[b.CallerReference] = true
		mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if fail != nil && fail(w) {
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("Location", "https://cloudfront.amazonaws.com/2020-05-31/distribution/"+cfDist+"/invalidation/I2J0I21PCUYOIK")
		w.WriteHeader(http.StatusCreated)
		out, _ := xml.Marshal(b)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Invalidation xmlns=%q><Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status><CreateTime>%s</CreateTime>%s</Invalidation>`,
			cloudFrontN, time.Now().UTC().Format(time.RFC3339), out)
	}
}

func checkInvalidationCall(t *testing.T, c cdnCall) (invalidationBatch, bool) {
	ok := true
	fail := func(format string, args ...any) {
		t.Errorf("CreateInvalidation request: "+format, args...)
		ok = false
	}
	if c.Method != http.MethodPost || c.Host != "cloudfront.amazonaws.com" || c.Path != "/2020-05-31/distribution/"+cfDist+"/invalidation" {
		fail("%s %s%s", c.Method, c.Host, c.Path)
	}
	if err := checkSigV4(c, awsKeyID, awsSecret, "us-east-1", "cloudfront"); err != nil {
		fail("%v", err)
	}
	var b invalidationBatch
	if err := xml.Unmarshal(c.Body, &b); err != nil {
		fail("body: %v\n%s", err, c.Body)
	}
	if n := len(b.Paths.Items.Path); b.Paths.Quantity != n || n < 1 || n > 3000 {
		fail("Quantity %d, %d Items", b.Paths.Quantity, n)
	}
	if b.CallerReference == "" {
		fail("no CallerReference")
	}
	for _, p := range b.Paths.Items.Path {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " \"<>[]{}|\\^`~") || strings.Index(p, "*") >= 0 && strings.Index(p, "*") != len(p)-1 {
			fail("path %q", p)
		}
	}
	return b, ok
}

// checkSigV4 checks the request's Signature Version 4 signature, as
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// computes it.
func checkSigV4(c cdnCall, keyID, secret, region, service string) error {
	auth := c.Header.Get("Authorization")
	alg, rest, _ := strings.Cut(auth, " ")
	if alg != "AWS4-HMAC-SHA256" {
		return fmt.Errorf("Authorization %q", auth)
	}
	fields := map[string]string{}
	for _, f := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
		fields[k] = v
	}
	amzDate := c.Header.Get("X-Amz-Date")
	day, _, _ := strings.Cut(amzDate, "T")
	scope := day + "/" + region + "/" + service + "/aws4_request"
	if fields["Credential"] != keyID+"/"+scope {
		return fmt.Errorf("Credential %q, want %s/%s", fields["Credential"], keyID, scope)
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !slices.Contains(signed, "host") || !slices.Contains(signed, "x-amz-date") || !slices.IsSorted(signed) {
		return fmt.Errorf("SignedHeaders %q", fields["SignedHeaders"])
	}
	var canon strings.Builder
	fmt.Fprintf(&canon, "%s\n%s\n%s\n", c.Method, c.Path, c.Query)
	for _, h := range signed {
		v := strings.Join(c.Header.Values(h), ",")
		if h == "host" {
			v = c.Host
		}
		fmt.Fprintf(&canon, "%s:%s\n", h, strings.Join(strings.Fields(v), " "))
	}
	body := sha256.Sum256(c.Body)
	fmt.Fprintf(&canon, "\n%s\n%s", fields["SignedHeaders"], hex.EncodeToString(body[:]))
	creq := sha256.Sum256([]byte(canon.String()))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(creq[:])
	mac := func(key []byte, s string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(s))
		return h.Sum(nil)
	}
	key := mac(mac(mac(mac([]byte("AWS4"+secret), day), region), service), "aws4_request")
	if want := hex.EncodeToString(mac(key, toSign)); fields["Signature"] != want {
		return fmt.Errorf("Signature %s, want %s for\n%s", fields["Signature"], want, canon.String())
	}
	return nil
}

func cloudFrontPurger(t *testing.T, client *http.Client) Purger {
	t.Helper()
	cdnIsolateAWS(t)
	ps, err := Purgers(status.DeployCDN{CloudFront: cfDist},
		cdnTestEnv(client, map[string]string{"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret}))
	if err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

func cdnInvalidatedPaths(t *testing.T, api *cdnAPI) [][]string {
	var batches [][]string
	for _, c := range api.Calls() {
		b, _ := checkInvalidationCall(t, c)
		batches = append(batches, b.Paths.Items.Path)
	}
	return batches
}

func TestCloudFrontInvalidatesUpTo3000PathsInOneRequest(t *testing.T) {
	api, client := startCDNAPI(t, cloudFrontServer(t, nil))
	urls := cdnPageURLs("https://status.example.com/status/", 1500)
	urls = append(urls, urls[0])
	n, err := cloudFrontPurger(t, client).Purge(context.Background(), urls)
	if err != nil {
		t.Fatal(err)
	}
	batches := cdnInvalidatedPaths(t, api)
	if n != 1 || len(batches) != 1 || len(batches[0]) != 3000 {
		t.Fatalf("%d requests told, %d made", n, len(batches))
	}
	if got := batches[0][:2]; !slices.Equal(got, []string{"/status/incidents/0000/", "/status/incidents/0000/index.html"}) {
		t.Errorf("paths %q…", got)
	}
}

func TestCloudFrontInvalidatesTheBasePathPast3000Paths(t *testing.T) {
	api, client := startCDNAPI(t, cloudFrontServer(t, nil))
	urls := append(cdnPageURLs("https://status.example.com/status/", 1500), "https://status.example.com/status/feed.xml")
	n, err := cloudFrontPurger(t, client).Purge(context.Background(), urls)
	if err != nil {
		t.Fatal(err)
	}
	batches := cdnInvalidatedPaths(t, api)
	if n != 1 || len(batches) != 1 || !slices.Equal(batches[0], []string{"/status/*"}) {
		t.Fatalf("%d requests told, made %q", n, batches)
	}
}

func TestCloudFrontEncodesPathsAsDocumented(t *testing.T) {
	api, client := startCDNAPI(t, cloudFrontServer(t, nil))
	urls := []string{
		"https://status.example.com/status/incidents/caf%C3%A9%20menu/",
		"https://status.example.com/status/~ops/[1].html",
		"https://status.example.com/status/a%3Fb/x+y;z@1,2$&=!'().html",
		"https://status.example.com",
	}
	if _, err := cloudFrontPurger(t, client).Purge(context.Background(), urls); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/status/incidents/caf%C3%A9%20menu/",
		"/status/%7Eops/%5B1%5D.html",
		"/status/a%3Fb/x+y;z@1,2$&=!'().html",
		"/",
	}
	if got := cdnInvalidatedPaths(t, api); len(got) != 1 || !slices.Equal(got[0], want) {
		t.Errorf("paths %q, want %q", got, want)
	}
}

func TestCloudFrontCallerReferencesDiffer(t *testing.T) {
	api, client := startCDNAPI(t, cloudFrontServer(t, nil))
	p := cloudFrontPurger(t, client)
	urls := []string{"https://status.example.com/status/"}
	for range 2 {
		if _, err := p.Purge(context.Background(), urls); err != nil {
			t.Fatal(err)
		}
	}
	if len(api.Calls()) != 2 {
		t.Errorf("%d calls", len(api.Calls()))
	}
}

func TestCloudFrontErrors(t *testing.T) {
	api, client := startCDNAPI(t, cloudFrontServer(t, func(w http.ResponseWriter) bool {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `<?xml version="1.0"?><ErrorResponse xmlns=%q><Error><Type>Sender</Type><Code>NoSuchDistribution</Code><Message>The specified distribution does not exist.</Message></Error><RequestId>6b1a2f1e-0000-4000-8000-000000000000</RequestId></ErrorResponse>`, cloudFrontN)
		return true
	}))
	n, err := cloudFrontPurger(t, client).Purge(context.Background(), []string{"https://status.example.com/status/"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"CloudFront " + cfDist + ": invalidating 1 paths", "404", "NoSuchDistribution", "The specified distribution does not exist."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), awsSecret) {
		t.Errorf("error shows the secret key: %v", err)
	}
	if n != 1 || len(api.Calls()) != 1 {
		t.Errorf("%d requests told, %d made", n, len(api.Calls()))
	}
}

func TestCloudFrontWithoutCredentials(t *testing.T) {
	api, client := startCDNAPI(t, cloudFrontServer(t, nil))
	cdnIsolateAWS(t)
	ps, err := Purgers(status.DeployCDN{CloudFront: cfDist}, cdnTestEnv(client, nil))
	if err != nil {
		t.Fatal(err)
	}
	n, err := ps[0].Purge(context.Background(), []string{"https://status.example.com/status/"})
	if err == nil || n != 0 || !strings.Contains(err.Error(), "CloudFront "+cfDist+": no AWS credentials") {
		t.Errorf("%d requests, error %v", n, err)
	}
	if len(api.Calls()) != 0 {
		t.Errorf("%d requests made", len(api.Calls()))
	}
}

// A CA bundle named in the AWS configuration, as behind a company's TLS
// proxy, is trusted as the AWS CLI trusts it.
func TestCloudFrontHonoursAWSCABundle(t *testing.T) {
	api, client := startCDNAPI(t, cloudFrontServer(t, nil))
	cdnIsolateAWS(t)
	// A client that trusts only the system's roots, which lack the test's.
	tr := client.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = nil
	env := cdnTestEnv(&http.Client{Transport: tr}, map[string]string{"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret})
	ps, err := Purgers(status.DeployCDN{CloudFront: cfDist}, env)
	if err != nil {
		t.Fatal(err)
	}
	urls := []string{"https://status.example.com/status/"}
	t.Setenv("AWS_MAX_ATTEMPTS", "1") // a certificate error is retried, slowly
	if _, err := ps[0].Purge(context.Background(), urls); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the bundle: error %v", err)
	}

	bundle := filepath.Join(t.TempDir(), "ca.pem")
	pemCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cdnCert().Certificate[0]})
	if err := os.WriteFile(bundle, pemCert, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	if n, err := ps[0].Purge(context.Background(), urls); err != nil || n != 1 {
		t.Fatalf("with the bundle: %d requests, error %v", n, err)
	}
	if len(api.Calls()) != 1 {
		t.Errorf("%d requests made", len(api.Calls()))
	}
}
