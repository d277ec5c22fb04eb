package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"statusgen/generator/build"
	"statusgen/generator/publish"
	"statusgen/generator/serve"
	"statusgen/generator/source"
	"statusgen/generator/watch"
)

// The watch and serve commands.

// live prepares watch and serve: the flags, the output folder and a
// session whose builds take now from --now, SOURCE_DATE_EPOCH or the clock.
func (f *flags) live(stderr io.Writer) (*build.Session, func() time.Time, int) {
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "statusgen %s: %v\n", f.set.Name(), err)
		return nil, nil, 2
	}
	if f.out == "" {
		f.out = filepath.Join(f.site, "public")
	}
	if err := publish.CheckOut(f.site, f.out); err != nil {
		fmt.Fprintf(stderr, "statusgen %s: %s\n", f.set.Name(), source.Printable(err.Error())) // it may name files found there
		return nil, nil, 1
	}
	// Held for the session: a build or another session into the folder
	// refuses meanwhile. The lock goes with the process if it is killed.
	release, err := publish.Hold(f.out)
	if err != nil {
		fmt.Fprintf(stderr, "statusgen %s: %s\n", f.set.Name(), source.Printable(err.Error()))
		return nil, nil, 1
	}
	f.release = release
	now := time.Now
	if f.now != "" || os.Getenv("SOURCE_DATE_EPOCH") != "" {
		now = func() time.Time { return opts.Now }
	}
	return build.NewSession(opts, f.out), now, -1
}

func watchCmd(args []string, stdout, stderr io.Writer) int {
	f := newFlags("watch", "[--site DIR] [--out DIR] [--now TIME]")
	f.outFlag()
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	sess, now, code := f.live(stderr)
	if code >= 0 {
		return code
	}
	defer f.release()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := watch.Run(ctx, f.site, sess, now, func(b watch.Build) { logBuild(stdout, stderr, f.out, b) })
	if err != nil {
		fmt.Fprintf(stderr, "statusgen watch: %v\n", err)
		return 1
	}
	return 0
}

func serveCmd(args []string, stdout, stderr io.Writer) int {
	f := newFlags("serve", "[--site DIR] [--out DIR] [--addr HOST:PORT] [--now TIME]")
	f.outFlag()
	addr := f.set.String("addr", defaultAddr, "the `address` to listen on; loopback unless you mean to share the preview")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	sess, now, code := f.live(stderr)
	if code >= 0 {
		return code
	}
	defer f.release()
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
		what := source.Printable(b.Changed[0]) // a file name: no escape sequence reaches the terminal
		if n := len(b.Changed) - 1; n > 0 {
			what += fmt.Sprintf(" and %d more", n)
		}
		fmt.Fprintf(stdout, "statusgen: %s changed: %d files written (%d rendered, %d removed) in %d ms\n",
			what, len(res.Written), len(res.Rendered), len(res.Removed), b.Took.Milliseconds())
	}
}
