//go:build unix

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"statusgen/generator/publish"
	"statusgen/internal/corpus"
)

// exampleShape names the repository's own example site (content/) among
// the shapes --deploy takes.
const exampleShape = "example"

// exampleNow is the instant the deploy tests build the example at.
var exampleNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// The three deploys timed on each target, in the order they run.
const (
	first = iota // into an empty bucket or folder
	noop         // the same build again
	edit         // after the newest post is edited and the site rebuilt
	phases
)

var phaseNames = [phases]string{"first", "no-op", "one post"}

// The targets: an S3-compatible server in this process over loopback
// HTTP, and a local folder, which shows what the deploy costs without a
// server.
var targetNames = []string{"s3", "file"}

// timing is what one deploy cost.
type timing struct {
	wall, cpu, server time.Duration // server: this process's CPU meanwhile
	rss               int64
	uploaded          int
	requests          int64 // HTTP requests the server answered
}

// deploySite is a shape's site, built.
type deploySite struct {
	name, site, out string
	now             time.Time
	post            string // the post each run edits: the newest
	files           int
	bytes           int64
	rebuilds        []time.Duration
	runs            [][][]timing // [target][phase][run]
}

// deploying builds each shape's site once, then runs times over,
// alternating shape by shape, deploys it with statusgen deploy to a fresh
// bucket and a fresh folder, again unchanged, and once more after the
// newest post is edited and the site rebuilt, and prints the medians.
func deploying(names []string, runs int, work string) error {
	work, sg, done, err := workspace(work)
	if err != nil {
		return err
	}
	defer done()
	sites := make([]*deploySite, len(names))
	for j, name := range names {
		if sites[j], err = prepareDeploy(work, sg, name); err != nil {
			return err
		}
	}
	for i := range runs { // alternating, so that all see the same machine
		for _, s := range sites {
			if err := deployRound(work, sg, s, i); err != nil {
				return fmt.Errorf("%s: %v", s.name, err)
			}
		}
	}
	for _, s := range sites {
		printDeploy(s)
	}
	return nil
}

// prepareDeploy writes the shape's corpus, or copies the example site,
// and builds it.
func prepareDeploy(work, sg, name string) (*deploySite, error) {
	s := &deploySite{name: name, runs: make([][][]timing, len(targetNames))}
	for k := range s.runs {
		s.runs[k] = make([][]timing, phases)
	}
	if name == exampleShape {
		s.site, s.now = filepath.Join(work, "site-example"), exampleNow
		if _, err := os.Stat(s.site); err != nil {
			if err := os.CopyFS(filepath.Join(s.site, "content"), os.DirFS("content")); err != nil {
				return nil, fmt.Errorf("copying the example (run from the repository's root): %v", err)
			}
		}
	} else {
		shape, ok := corpus.Shapes[name]
		if !ok {
			return nil, fmt.Errorf("no shape %q; use %s or some of %s", name, exampleShape, strings.Join(corpus.ShapeNames(), ", "))
		}
		site, err := makeCorpus(work, shape)
		if err != nil {
			return nil, err
		}
		s.site, s.now = site, shape.Now()
	}
	s.out = filepath.Join(work, "deploy-out-"+name)
	os.RemoveAll(s.out) // left by an earlier run in the same --work
	if _, err := s.build(sg); err != nil {
		return nil, err
	}
	var posts []string
	filepath.WalkDir(filepath.Join(s.site, "content", "posts"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			posts = append(posts, p)
		}
		return nil
	})
	if len(posts) == 0 {
		return nil, fmt.Errorf("%s: no posts", s.site)
	}
	// Both the corpus and the example name their posts in time order.
	s.post = slices.Max(posts)
	files, err := publish.Listed(s.out)
	if err != nil {
		return nil, err
	}
	s.files = len(files)
	for _, f := range files {
		if info, err := os.Stat(filepath.Join(s.out, f)); err == nil {
			s.bytes += info.Size()
		}
	}
	return s, nil
}

func (s *deploySite) build(sg string) (time.Duration, error) {
	took, _, err := timed(exec.Command(sg, "build", "--site", s.site, "--out", s.out, "--now", s.now.Format(time.RFC3339)))
	return took, err
}

// deployRound times the three deploys to both targets: the first two to
// each, then the edit and the rebuild, then the third to each, so that
// both see the same change.
func deployRound(work, sg string, s *deploySite, run int) error {
	srv, err := startS3()
	if err != nil {
		return err
	}
	defer srv.close()
	folder := filepath.Join(work, fmt.Sprintf("deploy-to-%s-%d", s.name, run))
	os.RemoveAll(folder) // left by an earlier run in the same --work
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return err
	}
	// Each run's folder stays until the end: removing one made the next
	// run's writes wait on the disk's discards.
	// no_tmp_dir: fileblob writes each file in the system's temporary
	// folder by default and renames it into place, which fails when that
	// is on another file system (--work /dev/shm).
	urls := []string{srv.url(), "file://" + filepath.ToSlash(folder) + "?no_tmp_dir=true"}
	for _, p := range []int{first, noop} {
		for k, u := range urls {
			t, err := timeDeploy(sg, s, u, srv)
			if err != nil {
				return fmt.Errorf("%s %s deploy: %v", targetNames[k], phaseNames[p], err)
			}
			if want := []int{s.files, 0}[p]; t.uploaded != want {
				return fmt.Errorf("%s %s deploy uploaded %d files, want %d", targetNames[k], phaseNames[p], t.uploaded, want)
			}
			s.runs[k][p] = append(s.runs[k][p], t)
		}
	}
	if err := editPost(s.post, run); err != nil {
		return err
	}
	took, err := s.build(sg)
	if err != nil {
		return err
	}
	s.rebuilds = append(s.rebuilds, took)
	for k, u := range urls {
		t, err := timeDeploy(sg, s, u, srv)
		if err != nil {
			return fmt.Errorf("%s deploy after the edit: %v", targetNames[k], err)
		}
		if t.uploaded == 0 {
			return fmt.Errorf("%s deploy after the edit uploaded nothing", targetNames[k])
		}
		s.runs[k][edit] = append(s.runs[k][edit], t)
	}
	return nil
}

// editPost adds a sentence, different each run, to the top of a post's
// body: an update corrected in the middle of an incident.
func editPost(post string, run int) error {
	data, err := os.ReadFile(post)
	if err != nil {
		return err
	}
	sentence := fmt.Sprintf("\n---\nCorrection %d: the fix is rolling out region by region.\n\n", run+1)
	edited := bytes.Replace(data, []byte("\n---\n"), []byte(sentence), 1)
	if bytes.Equal(edited, data) {
		return fmt.Errorf("%s: no end of front-matter", post)
	}
	return os.WriteFile(post, edited, 0o644)
}

// uploadedRE reads the count from deploy's summary line; "nothing changed"
// means none.
var uploadedRE = regexp.MustCompile(`: (\d+) uploaded \(`)

// timeDeploy runs statusgen deploy of the site to the URL, and measures
// it, and the S3 server's CPU time meanwhile.
func timeDeploy(sg string, s *deploySite, url string, srv *s3Server) (timing, error) {
	cmd := exec.Command(sg, "deploy", "--site", s.site, "--out", s.out, "--to", url)
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=bench-key-id", "AWS_SECRET_ACCESS_KEY=bench-secret", "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cpu, requests, err := srv.stats()
	if err != nil {
		return timing{}, err
	}
	wall, rss, err := timed(cmd)
	if err != nil {
		return timing{}, err
	}
	cpu2, requests2, err := srv.stats()
	if err != nil {
		return timing{}, err
	}
	t := timing{wall: wall, rss: rss, server: cpu2 - cpu, requests: requests2 - requests - 1, // less the stats request
		cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	switch m := uploadedRE.FindStringSubmatch(stdout.String()); {
	case m != nil:
		t.uploaded, _ = strconv.Atoi(m[1])
	case !strings.Contains(stdout.String(), "nothing changed"):
		return t, fmt.Errorf("no summary in %q", stdout.String())
	}
	return t, nil
}

// s3Server is gofakes3 in a process of its own (compare --s3), over
// loopback HTTP, with one empty bucket, its objects in memory. Not in
// this process: Linux starts a child of a Go program with its parent's
// peak RSS as its own, and the bucket's objects would be counted as the
// deploy's.
type s3Server struct {
	cmd   *exec.Cmd
	stdin io.Closer
	addr  string
}

const benchBucket = "status"

// statsPath answers with the server's CPU time in nanoseconds and the
// requests it answered; no bucket has that name.
const statsPath = "/_stats"

func startS3() (*s3Server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "--s3")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &s3Server{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		s.close()
		return nil, fmt.Errorf("S3 server: %v", err)
	}
	s.addr = strings.TrimSpace(line)
	return s, nil
}

func (s *s3Server) url() string {
	return "s3://" + benchBucket + "?endpoint=http://" + s.addr + "&use_path_style=true&disable_https=true&region=us-east-1"
}

func (s *s3Server) stats() (cpu time.Duration, requests int64, err error) {
	resp, err := http.Get("http://" + s.addr + statsPath)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	_, err = fmt.Fscan(resp.Body, &cpu, &requests)
	return cpu, requests, err
}

// close ends the server: it stops when its input does.
func (s *s3Server) close() {
	s.stdin.Close()
	s.cmd.Wait()
}

// serveS3 is compare --s3: it serves a fresh bucket on a loopback port,
// prints its address, and stops when its input ends.
func serveS3() error {
	backend := s3mem.New()
	if err := backend.CreateBucket(benchBucket); err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var requests atomic.Int64
	fake := gofakes3.New(backend).Server()
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path == statsPath {
			var ru syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
			fmt.Fprintln(w, ru.Utime.Nano()+ru.Stime.Nano(), requests.Load())
			return
		}
		fake.ServeHTTP(w, r)
	}))
	fmt.Println(l.Addr())
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}

// printDeploy prints a shape's medians: per target and deploy, the wall
// and CPU time, the peak RSS, the server's CPU time and requests.
func printDeploy(s *deploySite) {
	fmt.Printf("%s: %d files (%.1f MB); rebuild after the edit %v\n", s.name, s.files, float64(s.bytes)/1e6, median(s.rebuilds).Round(time.Millisecond))
	for k, target := range targetNames {
		for p, ts := range s.runs[k] {
			var walls []time.Duration
			var rss int64
			var uploaded []int
			for _, t := range ts {
				walls, rss, uploaded = append(walls, t.wall), max(rss, t.rss), append(uploaded, t.uploaded)
			}
			line := fmt.Sprintf("  %-4s %-10s median %v of %v (CPU %v), peak RSS %d MiB",
				target, phaseNames[p]+":", median(walls).Round(time.Millisecond), rounded(walls),
				middle(ts, func(t timing) time.Duration { return t.cpu }).Round(10*time.Millisecond), rss>>20)
			if target == "s3" {
				line += fmt.Sprintf("; server CPU %v, %d requests",
					middle(ts, func(t timing) time.Duration { return t.server }).Round(10*time.Millisecond),
					middle(ts, func(t timing) int64 { return t.requests }))
			}
			if p == edit {
				line += fmt.Sprintf("; uploaded %v files", slices.Compact(slices.Sorted(slices.Values(uploaded))))
			}
			fmt.Println(line)
		}
	}
}

// middle is the median of one measure of the timings.
func middle[T cmp.Ordered](ts []timing, measure func(timing) T) T {
	var vs []T
	for _, t := range ts {
		vs = append(vs, measure(t))
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}
