// Package watch reports changes to a site's files in batches: it watches
// content/, layouts/ and assets/ recursively with fsnotify, drops editor
// leftovers and chmod-only events, and sends the changed paths once the
// files have been quiet for a moment, so that an editor's save, or a git
// checkout of hundreds of files, gives one rebuild or a few.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"statusgen/generator/source"
)

// Quiet is how long the files must stay still before a batch is sent:
// enough to gather an editor's write, rename and chmod, short enough that a
// save shows at once. Hugo waits for a 500 ms tick, Zola for one second.
const Quiet = 20 * time.Millisecond

// maxWait bounds how long a steady stream of events delays a batch.
const maxWait = 500 * time.Millisecond

// Sources are the folders of a site that builds read.
var Sources = []string{"content", "layouts", "assets"}

// Watcher sends batches of changed paths, relative to the site folder and
// slash-separated, on C.
type Watcher struct {
	C      <-chan []string
	Errors <-chan error

	root    string
	fsw     *fsnotify.Watcher
	batches chan []string
	errs    chan error
}

// New watches the site folder root.
func New(root string) (*Watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, limitHint(err)
	}
	w := &Watcher{root: root, fsw: fsw, batches: make(chan []string), errs: make(chan error, 1)}
	w.C, w.Errors = w.batches, w.errs
	// The site folder itself, for sources created after the start.
	if err := fsw.Add(root); err != nil {
		fsw.Close()
		return nil, limitHint(err)
	}
	for _, dir := range Sources {
		if err := w.addTree(filepath.Join(root, dir)); err != nil {
			fsw.Close()
			return nil, err
		}
	}
	go w.loop()
	return w, nil
}

// Close stops watching; C is closed.
func (w *Watcher) Close() error { return w.fsw.Close() }

// addTree watches dir and every folder below it, editor leftovers aside.
func (w *Watcher) addTree(dir string) error {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil // gone again, or a file
		}
		if p != dir && source.Ignored(d.Name()) {
			return filepath.SkipDir
		}
		return limitHint(w.fsw.Add(p))
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// limitHint explains running out of inotify watches, which large sites do.
func limitHint(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
		return fmt.Errorf("%w: the system's limit of watched folders is reached; raise it with: sudo sysctl fs.inotify.max_user_watches=524288 (and fs.inotify.max_user_instances=512)", err)
	}
	return err
}

func (w *Watcher) loop() {
	defer close(w.batches)
	pending := map[string]bool{}
	var quiet, limit <-chan time.Time
	for {
		select {
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if rel, ok := w.relevant(ev); ok {
				if len(pending) == 0 {
					limit = time.After(maxWait)
				}
				pending[rel] = true
				quiet = time.After(Quiet)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: read every source again.
				for _, dir := range Sources {
					pending[dir] = true
				}
				quiet = time.After(Quiet)
				continue
			}
			select {
			case w.errs <- limitHint(err):
			default:
			}
		case <-quiet:
			w.send(pending)
			quiet, limit = nil, nil
		case <-limit:
			w.send(pending)
			quiet, limit = nil, nil
		}
	}
}

func (w *Watcher) send(pending map[string]bool) {
	batch := slices.Sorted(maps.Keys(pending))
	clear(pending)
	w.batches <- batch
}

// relevant turns an event into a site path worth a rebuild, watching
// folders as they appear.
func (w *Watcher) relevant(ev fsnotify.Event) (string, bool) {
	if ev.Op == fsnotify.Chmod {
		return "", false
	}
	rel, err := filepath.Rel(w.root, ev.Name)
	if err != nil {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	top, _, _ := strings.Cut(rel, "/")
	if !slices.Contains(Sources, top) || slices.ContainsFunc(strings.Split(rel, "/"), source.Ignored) {
		return "", false
	}
	if ev.Has(fsnotify.Create) {
		if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
			if err := w.addTree(ev.Name); err != nil {
				select {
				case w.errs <- err:
				default:
				}
			}
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A folder that went takes its subfolders' watches along, or they
		// would report under the old names.
		for _, watched := range w.fsw.WatchList() {
			if watched == ev.Name || strings.HasPrefix(watched, ev.Name+string(filepath.Separator)) {
				w.fsw.Remove(watched)
			}
		}
	}
	return rel, true
}
