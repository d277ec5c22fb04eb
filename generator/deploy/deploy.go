package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob://
	_ "gocloud.dev/blob/fileblob"  // file://
	_ "gocloud.dev/blob/gcsblob"   // gs://
	_ "gocloud.dev/blob/s3blob"    // s3://
	"gocloud.dev/gcerrors"

	"statusgen/generator/status"
)

// Options say what Run deploys where.
type Options struct {
	Out     string                 // the built site
	Targets []*status.DeployTarget // in order
	Hub     string                 // the WebSub hub to ping for changed feeds, if any
	DryRun  bool                   // say what would be done, and do nothing
	Force   bool                   // upload every file, changed or not
	// MaxDeletes is the most files a target may lose in one deploy; a
	// deploy that would delete more uploads and deletes nothing there.
	// Negative: no limit.
	MaxDeletes int
	Env        Env
	Log        io.Writer // one summary line a target, and the dry run's plan
	Errors     io.Writer // the line of a target that failed
	Progress   io.Writer // where a progress line is redrawn; nil for none
}

// DefaultMaxDeletes is --max-deletes unless given.
const DefaultMaxDeletes = 256

// workers is how many uploads or deletes a target has in flight.
const workers = 16

// Result is what a deploy did to one target.
type Result struct {
	Target    string
	Uploaded  int
	Unchanged int
	Deleted   int
	Purged    int   // URLs purged from its CDNs
	Bytes     int64 // uploaded, as stored
	Took      time.Duration
	Err       error // nil when the target is complete
	feeds     []string
}

// Run deploys the site in opts.Out to every target in turn, each
// completely or with an error naming it, then pings the WebSub hub for the
// feeds that changed. A target failing does not stop the others.
func Run(ctx context.Context, opts Options) ([]Result, error) {
	site, err := readSite(opts.Out)
	if err != nil {
		return nil, err
	}
	if opts.Env.HTTP == nil {
		opts.Env = DefaultEnv()
	}
	var results []Result
	var feeds []string
	for _, t := range opts.Targets {
		start := time.Now()
		r := deployTarget(ctx, site, t, opts)
		r.Target, r.Took = t.Name, time.Since(start)
		if r.Err == nil {
			feeds = append(feeds, r.feeds...)
		}
		w := opts.Log
		if r.Err != nil {
			w = opts.Errors
		}
		fmt.Fprintln(w, summary(r, opts.DryRun))
		results = append(results, r)
	}
	if opts.Hub != "" && !opts.DryRun {
		slices.Sort(feeds)
		if err := ping(ctx, opts.Env, opts.Hub, site.urls(slices.Compact(feeds))); err != nil {
			return results, fmt.Errorf("every target deployed, but %v", err)
		}
	}
	return results, nil
}

func deployTarget(ctx context.Context, site *site, t *status.DeployTarget, opts Options) (r Result) {
	bucket, err := blob.OpenBucket(ctx, openURL(t.URL))
	if err != nil {
		r.Err = fmt.Errorf("cannot open %s: %v", Redact(t.URL), err)
		return r
	}
	defer bucket.Close()
	remote, err := listRemote(ctx, bucket, listPageSize(t.URL, len(site.files)))
	if err != nil {
		r.Err = fmt.Errorf("cannot list %s: %v", Redact(t.URL), err)
		return r
	}
	p, err := site.plan(ctx, bucket, t, remote, opts.Force, time.Now())
	if err != nil {
		r.Err = fmt.Errorf("%v", err)
		return r
	}
	r.Unchanged = len(site.files) - len(p.uploads)
	if opts.MaxDeletes >= 0 && len(p.deletes) > opts.MaxDeletes {
		r.Err = fmt.Errorf("%d files a deploy stored there are not in %s, more than --max-deletes %d: nothing was uploaded or deleted. Check that %s is the build you mean, then deploy with --max-deletes %d", len(p.deletes), opts.Out, opts.MaxDeletes, opts.Out, len(p.deletes))
		return r
	}
	purgers, err := Purgers(t.CDN, opts.Env)
	if err != nil {
		r.Err = fmt.Errorf("%v", err)
		return r
	}
	changed := p.changed()
	if opts.DryRun {
		r.Uploaded, r.Deleted = len(p.uploads), len(p.deletes)
		for _, u := range p.uploads {
			r.Bytes += u.size
		}
		if len(purgers) > 0 {
			r.Purged = len(site.urls(changed))
		}
		p.print(opts.Log, t.Name, purgers, site.urls(changed))
		return r
	}
	progress := newProgress(opts.Progress, t.Name, len(p.uploads)+len(p.deletes))
	defer progress.done()
	err = p.upload(ctx, bucket, progress, &r)
	if err == nil {
		err = p.remove(ctx, bucket, progress, &r)
	}
	var pending []string
	if len(purgers) > 0 {
		pending = changed
	}
	if err == nil {
		// Saved with the purge still to do, in case it fails or the
		// deploy dies: the next deploy purges what this one changed.
		err = p.saveManifest(ctx, bucket, pending)
	}
	progress.done()
	if err != nil {
		// Every stage before the failing one is complete, and every page
		// already there still finds its assets: the next deploy finishes.
		r.Err = fmt.Errorf("%v; the next deploy finishes the job", err)
		return r
	}
	urls := site.urls(changed)
	for _, pg := range purgers {
		if len(urls) == 0 {
			break
		}
		if _, err := pg.Purge(ctx, urls); err != nil {
			r.Err = fmt.Errorf("uploaded, but purging %s failed: %v; the next deploy purges again", pg.Name(), err)
			return r
		}
		r.Purged = len(urls)
	}
	if len(pending) > 0 {
		if err := p.saveManifest(ctx, bucket, nil); err != nil {
			r.Err = fmt.Errorf("purged, but cannot record it: %v; the next deploy purges again", err)
			return r
		}
	}
	for _, k := range changed {
		if isFeed(k) {
			r.feeds = append(r.feeds, k)
		}
	}
	return r
}

// remoteObject is what a listing says of an object.
type remoteObject struct {
	size int64
	md5  []byte
}

// listRemote lists the bucket, pageSize objects a request, or as many as
// the driver sends for 0: a thousand or so.
func listRemote(ctx context.Context, bucket *blob.Bucket, pageSize int) (map[string]remoteObject, error) {
	objects := map[string]remoteObject{}
	add := func(obj *blob.ListObject) {
		if !obj.IsDir {
			objects[obj.Key] = remoteObject{obj.Size, obj.MD5}
		}
	}
	if pageSize > 0 {
		for token := blob.FirstPageToken; len(token) > 0; {
			page, next, err := bucket.ListPage(ctx, token, pageSize, nil)
			if err != nil {
				return nil, err
			}
			for _, obj := range page {
				add(obj)
			}
			token = next
		}
		return objects, nil
	}
	it := bucket.List(nil)
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return objects, nil
		}
		if err != nil {
			return nil, err
		}
		add(obj)
	}
}

// listPageSize is the page a target is listed by: the driver's own, but
// for a folder room for twice the site's files in one. fileblob walks the
// whole folder for every page, reading each file's attributes up to the
// page's end, which is quadratic in the files; and as it walks "r1/…"
// before "r1.svg" but ends its pages by key, it loses a file named like
// a folder beside it at a page's end, which would then be uploaded by
// every deploy, and never deleted. A folder holding more than twice the
// site is another's, and the --max-deletes guard stops there.
func listPageSize(rawURL string, files int) int {
	if strings.HasPrefix(rawURL, "file:") {
		return 2*files + 1000
	}
	return 0
}

// Redact leaves a URL's query out of messages: a user may have put a
// secret there despite the docs, and CI logs are often public.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the target's URL"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = ""
		return u.String() + "?…"
	}
	return u.String()
}

// isNotFound says whether a blob error means the object is absent.
func isNotFound(err error) bool {
	return gcerrors.Code(err) == gcerrors.NotFound || errors.Is(err, errNotFound)
}

var errNotFound = errors.New("not found")

// mutex-guarded first error of a group of workers.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// openURL is the URL a target's bucket is opened with: a folder is
// written through temporary files beside it, not in the system's
// temporary folder, from which a rename into another file system fails.
func openURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "file" || u.Query().Has("no_tmp_dir") {
		return raw
	}
	q := u.Query()
	q.Set("no_tmp_dir", "true")
	u.RawQuery = q.Encode()
	return u.String()
}
