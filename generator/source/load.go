package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"statusgen/generator/status"
)

// Ignored reports whether a file or folder name is an editor leftover (swap,
// backup, lock and temp files, hidden files) that no stage of statusgen
// reads or watches.
func Ignored(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") {
		return true
	}
	for _, ext := range []string{".swp", ".swx", ".tmp", ".bak"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// Content is what a site's content/ folder says.
type Content struct {
	Site  *status.Site   // checked; nil when site.yaml could not be read
	Files []*Post        // every post file read, sorted by path
	Posts []*status.Post // what Validate made of Files, in their order
}

// Load reads and checks content/site.yaml and reads every post under
// content/ from the site folder fsys; baseURL, when given, replaces the
// site's base_url. It reads no theme, so languages are not checked for UI
// strings (a build does that). Problems go to errs; the result holds what could be
// read. Validate then checks the posts against the site.
func Load(fsys fs.FS, baseURL string, errs *ErrorList) *Content {
	c := &Content{Site: ReadSite(fsys, baseURL, nil, errs)}
	var walkErrs ErrorList
	posts, perFile := ReadPosts(fsys, Walk(fsys, "content", &walkErrs), true)
	*errs = append(*errs, walkErrs...)
	for _, l := range perFile {
		*errs = append(*errs, l...)
	}
	c.Files = slices.DeleteFunc(posts, func(p *Post) bool { return p == nil })
	return c
}

// ReadSite reads, parses and checks content/site.yaml, baseURL (when
// given) in place of its base_url, and its languages against uiLangs,
// those with UI strings (UILanguages; nil: not checked); nil when it
// cannot be read or parsed.
// A site with problems is returned too, so that posts can be checked
// against it.
func ReadSite(fsys fs.FS, baseURL string, uiLangs []string, errs *ErrorList) *status.Site {
	data, err := fs.ReadFile(fsys, SiteFile)
	loneCRs(data) // a fresh copy: ReadFile's
	switch {
	case errors.Is(err, fs.ErrNotExist):
		errs.Add(Pos{SiteFile, 1, 1}, "missing site file: every site declares its title, regions and services in %s", SiteFile)
	case err != nil:
		errs.Add(Pos{SiteFile, 1, 1}, "cannot read: %v", unwrapPath(err))
	case checkEncoding(SiteFile, data, "YAML", errs):
		doc := parseSite(data, errs)
		if doc == nil {
			return nil
		}
		if baseURL != "" {
			doc.BaseURL = baseURL
		}
		doc.validate(errs, uiLangs)
		return doc.Site
	}
	return nil
}

// ReadPosts reads the posts that paths yields on all cores, in that
// order, while paths is still yielding: the walk of content/ goes on as
// the first posts are read. A post that cannot be read is nil, and its
// problems are in its own list.
//
// Read in bulk (the whole content/ of a build), posts are read into large
// shared buffers rather than one allocation each, whose sizes the
// allocator rounds up: a tenth of the memory the posts take.
func ReadPosts(fsys fs.FS, paths iter.Seq[string], bulk bool) ([]*Post, []ErrorList) {
	type item struct {
		i int
		p string
	}
	type result struct {
		i    int
		post *Post
		errs ErrorList
	}
	work := make(chan item, 64)
	results := make([][]result, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range results {
		wg.Go(func() {
			var sl *slab
			if bulk {
				sl = &slab{}
			}
			for it := range work {
				var errs ErrorList
				post := readPost(fsys, it.p, sl, &errs)
				results[w] = append(results[w], result{it.i, post, errs})
			}
		})
	}
	n := 0
	for p := range paths {
		work <- item{n, p}
		n++
	}
	close(work)
	wg.Wait()
	posts := make([]*Post, n)
	perFile := make([]ErrorList, n)
	for _, rs := range results {
		for _, r := range rs {
			posts[r.i], perFile[r.i] = r.post, r.errs
		}
	}
	return posts, perFile
}

// Walk yields every post file under the folder root in lexical order, as
// it finds them, without following symbolic links: a link could lead out
// of the site. What is under content/ but cannot be a post is reported.
func Walk(fsys fs.FS, root string, errs *ErrorList) iter.Seq[string] {
	return func(yield func(string) bool) {
		fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			switch {
			case p == "content" && errors.Is(err, fs.ErrNotExist):
				return nil // the missing site.yaml says it all
			case err != nil:
				errs.Add(Pos{p, 1, 1}, "cannot read: %v", unwrapPath(err))
				return nil
			case p == root:
				return nil
			}
			post, descend := classify(p, d.Name(), d.Type(), errs)
			if post && !yield(p) {
				return fs.SkipAll
			}
			if d.IsDir() && !descend {
				return fs.SkipDir
			}
			return nil
		})
	}
}

// PostsAt lists the posts at p, a file or a folder, by the rules of
// the walk of content/, p itself included; none when p is gone.
func PostsAt(fsys fs.FS, p string, errs *ErrorList) []string {
	info, err := fs.Lstat(fsys, p)
	if err != nil {
		return nil
	}
	post, descend := classify(p, info.Name(), info.Mode().Type(), errs)
	switch {
	case post:
		return []string{p}
	case info.IsDir() && descend:
		return slices.Collect(Walk(fsys, p, errs))
	}
	return nil
}

// classify applies the rules of content/ to one entry: whether it is a post,
// and whether a folder is to be entered. Editor leftovers are skipped, links
// and other non-regular files reported.
func classify(p, name string, mode fs.FileMode, errs *ErrorList) (post, descend bool) {
	switch {
	case Ignored(name):
		return false, false
	case mode&fs.ModeSymlink != 0:
		errs.Add(Pos{p, 1, 1}, "symbolic link: statusgen never follows links under content/; move the file here instead")
	case mode.IsDir() && strings.HasSuffix(name, ".md"):
		errs.Add(Pos{p, 1, 1}, "a folder named like a post: rename it so that it does not end in .md")
	case mode.IsDir():
		return false, true
	case strings.HasSuffix(name, ".md") && !mode.IsRegular():
		errs.Add(Pos{p, 1, 1}, "not a regular file")
	case strings.HasSuffix(name, ".md"):
		return true, false
	}
	return false, false
}

// readPost opens a post once, to size and read it: through os.Root each
// path lookup walks the folders again, a third of the time of loading.
func readPost(fsys fs.FS, p string, sl *slab, errs *ErrorList) *Post {
	data, err := readLimited(fsys, p, sl)
	var big tooBig
	switch {
	case errors.As(err, &big):
		errs.Add(Pos{p, 1, 1}, "post is %d bytes, over the limit of 1 MiB", int64(big))
		return nil
	case err != nil:
		errs.Add(Pos{p, 1, 1}, "cannot read: %v", unwrapPath(err))
		return nil
	}
	return parsePost(path.Clean(p), data, errs)
}

// tooBig is the size of a post over MaxPostSize.
type tooBig int64

func (n tooBig) Error() string { return fmt.Sprintf("%d bytes", int64(n)) }

func readLimited(fsys fs.FS, p string, sl *slab) ([]byte, error) {
	if s, ok := fsys.(*SiteFS); ok {
		if data, ok, err := s.readLimited(p, sl); ok {
			return data, err
		}
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readAll(f, info.Size(), sl)
}

// readAll reads r to its end, size bytes as far as it knows, refusing more
// than MaxPostSize; into sl, when given.
func readAll(r io.Reader, size int64, sl *slab) ([]byte, error) {
	if size > MaxPostSize {
		return nil, tooBig(size)
	}
	data := sl.alloc(int(size) + 1)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			if len(data) > MaxPostSize {
				return nil, tooBig(len(data)) // it grew while read
			}
			data = append(data, 0)[:len(data)]
		}
	}
}

// slab hands out pieces of large buffers.
type slab struct{ free []byte }

// slabSize is the size of each buffer: many posts, few enough that the
// last one's unused end does not matter.
const slabSize = 1 << 20

// alloc returns an empty slice of capacity n; appending beyond it moves
// the slice out of the slab. A nil slab allocates each slice apart.
func (sl *slab) alloc(n int) []byte {
	if sl == nil || n > slabSize/4 {
		return make([]byte, 0, n)
	}
	if len(sl.free) < n {
		sl.free = make([]byte, slabSize)
	}
	out := sl.free[:0:n]
	sl.free = sl.free[n:]
	return out
}

// unwrapPath drops the path from an fs error, since the position names it.
func unwrapPath(err error) error { return WithoutPath(err) }

// WithoutPath drops the path from an fs error, for a message whose
// position names the file already.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
