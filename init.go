package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"statusgen/generator/source"
)

// The init command: a small site that builds and that check --strict
// accepts, for a new user to change rather than to write from nothing.

func initCmd(args []string, stdout, stderr io.Writer) int {
	f := newCommand("init", "[--now TIME] [DIR]",
		"Writes a new site into DIR (default: the current folder), which must be empty\nbut for hidden files such as .git: content/site.yaml and one example post.")
	f.set.StringVar(&f.now, "now", "", "date the example post at this RFC 3339 `time` instead of now")
	var dirs []string
	if code := f.parseWith(args, &dirs, stdout, stderr); code >= 0 {
		return code
	}
	if len(dirs) > 1 {
		return f.fail(stderr, "give one folder, not %d", len(dirs))
	}
	dir := "."
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	// The clock, as for new: SOURCE_DATE_EPOCH is for builds.
	now := time.Now()
	if f.now != "" {
		t, err := source.ParseTime(f.now)
		if err != nil {
			return f.fail(stderr, "--now: %v", err)
		}
		now = t
	}
	files := initFiles(now.In(time.Local).Truncate(time.Second))
	if err := writeSite(dir, files); err != nil {
		fmt.Fprintf(stderr, "statusgen init: %s\n", source.Printable(err.Error()))
		return 1
	}
	fmt.Fprintf(stdout, "statusgen: wrote a new site in %s:\n", source.Printable(dir))
	for _, file := range files {
		fmt.Fprintf(stdout, "  %s\n", source.Printable(filepath.Join(dir, filepath.FromSlash(file.name))))
	}
	fmt.Fprint(stdout, "\nNext:\n")
	if filepath.Clean(dir) != "." {
		fmt.Fprintf(stdout, "  cd %s\n", source.Printable(shellWord(dir)))
	}
	fmt.Fprint(stdout, initNext)
	return 0
}

// initNext are the commands init suggests; the region and service are
// the ones initSiteYAML declares.
const initNext = `  statusgen serve     # preview at http://127.0.0.1:8080/, rebuilt on every save
  statusgen new --region europe --service api --state degraded "API slow in Europe"
  statusgen check --strict
  statusgen build     # the site, in public/
`

type initFile struct{ name, text string }

// initFiles are the new site's files, the post dated at now.
func initFiles(now time.Time) []initFile {
	return []initFile{
		{"content/site.yaml", initSiteYAML()},
		{path.Join("content/posts", now.Format(source.NameLayout)+"-website-slow-in-europe.md"), fmt.Sprintf(initPost, now.Format(time.RFC3339))},
	}
}

// writeSite writes the files into dir, made if missing, refusing a folder
// that holds anything but hidden files (a fresh git repository, an
// editor's settings). No file is ever overwritten.
func writeSite(dir string, files []initFile) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	case err != nil:
		return fmt.Errorf("%s: %v; give an empty folder, or one that does not exist yet", dir, errors.Unwrap(err))
	}
	var held []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			held = append(held, e.Name())
		}
	}
	if len(held) > 0 {
		more := ""
		if len(held) > 3 {
			held, more = held[:3], fmt.Sprintf(" and %d more", len(held)-3)
		}
		return fmt.Errorf("refusing to write a new site into %s: it is not empty (it holds %s%s); give an empty folder, or one that does not exist yet", dir, strings.Join(held, ", "), more)
	}
	for _, file := range files {
		name := filepath.Join(dir, filepath.FromSlash(file.name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		w, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, file.text)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// initSiteYAML is the new site's site.yaml, naming the languages the
// pages can be in.
func initSiteYAML() string {
	names, _ := fs.Glob(defaults, "layouts/i18n/*.yaml")
	var langs []string
	for _, n := range names {
		langs = append(langs, strings.TrimSuffix(path.Base(n), ".yaml"))
	}
	return fmt.Sprintf(initSite, strings.Join(langs, ", "))
}

const initSite = `# The site: its name, where it is published, its regions and services.
# README.md ("site.yaml") lists every key.
title: Example Status
description: Status of the Example website and API

# Where the site will be published: replace it with your address. It may
# have a path, e.g. https://www.example.com/status/.
base_url: https://status.example.com/
# home_url: https://www.example.com/          # optional link in the footer
# support_url: https://support.example.com/   # optional link in the footer

# The pages' language (one of %s) and the time zone their times are
# shown in (an IANA name such as Europe/Paris); a region may set its own.
language: en
timezone: UTC

# Regions, in the order the pages show them. An id is what posts write:
# lowercase letters, digits and hyphens.
regions:
  - id: europe
    name: Europe
    timezone: Europe/Berlin
  - id: north-america
    name: North America
    timezone: America/New_York
    # services: [website]   # optional: only these are offered here

# Services, in the order the pages show them.
services:
  - id: website
    name: Website
  - id: api
    name: API
`

// initPost is the example post: a draft, which check checks and no page
// shows, so that the new site shows all systems operational and no made-up
// incident, while the post shows how one is written.
const initPost = `---
title: Website slow in Europe
region: europe
service: website
state: degraded
incident: example-website-slow
timestamp: %s
draft: true
---
<!-- An example post, written by statusgen init. "draft: true" keeps it off
the site while check still checks it: copy it, or write the next with
"statusgen new", and delete this one once you have posts of your own.
README.md ("A post") lists every key. Comments like this one are left out
of the pages. -->
Pages load slowly for some visitors in Europe. We are looking into it and
will post again within 30 minutes.
`
