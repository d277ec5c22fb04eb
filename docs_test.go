package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"io/fs"
	"log"
	"maps"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gopkg.in/yaml.v3"

	"statusgen/internal/sitetest"
)

// Commands of the docs, run as written: docs/publishing.md's GitHub Actions
// workflow step for step as a runner would, its GitLab pipeline and rsync
// script, docs/notify.md's dry run, and the README's start of a site with
// init. (TestWritingNewCommands runs docs/writing.md's.)

// needTool finds a program the docs use; without it the test skips, unless
// the environment requires the outside tools (.ci/run does).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("STATUSGEN_REQUIRE_BROWSER") != "" {
			t.Fatalf("%s is needed to run docs/publishing.md's commands: %v", name, err)
		}
		t.Skipf("%s is not installed: docs/publishing.md's commands are not run", name)
	}
	return p
}

// docBlock returns the fenced block of docs/publishing.md in language lang
// whose text starts with start.
func docBlock(t *testing.T, lang, start string) string {
	t.Helper()
	return fencedBlock(t, "docs/publishing.md", lang, start)
}

// fencedBlock returns the fenced block of the file doc in language lang
// whose text starts with start.
func fencedBlock(t *testing.T, doc, lang, start string) string {
	t.Helper()
	for _, b := range fencedBlocks(t, doc, lang) {
		if strings.HasPrefix(b, start) {
			return b
		}
	}
	t.Fatalf("%s has no %s block starting %q", doc, lang, start)
	return ""
}

// fencedBlocks returns the text of every fenced block of the file doc in
// language lang, in order.
func fencedBlocks(t *testing.T, doc, lang string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(doc))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllSubmatch(data, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// afterStory is a fixed clock after the example's story, so that runs of a
// test see one day and check finds no post in the future.
const afterStory = "SOURCE_DATE_EPOCH=1796083200" // 2026-12-01

// asStatusgen puts into dir a statusgen command that is this test binary,
// for shell scripts of the docs to run.
func asStatusgen(t *testing.T, dir string) {
	t.Helper()
	self := "#!/bin/sh\nSTATUSGEN_RUN_MAIN=1 exec " + os.Args[0] + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "statusgen"), []byte(self), 0o755); err != nil {
		t.Fatal(err)
	}
}

type workflow struct {
	Jobs map[string]struct {
		Permissions map[string]string
		Env         map[string]string
		Steps       []struct {
			Name, Uses, Run string
			With            map[string]any
			Env             map[string]string
		}
	}
}

// cloud is what the documented pipelines talk to: a bucket in an
// S3-compatible server, which AWS_ENDPOINT_URL_S3 points the AWS SDK at,
// one HTTPS receiver standing in for Cloudflare's purge API, the WebSub
// hub, AWS STS and Slack's incoming webhooks, which deploy and notify
// reach at their real names through a CONNECT proxy (HTTPS_PROXY) and
// trust through SSL_CERT_FILE, and a mail server for notify's email.
type cloud struct {
	s3       *httptest.Server
	backend  *s3mem.Backend
	bucket   string
	zone     string // the Cloudflare zone the docs name
	role     string // the AWS role the GitLab pipeline names
	idToken  string // the OIDC token GitLab would give the job
	receiver *httptest.Server
	proxy    *httptest.Server
	certFile string

	mu      sync.Mutex
	puts    map[string]string // key -> Cache-Control of its upload
	keyIDs  map[string]bool   // the access key ids S3 requests were signed with
	purged  [][]string        // the URLs of each purge call
	pinged  []string          // the feeds pinged at the hub
	tunnels map[string]bool   // the hosts the proxy was asked for
	assumed int               // AssumeRoleWithWebIdentity calls
	refused []string          // requests the receiver did not expect
	subs    *subscribers      // Slack's webhook (through receive) and the mail server
}

const (
	testToken   = "token-5678"
	stsKeyID    = "ASIAGITLABOIDCTEST01"
	actionKeyID = "ASIAGITHUBOIDCTEST01"
)

// publishingSite is docs/publishing.md's site.yaml block: its bucket, its
// Cloudflare zone, and whom notify tells.
type publishingSite struct {
	Deploy []struct {
		URL string
		CDN struct {
			Cloudflare struct{ Zone string }
		}
	}
	Notify []notifyTarget
}

// notifyTarget is a target of site.yaml's notify: list, as far as the tests
// need it.
type notifyTarget struct {
	Type, Name, To string
	URLEnv         string `yaml:"url_env"`
	SMTPEnv        string `yaml:"smtp_env"`
	Regions        []string
}

func newCloud(t *testing.T, conf publishingSite) *cloud {
	if len(conf.Deploy) != 1 || conf.Deploy[0].CDN.Cloudflare.Zone == "" {
		t.Fatalf("docs/publishing.md's site.yaml should name one target with a Cloudflare zone: %+v", conf)
	}
	u, err := url.Parse(conf.Deploy[0].URL)
	if err != nil || u.Scheme != "s3" {
		t.Fatalf("docs/publishing.md's target is not an s3:// URL: %q", conf.Deploy[0].URL)
	}
	c := &cloud{backend: s3mem.New(), bucket: u.Host, zone: conf.Deploy[0].CDN.Cloudflare.Zone, idToken: "eyJ.gitlab-oidc.test",
		subs: newSubscribers(t, conf.Notify, "https://hooks.slack.com")}
	if err := c.backend.CreateBucket(c.bucket); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(c.backend).Server()
	keyID := regexp.MustCompile(`Credential=([^/]+)/`)
	c.s3 = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		if m := keyID.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			c.keyIDs[m[1]] = true
		}
		if r.Method == http.MethodPut {
			c.puts[strings.TrimPrefix(r.URL.Path, "/"+c.bucket+"/")] = r.Header.Get("Cache-Control")
		}
		c.mu.Unlock()
		faker.ServeHTTP(w, r)
	}))
	t.Cleanup(c.s3.Close)

	// A certificate of the receiver's own for the names deploy calls,
	// which the subprocess trusts as its only extra root.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "statusgen docs test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:              []string{"api.cloudflare.com", "pubsubhubbub.appspot.com", "sts.amazonaws.com", "sts.eu-west-1.amazonaws.com", "hooks.slack.com"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c.certFile = filepath.Join(t.TempDir(), "receiver.pem")
	if err := os.WriteFile(c.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	c.receiver = httptest.NewUnstartedServer(http.HandlerFunc(c.receive))
	c.receiver.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	c.receiver.StartTLS()
	t.Cleanup(c.receiver.Close)

	// The proxy tunnels every CONNECT to the receiver, whatever the host.
	c.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		c.mu.Lock()
		c.tunnels[r.Host] = true
		c.mu.Unlock()
		upstream, err := net.Dial("tcp", c.receiver.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer upstream.Close()
		client, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer client.Close()
		io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n")
		done := make(chan struct{})
		go func() {
			io.Copy(upstream, buf) // what the client sent, buffered or not
			upstream.(*net.TCPConn).CloseWrite()
			close(done)
		}()
		io.Copy(client, upstream)
		<-done
	}))
	t.Cleanup(c.proxy.Close)
	c.reset()
	return c
}

func (c *cloud) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts, c.keyIDs, c.purged, c.pinged, c.tunnels, c.assumed, c.refused = map[string]string{}, map[string]bool{}, nil, nil, map[string]bool{}, 0, nil
	c.subs.reset()
}

// receive checks each call against the documented formats: Cloudflare's
// purge by URL (a bearer token, JSON {"files": [...]}, at most 30), a
// WebSub publish ping (hub.mode=publish, hub.url), STS's
// AssumeRoleWithWebIdentity (the role and the job's OIDC token), and
// Slack's incoming webhook (see subscribers).
func (c *cloud) receive(w http.ResponseWriter, r *http.Request) {
	if r.Host == "hooks.slack.com" {
		c.subs.slackHook(w, r)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	refuse := func(why string) {
		c.refused = append(c.refused, fmt.Sprintf("%s %s%s: %s", r.Method, r.Host, r.URL.Path, why))
		http.Error(w, why, http.StatusBadRequest)
	}
	switch {
	case r.Method != http.MethodPost:
		refuse("not a POST")
	case r.Host == "api.cloudflare.com" && r.URL.Path == "/client/v4/zones/"+c.zone+"/purge_cache":
		var body struct {
			Files []string `json:"files"`
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		switch err := dec.Decode(&body); {
		case r.Header.Get("Authorization") != "Bearer "+testToken:
			refuse("wrong token")
		case r.Header.Get("Content-Type") != "application/json":
			refuse("not JSON")
		case err != nil:
			refuse(err.Error())
		case len(body.Files) == 0 || len(body.Files) > 30:
			refuse(fmt.Sprintf("%d URLs; Cloudflare takes 1 to 30", len(body.Files)))
		default:
			c.purged = append(c.purged, body.Files)
			io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":{"id":"`+c.zone+`"}}`)
		}
	case r.Host == "pubsubhubbub.appspot.com" && r.URL.Path == "/":
		switch err := r.ParseForm(); {
		case err != nil:
			refuse(err.Error())
		case r.PostForm.Get("hub.mode") != "publish" || r.PostForm.Get("hub.url") == "":
			refuse("not a publish ping: " + r.PostForm.Encode())
		default:
			c.pinged = append(c.pinged, r.PostForm.Get("hub.url"))
			w.WriteHeader(http.StatusNoContent)
		}
	case strings.HasPrefix(r.Host, "sts.") && strings.HasSuffix(r.Host, ".amazonaws.com") && r.URL.Path == "/":
		switch err := r.ParseForm(); {
		case err != nil:
			refuse(err.Error())
		case r.PostForm.Get("Action") != "AssumeRoleWithWebIdentity":
			refuse("not AssumeRoleWithWebIdentity: " + r.PostForm.Get("Action"))
		case c.role == "" || r.PostForm.Get("RoleArn") != c.role:
			refuse("another role: " + r.PostForm.Get("RoleArn"))
		case r.PostForm.Get("WebIdentityToken") != c.idToken:
			refuse("not the job's OIDC token")
		default:
			c.assumed++
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>
<SessionToken>session</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>%s/test</Arn><AssumedRoleId>AROATEST:test</AssumedRoleId></AssumedRoleUser>
<SubjectFromWebIdentityToken>test</SubjectFromWebIdentityToken></AssumeRoleWithWebIdentityResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
				stsKeyID, time.Now().Add(time.Hour).UTC().Format(time.RFC3339), c.role)
		}
	default:
		refuse("unexpected")
	}
}

// objects returns the bucket's files and bytes, but deploy's own record.
func (c *cloud) objects(t *testing.T) map[string]string {
	t.Helper()
	list, err := c.backend.ListBucket(c.bucket, &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range list.Contents {
		if o.Key == deployManifest || strings.HasPrefix(o.Key, notifyLedgers) {
			continue
		}
		obj, err := c.backend.GetObject(c.bucket, o.Key, nil)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(obj.Contents)
		obj.Contents.Close()
		got[o.Key] = string(data)
	}
	return got
}

// deployManifest is where deploy records the headers it stored (README).
const deployManifest = ".statusgen-deploy.json"

// notifyLedgers is the folder of the bucket where notify keeps its ledgers
// (docs/notify.md).
const notifyLedgers = ".statusgen-notify/"

// ledgers lists the ledger files of the bucket.
func (c *cloud) ledgers(t *testing.T) []string {
	t.Helper()
	list, err := c.backend.ListBucket(c.bucket, &gofakes3.Prefix{HasPrefix: true, Prefix: notifyLedgers}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range list.Contents {
		if strings.HasSuffix(o.Key, "/ledger.json") {
			out = append(out, o.Key)
		}
	}
	return out
}

// env is the environment of a pipeline's commands: the test's, without
// proxies or credentials of the machine, and with the AWS SDK and Go's
// HTTPS pointed at the servers above.
func (c *cloud) env(temp string) []string {
	env := slices.DeleteFunc(os.Environ(), func(s string) bool {
		name, _, _ := strings.Cut(s, "=")
		name = strings.ToUpper(name)
		return name == "PATH" || strings.HasSuffix(name, "_PROXY") || strings.HasPrefix(name, "AWS_") ||
			strings.HasPrefix(name, "CLOUDFLARE_") || strings.HasPrefix(name, "SSL_CERT_")
	})
	return append(env,
		"AWS_ENDPOINT_URL_S3="+c.s3.URL, // the docs' way to a store other than AWS
		"HTTPS_PROXY="+c.proxy.URL,
		"SSL_CERT_FILE="+c.certFile,
		"AWS_CONFIG_FILE="+filepath.Join(temp, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(temp, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		afterStory,
	)
}

// subscribers stand in for the targets of a notify: list: a Slack incoming
// webhook for each slack target, which takes a message only as Slack
// documents it (a POST of JSON with a text and Block Kit blocks, the
// first a header) at the URL's secret path, and one mail server for the
// email targets, which takes a message only after AUTH PLAIN with the
// URL's user and password and reads it as a mail client would. Both note
// what each target was told: the title of the update.
type subscribers struct {
	targets []notifyTarget
	env     map[string]string // url_env and smtp_env names -> their URLs
	hooks   map[string]string // Slack webhook path -> target name

	mu      sync.Mutex
	heard   []string // "target: title" of each message
	refused []string
}

const (
	smtpUser = "status@example.com" // written in the URL as is, as docs/publishing.md says it may be
	smtpPass = "app-password-0123"
)

// newSubscribers starts what targets need: for slack targets, webhooks at
// slackBase (the cloud's receiver, which passes them to slackHook), or at
// a server of their own when slackBase is ""; for email targets, a mail
// server.
func newSubscribers(t *testing.T, targets []notifyTarget, slackBase string) *subscribers {
	s := &subscribers{targets: targets, env: map[string]string{}, hooks: map[string]string{}}
	if len(targets) == 0 {
		t.Fatal("the docs' site.yaml has no notify: list")
	}
	var smtpURL string
	for i, tg := range targets {
		switch tg.Type {
		case "slack":
			if slackBase == "" {
				srv := httptest.NewServer(http.HandlerFunc(s.slackHook))
				t.Cleanup(srv.Close)
				slackBase = srv.URL
			}
			path := fmt.Sprintf("/services/T0000/B000%d/XXXXXXXXXXXXXXXX", i)
			s.hooks[path] = tg.Name
			s.env[tg.URLEnv] = slackBase + path
		case "email":
			if smtpURL == "" {
				smtpURL = "smtp://" + smtpUser + ":" + smtpPass + "@" + s.serveSMTP(t)
			}
			s.env[tg.SMTPEnv] = smtpURL
		default:
			t.Fatalf("the docs' notify: list has a %s target, which the tests have no receiver for", tg.Type)
		}
		if tg.Name == "" {
			t.Fatalf("give the docs' %s target a name:", tg.Type)
		}
	}
	return s
}

// environ is the environment notify needs, NAME=value.
func (s *subscribers) environ() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(s.env)) {
		out = append(out, k+"="+s.env[k])
	}
	return out
}

// secrets are the parts of the URLs that must never be printed.
func (s *subscribers) secrets() []string {
	return append(slices.Collect(maps.Keys(s.hooks)), smtpPass)
}

func (s *subscribers) note(target, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.heard = append(s.heard, target+": "+title)
}

func (s *subscribers) refuse(why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused = append(s.refused, why)
}

func (s *subscribers) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.heard, s.refused = nil, nil
}

// slackHook is a Slack incoming webhook: it answers 200 "ok" to a message
// in Block Kit, and 400 "invalid_payload" to anything else.
func (s *subscribers) slackHook(w http.ResponseWriter, r *http.Request) {
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text struct {
				Type, Text string
			} `json:"text"`
		} `json:"blocks"`
	}
	err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&msg)
	target, known := s.hooks[r.URL.Path]
	why := ""
	switch {
	case r.Method != http.MethodPost || !known:
		why = "not a POST to a webhook's URL"
	case r.Header.Get("Content-Type") != "application/json":
		why = "not JSON"
	case err != nil:
		why = err.Error()
	case msg.Text == "" || len(msg.Blocks) == 0 || msg.Blocks[0].Type != "header" || msg.Blocks[0].Text.Type != "plain_text":
		why = "not a Block Kit message with a text and a header"
	}
	if why != "" {
		s.refuse("slack " + r.URL.Path + ": " + why)
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.note(target, updateTitle(msg.Blocks[0].Text.Text, " — "))
	io.WriteString(w, "ok")
}

// updateTitle is the post's title in a message's title, which puts what
// and where before it: "Europe · PlayStation Store: Degraded performance —
// Downloads slow", or in an email's subject "[Europe] Downloads slow".
func updateTitle(s, sep string) string {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[i+len(sep):]
	}
	return s
}

// serveSMTP runs the mail server on a loopback address, which notify
// speaks to without TLS, and returns the address.
func (s *subscribers) serveSMTP(t *testing.T) string {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{s: s}, nil }))
	srv.Domain = "mail.example.com"
	srv.AllowInsecureAuth = true // on loopback only
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

type mailSession struct {
	s      *subscribers
	authed bool
	to     []string
}

func (m *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (m *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != smtpUser || pass != smtpPass {
			return smtp.ErrAuthFailed
		}
		m.authed = true
		return nil
	}), nil
}

func (m *mailSession) Mail(string, *smtp.MailOptions) error {
	if !m.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (m *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	m.to = append(m.to, to)
	return nil
}

// Data reads the message as a mail client would, and notes it for the
// target whose address it went to.
func (m *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(io.LimitReader(r, 1<<20))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, msg.Body)
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	mediaType, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	to, _ := mail.ParseAddress(msg.Header.Get("To"))
	var target string
	for _, tg := range m.s.targets {
		if a, _ := mail.ParseAddress(tg.To); tg.Type == "email" && a != nil && to != nil && a.Address == to.Address && slices.Equal(m.to, []string{a.Address}) {
			target = tg.Name
		}
	}
	switch {
	case err != nil:
		m.s.refuse("email: Subject: " + err.Error())
	case target == "":
		m.s.refuse(fmt.Sprintf("email to %v (To: %s): no target's address", m.to, msg.Header.Get("To")))
	case mediaType != "multipart/alternative":
		m.s.refuse("email: " + mediaType + ", not multipart/alternative")
	default:
		m.s.note(target, updateTitle(subject, "] "))
	}
	return nil
}

func (m *mailSession) Reset()        { m.to = nil }
func (m *mailSession) Logout() error { return nil }

// testPost is a post the tests add to the example site, dated in the day
// before afterStory, the instant every run builds as of.
type testPost struct {
	file, title, region, service, state, at string
}

var (
	// Before the hour a first run announces: never announced.
	postBeforeHour = testPost{"2026-11-30-2230-sign-in", "Sign-in failures", "eu", "psn", "major_outage", "2026-11-30T22:30:00Z"}
	// Inside it: the first run announces it.
	postInHour = testPost{"2026-11-30-2330-purchases", "Purchases failing", "na", "store", "partial_outage", "2026-11-30T23:30:00Z"}
	// Written after the first run.
	postLater = testPost{"2026-11-30-2345-downloads", "Downloads slow", "eu", "store", "degraded", "2026-11-30T23:45:00Z"}
)

// write puts the post into the site's content.
func (tp testPost) write(t *testing.T, site string) {
	t.Helper()
	text := fmt.Sprintf("---\ntitle: %s\nregion: %s\nservice: %s\nstate: %s\ntimestamp: %s\n---\nWe are looking into it.\n",
		tp.title, tp.region, tp.service, tp.state, tp.at)
	if err := os.WriteFile(filepath.Join(site, "content", "posts", tp.file+".md"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// check compares what the targets were told in a run with the posts it
// should have announced: each once, to each target whose regions it
// touches.
func (s *subscribers) check(t *testing.T, run string, news []testPost) {
	t.Helper()
	var want []string
	for _, tp := range news {
		for _, tg := range s.targets {
			if len(tg.Regions) == 0 || slices.Contains(tg.Regions, tp.region) {
				want = append(want, tg.Name+": "+tp.title)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	got := slices.Sorted(slices.Values(s.heard))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: the targets heard %q, want %q", run, got, want)
	}
	if len(s.refused) > 0 {
		t.Errorf("%s: messages not as documented: %s", run, strings.Join(s.refused, "; "))
	}
}

// notifyList is the notify: list of docs/publishing.md's site.yaml block,
// its last key.
func notifyList(t *testing.T, block string) string {
	_, list, ok := strings.Cut(block, "\nnotify:")
	if !ok {
		t.Fatal("docs/publishing.md's site.yaml has no notify: list")
	}
	return "notify:" + list
}

// publishingCase is a site and its cloud, and what each deploy should have
// done to them.
type publishingCase struct {
	t       *testing.T
	c       *cloud
	site    string
	base    string
	tools   string            // bin folder with what the pipelines find on a runner
	public  map[string]string // the site last published
	keyID   string            // the access key id the deploy should sign with
	tunnels []string          // the hosts the deploy should reach through the proxy
}

func newPublishingCase(t *testing.T) *publishingCase {
	var conf publishingSite
	block := docBlock(t, "yaml", "websub_hub:")
	if err := yaml.Unmarshal([]byte(block), &conf); err != nil {
		t.Fatalf("docs/publishing.md's site.yaml: %v", err)
	}
	p := &publishingCase{t: t, c: newCloud(t, conf), site: t.TempDir(), tools: t.TempDir()}
	// The site: a copy of the example with the docs' site.yaml keys.
	if err := os.CopyFS(filepath.Join(p.site, "content"), os.DirFS(filepath.Join(sitetest.Root(), "content"))); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(p.site, "content", "site.yaml")
	data, _ := os.ReadFile(name)
	var site struct {
		BaseURL string `yaml:"base_url"`
	}
	if err := yaml.Unmarshal(data, &site); err != nil {
		t.Fatal(err)
	}
	p.base = site.BaseURL
	if err := os.WriteFile(name, append(data, "\n"+block...), 0o644); err != nil {
		t.Fatal(err)
	}
	// The last day's news: one post before the hour notify's first run
	// announces, one inside it.
	postBeforeHour.write(t, p.site)
	postInHour.write(t, p.site)
	return p
}

// edit appends a paragraph to a post, which is not announced again, and
// writes a new one, which is.
func (p *publishingCase) edit() {
	posts, _ := filepath.Glob(filepath.Join(p.site, "content", "posts", "*.md"))
	f, err := os.OpenFile(posts[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		p.t.Fatal(err)
	}
	f.WriteString("\nA correction, added later.\n")
	f.Close()
	postLater.write(p.t, p.site)
}

// check compares what a pipeline run in workspace ws did with what it
// should have: the bucket holds the build, and exactly the files that
// differ from the last run were uploaded (with the documented
// Cache-Control), purged, and pinged if feeds; the notify targets heard
// of the news, each once, and the bucket holds a ledger for each.
func (p *publishingCase) check(run, ws string, news ...testPost) {
	t, c := p.t, p.c
	t.Helper()
	public := sitetest.Tree(t, filepath.Join(ws, "public"))
	delete(public, ".statusgen")
	var differ, urls, feeds []string
	for f, s := range public {
		if p.public[f] == s && p.public != nil {
			continue
		}
		differ = append(differ, f)
		if d, ok := strings.CutSuffix(f, "index.html"); ok && (d == "" || strings.HasSuffix(d, "/")) {
			urls = append(urls, p.base+d)
		}
		urls = append(urls, p.base+f)
		if b := path.Base(f); b == "feed.xml" || b == "atom.xml" {
			feeds = append(feeds, p.base+f)
		}
	}
	slices.Sort(differ)
	slices.Sort(urls)
	slices.Sort(feeds)
	if p.public != nil && len(differ) == 0 && strings.Contains(run, "edit") {
		t.Fatalf("%s: the edit changed no file", run)
	}
	p.public = public
	if got := c.objects(t); !maps.Equal(got, public) {
		t.Errorf("%s: the bucket holds %d files, public/ %d; they differ", run, len(got), len(public))
	}
	defer c.reset()
	c.subs.check(t, run, news)
	if got := c.ledgers(t); len(got) != len(c.subs.targets) {
		t.Errorf("%s: the bucket holds %d notify ledgers, want one for each of the %d targets: %v", run, len(got), len(c.subs.targets), got)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.role != "" && c.assumed == 0 {
		t.Errorf("%s: the deploy did not assume the role", run)
	}
	delete(c.puts, deployManifest)
	maps.DeleteFunc(c.puts, func(key, _ string) bool { return strings.HasPrefix(key, notifyLedgers) })
	t.Logf("%s: %d files uploaded, %d URLs purged, %d feeds pinged, through %v", run, len(c.puts), len(slices.Concat(c.purged...)), len(c.pinged), slices.Sorted(maps.Keys(c.tunnels)))
	if got := slices.Sorted(maps.Keys(c.puts)); !slices.Equal(got, differ) {
		t.Errorf("%s: uploaded %d files, want the %d that changed:\n%v\n%v", run, len(got), len(differ), got, differ)
	}
	for key, cc := range c.puts {
		want := "public, max-age=60, stale-if-error=86400"
		if strings.HasPrefix(key, "assets/") {
			want = "public, max-age=31536000, immutable"
		}
		if cc != want {
			t.Errorf("%s: %s uploaded with Cache-Control %q, want %q", run, key, cc, want)
		}
	}
	var purged []string
	for _, batch := range c.purged {
		purged = append(purged, batch...)
	}
	slices.Sort(purged)
	if !slices.Equal(purged, urls) {
		t.Errorf("%s: purged %d URLs, want %d:\n%v\n%v", run, len(purged), len(urls), purged, urls)
	}
	slices.Sort(c.pinged)
	if !slices.Equal(c.pinged, feeds) {
		t.Errorf("%s: the hub heard of %v, want %v", run, c.pinged, feeds)
	}
	if !maps.Equal(c.keyIDs, map[string]bool{p.keyID: true}) {
		t.Errorf("%s: S3 requests signed with %v, want the role's %s", run, slices.Sorted(maps.Keys(c.keyIDs)), p.keyID)
	}
	for host := range c.tunnels {
		if !slices.Contains(p.tunnels, host) {
			t.Errorf("%s: deploy reached %s", run, host)
		}
	}
	if len(c.refused) > 0 {
		t.Errorf("%s: calls not as documented: %s", run, strings.Join(c.refused, "; "))
	}
}

// runner runs a job's steps as GitHub's runner does: `uses` steps by what
// they do here, `run` steps in bash -eo pipefail in the workspace, with
// the job's and the step's env, folders added to GITHUB_PATH put on PATH
// and the variables an action exports set for the steps after.
type runner struct {
	t         *testing.T
	workspace string
	temp      string
	env       []string // without PATH
	path      string
	site      string   // the repository the workspace checks out
	hidden    []string // secrets no step may print
}

func (r *runner) job(wf workflow, name string, secrets map[string]string) {
	t := r.t
	job, ok := wf.Jobs[name]
	if !ok {
		t.Fatalf("the workflow has no job %q", name)
	}
	expr := regexp.MustCompile(`\$\{\{\s*secrets\.(\w+)\s*\}\}`)
	expand := func(env map[string]string) []string {
		var out []string
		for _, k := range slices.Sorted(maps.Keys(env)) {
			v := expr.ReplaceAllStringFunc(env[k], func(m string) string { return secrets[expr.FindStringSubmatch(m)[1]] })
			if strings.Contains(v, "${{") {
				t.Fatalf("job %s: env %s=%s uses an expression this test does not know", name, k, v)
			}
			out = append(out, k+"="+v)
		}
		return out
	}
	ghPath := filepath.Join(r.temp, "github_path")
	os.WriteFile(ghPath, nil, 0o644)
	var exported []string // as an action's core.exportVariable, through GITHUB_ENV
	for i, step := range job.Steps {
		label := fmt.Sprintf("job %s, step %d (%s%s)", name, i+1, step.Name, step.Uses)
		switch {
		case strings.HasPrefix(step.Uses, "actions/checkout@"):
			if repo, _ := step.With["repository"].(string); repo != "" {
				// statusgen's source: this repository.
				if err := os.Symlink(sitetest.Root(), filepath.Join(r.workspace, step.With["path"].(string))); err != nil {
					t.Fatal(err)
				}
			} else if err := os.CopyFS(filepath.Join(r.workspace, "content"), os.DirFS(filepath.Join(r.site, "content"))); err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(step.Uses, "actions/setup-go@"):
			// Go is installed already.
		case strings.HasPrefix(step.Uses, "aws-actions/configure-aws-credentials@"):
			// The action trades the job's OIDC token for the role's
			// credentials; it can ask for the token only with id-token:
			// write.
			role, _ := step.With["role-to-assume"].(string)
			region, _ := step.With["aws-region"].(string)
			if job.Permissions["id-token"] != "write" || role == "" || region == "" {
				t.Fatalf("%s: needs permissions id-token: write, role-to-assume and aws-region", label)
			}
			exported = append(exported, "AWS_ACCESS_KEY_ID="+actionKeyID, "AWS_SECRET_ACCESS_KEY=secret",
				"AWS_SESSION_TOKEN=session", "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region)
		case step.Uses != "":
			t.Fatalf("%s: an action this test does not know", label)
		default:
			path := r.path
			if data, _ := os.ReadFile(ghPath); len(data) > 0 {
				dirs := strings.Fields(string(data))
				slices.Reverse(dirs) // the last added comes first
				path = strings.Join(append(dirs, path), string(os.PathListSeparator))
			}
			cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.Run)
			cmd.Dir = r.workspace
			cmd.Env = slices.Concat(r.env, []string{"PATH=" + path}, exported, expand(job.Env), expand(step.Env))
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s failed: %v\n%s\n%s", label, err, step.Run, out)
			}
			checkHidden(t, label, out, r.hidden)
			t.Logf("%s: %v", label, time.Since(start).Round(time.Millisecond))
		}
	}
}

// checkHidden fails the test if out shows any of the secrets.
func checkHidden(t *testing.T, label string, out []byte, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(string(out), s) {
			t.Errorf("%s printed a secret:\n%s", label, out)
		}
	}
}

// TestPublishingWorkflow runs docs/publishing.md's GitHub Actions workflow
// with its site.yaml: a pull request's check, then the publish job on an
// empty bucket, with nothing changed, after an edit of a post and a new
// one, and with nothing changed again. notify's first run announces the
// last hour's post, not the older ones; the new post is announced once.
func TestPublishingWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds statusgen and runs the workflow five times")
	}
	for _, tool := range []string{"bash", "go"} {
		needTool(t, tool)
	}
	var wf workflow
	if err := yaml.Unmarshal([]byte(docBlock(t, "yaml", "name: publish\n")), &wf); err != nil {
		t.Fatalf("docs/publishing.md's workflow: %v", err)
	}
	p := newPublishingCase(t)
	p.keyID = actionKeyID
	p.tunnels = []string{"api.cloudflare.com:443", "pubsubhubbub.appspot.com:443"}
	p.tunnels = append(p.tunnels, "hooks.slack.com:443")
	// The docs name each secret after the variable it is given as.
	secrets := map[string]string{"CLOUDFLARE_API_TOKEN": testToken}
	maps.Copy(secrets, p.c.subs.env)
	run := func(job string) string {
		ws, temp := t.TempDir(), t.TempDir()
		r := &runner{t: t, workspace: ws, temp: temp, site: p.site, path: os.Getenv("PATH"), env: append(p.c.env(temp),
			"RUNNER_TEMP="+temp,
			"GITHUB_PATH="+filepath.Join(temp, "github_path"),
			"GITHUB_WORKSPACE="+ws,
		), hidden: append(slices.Collect(maps.Values(secrets)), p.c.subs.secrets()...)}
		r.job(wf, job, secrets)
		return ws
	}
	// A pull request is checked.
	run("check")
	// The first publish: an empty bucket, everything uploaded and purged;
	// the post of the last hour announced.
	p.check("first run", run("publish"), postInHour)
	// The next scheduled run, on a fresh runner, with nothing changed:
	// nothing is uploaded, purged, pinged or announced.
	p.check("unchanged", run("publish"))
	// A post edited and one added: what changed is uploaded, purged and
	// pinged, and only that; the new post is announced.
	p.edit()
	p.check("edited", run("publish"), postLater)
	p.check("unchanged again", run("publish"))
}

// gitlabJob is a job of .gitlab-ci.yml, or its default: section.
type gitlabJob struct {
	Image        string
	BeforeScript []string `yaml:"before_script"`
	Script       []string
	Rules        []struct{ If string }
	Variables    map[string]string
	IDTokens     map[string]struct{ Aud string } `yaml:"id_tokens"`
}

// TestPublishingGitLab runs docs/publishing.md's .gitlab-ci.yml as a
// runner would: a job's before_script and script lines in one bash -e,
// with its variables and its OIDC token, which the AWS SDK trades for the
// role's credentials at STS (the receiver). `git clone` of statusgen's
// source links this repository. The runs are TestPublishingWorkflow's.
func TestPublishingGitLab(t *testing.T) {
	if testing.Short() {
		t.Skip("builds statusgen and runs the pipeline four times")
	}
	for _, tool := range []string{"bash", "go"} {
		needTool(t, tool)
	}
	var ci map[string]gitlabJob
	if err := yaml.Unmarshal([]byte(docBlock(t, "yaml", "default:\n  image: golang")), &ci); err != nil {
		t.Fatalf("docs/publishing.md's .gitlab-ci.yml: %v", err)
	}
	for job, rule := range map[string]string{"check": `$CI_PIPELINE_SOURCE == "merge_request_event"`, "publish": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} {
		if j := ci[job]; len(j.Rules) != 1 || j.Rules[0].If != rule {
			t.Errorf("job %s: rules %+v, want if: %s", job, j.Rules, rule)
		}
	}
	p := newPublishingCase(t)
	p.c.role = ci["publish"].Variables["AWS_ROLE_ARN"]
	p.keyID = stsKeyID
	p.tunnels = []string{"api.cloudflare.com:443", "pubsubhubbub.appspot.com:443", "sts.eu-west-1.amazonaws.com:443", "sts.amazonaws.com:443", "hooks.slack.com:443"}
	git := "#!/bin/sh\n" +
		`[ "$1 $2 $3 $4" = "clone --depth 1 https://github.com/example-org/statusgen.git" ] && [ $# = 5 ] || { echo "git $*: not the docs' clone" >&2; exit 1; }` + "\n" +
		"exec ln -s '" + sitetest.Root() + "' \"$5\"\n"
	if err := os.WriteFile(filepath.Join(p.tools, "git"), []byte(git), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(name string) string {
		job := ci[name]
		if job.Script == nil {
			t.Fatalf(".gitlab-ci.yml has no job %q", name)
		}
		before := job.BeforeScript
		if before == nil {
			before = ci["default"].BeforeScript
		}
		ws, temp := t.TempDir(), t.TempDir()
		if err := os.CopyFS(filepath.Join(ws, "content"), os.DirFS(filepath.Join(p.site, "content"))); err != nil {
			t.Fatal(err)
		}
		// CI/CD variables of the project: the Cloudflare token, the
		// webhook and SMTP URLs.
		env := append(p.c.env(temp), "PATH="+p.tools+string(os.PathListSeparator)+os.Getenv("PATH"),
			"CI_PROJECT_DIR="+ws, "TMPDIR="+temp, "CLOUDFLARE_API_TOKEN="+testToken)
		env = append(env, p.c.subs.environ()...)
		for k, v := range job.Variables {
			env = append(env, k+"="+v)
		}
		for k, tok := range job.IDTokens {
			if tok.Aud != "sts.amazonaws.com" {
				t.Errorf("id_tokens %s: aud %q, want sts.amazonaws.com", k, tok.Aud)
			}
			env = append(env, k+"="+p.c.idToken)
		}
		script := strings.Join(slices.Concat(before, job.Script), "\n")
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
		cmd.Dir, cmd.Env = ws, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("job %s failed: %v\n%s\n%s", name, err, script, out)
		}
		checkHidden(t, "job "+name, out, append(slices.Collect(maps.Values(p.c.subs.env)), p.c.subs.secrets()...))
		return ws
	}
	// (The check job's one line is the GitHub workflow's, run above.)
	p.check("first run", run("publish"), postInHour)
	p.check("unchanged", run("publish"))
	p.edit()
	p.check("edited", run("publish"), postLater)
	p.check("unchanged again", run("publish"))
}

// TestPublishingRsync runs docs/publishing.md's rsync script, its folders
// moved under a temporary one, on the example site with the notify: list
// of docs/publishing.md's site.yaml: the web root gets the site without
// the marker, and a removal and a new post reach it; notify, its ledger
// in a folder, announces the last hour's post on its first run and the
// new post on the next, and nothing after.
func TestPublishingRsync(t *testing.T) {
	needTool(t, "rsync")
	script := docBlock(t, "sh", "#!/bin/sh\n# publish.sh")
	var conf publishingSite
	block := notifyList(t, docBlock(t, "yaml", "websub_hub:"))
	if err := yaml.Unmarshal([]byte(block), &conf); err != nil {
		t.Fatalf("docs/publishing.md's notify: list: %v", err)
	}
	subs := newSubscribers(t, conf.Notify, "")
	root := t.TempDir()
	script = strings.NewReplacer("/srv/", root+"/srv/", "/var/www/", root+"/var/www/").Replace(script)
	for _, dir := range []string{"srv", "var/www", "bin"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	asStatusgen(t, filepath.Join(root, "bin"))
	site := t.TempDir()
	if err := os.CopyFS(filepath.Join(site, "content"), os.DirFS(filepath.Join(sitetest.Root(), "content"))); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(site, "content", "site.yaml")
	data, _ := os.ReadFile(name)
	if err := os.WriteFile(name, append(data, "\n"+block...), 0o644); err != nil {
		t.Fatal(err)
	}
	oldPosts, _ := filepath.Glob(filepath.Join(site, "content", "posts", "*.md"))
	postBeforeHour.write(t, site)
	postInHour.write(t, site)
	publish := func(run string, news ...testPost) map[string]string {
		t.Helper()
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = site
		cmd.Env = slices.Concat(os.Environ(), []string{"PATH=" + filepath.Join(root, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"), afterStory}, subs.environ())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("publish.sh: %v\n%s", err, out)
		}
		checkHidden(t, "publish.sh", out, append(slices.Collect(maps.Values(subs.env)), subs.secrets()...))
		built := sitetest.Tree(t, filepath.Join(root, "srv", "status-build"))
		delete(built, ".statusgen")
		if served := sitetest.Tree(t, filepath.Join(root, "var", "www", "status")); !maps.Equal(served, built) {
			t.Errorf("the web root holds %d files, the build %d; they differ", len(served), len(built))
		}
		subs.check(t, run, news)
		subs.reset()
		if ledgers, _ := filepath.Glob(filepath.Join(root, "srv", "status-notify", ".statusgen-notify", "*", "ledger.json")); len(ledgers) != len(subs.targets) {
			t.Errorf("%s: %d notify ledgers in --previous, want one for each of the %d targets", run, len(ledgers), len(subs.targets))
		}
		return built
	}
	before := publish("first run", postInHour)
	// Cron runs the script minutes apart: rsync, which compares sizes and
	// times to the second, would miss a change of the same size made in
	// the same second.
	past := time.Now().Add(-time.Minute)
	for _, dir := range []string{"srv/status-build", "var/www/status"} {
		filepath.WalkDir(filepath.Join(root, dir), func(name string, d fs.DirEntry, err error) error {
			if err == nil {
				err = os.Chtimes(name, past, past)
			}
			return err
		})
	}
	if err := os.Remove(oldPosts[len(oldPosts)-1]); err != nil {
		t.Fatal(err)
	}
	postLater.write(t, site)
	if after := publish("a post removed, one added", postLater); maps.Equal(after, before) {
		t.Error("removing a post changed nothing in the web root")
	}
	if data, _ := os.ReadFile(filepath.Join(root, "srv", "status-build.changed")); len(data) == 0 {
		t.Error("the build listed no changes")
	}
	publish("unchanged")
}

// TestNotifyDoc runs docs/notify.md's shell commands as a shell would, on
// the example site with the doc's notify: list and example posts, as of
// afterStory, statusgen being this test binary. Each excerpt the doc gives
// of a dry run's output must be in what they printed, line for line. The
// README's notify: example must pass check too.
func TestNotifyDoc(t *testing.T) {
	checkNotifyExample(t, "README.md")
	site := t.TempDir()
	if err := os.CopyFS(filepath.Join(site, "content"), os.DirFS(filepath.Join(sitetest.Root(), "content"))); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(site, "content", "site.yaml")
	data, _ := os.ReadFile(name)
	if err := os.WriteFile(name, append(data, "\n"+fencedBlock(t, "docs/notify.md", "yaml", "notify:\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("docs", "notify.md"))
	if err != nil {
		t.Fatal(err)
	}
	posts := regexp.MustCompile("(?s)`content/posts/([^`/]+\\.md)`:\n\n```markdown\n(.*?)```").FindAllSubmatch(doc, -1)
	if len(posts) < 2 {
		t.Fatalf("docs/notify.md shows %d example posts, want the update and the planned work", len(posts))
	}
	for _, m := range posts {
		if err := os.WriteFile(filepath.Join(site, "content", "posts", string(m[1])), m[2], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := t.TempDir()
	asStatusgen(t, bin)
	var out strings.Builder
	for _, block := range fencedBlocks(t, "docs/notify.md", "sh") {
		cmd := exec.Command("sh", "-ec", block)
		cmd.Dir = site
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), afterStory)
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", block, err, got)
		}
		out.Write(got)
	}
	if !strings.Contains(out.String(), "no problems") {
		t.Errorf("check found problems in docs/notify.md's site.yaml or posts:\n%s", out.String())
	}
	dryRun := regexp.MustCompile(`^[a-z0-9-]+: (update|scheduled|started|completed) \S+\n`)
	excerpts := 0
	for _, block := range fencedBlocks(t, "docs/notify.md", "text") {
		if !dryRun.MatchString(block) {
			continue
		}
		excerpts++
		if !strings.Contains(out.String(), block) {
			t.Errorf("docs/notify.md shows a dry run printing\n%s\nbut it printed\n%s", block, out.String())
		}
	}
	if excerpts < 3 {
		t.Errorf("docs/notify.md shows %d excerpts of a dry run, want the two targets' update and the planned work", excerpts)
	}
}

// checkNotifyExample runs check on the example site with the notify: block
// of the file doc.
func checkNotifyExample(t *testing.T, doc string) {
	t.Helper()
	site := t.TempDir()
	if err := os.CopyFS(filepath.Join(site, "content"), os.DirFS(filepath.Join(sitetest.Root(), "content"))); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(site, "content", "site.yaml")
	data, _ := os.ReadFile(name)
	if err := os.WriteFile(name, append(data, "\n"+fencedBlock(t, doc, "yaml", "notify:\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	if code := run([]string{"check", "--strict", "--site", site}, &stdout, &stderr); code != 0 {
		t.Errorf("%s's notify: example: check exits %d:\n%s%s", doc, code, stdout.String(), stderr.String())
	}
}

// TestReadmeInit runs the README's block that starts a site with init, as
// a shell would, statusgen being this test binary.
func TestReadmeInit(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var block string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllSubmatch(readme, -1) {
		if strings.HasPrefix(string(m[1]), "statusgen init ") {
			block = string(m[1])
		}
	}
	if block == "" {
		t.Fatal("the README shows no block starting with statusgen init")
	}
	bin := t.TempDir()
	asStatusgen(t, bin)
	cmd := exec.Command("sh", "-ec", block)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", block, err, out)
	}
	if !strings.Contains(string(out), "no problems") {
		t.Errorf("check --strict of a new site did not say no problems:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(cmd.Dir, "mysite", "public", "index.html")); err != nil {
		t.Errorf("the README's init and build made no page: %v", err)
	}
}

// TestReadmeBrowserPackages: the README's command that installs what the
// page tests need names the packages .ci/run installs, which CI runs on a
// fresh machine; a font the Arabic or Japanese pages need cannot be
// missing from one and not the other.
func TestReadmeBrowserPackages(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^sudo apt-get install ([^#\n]+)`).FindSubmatch(readme)
	c := regexp.MustCompile(`(?m)^\s*packages="([^"]+)"`).FindSubmatch(ci)
	if m == nil || c == nil {
		t.Fatalf("no apt-get install in README.md (%v) or no packages= in .ci/run (%v)", m != nil, c != nil)
	}
	installed := strings.Fields(string(c[1]))
	for _, p := range strings.Fields(string(m[1])) {
		if !slices.Contains(installed, p) {
			t.Errorf("README.md installs %s, which .ci/run does not: CI never tries it", p)
		}
	}
	for _, p := range []string{"fonts-noto-cjk", "fonts-noto-core"} {
		if !slices.Contains(strings.Fields(string(m[1])), p) {
			t.Errorf("README.md's install command lacks %s, which the page tests' languages need", p)
		}
	}
}
