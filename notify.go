package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"statusgen/generator/notify"
	"statusgen/generator/publish"
	"statusgen/generator/source"
)

// The notify command.

func notifyCmd(args []string, stdout, stderr io.Writer) int {
	f := newCommand("notify", "[--site DIR] [--out DIR] [--previous DIR|URL] [--dry-run]",
		"Tells the targets site.yaml names under notify: of every update the build in --out made public since the last run,\n"+
			"once each, worded for each target's regions and services. Run it after a deploy. Secrets come from the environment.")
	f.set.StringVar(&f.site, "site", ".", "the site `folder`, whose content/site.yaml names the targets (default: the current folder)")
	f.outFlag()
	previous := f.set.String("previous", "", "where the ledger of earlier runs is kept: a bucket `URL` (s3://, gs://, azblob://, file://) or a folder that outlives the CI job (default: the first deploy target of site.yaml)")
	dryRun := f.set.Bool("dry-run", false, "print every message that would be sent, and send and record nothing")
	if code := f.parse(args, stdout, stderr); code >= 0 {
		return code
	}
	if f.out == "" {
		f.out = filepath.Join(f.site, "public")
	}
	opts, err := f.options()
	if err != nil {
		return f.fail(stderr, "%v", err)
	}
	site, code := readTargets("notify", "sent", f.site, false, stderr)
	if code != 0 {
		return code
	}
	if len(site.Notify) == 0 {
		fmt.Fprintf(stderr, "statusgen notify: %s names no notify targets; add a notify: list (see docs/notify.md)\n", source.SiteFile)
		return 1
	}
	var deploys []string
	for _, t := range site.Deploy {
		deploys = append(deploys, t.URL)
	}
	ledger := *previous
	switch {
	case ledger != "":
		if err := checkLedger(ledger, f.out); err != nil {
			return f.fail(stderr, "--previous: %v", err)
		}
	case len(deploys) > 0:
		ledger = deploys[0]
	case !*dryRun:
		fmt.Fprintf(stderr, "statusgen notify: nowhere to keep the ledger of what was sent: give --previous DIR|URL, or add a deploy: target to %s\n", source.SiteFile)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results, err := notify.Run(ctx, notify.Options{
		Build: opts, Out: f.out, Ledger: ledger, Deploys: deploys, Targets: site.Notify,
		DryRun: *dryRun, Env: notifyEnv(), Log: stdout, Errors: stderr,
	})
	var list source.ErrorList
	switch {
	case errors.As(err, &list):
		return report(err, "; nothing was sent", stderr)
	case err != nil:
		fmt.Fprintf(stderr, "statusgen notify: %s; nothing was sent\n", source.Printable(err.Error()))
		return 1
	}
	var failed []string
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, r.Target)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "statusgen notify: %d of %d %s failed: %s\n", len(failed), len(results), plural(len(results), "target", "targets"), strings.Join(failed, ", "))
		return 1
	}
	return 0
}

// notifyEnv is how notify reaches its targets: the process's environment
// and network. Tests point it at servers of their own.
var notifyEnv = notify.DefaultEnv

// checkLedger refuses a ledger no run could keep: a web address, which
// takes no writes, or a folder the next build replaces.
func checkLedger(ledger, out string) error {
	u, err := url.Parse(ledger)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return fmt.Errorf("%s is a web address, which notify cannot write its ledger to; give the bucket the site is deployed to (s3://…, gs://…, azblob://…) or a folder", u.Scheme+"://"+u.Host)
	}
	dir := ledger
	if err == nil && u.Scheme == "file" {
		dir = filepath.FromSlash(u.Path)
	} else if err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		return nil
	}
	if publish.Within(dir, out) || publish.Within(out, dir) {
		return fmt.Errorf("%s is or holds --out %s, which every build replaces; keep the ledger elsewhere", dir, out)
	}
	return nil
}
