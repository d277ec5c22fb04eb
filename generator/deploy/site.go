package deploy

import (
	"bytes"
	"crypto/md5"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"statusgen/generator/publish"
)

// site is a built site as a deploy sees it.
type site struct {
	out   string
	base  string   // the absolute URL it was built for, ending in "/"
	files []string // slash-separated paths, as its marker lists them
	data  [][]byte // each file's bytes
}

// readSite reads which files the last build wrote into out, and the URL
// it built them for: the sitemap's first address, the overview's. Taking
// it from the build rather than from site.yaml keeps purges right for a
// site built with --base-url.
func readSite(out string) (*site, error) {
	// Read whole before anything goes up, while no build may replace
	// the folder, so that every target gets the same build.
	release, err := publish.Reading(out)
	if err != nil {
		return nil, err
	}
	defer release()
	files, err := publish.Listed(out)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if !fs.ValidPath(f) || f == "." || strings.HasPrefix(f, ".") {
			return nil, fmt.Errorf("%s: its %s lists %q, which no build writes; build the site again", out, publish.Marker, f)
		}
	}
	base, err := sitemapBase(filepath.Join(out, "sitemap.xml"))
	if err != nil {
		return nil, fmt.Errorf("%s: %v; build the site again", out, err)
	}
	s := &site{out: out, base: base, files: files, data: make([][]byte, len(files))}
	var errs firstError
	parallel(len(files), func(i int) {
		data, err := readFile(filepath.Join(out, filepath.FromSlash(files[i])))
		if err != nil {
			errs.set(err)
		}
		s.data[i] = data
	})
	if err := errs.get(); err != nil {
		return nil, fmt.Errorf("%v; build the site again", err)
	}
	return s, nil
}

// readFile reads a regular file, refusing anything else a folder may
// hold in its place: a link, a pipe that would be read for ever.
func readFile(name string) ([]byte, error) {
	info, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	return os.ReadFile(name)
}

func sitemapBase(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	for {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("sitemap.xml names no page")
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "loc" {
			var loc string
			if err := d.DecodeElement(&loc, &se); err != nil {
				return "", fmt.Errorf("sitemap.xml: %v", err)
			}
			u, err := url.Parse(strings.TrimSpace(loc))
			if err != nil || !u.IsAbs() || !strings.HasSuffix(u.Path, "/") {
				return "", fmt.Errorf("sitemap.xml does not start with the site's address")
			}
			return u.String(), nil
		}
	}
}

// urls are the addresses readers reach keys at: a page both as its folder
// and as its index.html, which a CDN caches apart. Sorted.
func (s *site) urls(keys []string) []string {
	var urls []string
	for _, k := range keys {
		if dir, ok := strings.CutSuffix(k, "index.html"); ok && (dir == "" || strings.HasSuffix(dir, "/")) {
			urls = append(urls, s.base+dir)
		}
		urls = append(urls, s.base+k)
	}
	slices.Sort(urls)
	return slices.Compact(urls)
}

// BuiltFor returns the address a build in out was made for, from its
// sitemap, as a deploy takes it.
func BuiltFor(out string) (string, error) { return sitemapBase(filepath.Join(out, "sitemap.xml")) }

// ManifestKey is the object in which a deploy records what it stored:
// notify reads it to tell whether the bucket holds the build.
const ManifestKey = manifestKey

// Stored reads a deploy manifest once and returns whether it records the
// bytes data for key: whether the deploy that wrote it stored that file
// as built.
func Stored(record []byte) (func(key string, data []byte) bool, error) {
	var m manifest
	if err := json.Unmarshal(record, &m); err != nil || m.Format != 1 {
		return nil, fmt.Errorf("%s is damaged or from another version of statusgen", manifestKey)
	}
	return func(key string, data []byte) bool {
		r, ok := parseRecord(m.Files[key])
		sum := md5.Sum(data)
		return ok && bytes.Equal(r.raw, sum[:])
	}, nil
}
