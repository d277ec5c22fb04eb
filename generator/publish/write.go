package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Publish builds a whole new site beside out and swaps it in, so that out
// is at every moment the complete old or the complete new site, also when
// the build fails or is killed. Files whose bytes did not change are carried
// over with their modification time, so servers and rsync see them unchanged.
//
// When out is a symbolic link, the folder it points to is replaced. Builds
// into one parent folder wait for each other, so that none removes another's
// staging folder as a leftover.
//
// It returns the output files added, changed or removed, sorted: what a CDN
// in front of the site must forget.
func Publish(out string, now time.Time, build func(emit func(path string, data []byte) error) error) ([]string, error) {
	return publish(out, "", now, build, osDisk{})
}

// PublishOver is Publish with the old site read from the folder previous
// instead of out: a copy of the site as published, fetched from a bucket
// or CDN, with or without its marker. The changes are those against it,
// and files it has with the same bytes keep its modification times, so
// that a sync that compares times uploads only what changed. previous is
// only read.
func PublishOver(out, previous string, now time.Time, build func(emit func(path string, data []byte) error) error) ([]string, error) {
	return publish(out, previous, now, build, osDisk{})
}

// disk is what a build does to the staging folder, so that tests can make
// writing fail as a full or read-only disk would (they run as root, whom
// permissions do not stop).
type disk interface {
	Mkdir(name string) error
	WriteFile(name string, data []byte) error
}

type osDisk struct{}

func (osDisk) Mkdir(name string) error                  { return os.Mkdir(name, 0o755) }
func (osDisk) WriteFile(name string, data []byte) error { return writeNew(name, data) }

func publish(out, previous string, now time.Time, build func(emit func(path string, data []byte) error) error, d disk) ([]string, error) {
	out = realPath(out)
	parent, name := filepath.Split(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if err := notHeld(out); err != nil {
		return nil, err
	}
	unlock, err := lock(parent)
	if err != nil {
		return nil, err
	}
	defer unlock()
	removeStale(parent, name)
	stage, err := os.MkdirTemp(parent, stagePrefix(name))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage) // after the swap, stage holds the old site
	if err := os.Chmod(stage, 0o755); err != nil {
		return nil, err
	}
	w := &stager{stage: stage, old: out, same: map[string]bool{}, disk: d}
	if previous != "" {
		// Copied from, not linked to: previous is someone else's folder,
		// which may be written in place after the build.
		w.old, w.copyOld = realPath(previous), true
	}
	if info, err := os.Stat(w.old); err != nil || !info.IsDir() {
		w.old = "" // nothing to carry over: no need to look
	}
	if err := build(w.emit); err != nil {
		return nil, err
	}
	written := slices.Sorted(maps.Keys(w.same))
	if err := d.WriteFile(filepath.Join(stage, Marker), markerFor(written, now)); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", Marker, unwrapPath(err))
	}
	changes, err := w.changes()
	if err != nil {
		return nil, err
	}
	if err := swap(stage, out); err != nil {
		return nil, err
	}
	return changes, nil
}

// stagePrefix names the staging folders of out; a build killed midway
// leaves one, which the next build removes.
func stagePrefix(name string) string { return "." + name + ".statusgen-" }

// removeStale deletes what killed builds left.
func removeStale(parent, name string) {
	stale, _ := filepath.Glob(filepath.Join(parent, stagePrefix(name)+"*"))
	for _, s := range stale {
		os.RemoveAll(s)
	}
}

// stager writes the new site into the staging folder.
type stager struct {
	stage, old string // old is "" when there is no old site
	copyOld    bool   // whether unchanged files are copied from old rather than linked
	mu         sync.Mutex
	same       map[string]bool // path -> whether the old site has it unchanged
	dirs       sync.Map        // folders made in stage
	disk       disk
}

func (w *stager) emit(p string, data []byte) error {
	if err := w.write(p, data); err != nil {
		// Named as in the output, without the staging folder's name.
		return fmt.Errorf("cannot write %s: %w", p, unwrapPath(err))
	}
	return nil
}

func (w *stager) write(p string, data []byte) error {
	dst := filepath.Join(w.stage, filepath.FromSlash(p))
	if dir := filepath.Dir(dst); !w.made(dir) {
		if err := w.mkdir(dir); err != nil {
			return err
		}
	}
	var old fs.FileInfo
	if w.old != "" {
		old = sameBytes(filepath.Join(w.old, filepath.FromSlash(p)), data)
	}
	w.mu.Lock()
	w.same[p] = old != nil
	w.mu.Unlock()
	if old != nil && !w.copyOld && os.Link(filepath.Join(w.old, filepath.FromSlash(p)), dst) == nil {
		return nil // unchanged: keep the old file and its mtime
	}
	if err := w.disk.WriteFile(dst, data); err != nil {
		return err
	}
	if old != nil {
		// The copy keeps the old file's time, so that syncs that compare
		// times still see it unchanged.
		return os.Chtimes(dst, old.ModTime(), old.ModTime())
	}
	return nil
}

// mkdir makes the folder dir in the staging folder, and its parents: one
// call when the parent is there, as it mostly is, where os.MkdirAll looks
// at every folder first.
func (w *stager) mkdir(dir string) error {
	err := w.disk.Mkdir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err = w.mkdir(filepath.Dir(dir)); err == nil {
			err = w.disk.Mkdir(dir)
		}
	}
	if err != nil && !errors.Is(err, fs.ErrExist) { // another worker made it
		return err
	}
	w.dirs.Store(dir, true)
	return nil
}

func (w *stager) made(dir string) bool {
	_, ok := w.dirs.Load(dir)
	return ok
}

// changes lists the files emitted new or changed and those of the old site
// not emitted, the marker left out.
func (w *stager) changes() ([]string, error) {
	var out []string
	for p, same := range w.same {
		if !same {
			out = append(out, p)
		}
	}
	if w.old == "" {
		slices.Sort(out)
		return out, nil
	}
	err := filepath.WalkDir(w.old, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err // what cannot be read cannot be listed for purging
		}
		rel, _ := filepath.Rel(w.old, name)
		if w.copyOld && name != w.old && strings.HasPrefix(rel, ".") && !strings.Contains(rel, string(filepath.Separator)) {
			// A previous site's hidden files and folders at its top (.git
			// of a checkout, the marker) are none of the site's: statusgen
			// writes none there.
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if p := filepath.ToSlash(rel); p != Marker {
			if _, ok := w.same[p]; !ok {
				out = append(out, p)
			}
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// sameBytes returns the file at path if it is a regular file holding
// data, else nil.
func sameBytes(path string, data []byte) fs.FileInfo {
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() != int64(len(data)) {
		return nil
	}
	if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, data) {
		return nil
	}
	return info
}

// swap puts the staged site in place of out in one step where the system
// allows it.
func swap(stage, out string) error {
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(stage, out)
	}
	if err := exchange(stage, out); err == nil {
		return nil
	}
	// Without an atomic exchange, out is missing for the moment between
	// the two renames.
	old := stage + ".old"
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(stage, out); err != nil {
		os.Rename(old, out)
		return err
	}
	return os.Rename(old, stage)
}

// unwrapPath drops the path from an fs error, since the message names the
// output file as the site has it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
