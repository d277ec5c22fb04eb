package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CheckOut refuses output folders whose replacement would destroy
// something: the root, the home folder, the site or a folder holding it, the
// site's sources, and any non-empty folder statusgen did not make.
func CheckOut(site, out string) error {
	site, out = realPath(site), realPath(out)
	home, _ := os.UserHomeDir()
	switch {
	case out == filepath.Dir(out):
		return fmt.Errorf("refusing to write to %s: it is the root of the file system", out)
	case home != "" && out == realPath(home):
		return fmt.Errorf("refusing to write to %s: it is the home folder", out)
	case out == site:
		return fmt.Errorf("refusing to write to %s: it is the site folder, which a build would replace", out)
	case within(site, out):
		return fmt.Errorf("refusing to write to %s: it holds the site %s, which a build would replace", out, site)
	}
	for _, src := range []string{"content", "layouts", "assets"} {
		// Resolved, as out is: a content/ that is a link must not let
		// --out into where it leads.
		if within(out, realPath(filepath.Join(site, src))) {
			return fmt.Errorf("refusing to write to %s: it is inside the site's %s/ folder", out, src)
		}
	}
	return checkOwned(out)
}

func checkOwned(out string) error {
	info, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("refusing to write to %s: it is a file, not a folder", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, Marker)); err != nil {
		return fmt.Errorf("refusing to write to %s: the folder is not empty and has no %s file, so statusgen did not make it; choose a new or empty folder", out, Marker)
	}
	found, err := Unlisted(out)
	if err != nil {
		return err
	}
	if len(found) > 0 {
		names := strings.Join(found[:min(len(found), 3)], ", ")
		if len(found) > 3 {
			names += fmt.Sprintf(" and %d more", len(found)-3)
		}
		return fmt.Errorf("refusing to write to %s: it holds files statusgen did not write (%s), which a build would delete; move them out of it first", out, names)
	}
	return nil
}

// realPath makes p absolute and resolves links in as much of it as exists,
// so that two spellings of one folder compare equal.
func realPath(p string) string {
	p, _ = filepath.Abs(p)
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Join(realPath(filepath.Dir(p)), filepath.Base(p))
}

// Within reports whether the path p is the folder dir or inside it, links
// resolved.
func Within(p, dir string) bool { return within(realPath(p), realPath(dir)) }

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
