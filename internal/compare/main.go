//go:build unix

// Command compare measures statusgen's full build against Hugo's and
// against the floor, in one run on one machine:
//
//	go run ./internal/compare --shape rich            # 5 runs each
//	go run ./internal/compare --shape classic --linear   # statusgen at the shape's posts and ten times as many
//	go run ./internal/compare --scale spread250,spread500,spread1000,wide   # statusgen alone over shapes
//	go run ./internal/compare --deploy example,wide   # statusgen deploy to an S3 server and a folder
//
// It writes a corpus of the shape (internal/corpus), builds statusgen from this
// repository, turns the corpus into a Hugo site (taxonomies region and
// service, minimal layouts: a page per post, list pages and RSS per region
// and per service), then builds both into a fresh folder each run,
// alternating with the floor, and prints the medians, the ratios and each
// one's peak RSS. The floor is reading the posts, parsing their YAML and
// rendering their Markdown with goldmark on all cores, writing nothing; it
// runs as a process of its own (compare --floor SITE), measured as the
// tools are, and once more inside compare, warm, for comparison. --deploy
// times statusgen deploy of each shape's build to an S3 server (gofakes3,
// compare --s3, over loopback HTTP) and to a folder: into an empty
// bucket, unchanged, and after one post is edited. Method and results:
// docs/BENCHMARKS.md.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"gopkg.in/yaml.v3"

	"statusgen/internal/corpus"
)

func main() {
	shapeName := flag.String("shape", "rich", "the corpus `shape`: "+strings.Join(corpus.ShapeNames(), ", "))
	posts := flag.Int("posts", 0, "posts in the corpus (default: the shape's)")
	runs := flag.Int("runs", 5, "builds of each tool")
	linear := flag.Bool("linear", false, "build with statusgen only, at --posts and ten times as many")
	scale := flag.String("scale", "", "build with statusgen only each of these comma-separated `shapes`, alternating, e.g. spread250,spread500,spread1000")
	deployShapes := flag.String("deploy", "", "time statusgen deploy of each of these comma-separated `shapes` (and "+exampleShape+", the example site) to an S3 server and a folder")
	work := flag.String("work", "", "keep the corpora and outputs in this `folder` (default: a temporary one, removed)")
	floorSite := flag.String("floor", "", "run the floor once over the site in this `folder` and exit (used by compare itself)")
	s3 := flag.Bool("s3", false, "serve an S3-compatible bucket on a loopback port, print its address, and stop when standard input ends (used by compare --deploy itself)")
	flag.Parse()
	if *s3 {
		if err := serveS3(); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		return
	}
	if *floorSite != "" {
		if _, err := floor(*floorSite, 1); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		return
	}
	if *deployShapes != "" {
		if err := deploying(strings.Split(*deployShapes, ","), *runs, *work); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		return
	}
	if *scale != "" {
		if err := scaling(strings.Split(*scale, ","), *runs, *work); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		return
	}
	shape, ok := corpus.Shapes[*shapeName]
	if !ok {
		fmt.Fprintf(os.Stderr, "compare: no shape %q; use one of %s\n", *shapeName, strings.Join(corpus.ShapeNames(), ", "))
		os.Exit(2)
	}
	if *posts > 0 {
		shape.Posts = *posts
	}
	if err := run(shape, *runs, *linear, *work); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(shape corpus.Shape, runs int, linear bool, work string) error {
	posts := shape.Posts
	work, sg, done, err := workspace(work)
	if err != nil {
		return err
	}
	defer done()
	if linear {
		var base time.Duration
		for _, n := range []int{posts, 10 * posts} {
			shape.Posts = n
			site, err := makeCorpus(work, shape)
			if err != nil {
				return err
			}
			m, err := measure(runs, func(i int) *exec.Cmd { return statusgen(sg, site, shape.Now(), n, i) })
			if err != nil {
				return err
			}
			fmt.Printf("statusgen, %d posts: median %v, peak RSS %d MiB\n", n, m.median.Round(time.Millisecond), m.rss>>20)
			if base == 0 {
				base = m.median
			} else {
				fmt.Printf("ratio: %.2f× the time for ten times the posts\n", float64(m.median)/float64(base))
			}
		}
		return nil
	}
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		return fmt.Errorf("no hugo on the PATH (Debian package hugo)")
	}
	version, _ := exec.Command(hugo, "version").Output()
	fmt.Printf("hugo: %s", version)
	site, err := makeCorpus(work, shape)
	if err != nil {
		return err
	}
	hsite := filepath.Join(work, "hugo")
	if err := hugoSite(site, hsite); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var sgTimes, hugoTimes, floorTimes []time.Duration
	var sgRSS, hugoRSS, floorRSS int64
	for i := range runs { // alternating, so that all see the same machine
		for _, tool := range []string{"hugo", "statusgen", "floor"} {
			var cmd *exec.Cmd
			switch tool {
			case "hugo":
				out := filepath.Join(work, fmt.Sprint("hugo-out", i))
				os.RemoveAll(out)
				cmd = exec.Command(hugo, "--quiet", "--source", hsite, "--destination", out)
			case "statusgen":
				cmd = statusgen(sg, site, shape.Now(), posts, i)
			case "floor":
				// A process of its own, measured as the tools are: its
				// start, its walk and its heap growing from nothing count.
				cmd = exec.Command(self, "--floor", site)
			}
			took, rss, err := timed(cmd)
			if err != nil {
				return err
			}
			switch tool {
			case "hugo":
				hugoTimes, hugoRSS = append(hugoTimes, took), max(hugoRSS, rss)
			case "statusgen":
				sgTimes, sgRSS = append(sgTimes, took), max(sgRSS, rss)
			case "floor":
				floorTimes, floorRSS = append(floorTimes, took), max(floorRSS, rss)
			}
		}
	}
	files := func(dir string) int {
		n := 0
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	// The floor's loop once more inside this process, its heap and caches
	// warm from the run before: the least these posts can cost.
	warm, err := floor(site, runs+1)
	if err != nil {
		return err
	}
	h, s, f, w := median(hugoTimes), median(sgTimes), median(floorTimes), median(warm[1:])
	fmt.Printf("posts: %d; files written: hugo %d, statusgen %d\n", posts, files(filepath.Join(work, "hugo-out0")), files(filepath.Join(work, fmt.Sprintf("sg-out%d-0", posts))))
	fmt.Printf("hugo:       median %v of %v, peak RSS %d MiB\n", h.Round(time.Millisecond), rounded(hugoTimes), hugoRSS>>20)
	fmt.Printf("statusgen:  median %v of %v, peak RSS %d MiB\n", s.Round(time.Millisecond), rounded(sgTimes), sgRSS>>20)
	fmt.Printf("floor:      median %v of %v, peak RSS %d MiB (a process: read, YAML, Markdown on %d cores; nothing written)\n", f.Round(time.Millisecond), rounded(floorTimes), floorRSS>>20, runtime.NumCPU())
	fmt.Printf("warm floor: median %v of %v (the same loop again in a process that ran it once)\n", w.Round(time.Millisecond), rounded(warm[1:]))
	fmt.Printf("statusgen / hugo = %.2f; statusgen / floor = %.2f; statusgen / warm floor = %.2f\n", float64(s)/float64(h), float64(s)/float64(f), float64(s)/float64(w))
	return nil
}

// scaling builds each shape in turn, runs times over, and prints each one's
// median wall and CPU time, its peak RSS, the time cp -r takes to copy its
// output on the same disk (the floor of writing those files), and its
// ratio to the shape before: how time grows with the regions, the
// services or the posts.
func scaling(names []string, runs int, work string) error {
	work, sg, done, err := workspace(work)
	if err != nil {
		return err
	}
	defer done()
	sites := make([]string, len(names))
	for i, name := range names {
		shape, ok := corpus.Shapes[name]
		if !ok {
			return fmt.Errorf("no shape %q; use some of %s", name, strings.Join(corpus.ShapeNames(), ", "))
		}
		site, err := makeCorpus(work, shape)
		if err != nil {
			return err
		}
		sites[i] = site
	}
	times := make([][]time.Duration, len(names))
	cpu := make([][]time.Duration, len(names))
	copies := make([][]time.Duration, len(names))
	rss := make([]int64, len(names))
	for i := range runs { // alternating, so that all see the same machine
		for j, name := range names {
			cmd := statusgen(sg, sites[j], corpus.Shapes[name].Now(), j, i)
			took, peak, err := timed(cmd)
			if err != nil {
				return err
			}
			times[j], rss[j] = append(times[j], took), max(rss[j], peak)
			cpu[j] = append(cpu[j], cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
			// The copy floor: writing the same files to the same disk,
			// generating nothing.
			out := cmd.Args[slices.Index(cmd.Args, "--out")+1]
			os.RemoveAll(out + "-copy")
			took, _, err = timed(exec.Command("cp", "-r", out, out+"-copy"))
			if err != nil {
				return err
			}
			copies[j] = append(copies[j], took)
			// Outputs stay until the end: removing 100 MB between runs
			// made the next run's writes wait on the disk's discards.
		}
	}
	for j, name := range names {
		m := median(times[j])
		line := fmt.Sprintf("%-11s median %v of %v (CPU %v), peak RSS %d MiB; cp -r of its output %v",
			name+":", m.Round(time.Millisecond), rounded(times[j]), median(cpu[j]).Round(10*time.Millisecond), rss[j]>>20, median(copies[j]).Round(time.Millisecond))
		if j > 0 {
			line += fmt.Sprintf("; %.2f× %s", float64(m)/float64(median(times[j-1])), names[j-1])
		}
		fmt.Println(line)
	}
	return nil
}

// workspace makes the folder for corpora and outputs (a temporary one for
// ""), builds statusgen into it from the repository and says what machine
// this is; done removes a temporary folder.
func workspace(work string) (dir, sg string, done func(), err error) {
	done = func() {}
	if work == "" {
		if work, err = os.MkdirTemp("", "statusgen-compare-"); err != nil {
			return "", "", done, err
		}
		tmp := work
		done = func() { os.RemoveAll(tmp) }
	}
	sg = filepath.Join(work, "statusgen")
	if out, err := exec.Command("go", "build", "-o", sg, ".").CombinedOutput(); err != nil {
		done()
		return "", "", func() {}, fmt.Errorf("go build: %v\n%s", err, out)
	}
	fmt.Printf("machine: %d cores, %s; %s\n", runtime.NumCPU(), cpuName(), runtime.Version())
	return work, sg, done, nil
}

func makeCorpus(work string, shape corpus.Shape) (string, error) {
	site := filepath.Join(work, fmt.Sprintf("site-%d-%d-%d-%d-%d-%d-%t", shape.Posts, shape.Regions, shape.Services, shape.BodyBytes, shape.RegionGroups, shape.ServiceGroups, shape.Spread))
	if _, err := os.Stat(filepath.Join(site, "content")); err == nil {
		return site, nil
	}
	fmt.Printf("corpus: %+v\n", shape)
	return site, corpus.WriteShape(site, shape)
}

// statusgen builds the corpus into a fresh folder; --now puts every post in
// the past whatever the day.
func statusgen(sg, site string, now time.Time, n, i int) *exec.Cmd {
	out := filepath.Join(filepath.Dir(site), fmt.Sprintf("sg-out%d-%d", n, i))
	os.RemoveAll(out) // left by an earlier run in the same --work
	return exec.Command(sg, "build", "--site", site, "--out", out, "--now", now.Format(time.RFC3339))
}

type measured struct {
	median time.Duration
	rss    int64
}

func measure(runs int, cmd func(i int) *exec.Cmd) (measured, error) {
	var m measured
	var times []time.Duration
	for i := range runs {
		took, rss, err := timed(cmd(i))
		if err != nil {
			return m, err
		}
		times, m.rss = append(times, took), max(m.rss, rss)
	}
	m.median = median(times)
	return m, nil
}

// timed runs a command and returns its wall time and peak resident set.
// The files the run before wrote are flushed to disk first, so that their
// write-back does not land in this run's time.
func timed(cmd *exec.Cmd) (time.Duration, int64, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	syscall.Sync()
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s: %v\n%s", cmd.Args[0], err, stderr.String())
	}
	took := time.Since(start)
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024 // KiB on Linux
	return took, rss, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

func rounded(ds []time.Duration) []time.Duration {
	var out []time.Duration
	for _, d := range ds {
		out = append(out, d.Round(10*time.Millisecond))
	}
	return out
}

func cpuName() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(line, "model name\t: "); ok {
			return name
		}
	}
	return runtime.GOARCH
}

// hugoSite turns the corpus into a Hugo site: each post becomes a page
// dated by its timestamp, its region and service taxonomy terms.
func hugoSite(site, hsite string) error {
	config := `baseURL = "https://status.example.com/"
title = "Benchmark Status"
disableKinds = ["sitemap", "robotsTXT", "404"]
[taxonomies]
  region = "region"
  service = "service"
`
	layouts := map[string]string{
		"_default/baseof.html": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>`,
		"_default/single.html": `{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.state }} · {{ .Date.Format "2006-01-02 15:04" }} · {{ delimit .Params.region ", " }} · {{ delimit .Params.service ", " }}</p>{{ .Content }}{{ end }}`,
		"_default/list.html":   `{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.state }}</li>{{ end }}</ul>{{ end }}`,
		"_default/terms.html":  `{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}`,
		"index.html":           `{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range first 50 .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}`,
	}
	if err := os.MkdirAll(hsite, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(hsite, "config.toml"), []byte(config), 0o644); err != nil {
		return err
	}
	for name, text := range layouts {
		p := filepath.Join(hsite, "layouts", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	src := filepath.Join(site, "content", "posts")
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// Hugo dates pages by date:, and wants taxonomy terms as lists.
		text := string(data)
		for _, key := range []string{"region", "service"} {
			text = strings.Replace(text, "\n"+key+": ", "\n"+key+": \n  - ", 1)
		}
		text = strings.Replace(text, "\ntimestamp: ", "\ndate: ", 1)
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(hsite, "content", "posts", rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		return os.WriteFile(dst, []byte(text), 0o644)
	})
}

// floor reads every post, parses its front-matter as YAML and renders its
// body with goldmark, on all cores, writing nothing: what any generator of
// these posts must do. It returns the time of each run.
func floor(site string, runs int) ([]time.Duration, error) {
	var paths []string
	filepath.WalkDir(filepath.Join(site, "content", "posts"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return nil
	})
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	var times []time.Duration
	for range runs {
		start := time.Now()
		work := make(chan string)
		var wg sync.WaitGroup
		var failed error
		var mu sync.Mutex
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				var out bytes.Buffer
				for p := range work {
					data, err := os.ReadFile(p)
					front, body, ok := bytes.Cut(bytes.TrimPrefix(data, []byte("---\n")), []byte("\n---\n"))
					var fm map[string]any
					if err == nil && ok {
						err = yaml.Unmarshal(front, &fm)
					}
					out.Reset()
					if err == nil {
						err = md.Convert(body, &out)
					}
					if err != nil {
						mu.Lock()
						failed = fmt.Errorf("%s: %v", p, err)
						mu.Unlock()
					}
				}
			})
		}
		for _, p := range paths {
			work <- p
		}
		close(work)
		wg.Wait()
		if failed != nil {
			return nil, failed
		}
		times = append(times, time.Since(start))
	}
	return times, nil
}
