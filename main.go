// Command statusgen turns a folder of Markdown posts into a public incident
// status site. See README.md and generator/doc.go.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the same output on machines without zone files

	"statusgen/generator"
	"statusgen/generator/serve"
	"statusgen/generator/watch"
)

// defaults are the layouts and assets a site renders with unless it has
// its own.
//
//go:embed layouts assets
var defaults embed.FS

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `statusgen turns Markdown posts into a status site.

Usage:
  statusgen build [--site DIR] [--out DIR] [--base-url URL] [--now TIME]
  statusgen check [--site DIR] [--now TIME] [--strict]
  statusgen new [--site DIR] [--region ID] [--service ID] --state STATE [--incident ID] [--stage S] "Title"
  statusgen watch [--site DIR] [--out DIR] [--now TIME]
  statusgen serve [--site DIR] [--out DIR] [--addr 127.0.0.1:8080]

Run "statusgen COMMAND --help" for a command's flags.
`

var commands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"build": build,
	"check": check,
	"new":   newPost,
	"watch": watchSite,
	"serve": serveSite,
}

// run is the whole command line; it returns the exit code: 0 success, 1
// content errors or a failed write, 2 usage errors.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "statusgen: unknown command %q%s\n\n%s", args[0], generator.DidYouMean(args[0], slices.Sorted(maps.Keys(commands))), usage)
		return 2
	}
	return cmd(args[1:], stdout, stderr)
}

// flags are the options the commands share.
type flags struct {
	set      *flag.FlagSet
	synopsis string
	site     string
	out      string
	baseURL  string
	now      string
}

func newFlags(name, synopsis string) *flags {
	f := &flags{set: flag.NewFlagSet(name, flag.ContinueOnError), synopsis: synopsis}
	// The flag package would print errors and usage itself; parse does,
	// once, to the right stream.
	f.set.SetOutput(io.Discard)
	f.set.Usage = func() {}
	f.set.StringVar(&f.site, "site", ".", "the site `folder`, holding content/ and optionally layouts/ and assets/")
	f.set.StringVar(&f.now, "now", "", "build as of this RFC 3339 `time` (default: $SOURCE_DATE_EPOCH, else the clock)")
	return f
}

func (f *flags) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: statusgen %s %s\n\nFlags:\n", f.set.Name(), f.synopsis)
	f.set.SetOutput(w)
	f.set.PrintDefaults()
	f.set.SetOutput(io.Discard)
}

// parse reads the flags; a mistake is a usage error with a did-you-mean
// hint. It returns -1 to go on, else the exit code.
func (f *flags) parse(args []string, stdout, stderr io.Writer) int {
	return f.parseWith(args, nil, stdout, stderr)
}

// parseWith is parse for a command that takes arguments besides flags:
// they go to rest, in order, and may stand before, between or after the
// flags.
func (f *flags) parseWith(args []string, rest *[]string, stdout, stderr io.Writer) int {
	for {
		err := f.set.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			f.usage(stdout)
			return 0
		case err != nil:
			fmt.Fprintf(stderr, "statusgen %s: %v%s\n\n", f.set.Name(), err, f.hint(err))
			f.usage(stderr)
			return 2
		case f.set.NArg() == 0:
			return -1
		case rest == nil:
			fmt.Fprintf(stderr, "statusgen %s: unexpected argument %q\n\n", f.set.Name(), f.set.Arg(0))
			f.usage(stderr)
			return 2
		}
		*rest = append(*rest, f.set.Arg(0))
		args = f.set.Args()[1:]
	}
}

func (f *flags) hint(err error) string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return ""
	}
	var known []string
	f.set.VisitAll(func(fl *flag.Flag) { known = append(known, fl.Name) })
	return generator.DidYouMean(strings.TrimPrefix(name, "-"), known)
}

// buildTime is --now, else SOURCE_DATE_EPOCH, else the clock.
func (f *flags) buildTime() (time.Time, error) {
	if f.now != "" {
		t, err := generator.ParseTime(f.now)
		if err != nil {
			return t, fmt.Errorf("--now: %v", err)
		}
		return t, nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH: %q is not a whole number of seconds", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now(), nil
}

// options turns the flags into generator options, opening the site so
// that nothing read can lie outside it.
func (f *flags) options() (generator.Options, error) {
	now, err := f.buildTime()
	if err != nil {
		return generator.Options{}, err
	}
	site, err := generator.OpenSite(f.site)
	if err != nil {
		return generator.Options{}, fmt.Errorf("--site: %v", err)
	}
	layouts, _ := fs.Sub(defaults, ".")
	return generator.Options{Site: site, Defaults: layouts, Now: now, BaseURL: f.baseURL}, nil
}

func build(args []string, stdout, stderr io.Writer) int {
	f := newFlags("build", "[--site DIR] [--out DIR] [--base-url URL] [--now TIME] [--changed FILE]")
	f.set.StringVar(&f.out, "out", "", "the output `folder` (default: public inside the site)")
	changedFile := f.set.String("changed", "", "write the URLs of the output files added, changed or removed to this `file` (- for standard output), for a CDN purge")
	f.set.StringVar(&f.baseURL, "base-url", "", "the site's absolute `URL`, replacing base_url in site.yaml")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	opts, err := f.options()
	if err == nil {
		err = checkBaseURL(f.baseURL)
	}
	if err != nil {
		fmt.Fprintf(stderr, "statusgen build: %v\n", err)
		return 2
	}
	if f.out == "" {
		f.out = filepath.Join(f.site, "public")
	}
	if err := generator.CheckOut(f.site, f.out); err != nil {
		fmt.Fprintf(stderr, "statusgen build: %v\n", err)
		return 1
	}
	var changed *os.File
	if *changedFile != "" && *changedFile != "-" {
		if generator.Within(*changedFile, f.out) {
			fmt.Fprintf(stderr, "statusgen build: --changed: %s is inside --out, which every build replaces\n", *changedFile)
			return 2
		}
		// Opened now, so that a path that cannot be written stops the build
		// before the site changes; emptied and written after.
		if changed, err = os.OpenFile(*changedFile, os.O_WRONLY|os.O_CREATE, 0o644); err != nil {
			fmt.Fprintf(stderr, "statusgen build: --changed: %v\n", err)
			return 1
		}
		defer changed.Close()
	}
	start := time.Now()
	var stats generator.Stats
	changes, err := generator.Publish(f.out, func(emit func(string, []byte) error) error {
		stats, err = generator.Generate(opts, emit)
		return err
	})
	if code := report(err, "; nothing was written", stderr); code != 0 {
		return code
	}
	fmt.Fprintf(stdout, "statusgen: %d pages, %d feeds, %d other files in %d ms -> %s\n",
		stats.Pages, stats.Feeds, stats.Files, time.Since(start).Milliseconds(), f.out)
	if *changedFile != "" {
		w := io.Writer(stdout)
		if changed != nil {
			changed.Truncate(0)
			w = changed
		}
		if err := writeChanged(w, stats.BaseURL, changes); err != nil {
			fmt.Fprintf(stderr, "statusgen build: --changed: %v (the site was written)\n", err)
			return 1
		}
	}
	return 0
}

// writeChanged writes one absolute URL per changed output file; a page is
// listed both as its folder, the address readers use, and as its
// index.html, as a CDN caches each separately.
func writeChanged(w io.Writer, base string, changes []string) error {
	var b strings.Builder
	for _, p := range changes {
		if dir, ok := strings.CutSuffix(p, "index.html"); ok {
			b.WriteString(base + dir + "\n")
		}
		b.WriteString(base + p + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func check(args []string, stdout, stderr io.Writer) int {
	f := newFlags("check", "[--site DIR] [--now TIME] [--strict]")
	strict := f.set.Bool("strict", false, "exit 1 on warnings too, as on errors")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "statusgen check: %v\n", err)
		return 2
	}
	stats, warns, err := generator.Check(opts)
	if code := report(err, "", stderr); code != 0 {
		return code
	}
	for _, w := range warns {
		fmt.Fprintln(stderr, w)
	}
	posts := fmt.Sprintf("%d %s", stats.Posts, plural(stats.Posts, "post", "posts"))
	switch {
	case len(warns) == 0:
		fmt.Fprintf(stdout, "statusgen: %s, no problems\n", posts)
	case *strict:
		fmt.Fprintf(stderr, "statusgen: %s, %d %s, which --strict counts as errors\n", posts, len(warns), plural(len(warns), "warning", "warnings"))
		return 1
	default:
		fmt.Fprintf(stdout, "statusgen: %s, no errors, %d %s\n", posts, len(warns), plural(len(warns), "warning", "warnings"))
	}
	return 0
}

func newPost(args []string, stdout, stderr io.Writer) int {
	f := newFlags("new", `[--site DIR] [--region ID] [--service ID] --state STATE [--incident ID] [--stage S] [--now TIME] "Title"`)
	f.set.Lookup("now").Usage = "date the post at this RFC 3339 `time` instead of now"
	var n generator.NewPost
	region := f.set.String("region", "", "the region `ids`, comma-separated, or all (default: those of the incident's latest update)")
	service := f.set.String("service", "", "the service `ids`, comma-separated, or all (default: those of the incident's latest update)")
	f.set.StringVar(&n.State, "state", "", "the `state` readers see: operational, maintenance, degraded, partial_outage or major_outage (required)")
	f.set.StringVar(&n.Incident, "incident", "", "the incident `id` the post updates or starts")
	f.set.StringVar(&n.Stage, "stage", "", "the `stage`: investigating, identified, monitoring or resolved (default: derived)")
	var title []string
	if code := f.parseWith(args, &title, stdout, stderr); code >= 0 {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "statusgen new: "+format+"\n", a...)
		return code
	}
	n.Title = strings.Join(title, " ")
	n.Region, n.Service = ids(*region), ids(*service)
	if n.State == "" {
		return fail(2, "--state is required: operational, maintenance, degraded, partial_outage or major_outage")
	}
	// The clock, not SOURCE_DATE_EPOCH: a shell that sets it for
	// reproducible builds must not backdate posts.
	n.Time = time.Now()
	if f.now != "" {
		t, err := generator.ParseTime(f.now)
		if err != nil {
			return fail(2, "--now: %v", err)
		}
		n.Time = t
	}
	n.Time = n.Time.In(time.Local) // the author's offset, as they would type it
	site, err := generator.OpenSite(f.site)
	if err != nil {
		return fail(2, "--site: %v", err)
	}
	defer site.Close()
	var errs generator.ErrorList
	c := generator.Load(site, &errs)
	if c.Site == nil {
		return report(errs.Err(), "", stderr)
	}
	c.Validate(&errs) // other posts' mistakes are check's business
	p, text, err := n.Compose(c)
	if err != nil {
		return fail(2, "%v", err)
	}
	name := filepath.Join(f.site, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fail(1, "%v", err)
	}
	file, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fail(1, "%s exists already; give the post another title", name)
	}
	if err != nil {
		return fail(1, "%v", err)
	}
	_, err = file.Write(text)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return fail(1, "%v", err)
	}
	fmt.Fprintln(stdout, name)
	return 0
}

// ids splits a comma-separated list of ids.
func ids(list string) []string {
	var out []string
	for _, id := range strings.Split(list, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// report prints content errors one per line, or a write failure, and
// returns the exit code. after ends the count line.
func report(err error, after string, stderr io.Writer) int {
	var list generator.ErrorList
	switch {
	case err == nil:
		return 0
	case errors.As(err, &list):
		for _, e := range list {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintf(stderr, "statusgen: %d %s%s\n", len(list), plural(len(list), "error", "errors"), after)
	default:
		fmt.Fprintf(stderr, "statusgen: %v; the previous output is unchanged\n", err)
	}
	return 1
}

func checkBaseURL(raw string) error {
	if raw == "" {
		return nil
	}
	if _, err := generator.CheckBaseURL(raw); err != nil {
		return fmt.Errorf("--base-url: %v", err)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// live prepares watch and serve: the flags, the output folder and a
// session whose builds take now from --now, SOURCE_DATE_EPOCH or the clock.
func (f *flags) live(stderr io.Writer) (*generator.Session, func() time.Time, int) {
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "statusgen %s: %v\n", f.set.Name(), err)
		return nil, nil, 2
	}
	if f.out == "" {
		f.out = filepath.Join(f.site, "public")
	}
	if err := generator.CheckOut(f.site, f.out); err != nil {
		fmt.Fprintf(stderr, "statusgen %s: %v\n", f.set.Name(), err)
		return nil, nil, 1
	}
	now := time.Now
	if f.now != "" || os.Getenv("SOURCE_DATE_EPOCH") != "" {
		now = func() time.Time { return opts.Now }
	}
	return generator.NewSession(opts, f.out), now, -1
}

func watchSite(args []string, stdout, stderr io.Writer) int {
	f := newFlags("watch", "[--site DIR] [--out DIR] [--now TIME]")
	f.set.StringVar(&f.out, "out", "", "the output `folder` (default: public inside the site)")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	sess, now, code := f.live(stderr)
	if code >= 0 {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := watch.Run(ctx, f.site, sess, now, func(b watch.Build) { logBuild(stdout, stderr, f.out, b) })
	if err != nil {
		fmt.Fprintf(stderr, "statusgen watch: %v\n", err)
		return 1
	}
	return 0
}

func serveSite(args []string, stdout, stderr io.Writer) int {
	f := newFlags("serve", "[--site DIR] [--out DIR] [--addr 127.0.0.1:8080]")
	f.set.StringVar(&f.out, "out", "", "the output `folder` (default: public inside the site)")
	addr := f.set.String("addr", defaultAddr, "the `address` to listen on; loopback unless you mean to share the preview")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	sess, now, code := f.live(stderr)
	if code >= 0 {
		return code
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		fmt.Fprintf(stderr, "statusgen serve: --addr: %v\n", err)
		return 2
	}
	ln, err := listen(*addr, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "statusgen serve: %v\n", err)
		return 1
	}
	preview := serve.New(f.out)
	srv := previewServer(preview)
	go srv.Serve(ln)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "statusgen: serving http://%s/\n", ln.Addr())
	err = watch.Run(ctx, f.site, sess, now, func(b watch.Build) {
		logBuild(stdout, stderr, f.out, b)
		preview.Built(b.Result.BasePath, b.Err)
	})
	preview.Close()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	if err != nil {
		fmt.Fprintf(stderr, "statusgen serve: %v\n", err)
		return 1
	}
	return 0
}

// defaultAddr is loopback: the preview is for the machine it runs on.
const defaultAddr = "127.0.0.1:8080"

// listen opens addr, warning when other machines can reach it.
func listen(addr string, stderr io.Writer) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
		fmt.Fprintf(stderr, "statusgen serve: warning: listening on %s, reachable from other machines; the preview is meant for this one\n", ln.Addr())
	}
	return ln, nil
}

// previewServer serves h with timeouts, so that a slow or stalled client
// cannot hold connections open for ever.
func previewServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
}

// logBuild prints one line a build, or its errors.
func logBuild(stdout, stderr io.Writer, out string, b watch.Build) {
	res := b.Result
	switch {
	case b.Err != nil:
		report(b.Err, "; the site is unchanged, watching for a fix", stderr)
	case b.Changed == nil:
		fmt.Fprintf(stdout, "statusgen: %d pages, %d feeds, %d other files in %d ms -> %s; watching for changes\n",
			res.Pages, res.Feeds, res.Files, b.Took.Milliseconds(), out)
	default:
		what := b.Changed[0]
		if n := len(b.Changed) - 1; n > 0 {
			what += fmt.Sprintf(" and %d more", n)
		}
		fmt.Fprintf(stdout, "statusgen: %s changed: %d files written (%d rendered, %d removed) in %d ms\n",
			what, len(res.Written), res.Rendered, len(res.Removed), b.Took.Milliseconds())
	}
}
