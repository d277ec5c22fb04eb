package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"statusgen/generator/source"
)

// Usage and help: one flag style everywhere, --name VALUE for long flags
// and -o for the one short flag, in the synopses, the flag lists and the
// error messages, whatever the flag package would print.

// commandNames are the commands in the order the usage lists them.
var commandNames = []string{"init", "build", "check", "new", "watch", "serve", "deploy", "notify", "version", "help"}

// command returns the command called name, or nil.
func command(name string) func(args []string, stdout, stderr io.Writer) int {
	switch name {
	case "init":
		return initCmd
	case "build":
		return buildCmd
	case "check":
		return checkCmd
	case "new":
		return newCmd
	case "watch":
		return watchCmd
	case "serve":
		return serveCmd
	case "deploy":
		return deployCmd
	case "notify":
		return notifyCmd
	case "version":
		return versionCmd
	case "help":
		return helpCmd
	}
	return nil
}

// usage is the overview: each command's synopsis, taken from its own
// --help so that the two cannot differ.
func usage() string {
	var b strings.Builder
	b.WriteString("statusgen turns Markdown posts into a status site.\n\nUsage:\n")
	for _, name := range commandNames {
		fmt.Fprintf(&b, "  %s\n", strings.TrimSpace("statusgen "+name+" "+synopsis(name)))
	}
	b.WriteString("\nRun \"statusgen help COMMAND\" for a command's flags.\n")
	return b.String()
}

// synopsis is the first line of the command's --help, after its name.
func synopsis(name string) string {
	var help bytes.Buffer
	command(name)([]string{"--help"}, &help, io.Discard)
	line, _, _ := strings.Cut(help.String(), "\n")
	return strings.TrimSpace(strings.TrimPrefix(line, "Usage: statusgen "+name))
}

// helpCmd prints the usage, or a command's help as its --help does.
func helpCmd(args []string, stdout, stderr io.Writer) int {
	f := newCommand("help", "[COMMAND]", "Prints the usage, or a command's help and flags.")
	var names []string
	if code := f.parseWith(args, &names, stdout, stderr); code >= 0 {
		return code
	}
	switch {
	case len(names) == 0:
		fmt.Fprint(stdout, usage())
		return 0
	case len(names) > 1:
		return f.fail(stderr, "give one command, not %d", len(names))
	case command(names[0]) == nil:
		hint := source.DidYouMean(names[0], commandNames)
		if hint == "" {
			hint = "; the commands are " + strings.Join(commandNames, ", ")
		}
		return f.fail(stderr, "unknown command %q%s", names[0], hint)
	}
	return command(names[0])([]string{"--help"}, stdout, stderr)
}

// fail prints a usage error, then the command's usage, and returns 2.
func (f *flags) fail(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "statusgen %s: %s\n\n", f.set.Name(), source.Printable(fmt.Sprintf(format, a...)))
	f.usage(stderr)
	return 2
}

// usage prints the synopsis, what the command does and its flags.
func (f *flags) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n", strings.TrimSpace("statusgen "+f.set.Name()+" "+f.synopsis))
	if f.about != "" {
		fmt.Fprintf(w, "\n%s\n", f.about)
	}
	var list []*flag.Flag
	f.set.VisitAll(func(fl *flag.Flag) {
		if !f.isShort(fl.Name) {
			list = append(list, fl)
		}
	})
	if len(list) == 0 {
		return
	}
	// In the synopsis' order; any it leaves out after, by name.
	at := func(fl *flag.Flag) int {
		if i := strings.Index(f.synopsis, "--"+fl.Name+" "); i >= 0 {
			return i
		}
		if i := strings.Index(f.synopsis, "--"+fl.Name+"]"); i >= 0 {
			return i
		}
		return len(f.synopsis)
	}
	slices.SortStableFunc(list, func(a, b *flag.Flag) int { return at(a) - at(b) })
	fmt.Fprint(w, "\nFlags:\n")
	for _, fl := range list {
		fmt.Fprintf(w, "  %s\n        %s\n", f.flagName(fl), f.flagUsage(fl))
	}
}

// flagName is "--site DIR", "-o, --out DIR" or "--strict": the value's
// name as the synopsis writes it, else the word the usage quotes.
func (f *flags) flagName(fl *flag.Flag) string {
	name := "--" + fl.Name
	if short := f.short[fl.Name]; short != "" {
		name = "-" + short + ", " + name
	}
	if isBool(fl) {
		return name
	}
	return name + " " + f.valueName(fl)
}

// valueName is the placeholder of a flag's value: DIR, TIME, URL.
func (f *flags) valueName(fl *flag.Flag) string {
	m := regexp.MustCompile(`--` + regexp.QuoteMeta(fl.Name) + ` ([A-Z](?:[A-Z_:|]*[A-Z])?)\b`).FindStringSubmatch(f.synopsis)
	if m != nil {
		return m[1]
	}
	word, _ := flag.UnquoteUsage(fl)
	if word == "" {
		word = "value"
	}
	return strings.ToUpper(word)
}

func (f *flags) flagUsage(fl *flag.Flag) string {
	_, text := flag.UnquoteUsage(fl)
	if fl.DefValue != "" && !isBool(fl) && !strings.Contains(text, "(default") {
		text += fmt.Sprintf(" (default %q)", fl.DefValue)
	}
	return text
}

func isBool(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// isShort reports whether name is a short alias of another flag.
func (f *flags) isShort(name string) bool {
	for _, s := range f.short {
		if s == name {
			return true
		}
	}
	return false
}

// dashed writes a flag's name as it is typed: -o, --out.
func dashed(name string) string {
	if len([]rune(name)) == 1 {
		return "-" + name
	}
	return "--" + name
}

var (
	errUndefined = regexp.MustCompile(`^flag provided but not defined: -(.*)$`)
	errNoValue   = regexp.MustCompile(`^flag needs an argument: -(.*)$`)
	errBadValue  = regexp.MustCompile(`^invalid value (".*") for flag -([^:]*): (.*)$`)
	errBadBool   = regexp.MustCompile(`^invalid boolean value (".*") for -([^:]*):`)
)

// flagError words a flag package error in the --name style, with a
// did-you-mean for an unknown flag, which is named as args typed it.
func (f *flags) flagError(err error, args []string) string {
	msg := err.Error()
	if m := errUndefined.FindStringSubmatch(msg); m != nil {
		name := dashed(strings.TrimLeft(m[1], "-"))
		typed := name
		for _, a := range args {
			if t, _, _ := strings.Cut(a, "="); strings.TrimLeft(t, "-") == strings.TrimLeft(m[1], "-") {
				typed = t
				break
			}
		}
		var known []string
		f.set.VisitAll(func(fl *flag.Flag) {
			if !f.isShort(fl.Name) {
				known = append(known, dashed(fl.Name))
			}
		})
		return fmt.Sprintf("unknown flag %s%s", typed, source.DidYouMean(name, known))
	}
	if m := errNoValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s needs a value", dashed(m[1]))
	}
	if m := errBadBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s takes no value, or true or false, not %s", dashed(m[2]), m[1])
	}
	if m := errBadValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s: %s is not a valid value (%s)", dashed(m[2]), m[1], m[3])
	}
	return msg
}

// shellWord quotes s for a POSIX shell when it needs quoting, for the
// commands init suggests.
func shellWord(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./:,+@%", r)))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
