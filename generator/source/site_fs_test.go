package source

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteFS: files of the site read as they are; nothing outside it can
// be read, by a link or by "..".
func TestSiteFS(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("outside"), 0o600)
	os.MkdirAll(filepath.Join(dir, "content/posts"), 0o755)
	os.WriteFile(filepath.Join(dir, "content/posts/a.md"), []byte("inside"), 0o644)
	os.Symlink(secret, filepath.Join(dir, "content/posts/link.md"))
	os.Symlink(filepath.Dir(secret), filepath.Join(dir, "content/out"))
	site, err := OpenSite(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	if data, err := fs.ReadFile(site, "content/posts/a.md"); err != nil || string(data) != "inside" {
		t.Errorf("reading a post: %q, %v", data, err)
	}
	f, err := site.Open("content/posts/a.md")
	if err != nil {
		t.Fatal(err)
	}
	info, err := f.Stat()
	f.Close()
	if err != nil || info.Size() != 6 || !info.Mode().IsRegular() {
		t.Errorf("stat through Open: %v, %v", info, err)
	}
	for _, name := range []string{"content/posts/link.md", "content/out/secret", "../" + filepath.Base(filepath.Dir(secret)) + "/secret", "/etc/hostname"} {
		if f, err := site.Open(name); err == nil {
			data := make([]byte, 16)
			n, _ := f.Read(data)
			f.Close()
			if string(data[:n]) == "outside" {
				t.Errorf("%s: read a file outside the site", name)
			}
		}
	}
	if _, err := site.Open("content/missing.md"); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v, want not exist", err)
	}
	os.WriteFile(filepath.Join(dir, "content/posts/0.md"), []byte("first"), 0o644)
	entries, err := site.ReadDir("content/posts")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name()+map[bool]string{true: "@"}[e.Type()&fs.ModeSymlink != 0])
	}
	if err != nil || strings.Join(names, " ") != "0.md a.md link.md@" {
		t.Errorf("listing a folder: %q, %v; want 0.md a.md link.md@", names, err)
	}
	if entries, err := site.ReadDir("content/out"); err == nil || len(entries) > 0 {
		t.Errorf("listed a folder outside the site through a link: %v, %v", entries, err)
	}
	// Posts are read by their own path; it keeps the same rules.
	if data, err := readLimited(site, "content/posts/a.md", nil); err != nil || string(data) != "inside" {
		t.Errorf("reading a post for loading: %q, %v", data, err)
	}
	for _, name := range []string{"content/posts/link.md", "content/out/secret"} {
		if data, err := readLimited(site, name, nil); err == nil || string(data) == "outside" {
			t.Errorf("%s: read %q from outside the site for loading", name, data)
		}
	}
	if _, err := readLimited(site, "content/missing.md", nil); !os.IsNotExist(err) {
		t.Errorf("loading a missing file: %v, want not exist", err)
	}
	// Closed, it reads nothing, not even through a reused descriptor.
	site.Close()
	other, _ := os.Open(t.TempDir())
	defer other.Close()
	if f, err := site.Open("content/posts/a.md"); err == nil {
		f.Close()
		t.Error("a closed site still opens files")
	}
	if _, err := readLimited(site, "content/posts/a.md", nil); err == nil {
		t.Error("a closed site still reads posts")
	}
}
