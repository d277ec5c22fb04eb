package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"statusgen/generator/deploy"
	"statusgen/generator/publish"
	"statusgen/generator/source"
	"statusgen/generator/status"
)

// The deploy command.

// repeated is a flag that may be given more than once.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func deployCmd(args []string, stdout, stderr io.Writer) int {
	f := newCommand("deploy", "[--site DIR] [--out DIR] [--target NAME]… [--to URL]… [--dry-run] [--force] [--max-deletes N]",
		"Uploads the built site to the targets site.yaml names under deploy:, only the files that changed, in an order that never\nbreaks a page, then purges their CDNs. Credentials come from the environment, as the clouds' own tools find them.")
	f.set.StringVar(&f.site, "site", ".", "the site `folder`, whose content/site.yaml names the targets (default: the current folder)")
	f.outFlag()
	var names, urls repeated
	f.set.Var(&names, "target", "deploy to the target of this `name` only; repeat for several (default: all)")
	f.set.Var(&urls, "to", "deploy to this blob `URL` (s3://, gs://, azblob://, file://) instead, as a target without a CDN; repeat for several")
	dryRun := f.set.Bool("dry-run", false, "print what would be uploaded, deleted and purged, and change nothing")
	force := f.set.Bool("force", false, "upload every file, changed or not")
	maxDeletes := f.set.Int("max-deletes", deploy.DefaultMaxDeletes, "stop, deleting and uploading nothing, when a target holds more than `N` files the site no longer has; -1 for no limit")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	if len(names) > 0 && len(urls) > 0 {
		return f.fail(stderr, "give --target or --to, not both")
	}
	if f.out == "" {
		f.out = filepath.Join(f.site, "public")
	}
	site, code := deploySite(f.site, len(urls) > 0, stderr)
	if code != 0 {
		return code
	}
	var targets []*status.DeployTarget
	switch {
	case len(urls) > 0:
		for _, u := range urls {
			if problems := source.DeployURLProblems(u); len(problems) > 0 {
				return f.fail(stderr, "--to %s: %s", deploy.Redact(u), strings.Join(problems, "; "))
			}
			targets = append(targets, &status.DeployTarget{Name: deploy.Redact(u), URL: u, MaxAge: status.DefaultMaxAge, StaleIfError: status.DefaultStaleIfError})
		}
	case site == nil || len(site.Deploy) == 0:
		fmt.Fprintf(stderr, "statusgen deploy: %s names no deploy targets; add a deploy: list (see README), or give --to URL\n", source.SiteFile)
		return 1
	default:
		targets = site.Deploy
		if len(names) > 0 {
			targets = nil
			var known []string
			for _, t := range site.Deploy {
				known = append(known, t.Name)
			}
			for _, n := range names {
				i := slices.Index(known, n)
				if i < 0 {
					hint := source.DidYouMean(n, known)
					if hint == "" {
						hint = "; the targets are " + strings.Join(known, ", ")
					}
					return f.fail(stderr, "--target: no target %q in %s%s", n, source.SiteFile, hint)
				}
				targets = append(targets, site.Deploy[i])
			}
		}
	}
	for _, t := range targets {
		if err := notIntoOut(t.URL, f.out); err != nil {
			fmt.Fprintf(stderr, "statusgen deploy: %s: %v\n", t.Name, err)
			return 1
		}
	}
	opts := deploy.Options{Env: deployEnv(), Out: f.out, Targets: targets, DryRun: *dryRun, Force: *force, MaxDeletes: *maxDeletes, Log: stdout, Errors: stderr}
	if site != nil && len(urls) == 0 {
		// A deploy --to a bucket of one's own is no publication: the
		// hub is not told.
		opts.Hub = site.WebSubHub
	}
	if file, ok := stderr.(*os.File); ok {
		if info, err := file.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			opts.Progress = stderr
		}
	}
	// An interrupt lets the uploads in flight finish and starts no more:
	// the bucket keeps a site whose every page has what it links to.
	// The AWS SDK would log a line for every object a store other than
	// AWS sends without a checksum; what matters is checked by MD5.
	if os.Getenv("AWS_RESPONSE_CHECKSUM_VALIDATION") == "" {
		os.Setenv("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second interrupt ends the process at once
	}()
	results, err := deploy.Run(ctx, opts)
	if err != nil && results == nil {
		fmt.Fprintf(stderr, "statusgen deploy: %s\n", source.Printable(err.Error()))
		return 1
	}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "statusgen deploy: %s\n", source.Printable(err.Error()))
		if failed == 0 {
			return 1
		}
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "statusgen deploy: %d of %d %s failed\n", failed, len(results), plural(len(results), "target", "targets"))
		return 1
	}
	return 0
}

// deployEnv is how deploy reaches CDNs and hubs: the process's
// environment and network. Tests point it at servers of their own.
var deployEnv = deploy.DefaultEnv

// deploySite reads site.yaml for its targets and WebSub hub; with --to, a
// folder without one is fine.
func deploySite(dir string, optional bool, stderr io.Writer) (*status.Site, int) {
	return readTargets("deploy", "deployed", dir, optional, stderr)
}

// readTargets reads site.yaml for a command that acts on the targets it
// lists; done says what did not happen when it has errors.
func readTargets(cmd, done, dir string, optional bool, stderr io.Writer) (*status.Site, int) {
	fsys, err := source.OpenSite(dir)
	if err != nil {
		if optional {
			return nil, 0
		}
		fmt.Fprintf(stderr, "statusgen %s: --site: %v\n", cmd, err)
		return nil, 2
	}
	if _, err := fs.Stat(fsys, source.SiteFile); optional && errors.Is(err, fs.ErrNotExist) {
		return nil, 0
	}
	var errs source.ErrorList
	site := source.ReadSite(fsys, "", nil, &errs)
	if len(errs) > 0 {
		return nil, report(errs, "; nothing was "+done, stderr)
	}
	return site, 0
}

// notIntoOut refuses a file:// target that is the output folder or holds
// it or lies in it: the deploy would write into what the next build
// replaces, or delete the build itself.
func notIntoOut(raw, out string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "file" {
		return nil
	}
	dir := filepath.FromSlash(u.Path)
	if publish.Within(dir, out) || publish.Within(out, dir) {
		return fmt.Errorf("%s is or holds --out %s; deploy to a folder of its own", dir, out)
	}
	return nil
}
