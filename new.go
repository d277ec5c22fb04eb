package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"statusgen/generator/source"
)

// The new command.

func newCmd(args []string, stdout, stderr io.Writer) int {
	f := newFlags("new", `[--site DIR] [--region ID] [--service ID] --state STATE [--incident ID] [--stage S] [--at TIME] [--until TIME] [--now TIME] "Title"`)
	f.set.Lookup("now").Usage = "take this RFC 3339 `time` as now: it dates the post unless --at is given"
	var n source.NewPost
	region := f.set.String("region", "", "the region or region group `ids`, comma-separated, or all (default: for --state operational the incident's regions still open, else those of its latest update)")
	service := f.set.String("service", "", "the service or service group `ids`, comma-separated, or all (default: as --region)")
	f.set.StringVar(&n.State, "state", "", "the `state` readers see: operational, maintenance, degraded, partial_outage or major_outage (required)")
	f.set.StringVar(&n.Incident, "incident", "", "the incident `id` the post updates or starts")
	f.set.StringVar(&n.Stage, "stage", "", "the `stage`: investigating, identified, monitoring or resolved (default: derived)")
	at := f.set.String("at", "", "date the post at this RFC 3339 `time`, in the offset given, e.g. the start of a maintenance window (default: now)")
	until := f.set.String("until", "", "end a maintenance window at this RFC 3339 `time` (needs --state maintenance)")
	var title []string
	if code := f.parseWith(args, &title, stdout, stderr); code >= 0 {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		// Messages may hold ids and paths from the site: printed escaped.
		fmt.Fprintf(stderr, "statusgen new: %s\n", source.Printable(fmt.Sprintf(format, a...)))
		return code
	}
	n.Title = strings.Join(title, " ")
	n.Region, n.Service = ids(*region), ids(*service)
	if n.State == "" {
		return fail(2, "--state is required: operational, maintenance, degraded, partial_outage or major_outage")
	}
	var err error
	if n.Time, err = postTime(f.now, *at); err != nil {
		return fail(2, "%v", err)
	}
	if *until != "" {
		if n.Until, err = source.ParseTime(*until); err != nil {
			return fail(2, "--until: %v", err)
		}
	}
	site, err := source.OpenSite(f.site)
	if err != nil {
		return fail(2, "--site: %v", err)
	}
	defer site.Close()
	var errs source.ErrorList
	c := source.Load(site, "", &errs)
	if c.Site == nil {
		return report(errs.Err(), "", stderr)
	}
	c.Validate(&errs) // other posts' mistakes are check's business
	d, err := n.Compose(c)
	if err != nil {
		return fail(2, "%v", err)
	}
	name := filepath.Join(f.site, filepath.FromSlash(d.Path))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fail(1, "%v", err)
	}
	file, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fail(1, "%s exists already; give the post another title, or another minute with --at", name)
	}
	if err != nil {
		return fail(1, "%v", err)
	}
	_, err = file.Write(d.Text)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return fail(1, "%v", err)
	}
	// The path alone on stdout, for scripts to capture; what was chosen
	// on stderr, for the author to check.
	fmt.Fprintln(stdout, source.Printable(name))
	if d.Starts {
		fmt.Fprintf(stderr, "incident: %s (a new one; follow it up with --incident %s)\n", source.Printable(d.Incident), source.Printable(d.Incident))
	}
	for _, line := range d.Says(c.Site) {
		fmt.Fprintln(stderr, source.Printable(line))
	}
	return 0
}

// postTime is --at as written, offset included, else --now or the clock
// in the computer's offset, as its author would type it. The clock, not
// SOURCE_DATE_EPOCH: a shell that sets it for reproducible builds must not
// backdate posts.
func postTime(now, at string) (time.Time, error) {
	if at != "" {
		t, err := source.ParseTime(at)
		if err != nil {
			return t, fmt.Errorf("--at: %v", err)
		}
		return t, nil
	}
	t := time.Now()
	if now != "" {
		var err error
		if t, err = source.ParseTime(now); err != nil {
			return t, fmt.Errorf("--now: %v", err)
		}
	}
	return t.In(time.Local), nil
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
