// Command statusgen turns a folder of Markdown posts into a public incident
// status site. See README.md and generator/doc.go.
package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the same output on machines without zone files

	"statusgen/generator/build"
	"statusgen/generator/source"
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
	"build": buildCmd,
	"check": checkCmd,
	"new":   newCmd,
	"watch": watchCmd,
	"serve": serveCmd,
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
		fmt.Fprintf(stderr, "statusgen: unknown command %q%s\n\n%s", args[0], source.DidYouMean(args[0], slices.Sorted(maps.Keys(commands))), usage)
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
	release  func() // lets go of the output folder a watch or serve session holds
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
	return source.DidYouMean(strings.TrimPrefix(name, "-"), known)
}

// buildTime is --now, else SOURCE_DATE_EPOCH, else the clock.
func (f *flags) buildTime() (time.Time, error) {
	if f.now != "" {
		t, err := source.ParseTime(f.now)
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
		t := time.Unix(n, 0).UTC()
		if t.Before(source.MinTime) || !t.Before(source.MaxTime) {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH: %s seconds is outside the years 1970 to 9999 that statusgen takes", s)
		}
		return t, nil
	}
	return time.Now(), nil
}

// options turns the flags into generator options, opening the site so
// that nothing read can lie outside it.
func (f *flags) options() (build.Options, error) {
	now, err := f.buildTime()
	if err != nil {
		return build.Options{}, err
	}
	site, err := source.OpenSite(f.site)
	if err != nil {
		return build.Options{}, fmt.Errorf("--site: %v", err)
	}
	layouts, _ := fs.Sub(defaults, ".")
	return build.Options{Site: site, Defaults: layouts, Now: now, BaseURL: f.baseURL}, nil
}

// report prints content errors one per line, or a write failure, and
// returns the exit code. after ends the count line.
func report(err error, after string, stderr io.Writer) int {
	var list source.ErrorList
	switch {
	case err == nil:
		return 0
	case errors.As(err, &list):
		for _, e := range list {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintf(stderr, "statusgen: %d %s%s\n", len(list), plural(len(list), "error", "errors"), after)
	default:
		fmt.Fprintf(stderr, "statusgen: %s; the previous output is unchanged\n", source.Printable(err.Error()))
	}
	return 1
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
