package source

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// SiteFS reads a site folder so that nothing outside it can be read,
// through links or "..": os.Root's rules. Where the system resolves a whole
// path beneath a folder in one call (Linux's openat2), files are opened
// that way: os.Root walks every folder of a path on each open, which made
// a third of the time of loading 10,000 posts.
type SiteFS struct {
	root *os.Root
	fs.FS
	dir  *os.File // the folder, for openat2; nil where that is missing
	fd   int      // dir's descriptor
	path string   // the folder as given to OpenSite
}

// OpenSite opens the site folder dir for a build; Close the result when
// done.
func OpenSite(dir string) (*SiteFS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir) // for listings, whatever the working folder becomes
	if err != nil {
		root.Close()
		return nil, err
	}
	s := &SiteFS{root: root, FS: root.FS(), path: abs}
	if useOpenat2 {
		// The root's own folder, not dir opened again, which could by now
		// be another.
		if s.dir, err = root.Open("."); err == nil {
			s.fd = int(s.dir.Fd())
		}
	}
	return s, nil
}

// Close releases the folder.
func (s *SiteFS) Close() error {
	if s.dir != nil {
		s.dir.Close()
		s.dir = nil // its number may be reused: no more opens through it
	}
	return s.root.Close()
}

func (s *SiteFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if s.dir != nil {
		if f, ok, err := openBeneath(s.fd, name, name); ok {
			return f, err
		}
	}
	if err := s.noLinks(name); err != nil {
		return nil, err
	}
	// Opening a named pipe waits for a writer, for ever: look first.
	if info, err := fs.Stat(s.FS, name); err == nil && !info.Mode().IsRegular() && !info.IsDir() {
		return nil, notRegular(name)
	}
	return s.FS.Open(name)
}

// LinkError is a symbolic link met on the way to a file of the site:
// statusgen follows none, in content/, layouts/ or assets/, nor those
// folders themselves, whether it points inside the site or out of it.
type LinkError struct{ Link string }

func (e *LinkError) Error() string {
	return e.Link + " is a symbolic link; statusgen follows no links in a site's content/, layouts/ or assets/: put the file or folder itself there"
}

// noLinks returns a LinkError for the first part of name that is a
// symbolic link. os.Root would follow one that stays inside the site.
func (s *SiteFS) noLinks(name string) error {
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '/' {
			continue
		}
		info, err := s.root.Lstat(name[:i])
		if err != nil {
			return nil // missing: Open says so
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return &LinkError{name[:i]}
		}
	}
	return nil
}

// ErrNotRegular is what reading a named pipe, a device or a socket in a
// site gives: none is read, as none is content and a pipe blocks.
var ErrNotRegular = errors.New("not a regular file (a named pipe, device or socket); replace it with a file")

func notRegular(name string) error { return &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular} }

// ReadDir lists a folder sorted by name. os.Root's own asks the system
// for every entry's type again, a call per post on each walk.
func (s *SiteFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if s.dir != nil && fs.ValidPath(name) {
		// Named in full: where the system gives no entry types, os asks
		// for them by the folder's name.
		if f, ok, err := openBeneath(s.fd, name, filepath.Join(s.path, name)); ok {
			if err != nil {
				return nil, err
			}
			defer f.Close()
			entries, err := f.ReadDir(-1)
			slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
			return entries, err
		}
	}
	if fs.ValidPath(name) && name != "." {
		if err := s.noLinks(name); err != nil {
			return nil, err
		}
	}
	return fs.ReadDir(s.FS, name)
}

// The rest is os.Root's, which embedding alone would hide behind Open.

func (s *SiteFS) ReadFile(name string) ([]byte, error) {
	f, err := s.Open(name) // through Open, which refuses a named pipe
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (s *SiteFS) Stat(name string) (fs.FileInfo, error) {
	if fs.ValidPath(name) && name != "." {
		if err := s.noLinks(name); err != nil {
			return nil, err
		}
	}
	return fs.Stat(s.FS, name)
}

func (s *SiteFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(s.FS, name) }
func (s *SiteFS) ReadLink(name string) (string, error)   { return fs.ReadLink(s.FS, name) }
