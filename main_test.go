package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"statusgen/internal/corpus"
	"statusgen/internal/sitetest"
)

// TestMain lets the test binary stand in for the statusgen command, so that
// the scripts run the real command line, exit codes included.
func TestMain(m *testing.M) {
	if os.Getenv("STATUSGEN_RUN_MAIN") == "1" { // the binary as statusgen, for tests that kill it
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"statusgen": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs every testdata/script/*.txtar: each ships its own tiny
// site and passes --now, so that no result depends on the clock or on the
// repository's example content.
//
// Besides testscript's own commands, scripts may use:
//
//	exitcode N PROGRAM [ARGS...]   run like exec, want exit code exactly N
//	entry DIR REGEXP               some entry of DIR matches (! entry: none)
//	bigpost PATH SIZE              write a valid post of exactly SIZE bytes
//
// Set UPDATE_SCRIPTS=1 to rewrite the expected files of failing cmp
// commands (review the diff before committing).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"bigpost":  cmdBigPost,
			"entry":    cmdEntry,
			"exitcode": cmdExitCode,
			"tree":     cmdTree,
			"unescape": cmdUnescape,
		},
	})
}

// cmdBigPost writes a valid post of exactly SIZE bytes:
//
//	bigpost PATH SIZE
//
// The front-matter is a good one for a site with region us and service
// web, the body is padding, so the size is the post's only possible
// problem.
func cmdBigPost(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! bigpost")
	}
	if len(args) != 2 {
		ts.Fatalf("usage: bigpost PATH SIZE")
	}
	size, err := strconv.Atoi(args[1])
	ts.Check(err)
	head := "---\nregion: us\nservice: web\nstate: operational\ntimestamp: 2024-03-01T10:00:00Z\n---\n"
	if size < len(head)+1 {
		ts.Fatalf("bigpost: size %d is too small for a post", size)
	}
	var b bytes.Buffer
	b.WriteString(head)
	line := "All systems are operating normally, this line pads the post.\n"
	for b.Len()+len(line) < size {
		b.WriteString(line)
	}
	b.WriteString(string(bytes.Repeat([]byte("."), size-b.Len()-1)) + "\n")
	name := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(name), 0o755))
	ts.Check(os.WriteFile(name, b.Bytes(), 0o644))
}

// cmdEntry succeeds when some entry of DIR (not recursive, hidden ones
// included) has a name matching the regular expression; with !, when none
// has:
//
//	entry DIR REGEXP
//	! entry DIR REGEXP
func cmdEntry(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: entry DIR REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	entries, err := os.ReadDir(ts.MkAbs(args[0]))
	ts.Check(err)
	var names []string
	for _, e := range entries {
		if re.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	switch {
	case neg && len(names) > 0:
		ts.Fatalf("%s holds %s, matching %s", args[0], strings.Join(names, ", "), args[1])
	case !neg && len(names) == 0:
		ts.Fatalf("%s holds nothing matching %s", args[0], args[1])
	}
}

// cmdTree writes to FILE one line per file and folder under DIR, hidden ones
// included: path, mode, size, modification time and SHA-256, so that cmp
// of two such files tells whether anything in DIR changed at all:
//
//	tree DIR FILE
func cmdTree(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: tree DIR FILE")
	}
	root := ts.MkAbs(args[0])
	var b strings.Builder
	ts.Check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := ""
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		fmt.Fprintf(&b, "%s %v %d %d %s\n", filepath.ToSlash(rel), info.Mode(), info.Size(), info.ModTime().UnixNano(), sum)
		return nil
	}))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o644))
}

// cmdUnescape writes to DST the text of SRC with Go escapes (\n, \r, \x00,
// \xe9, \ufeff) turned into the bytes they stand for, for files a txtar
// archive should not hold raw:
//
//	unescape SRC DST
func cmdUnescape(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: unescape SRC DST")
	}
	text, err := strconv.Unquote(`"` + strings.TrimSuffix(ts.ReadFile(args[0]), "\n") + `"`)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(text), 0o644))
}

// cmdExitCode runs a program like exec, keeping its stdout and stderr for
// the commands that follow, and wants exactly exit code N (exec and ! exec
// only tell success from failure, and statusgen's 1 and 2 differ):
//
//	exitcode N PROGRAM [ARGS...]
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// TestServeListen: the preview listens on loopback unless told otherwise,
// and says so when other machines can reach it.
func TestServeListen(t *testing.T) {
	if host, _, _ := net.SplitHostPort(defaultAddr); !net.ParseIP(host).IsLoopback() {
		t.Errorf("the default address %s is not loopback", defaultAddr)
	}
	for addr, warns := range map[string]bool{"127.0.0.1:0": false, "[::1]:0": false, "0.0.0.0:0": true} {
		var stderr bytes.Buffer
		ln, err := listen(addr, &stderr)
		if err != nil {
			if strings.Contains(addr, "::1") {
				continue // no IPv6 here
			}
			t.Fatal(err)
		}
		ln.Close()
		if got := strings.Contains(stderr.String(), "warning: listening on"); got != warns {
			t.Errorf("%s: warned %v, want %v (%q)", addr, got, warns, stderr.String())
		}
	}
}

// TestPreviewServerTimesOut: a client that sends its headers slowly is cut
// off, and every timeout is set.
func TestPreviewServerTimesOut(t *testing.T) {
	srv := previewServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout != 5*time.Second || srv.ReadTimeout != 10*time.Second || srv.WriteTimeout != 30*time.Second || srv.IdleTimeout != time.Minute {
		t.Fatalf("timeouts %v %v %v %v, want 5s 10s 30s 1m (as documented)", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	srv.ReadHeaderTimeout = 100 * time.Millisecond // as set, but quicker to test
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n") // and never the end of the headers
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn)
	if err != nil || time.Since(start) > 3*time.Second {
		t.Errorf("the stalled connection was not closed by the server: %v after %v", err, time.Since(start))
	}
}

// TestBuildSurvivesKill kills real builds at random moments, each over
// content that differs from the published site (two sites built into one
// --out in turn), and checks after each that --out is the complete old or
// the complete new site, file for file.
func TestBuildSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the swap is one step only where folders can be exchanged atomically (Linux)")
	}
	const posts = 600
	work := t.TempDir()
	out := filepath.Join(work, "public")
	now := corpus.Last(posts).Format(time.RFC3339)
	sites := []string{filepath.Join(work, "a"), filepath.Join(work, "b")}
	want := make([]map[string]string, 2)
	var took time.Duration
	for i, site := range sites {
		if err := corpus.Write(site, posts, 4, 6, uint64(i+1)); err != nil {
			t.Fatal(err)
		}
		ref := filepath.Join(work, fmt.Sprint("ref", i))
		start := time.Now()
		if err := statusgenCmd("build", "--site", site, "--out", ref, "--now", now).Run(); err != nil {
			t.Fatal(err)
		}
		took = max(took, time.Since(start))
		want[i] = sitetest.Tree(t, ref)
	}
	if err := os.CopyFS(out, os.DirFS(filepath.Join(work, "ref0"))); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	runs, finished, switched, midway := 40, 0, 0, 0
	cur := 0 // the site --out shows; each build is of the other
	// Kills land at random within span. A busy machine (the other tests
	// run beside this one) slows builds down: when half the runs saw no
	// swap, or no build killed midway, the span grows or shrinks.
	span := took * 3 / 2
	for i := range runs {
		if i >= runs/2 && switched == 0 {
			span *= 2
		}
		if i >= runs/2 && midway == 0 {
			span /= 2
		}
		cmd := statusgenCmd("build", "--site", sites[1-cur], "--out", out, "--now", now)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(span))))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var exit *exec.ExitError
		switch {
		case err == nil:
			finished++
		case !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled():
			t.Fatalf("run %d: the build failed by itself: %v\n%s", i, err, stderr.String())
		}
		switch got := sitetest.Tree(t, out); {
		case maps.Equal(got, want[1-cur]):
			cur, switched = 1-cur, switched+1
		case maps.Equal(got, want[cur]): // the kill came first
		default:
			t.Fatalf("run %d: --out is neither the old nor the new site (%d files)", i, len(got))
		}
		entries, _ := filepath.Glob(filepath.Join(work, ".public.statusgen-*"))
		if len(entries) > 1 {
			t.Errorf("run %d: staging folders pile up: %v", i, entries)
		}
		if len(entries) == 1 {
			midway++ // killed with a staging folder in place
		}
	}
	if switched == 0 || midway == 0 {
		t.Errorf("the test tried nothing: --out switched %d times, %d builds were killed with a staging folder in place", switched, midway)
	}
	t.Logf("%d runs: %d killed (%d leaving a staging folder), %d finished; --out switched %d times, each time whole (a build takes up to %v)", runs, runs-finished, midway, finished, switched, took.Round(time.Millisecond))
}

func statusgenCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STATUSGEN_RUN_MAIN=1")
	return cmd
}

// TestReadmeLargeExample runs the README's commands for the large example,
// with its folder moved to a temporary one: mkcorpus prints the instant the
// build command uses, and the build makes the group pages.
func TestReadmeLargeExample(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and builds a large site")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	mk := regexp.MustCompile(`(?m)^go run (\./internal/mkcorpus .*)$`).FindSubmatch(readme)
	bld := regexp.MustCompile(`(?m)^go run \. (build --site examples/large .*)$`).FindSubmatch(readme)
	if mk == nil || bld == nil {
		t.Fatal("the README's large example commands are not found")
	}
	dir := filepath.Join(t.TempDir(), "large")
	args := func(line []byte) []string {
		return strings.Fields(strings.ReplaceAll(string(line), "examples/large", dir))
	}
	cmd := exec.Command("go", append([]string{"run"}, args(mk[1])...)...)
	cmd.Stderr = os.Stderr
	printed, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", mk[1], err)
	}
	build := args(bld[1])
	now := build[slices.Index(build, "--now")+1]
	if !strings.Contains(string(printed), "all past at "+now+"\n") {
		t.Errorf("mkcorpus printed %q; the README builds at %s", printed, now)
	}
	var stderr strings.Builder
	if code := run(build, io.Discard, &stderr); code != 0 {
		t.Fatalf("statusgen %s: exit %d\n%s", bld[1], code, stderr.String())
	}
	for _, page := range []string{"index.html", "regions/g0/index.html", "services/c11/index.html", "regions/g5/feed.xml", "badges/services/c0.svg"} {
		if _, err := os.Stat(filepath.Join(dir, "public", page)); err != nil {
			t.Errorf("the large example has no %s", page)
		}
	}
}

// TestReadmeSiteYAML: the README's site.yaml example, with its groups
// example after it, is a site that check accepts, and new takes the
// group ids the README shows.
func TestReadmeSiteYAML(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(readme, -1)
	var site, groups string
	for _, b := range blocks {
		switch text := string(b[1]); {
		case strings.HasPrefix(text, "title: "):
			site = text
		case strings.HasPrefix(text, "region_groups:"):
			groups = text
		}
	}
	if site == "" || groups == "" {
		t.Fatal("the README's site.yaml and groups examples are not found")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "content", "posts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "site.yaml"), []byte(site+groups), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	if code := run([]string{"new", "--site", dir, "--region", "asia", "--service", "network", "--state", "major_outage", "--now", "2011-05-20T00:00:00Z", "Down in Asia"}, io.Discard, &stderr); code != 0 {
		t.Fatalf("new --region asia --service network: exit %d\n%s", code, stderr.String())
	}
	if code := run([]string{"check", "--site", dir, "--now", "2011-05-21T00:00:00Z"}, io.Discard, &stderr); code != 0 {
		t.Fatalf("check of the README's site.yaml with its groups: exit %d\n%s", code, stderr.String())
	}
}
