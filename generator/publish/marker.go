package publish

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Marker is the file that marks a folder as statusgen's output, which a
// build may replace whole. A non-empty folder without it is never touched.
const Marker = ".statusgen"

const markerText = "This folder is statusgen's output: every build replaces it whole.\n"

// manifestHead starts the marker's list of the files a build wrote.
const manifestHead = "Files of the last build, one per line, so that the next can tell them from files it did not write:\n"

// builtHead starts the marker's line naming the build's instant, which
// decided what was public: notify announces what that build showed.
const builtHead = "Built as of "

// markerFor is the marker of a build as of now that wrote paths; a zero
// now is left out.
func markerFor(paths []string, now time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(markerText)
	if !now.IsZero() {
		b.WriteString(builtHead + now.UTC().Format(time.RFC3339Nano) + "\n")
	}
	b.WriteString(manifestHead)
	for _, p := range paths {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Unlisted lists the files under out that its marker does not name: what
// someone else put there, which replacing out would delete. A marker
// without a list (from before markers held one) names nothing as strange.
func Unlisted(out string) ([]string, error) {
	// A named pipe in its place would be read for ever: look first.
	if info, err := os.Lstat(filepath.Join(out, Marker)); err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("refusing to write to %s: its %s is not a regular file; move what is yours out of it and delete the folder", out, Marker)
	}
	data, err := os.ReadFile(filepath.Join(out, Marker))
	if err != nil {
		return nil, err
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n") // a checkout may have changed line ends
	_, list, ok := strings.Cut(text, manifestHead)
	switch {
	case !ok && text == markerText:
		return nil, nil
	case strings.TrimSpace(text) == "":
		// Made by hand, as an older guide to publishing did for a site
		// fetched from a bucket: which files are statusgen's is unknown.
		return nil, fmt.Errorf("refusing to write to %s: its %s file is empty, so statusgen did not make the folder; to compare with a copy of the published site, fetch it into a folder of its own and pass that with --previous", out, Marker)
	case !ok:
		return nil, fmt.Errorf("refusing to write to %s: its %s file is damaged, so which files statusgen wrote cannot be told; move what is yours out of it and delete the folder", out, Marker)
	}
	known := map[string]bool{Marker: true}
	for _, p := range strings.Split(list, "\n") {
		known[p] = true
	}
	var found []string
	err = filepath.WalkDir(out, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, name)
		// Temporary files of a watch killed while writing are its own.
		if p := filepath.ToSlash(rel); !known[p] && !(strings.HasPrefix(d.Name(), tempPrefix) && strings.HasSuffix(d.Name(), tempSuffix)) {
			found = append(found, p)
		}
		return nil
	})
	return found, err
}

// Listed returns the files the last build wrote into out, as its marker
// lists them: what a deploy uploads. A folder without a marker with a
// list is not a build of statusgen's.
func Listed(out string) ([]string, error) {
	name := filepath.Join(out, Marker)
	info, err := os.Lstat(name)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s is not a site statusgen built: it has no %s file; run statusgen build first", out, Marker)
		}
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: its %s is not a regular file", out, Marker)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	_, list, ok := strings.Cut(strings.ReplaceAll(string(data), "\r\n", "\n"), manifestHead)
	if !ok {
		return nil, fmt.Errorf("%s: its %s file lists no files; build it again with this statusgen", out, Marker)
	}
	var paths []string
	for _, p := range strings.Split(list, "\n") {
		if p != "" {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// Reading keeps builds from replacing out until release is called, and
// waits for one that is replacing it: a deploy reads one build whole.
func Reading(out string) (release func(), err error) {
	parent, _ := filepath.Split(realPath(out))
	return sharedLock(parent)
}

// BuiltAt returns the instant the last build into out was made as of:
// which posts it showed as past and public.
func BuiltAt(out string) (time.Time, error) {
	if _, err := Listed(out); err != nil {
		return time.Time{}, err // not a build: Listed says why
	}
	data, err := os.ReadFile(filepath.Join(out, Marker))
	if err != nil {
		return time.Time{}, err
	}
	head, _, _ := strings.Cut(strings.ReplaceAll(string(data), "\r\n", "\n"), manifestHead)
	for _, line := range strings.Split(head, "\n") {
		if v, ok := strings.CutPrefix(line, builtHead); ok {
			return time.Parse(time.RFC3339Nano, v)
		}
	}
	return time.Time{}, fmt.Errorf("%s: its %s does not say when the build was made; build the site again with this statusgen", out, Marker)
}
