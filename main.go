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
	"os"
	"strconv"
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

// run is the whole command line; it returns the exit code: 0 success, 1
// content errors or a failed write, 2 usage errors.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		// A bare statusgen is a mistake, as a command with no verb: a
		// script that forgot the command must not go on as if it ran.
		fmt.Fprint(stderr, usage())
		return 2
	}
	switch args[0] {
	case "-h", "--help", "-help":
		fmt.Fprint(stdout, usage())
		return 0
	case "--version", "-version":
		return versionCmd(args[1:], stdout, stderr)
	}
	cmd := command(args[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "statusgen: unknown command %q%s\n\n%s", args[0], source.DidYouMean(args[0], commandNames), usage())
		return 2
	}
	return cmd(args[1:], stdout, stderr)
}

// flags are the options the commands share.
type flags struct {
	set      *flag.FlagSet
	synopsis string
	about    string            // what the command does, for its --help
	short    map[string]string // a long flag's short alias: out -> o
	site     string
	out      string
	baseURL  string
	now      string
	release  func() // lets go of the output folder a watch or serve session holds
}

// newCommand is a command's flag set, with no flags yet.
func newCommand(name, synopsis, about string) *flags {
	f := &flags{set: flag.NewFlagSet(name, flag.ContinueOnError), synopsis: synopsis, about: about}
	// The flag package would print errors and usage itself, in its own
	// style; parse does, once, to the right stream.
	f.set.SetOutput(io.Discard)
	f.set.Usage = func() {}
	return f
}

// newFlags is a site command's flag set: --site and --now.
func newFlags(name, synopsis string) *flags {
	f := newCommand(name, synopsis, "")
	f.set.StringVar(&f.site, "site", ".", "the site `folder`, holding content/ and optionally layouts/ and assets/ (default: the current folder)")
	f.set.StringVar(&f.now, "now", "", "build as of this RFC 3339 `time` (default: $SOURCE_DATE_EPOCH, else the clock)")
	return f
}

// outFlag adds --out, and -o as its short form: the one short flag, on
// every command that writes a site (as go build -o).
func (f *flags) outFlag() {
	const usage = "the output `folder` (default: public inside the site)"
	f.set.StringVar(&f.out, "out", "", usage)
	f.set.StringVar(&f.out, "o", "", usage)
	f.short = map[string]string{"out": "o"}
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
			return f.fail(stderr, "%s", f.flagError(err, args))
		case f.set.NArg() == 0:
			return -1
		case rest == nil:
			return f.fail(stderr, "unexpected argument %q", f.set.Arg(0))
		}
		*rest = append(*rest, f.set.Arg(0))
		args = f.set.Args()[1:]
	}
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
