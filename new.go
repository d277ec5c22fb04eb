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
	f := newFlags("new", `[--site DIR] [--region ID] [--service ID] --state STATE [--incident ID] [--stage S] [--now TIME] "Title"`)
	f.set.Lookup("now").Usage = "date the post at this RFC 3339 `time` instead of now"
	var n source.NewPost
	region := f.set.String("region", "", "the region or region group `ids`, comma-separated, or all (default: those of the incident's latest update)")
	service := f.set.String("service", "", "the service or service group `ids`, comma-separated, or all (default: those of the incident's latest update)")
	f.set.StringVar(&n.State, "state", "", "the `state` readers see: operational, maintenance, degraded, partial_outage or major_outage (required)")
	f.set.StringVar(&n.Incident, "incident", "", "the incident `id` the post updates or starts")
	f.set.StringVar(&n.Stage, "stage", "", "the `stage`: investigating, identified, monitoring or resolved (default: derived)")
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
	// The clock, not SOURCE_DATE_EPOCH: a shell that sets it for
	// reproducible builds must not backdate posts.
	n.Time = time.Now()
	if f.now != "" {
		t, err := source.ParseTime(f.now)
		if err != nil {
			return fail(2, "--now: %v", err)
		}
		n.Time = t
	}
	n.Time = n.Time.In(time.Local) // the author's offset, as they would type it
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
