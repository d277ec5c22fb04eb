package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gopkg.in/yaml.v3"

	"statusgen/internal/sitetest"
)

// Commands of the docs, run as written: docs/publishing.md's GitHub Actions
// workflow step for step as a runner would, its rsync script, and the
// README's start of a site with init. (TestWritingNewCommands runs
// docs/writing.md's.)

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
	doc, err := os.ReadFile(filepath.Join("docs", "publishing.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllSubmatch(doc, -1) {
		if strings.HasPrefix(string(m[1]), start) {
			return string(m[1])
		}
	}
	t.Fatalf("docs/publishing.md has no %s block starting %q", lang, start)
	return ""
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
		Env   map[string]string
		Steps []struct {
			Name, Uses, Run string
			With            map[string]any
			Env             map[string]string
		}
	}
}

// cloud is what the workflow talks to: a bucket in an S3-compatible server,
// and one HTTPS receiver standing in for Cloudflare's purge API and the
// WebSub hub, which curl reaches through a .curlrc's connect-to.
type cloud struct {
	s3       *httptest.Server
	backend  *s3mem.Backend
	bucket   string
	receiver *httptest.Server

	mu      sync.Mutex
	puts    map[string]string // key -> Cache-Control of its upload
	purged  [][]string        // the URLs of each purge call
	pinged  []string          // the feeds pinged at the hub
	refused []string          // requests the receiver did not expect
}

const (
	testZone  = "zone-1234"
	testToken = "token-5678"
)

func newCloud(t *testing.T, bucket string) *cloud {
	c := &cloud{backend: s3mem.New(), bucket: bucket}
	if err := c.backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	faker := gofakes3.New(c.backend).Server()
	c.s3 = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			key := strings.TrimPrefix(r.URL.Path, "/"+bucket+"/")
			c.mu.Lock()
			c.puts[key] = r.Header.Get("Cache-Control")
			c.mu.Unlock()
		}
		faker.ServeHTTP(w, r)
	}))
	t.Cleanup(c.s3.Close)
	c.receiver = httptest.NewTLSServer(http.HandlerFunc(c.receive))
	t.Cleanup(c.receiver.Close)
	c.reset()
	return c
}

func (c *cloud) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts, c.purged, c.pinged, c.refused = map[string]string{}, nil, nil, nil
}

// receive checks each call against the documented formats: Cloudflare's
// purge by URL (a bearer token, JSON {"files": [...]}, at most 30), and a
// WebSub publish ping (hub.mode=publish, hub.url).
func (c *cloud) receive(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	refuse := func(why string) {
		c.refused = append(c.refused, fmt.Sprintf("%s %s%s: %s", r.Method, r.Host, r.URL.Path, why))
		http.Error(w, why, http.StatusBadRequest)
	}
	switch {
	case r.Method != http.MethodPost:
		refuse("not a POST")
	case r.Host == "api.cloudflare.com" && r.URL.Path == "/client/v4/zones/"+testZone+"/purge_cache":
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
			io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":{"id":"`+testZone+`"}}`)
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
	default:
		refuse("unexpected")
	}
}

// objects returns the bucket's files and bytes.
func (c *cloud) objects(t *testing.T) map[string]string {
	t.Helper()
	list, err := c.backend.ListBucket(c.bucket, &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range list.Contents {
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

// runner runs a job's steps as GitHub's runner does: `uses` steps by what
// they do here, `run` steps in bash -eo pipefail in the workspace, with
// the job's and the step's env, and folders added to GITHUB_PATH put on
// PATH for the steps after.
type runner struct {
	t         *testing.T
	workspace string
	temp      string
	env       []string // without PATH
	path      string
	site      string // the repository the workspace checks out
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
			cmd.Env = append(append(append(slices.Clone(r.env), "PATH="+path), expand(job.Env)...), expand(step.Env)...)
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s failed: %v\n%s\n%s", label, err, step.Run, out)
			}
			t.Logf("%s: %v", label, time.Since(start).Round(time.Millisecond))
		}
	}
}

func TestPublishingWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds statusgen and runs the workflow three times")
	}
	for _, tool := range []string{"bash", "jq", "curl", "split", "go"} {
		needTool(t, tool)
	}
	aws := needTool(t, "aws")
	var wf workflow
	if err := yaml.Unmarshal([]byte(docBlock(t, "yaml", "name: publish\n")), &wf); err != nil {
		t.Fatalf("docs/publishing.md's workflow: %v", err)
	}
	bucketURL := regexp.MustCompile(`BUCKET: s3://(\S+)`).FindStringSubmatch(docBlock(t, "yaml", "name: publish\n"))
	if bucketURL == nil {
		t.Fatal("the workflow names no bucket")
	}
	c := newCloud(t, bucketURL[1])

	// The site: a copy of the example, edited for the third run.
	site := t.TempDir()
	if err := os.CopyFS(filepath.Join(site, "content"), os.DirFS(filepath.Join(sitetest.Root(), "content"))); err != nil {
		t.Fatal(err)
	}
	var conf struct {
		BaseURL string `yaml:"base_url"`
	}
	data, _ := os.ReadFile(filepath.Join(site, "content", "site.yaml"))
	if err := yaml.Unmarshal(data, &conf); err != nil {
		t.Fatal(err)
	}

	// Tools as a runner has them, pointed at the servers above.
	tools := t.TempDir()
	receiver, _ := url.Parse(c.receiver.URL)
	_, port, _ := net.SplitHostPort(receiver.Host)
	curlrc := "connect-to = \"::127.0.0.1:" + port + "\"\ninsecure\n" // the test's own certificate
	if err := os.WriteFile(filepath.Join(tools, ".curlrc"), []byte(curlrc), 0o644); err != nil {
		t.Fatal(err)
	}
	// Older AWS CLIs ignore AWS_ENDPOINT_URL, which the workflow's comment
	// tells stores other than AWS to set: given on the command line here.
	wrapper := "#!/bin/sh\nexec " + aws + " --endpoint-url \"$AWS_ENDPOINT_URL\" \"$@\"\n"
	if err := os.MkdirAll(filepath.Join(tools, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tools, "bin", "aws"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{
		"AWS_ACCESS_KEY_ID": "test-access", "AWS_SECRET_ACCESS_KEY": "test-secret",
		"CLOUDFLARE_ZONE_ID": testZone, "CLOUDFLARE_TOKEN": testToken,
	}
	run := func(job string) string {
		ws, temp := t.TempDir(), t.TempDir()
		env := slices.DeleteFunc(os.Environ(), func(s string) bool { return strings.HasPrefix(s, "PATH=") })
		r := &runner{t: t, workspace: ws, temp: temp, site: site, path: filepath.Join(tools, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"), env: append(env,
			"CURL_HOME="+tools,
			"AWS_ENDPOINT_URL="+c.s3.URL,
			"AWS_CONFIG_FILE="+filepath.Join(temp, "aws-config"),
			"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(temp, "aws-credentials"),
			"RUNNER_TEMP="+temp,
			"GITHUB_PATH="+filepath.Join(temp, "github_path"),
			"GITHUB_WORKSPACE="+ws,
			afterStory,
		)}
		r.job(wf, job, secrets)
		return ws
	}
	// The URLs a purge of the files of public/ lists.
	urls := func(files map[string]string) []string {
		var out []string
		for p := range files {
			if d, ok := strings.CutSuffix(p, "index.html"); ok {
				out = append(out, conf.BaseURL+d)
			}
			out = append(out, conf.BaseURL+p)
		}
		slices.Sort(out)
		return out
	}
	lines := func(ws, name string) []string {
		data, err := os.ReadFile(filepath.Join(ws, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(string(data))
	}
	feeds := func(list []string) []string {
		var out []string
		for _, u := range list {
			if strings.HasSuffix(u, ".xml") && !strings.HasSuffix(u, "sitemap.xml") {
				out = append(out, u)
			}
		}
		return out
	}
	check := func(run string, ws string, want []string) {
		t.Helper()
		public := sitetest.Tree(t, filepath.Join(ws, "public"))
		delete(public, ".statusgen")
		changed := lines(ws, "changed.txt")
		slices.Sort(changed)
		if !slices.Equal(changed, want) {
			t.Errorf("%s: changed.txt lists %d URLs, want %d", run, len(changed), len(want))
		}
		if got := c.objects(t); !maps.Equal(got, public) {
			t.Errorf("%s: the bucket holds %d files, public/ %d; they differ", run, len(got), len(public))
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		for key, cc := range c.puts {
			want := "public, max-age=60"
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
		if !slices.Equal(purged, changed) {
			t.Errorf("%s: purged %d URLs, changed.txt lists %d", run, len(purged), len(changed))
		}
		slices.Sort(c.pinged)
		if want := feeds(changed); !slices.Equal(c.pinged, want) {
			t.Errorf("%s: the hub heard of %v, want %v", run, c.pinged, want)
		}
		if len(c.refused) > 0 {
			t.Errorf("%s: calls not as documented: %s", run, strings.Join(c.refused, "; "))
		}
	}

	// A pull request is checked.
	run("check")

	// The first publish: an empty bucket, everything uploaded and purged.
	ws := run("publish")
	public := sitetest.Tree(t, filepath.Join(ws, "public"))
	delete(public, ".statusgen")
	check("first run", ws, urls(public))
	if len(c.puts) != len(public) {
		t.Errorf("first run: %d uploads for %d files", len(c.puts), len(public))
	}

	// The next scheduled run, on a fresh runner, with nothing changed:
	// nothing is uploaded, purged or pinged.
	c.reset()
	ws = run("publish")
	check("unchanged", ws, nil)
	if len(c.puts) != 0 {
		t.Errorf("unchanged: %d files uploaded: %v", len(c.puts), slices.Sorted(maps.Keys(c.puts)))
	}

	// A post edited: what changed is uploaded, purged and pinged, and only
	// that.
	posts, _ := filepath.Glob(filepath.Join(site, "content", "posts", "*.md"))
	f, err := os.OpenFile(posts[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\nA correction, added later.\n")
	f.Close()
	c.reset()
	ws = run("publish")
	before := public
	public = sitetest.Tree(t, filepath.Join(ws, "public"))
	delete(public, ".statusgen")
	var differ []string
	for p, s := range public {
		if before[p] != s {
			differ = append(differ, p)
		}
	}
	slices.Sort(differ)
	check("edited", ws, urls(maps.Collect(func(yield func(string, string) bool) {
		for _, p := range differ {
			yield(p, "")
		}
	})))
	if got := slices.Sorted(maps.Keys(c.puts)); len(differ) == 0 || !slices.Equal(got, differ) {
		t.Errorf("edited: uploaded %v, want the files that changed, %v", got, differ)
	}
}

// TestPublishingRsync runs docs/publishing.md's rsync script, its folders
// moved under a temporary one: the web root gets the site without the
// marker, and an edit and a removal reach it.
func TestPublishingRsync(t *testing.T) {
	needTool(t, "rsync")
	script := docBlock(t, "sh", "#!/bin/sh\n# publish.sh")
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
	publish := func() map[string]string {
		t.Helper()
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = site
		cmd.Env = append(os.Environ(), "PATH="+filepath.Join(root, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"), afterStory)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("publish.sh: %v\n%s", err, out)
		}
		built := sitetest.Tree(t, filepath.Join(root, "srv", "status-build"))
		delete(built, ".statusgen")
		if served := sitetest.Tree(t, filepath.Join(root, "var", "www", "status")); !maps.Equal(served, built) {
			t.Errorf("the web root holds %d files, the build %d; they differ", len(served), len(built))
		}
		return built
	}
	before := publish()
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
	posts, _ := filepath.Glob(filepath.Join(site, "content", "posts", "*.md"))
	if err := os.Remove(posts[len(posts)-1]); err != nil {
		t.Fatal(err)
	}
	if after := publish(); maps.Equal(after, before) {
		t.Error("removing a post changed nothing in the web root")
	}
	if data, _ := os.ReadFile(filepath.Join(root, "srv", "status-build.changed")); len(data) == 0 {
		t.Error("the build listed no changes")
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
