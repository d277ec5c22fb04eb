package publish

import (
	"cmp"
	"errors"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Update brings an output folder that a build made up to date in place, as
// watch and serve do after each change: it replaces each file of changed
// whose bytes differ from what is there, atomically, and removes the files
// of before that after no longer holds, with the folders they leave
// empty. before and after list every output of the last and of the new
// build. It takes the lock Publish takes, so that the two never mix.
//
// The marker lists every output at every moment: the new ones before they
// are written, so that a failure or a kill midway leaves none unlisted.
// It returns the files written and removed, sorted.
func Update(out string, now time.Time, before, after map[string]bool, changed map[string][]byte) (written, removed []string, err error) {
	out = realPath(out)
	unlock, err := lock(filepath.Dir(out))
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	if !contains(before, after) {
		all := maps.Clone(before)
		maps.Copy(all, after)
		if err := writeMarker(out, now, all); err != nil {
			return nil, nil, err
		}
	}
	if written, err = replaceAll(out, changed); err != nil {
		return nil, nil, err
	}
	for p := range before {
		if !after[p] {
			removeOutput(out, p)
			removed = append(removed, p)
		}
	}
	if len(removed) == 0 && len(before) == len(after) {
		return written, nil, nil // the same files: the marker lists them
	}
	slices.Sort(removed)
	return written, removed, writeMarker(out, now, after)
}

// writeMarker lists outputs in the marker; unchanged, it is left alone.
func writeMarker(out string, now time.Time, outputs map[string]bool) error {
	_, err := replaceFile(filepath.Join(out, Marker), markerFor(slices.Sorted(maps.Keys(outputs)), now))
	return err
}

// contains reports whether every key of b is in a.
func contains(a, b map[string]bool) bool {
	for k := range b {
		if !a[k] {
			return false
		}
	}
	return true
}

// replaceAll replaces the output files whose bytes changed, several at a
// time: most of a replacement is the file system's wait, which overlaps. It
// returns the paths written, sorted.
func replaceAll(out string, files map[string][]byte) ([]string, error) {
	var (
		mu      sync.Mutex
		written []string
		first   error
		wg      sync.WaitGroup
	)
	limit := make(chan struct{}, 8)
	for p, data := range files {
		limit <- struct{}{}
		wg.Go(func() {
			defer func() { <-limit }()
			wrote, err := replaceFile(filepath.Join(out, filepath.FromSlash(p)), data)
			mu.Lock()
			defer mu.Unlock()
			if wrote {
				written = append(written, p)
			}
			first = cmp.Or(first, err)
		})
	}
	wg.Wait()
	slices.Sort(written)
	return written, first
}

// replaceFile writes data to name through a temporary file renamed over
// it, so that readers see the old or the new file whole; a file whose bytes
// are the same is left alone, with its mtime.
func replaceFile(name string, data []byte) (bool, error) {
	if sameBytes(name, data) != nil {
		return false, nil
	}
	tmp, err := createTemp(name)
	if errors.Is(err, fs.ErrNotExist) { // a new folder: made only then
		if err = os.MkdirAll(filepath.Dir(name), 0o755); err == nil {
			tmp, err = createTemp(name)
		}
	}
	if err != nil {
		return false, err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return false, err
	}
	return true, nil
}

// createTemp makes a new temporary file beside name, readable by all as
// an output file is (os.CreateTemp would need a chmod after).
func createTemp(name string) (*os.File, error) {
	for {
		tmp := filepath.Join(filepath.Dir(name), tempPrefix+strconv.FormatUint(rand.Uint64(), 36)+tempSuffix)
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// The temporary files of Update, which a later build knows as its own if a
// kill left them.
const (
	tempPrefix = ".statusgen-"
	tempSuffix = ".tmp"
)

// removeOutput deletes an output file and the folders it leaves empty.
func removeOutput(out, p string) {
	os.Remove(filepath.Join(out, filepath.FromSlash(p)))
	for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
		if os.Remove(filepath.Join(out, filepath.FromSlash(dir))) != nil {
			break // not empty
		}
	}
}
