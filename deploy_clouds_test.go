package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/fsouza/fake-gcs-server/fakestorage"

	"statusgen/generator/deploy"
	"statusgen/generator/publish"
	"statusgen/generator/status"
)

// Deploys to Google Cloud Storage and Azure Blob Storage, each against a
// server speaking that provider's protocol, reached the way a user points
// the deploy at an emulator: fake-gcs-server in process, found through
// STORAGE_EMULATOR_HOST; Azurite from npm, through azblob:// parameters
// and the AZURE_STORAGE_* variables. Both go through the scenario
// TestDeployOnlyWhatChanged runs against S3.

// storedObject is an object as its server reports it through its own API.
type storedObject struct {
	version      string // changes with every write: GCS generation, Azure ETag
	contentType  string
	cacheControl string
	encoding     string
	md5          []byte // as the bucket listing gives it, which deploy compares
}

// cloudStore is a provider's server as the scenario sees it.
type cloudStore interface {
	url() string
	objects(t *testing.T) map[string]storedObject
	body(t *testing.T, key string) []byte // the bytes stored, not decoded
	seed(t *testing.T, key string, body []byte)
	// writes returns and forgets the requests of a deploy that changed
	// the store since the last call, as "METHOD path".
	writes() []string
}

// writeLog records the requests that change a store, whichever provider.
type writeLog struct {
	mu  sync.Mutex
	log []string
}

func (l *writeLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			req := r.Method + " " + r.URL.Path
			if name := r.URL.Query().Get("name"); name != "" { // a GCS upload
				req += " " + name
			}
			l.mu.Lock()
			l.log = append(l.log, req)
			l.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (l *writeLog) writes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.log
	l.log = nil
	return w
}

// TestDeployGCS deploys to a Cloud Storage server in process, into a
// bucket named after the site's domain, as GCS website hosting wants.
func TestDeployGCS(t *testing.T) {
	deployToCloud(t, newGCS(t, "status.example.com"))
}

// TestDeployManifestUnreadable: a store that lists the manifest but finds
// nothing when it is read (fake-gcs-server without -public-host) is an
// error, not a deploy that uploads everything every time.
func TestDeployManifestUnreadable(t *testing.T) {
	g := newGCSHost(t, "status", false)
	site, out := builtSite(t)
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", g.url()); code != 0 {
		t.Fatalf("first deploy: exit %d: %s", code, stderr)
	}
	code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", g.url())
	if code != 1 || !strings.Contains(stderr, "lists .statusgen-deploy.json but reading it finds nothing") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestDeployAzure deploys to Azurite, Microsoft's Azure Storage emulator,
// into $web, the container Azure's static website hosting serves.
func TestDeployAzure(t *testing.T) {
	deployToCloud(t, newAzurite(t, "$web"))
}

// deployToCloud: a first deploy stores every file with the headers of its
// type and leaves alone what no deploy stored; a second stores nothing;
// after one post changes, exactly the files the build changed go up; a
// target that stores files gzipped gets every text file again, encoded,
// and then nothing more.
func deployToCloud(t *testing.T, c cloudStore) {
	site, out := builtSite(t)
	// An image too, which is stored as it is even where text is gzipped.
	os.Mkdir(filepath.Join(site, "assets"), 0o755)
	if err := os.WriteFile(filepath.Join(site, "assets", "logo.png"), []byte("\x89PNG\r\n\x1a\nnot really"), 0o644); err != nil {
		t.Fatal(err)
	}
	rebuild(t, site, out, "")
	files, err := publish.Listed(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(files, func(f string) bool { return strings.HasSuffix(f, ".png") }) {
		t.Fatalf("the build has no image: %v", files)
	}
	c.seed(t, "old/page.html", []byte("<p>no longer built</p>"))

	code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", c.url())
	if code != 0 {
		t.Fatalf("first deploy: exit %d: %s", code, stderr)
	}
	first := c.objects(t)
	if got, want := slices.Sorted(maps.Keys(first)), slices.Sorted(slices.Values(append(withManifest(files), "old/page.html"))); !slices.Equal(got, want) {
		t.Fatalf("after the first deploy the store holds\n%v\nwant the %d files built, the manifest and the file no deploy stored", got, len(files))
	}
	if slices.ContainsFunc(c.writes(), func(w string) bool { return strings.HasPrefix(w, "DELETE ") }) {
		t.Error("a file no deploy stored was deleted")
	}
	for _, f := range files {
		local, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		checkStored(t, c, f, first[f], local, "")
	}
	if m := first[".statusgen-deploy.json"]; m.contentType != "application/json; charset=utf-8" || m.cacheControl != "no-store" {
		t.Errorf("manifest stored as %q, %q", m.contentType, m.cacheControl)
	}

	code, stdout, stderr := deployRun(t, "--site", site, "--out", out, "--to", c.url())
	if code != 0 {
		t.Fatalf("second deploy: exit %d: %s", code, stderr)
	}
	if w := c.writes(); len(w) > 0 {
		t.Errorf("a deploy of an unchanged site sent %d write requests: %v", len(w), w)
	}
	if !strings.Contains(stdout, "nothing changed") {
		t.Errorf("a no-op deploy should say so: %q", stdout)
	}

	post := firstPost(t, site)
	data, _ := os.ReadFile(post)
	os.WriteFile(post, bytes.Replace(data, []byte("\n---\n"), []byte("\n---\nOne more sentence of the update.\n\n"), 1), 0o644)
	changedFile := filepath.Join(t.TempDir(), "changed.txt")
	rebuild(t, site, out, changedFile)
	want := changedKeys(t, changedFile)
	if len(want) == 0 {
		t.Fatal("the edit changed no file")
	}
	if code, _, stderr := deployRun(t, "--site", site, "--out", out, "--to", c.url()); code != 0 {
		t.Fatalf("third deploy: exit %d: %s", code, stderr)
	}
	edited := c.objects(t)
	if got := rewritten(first, edited); !slices.Equal(got, withManifest(want)) {
		t.Errorf("after one edit, stored anew\n%v\nwant what the build changed, and the manifest\n%v", got, withManifest(want))
	}
	if w := c.writes(); len(w) != len(want)+1 {
		t.Errorf("after one edit, %d write requests for %d files and the manifest: %v", len(w), len(want), w)
	}

	// A --to target stores files as built; compress: is a site.yaml
	// setting, so this part goes through the engine with such a target.
	zipped := []*status.DeployTarget{{Name: "zipped", URL: c.url(), MaxAge: status.DefaultMaxAge, StaleIfError: status.DefaultStaleIfError, Compress: "gzip"}}
	engineDeploy(t, out, zipped)
	compressed := c.objects(t)
	var text []string
	for _, f := range files {
		if publish.Compressible(f) {
			text = append(text, f)
		}
	}
	if got := rewritten(edited, compressed); !slices.Equal(got, withManifest(text)) {
		t.Errorf("switching to gzip stored anew\n%v\nwant every text file and the manifest", got)
	}
	for _, f := range files {
		local, _ := os.ReadFile(filepath.Join(out, f))
		enc := ""
		if publish.Compressible(f) {
			enc = "gzip"
		}
		checkStored(t, c, f, compressed[f], local, enc)
	}
	c.writes()
	engineDeploy(t, out, zipped)
	if w := c.writes(); len(w) > 0 {
		t.Errorf("gzipped files were stored again: %v", w)
	}
}

// checkStored holds a stored object to the built file and to the headers
// of its type; enc is the Content-Encoding it must be stored with.
func checkStored(t *testing.T, c cloudStore, key string, o storedObject, local []byte, enc string) {
	t.Helper()
	if typ := typeOf(key); o.contentType != typ {
		t.Errorf("%s: Content-Type %q, want %q", key, o.contentType, typ)
	}
	cc := "public, max-age=60, stale-if-error=86400"
	if strings.HasPrefix(key, "assets/") {
		cc = "public, max-age=31536000, immutable"
	}
	if o.cacheControl != cc {
		t.Errorf("%s: Cache-Control %q, want %q", key, o.cacheControl, cc)
	}
	if o.encoding != enc {
		t.Errorf("%s: Content-Encoding %q, want %q", key, o.encoding, enc)
	}
	stored := c.body(t, key)
	if sum := md5.Sum(stored); !bytes.Equal(o.md5, sum[:]) {
		t.Errorf("%s: the listing's MD5 is %x, the stored bytes' %x", key, o.md5, sum)
	}
	if enc == "gzip" {
		z, err := gzip.NewReader(bytes.NewReader(stored))
		if err != nil {
			t.Errorf("%s: stored with Content-Encoding gzip, but: %v", key, err)
			return
		}
		if stored, err = io.ReadAll(z); err != nil {
			t.Errorf("%s: %v", key, err)
			return
		}
	}
	if !bytes.Equal(stored, local) {
		t.Errorf("%s: stored bytes differ from the built file", key)
	}
}

// typeOf is the Content-Type a built file must be served with; the test's
// own table, so that a change to statusgen's shows here.
func typeOf(key string) string {
	switch path.Base(key) {
	case "feed.xml":
		return "application/rss+xml; charset=utf-8"
	case "atom.xml":
		return "application/atom+xml; charset=utf-8"
	}
	return map[string]string{
		".html": "text/html; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".xml":  "application/xml; charset=utf-8",
		".json": "application/json; charset=utf-8",
		".svg":  "image/svg+xml; charset=utf-8",
		".ics":  "text/calendar; charset=utf-8",
		".png":  "image/png",
	}[path.Ext(key)]
}

func withManifest(keys []string) []string {
	return slices.Sorted(slices.Values(append(slices.Clone(keys), ".statusgen-deploy.json")))
}

// rewritten lists the keys stored anew between two looks at a store.
func rewritten(before, after map[string]storedObject) []string {
	var keys []string
	for k, o := range after {
		if b, ok := before[k]; !ok || b.version != o.version {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// engineDeploy deploys out to targets as the command would, with settings
// --to cannot give.
func engineDeploy(t *testing.T, out string, targets []*status.DeployTarget) {
	t.Helper()
	var log bytes.Buffer
	results, err := deploy.Run(context.Background(), deploy.Options{Out: out, Targets: targets, MaxDeletes: deploy.DefaultMaxDeletes, Log: &log, Errors: &log})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v\n%s", r.Target, r.Err, log.String())
		}
	}
}

// gcsStore is fake-gcs-server's in-process Cloud Storage, behind a
// loopback listener of ours that logs the writes.
type gcsStore struct {
	writeLog
	fake   *fakestorage.Server
	bucket string
}

func newGCS(t *testing.T, bucket string) *gcsStore { return newGCSHost(t, bucket, true) }

func newGCSHost(t *testing.T, bucket string, publicHost bool) *gcsStore {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	if !publicHost {
		host = ""
	}
	fake, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		NoListener: true,
		Scheme:     "http",
		// Where resumable uploads continue.
		ExternalURL: "http://" + srv.Listener.Addr().String(),
		// The Go client reads objects through the XML API, path-style at
		// the emulator's address; the fake serves that only to requests
		// for its public host, and otherwise takes the host for a bucket.
		// (fake-gcs-server's command: -public-host HOST:PORT.)
		PublicHost: host,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Stop)
	fake.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: bucket})
	g := &gcsStore{fake: fake, bucket: bucket}
	srv.Config.Handler = g.wrap(fake.HTTPHandler())
	srv.Start()
	t.Cleanup(srv.Close)
	// gcsblob, as cloud.google.com/go/storage, talks plain HTTP without
	// credentials to the host:port this names (no scheme: it adds http://).
	t.Setenv("STORAGE_EMULATOR_HOST", srv.Listener.Addr().String())
	return g
}

func (g *gcsStore) url() string { return "gs://" + g.bucket }

func (g *gcsStore) objects(t *testing.T) map[string]storedObject {
	t.Helper()
	list, _, err := g.fake.ListObjectsWithOptions(g.bucket, fakestorage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string]storedObject{}
	for _, o := range list {
		// md5Hash is base64, as the JSON API lists it to gcsblob.
		sum, err := base64.StdEncoding.DecodeString(o.Md5Hash)
		if err != nil {
			t.Fatalf("%s: md5Hash %q: %v", o.Name, o.Md5Hash, err)
		}
		objs[o.Name] = storedObject{
			version:      strconv.FormatInt(o.Generation, 10),
			contentType:  o.ContentType,
			cacheControl: o.CacheControl,
			encoding:     o.ContentEncoding,
			md5:          sum,
		}
	}
	return objs
}

func (g *gcsStore) body(t *testing.T, key string) []byte {
	t.Helper()
	o, err := g.fake.GetObject(g.bucket, key)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return o.Content
}

func (g *gcsStore) seed(t *testing.T, key string, body []byte) {
	g.fake.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: g.bucket, Name: key, ContentType: "text/html"}, Content: body})
}

// azuriteStore is Azurite's Blob service, run from node_modules, behind a
// loopback proxy of ours that logs the writes.
type azuriteStore struct {
	writeLog
	container *container.Client
	name      string
	host      string // the proxy's 127.0.0.1:port
}

// Azurite's one account and its key, published in its documentation:
// a fixed test credential, no secret.
const (
	azuriteAccount = "devstoreaccount1"
	azuriteKey     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

func newAzurite(t *testing.T, name string) *azuriteStore {
	t.Helper()
	blobURL := startAzurite(t)
	target, _ := url.Parse(blobURL)
	a := &azuriteStore{name: name}
	proxy := httptest.NewServer(a.wrap(httputil.NewSingleHostReverseProxy(target)))
	t.Cleanup(proxy.Close)
	a.host = proxy.Listener.Addr().String()

	// The environment gocloud's azureblob reads for a shared key.
	t.Setenv("AZURE_STORAGE_ACCOUNT", azuriteAccount)
	t.Setenv("AZURE_STORAGE_KEY", azuriteKey)
	cred, err := azblob.NewSharedKeyCredential(azuriteAccount, azuriteKey)
	if err != nil {
		t.Fatal(err)
	}
	// Go's transport would ungzip a blob stored gzipped; the test wants
	// the bytes as stored.
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	opts := &container.ClientOptions{ClientOptions: policy.ClientOptions{Transport: raw}}
	a.container, err = container.NewClientWithSharedKeyCredential(blobURL+"/"+azuriteAccount+"/"+name, cred, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.container.Create(ctx, nil); err != nil {
		t.Fatalf("creating the container: %v", err)
	}
	return a
}

// startAzurite runs azurite-blob on a free loopback port, in memory, and
// returns its address once it listens; the test's end stops it.
func startAzurite(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("node_modules", ".bin", "azurite-blob"))
	if err == nil {
		_, err = os.Stat(bin)
	}
	if err == nil {
		_, err = exec.LookPath("node")
	}
	if err != nil {
		if os.Getenv("STATUSGEN_REQUIRE_BROWSER") == "1" {
			t.Fatalf("Azurite: %v (npm ci installs it)", err)
		}
		t.Skipf("skipped, Azurite is missing: %v (npm ci installs it; STATUSGEN_REQUIRE_BROWSER=1 turns this skip into a failure)", err)
	}
	// In memory, so that nothing outlives the test; no telemetry, which
	// Azurite otherwise sends; any API version, so that a newer Azure SDK
	// is served.
	cmd := exec.Command(bin, "--blobHost", "127.0.0.1", "--blobPort", "0",
		"--inMemoryPersistence", "--extentMemoryLimit", "64", "--silent",
		"--disableTelemetry", "--skipApiVersionCheck")
	cmd.Dir = t.TempDir()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Azurite: %v", err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Errorf("Azurite (pid %d) did not exit within 10 s of being killed", cmd.Process.Pid)
		}
	})
	// It prints the port it got, once it listens.
	listening := regexp.MustCompile(`listens on (http://127\.0\.0\.1:[0-9]+)`)
	addr := make(chan string, 1)
	var said bytes.Buffer
	go func() {
		defer close(exited)
		lines := bufio.NewScanner(stdout)
		found := false
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil && !found {
				found = true
				addr <- m[1]
			} else if said.Len() < 4096 {
				said.WriteString(lines.Text() + "\n")
			}
		}
		cmd.Wait()
	}()
	select {
	case a := <-addr:
		return a
	case <-exited:
		t.Fatalf("Azurite exited before listening: %s%s", said.String(), stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("Azurite did not listen within 20 s")
	}
	return ""
}

// url names the container as a user names Azurite's: plain HTTP to a
// loopback address, the account in the path (localemu).
func (a *azuriteStore) url() string {
	return "azblob://" + a.name + "?protocol=http&domain=" + a.host + "&localemu=true"
}

func (a *azuriteStore) objects(t *testing.T) map[string]storedObject {
	t.Helper()
	ctx := context.Background()
	objs := map[string]storedObject{}
	pager := a.container.NewListBlobsFlatPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Segment.BlobItems {
			// The listing gives the MD5 deploy compares; the headers a
			// reader gets come from the blob's own properties.
			key := *b.Name
			props, err := a.container.NewBlobClient(key).GetProperties(ctx, nil)
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			objs[key] = storedObject{
				version:      string(*props.ETag),
				contentType:  deref(props.ContentType),
				cacheControl: deref(props.CacheControl),
				encoding:     deref(props.ContentEncoding),
				md5:          b.Properties.ContentMD5,
			}
		}
	}
	return objs
}

func (a *azuriteStore) body(t *testing.T, key string) []byte {
	t.Helper()
	resp, err := a.container.NewBlobClient(key).DownloadStream(context.Background(), nil)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return data
}

func (a *azuriteStore) seed(t *testing.T, key string, body []byte) {
	t.Helper()
	if _, err := a.container.NewBlockBlobClient(key).UploadBuffer(context.Background(), body, nil); err != nil {
		t.Fatal(err)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
