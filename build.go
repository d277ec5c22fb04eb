package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"statusgen/generator/build"
	"statusgen/generator/publish"
	"statusgen/generator/source"
)

// The build and check commands.

func buildCmd(args []string, stdout, stderr io.Writer) int {
	f := newFlags("build", "[--site DIR] [--out DIR] [--base-url URL] [--now TIME] [--changed FILE] [--previous DIR]")
	f.outFlag()
	changedFile := f.set.String("changed", "", "write the URLs of the output files added, changed or removed to this `file` (- for standard output), for a CDN purge")
	previous := f.set.String("previous", "", "compare with this `folder`, a copy of the site as published (fetched from a bucket, say), instead of what --out holds: --changed lists what differs from it, and unchanged files keep its times")
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
	if *previous != "" {
		if err := checkPrevious(*previous, f.out); err != nil {
			fmt.Fprintf(stderr, "statusgen build: --previous: %s\n", source.Printable(err.Error()))
			return 2
		}
	}
	if err := publish.CheckOut(f.site, f.out); err != nil {
		fmt.Fprintf(stderr, "statusgen build: %s\n", source.Printable(err.Error())) // it may name files found there
		return 1
	}
	var changed *os.File
	if *changedFile != "" && *changedFile != "-" {
		if publish.Within(*changedFile, f.out) {
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
	// A build holds every post's text to its end: a heap the collector
	// marks at little cost, as text holds no pointers, but that its
	// default growth (100%) doubles. At 75% the peak is a sixth lower, for
	// a few more collections (docs/BENCHMARKS.md).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(75)
	}
	start := time.Now()
	var stats build.Stats
	changes, err := publish.PublishOver(f.out, *previous, opts.Now, func(emit func(string, []byte) error) error {
		stats, err = build.Generate(opts, emit)
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

// checkPrevious: the previous site must be a folder apart from --out,
// which the build replaces, and from its parent, where it stages.
func checkPrevious(previous, out string) error {
	info, err := os.Stat(previous)
	switch {
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a folder", previous)
	case publish.Within(previous, out) && !publish.Within(out, previous):
		return fmt.Errorf("%s is inside --out, which the build replaces; fetch the published site into a folder of its own", previous)
	case publish.Within(out, previous) && !publish.Within(previous, out):
		return fmt.Errorf("%s holds --out; fetch the published site into a folder of its own", previous)
	}
	return nil
}

func checkCmd(args []string, stdout, stderr io.Writer) int {
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
	stats, warns, err := build.Check(opts)
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

func checkBaseURL(raw string) error {
	if raw == "" {
		return nil
	}
	if _, err := source.CheckBaseURL(raw); err != nil {
		return fmt.Errorf("--base-url: %v", err)
	}
	return nil
}
