package deploy

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"

	"statusgen/generator/status"
)

// manifestKey is the object in which a deploy records, for each file it
// stored, the MD5 and the headers it stored it with. A listing gives
// every object's MD5 and size in a request per thousand objects, but not
// its headers, which would take a request per object: the manifest tells
// whether the headers statusgen would set now are those already there.
// An object whose MD5 is not the manifest's was written by someone else,
// or by a deploy that did not finish, and is uploaded again.
const manifestKey = ".statusgen-deploy.json"

type manifest struct {
	Format int               `json:"format"`
	Files  map[string]string `json:"files"` // key -> "md5hex headershash"
	// Purge lists the keys changed by a deploy whose purge did not
	// succeed, for the next to purge: a CDN must not keep serving them
	// because their upload is already done.
	Purge []string `json:"purge,omitempty"`
	// Retired holds the fingerprinted assets the site no longer has, with
	// the Unix time a deploy first found them so: pages cached before
	// still name them, so they stay until no cache may keep such a page.
	Retired map[string]int64 `json:"retired,omitempty"`
}

func readManifest(ctx context.Context, bucket *blob.Bucket) (*manifest, error) {
	data, err := bucket.ReadAll(ctx, manifestKey)
	if isNotFound(err) {
		return &manifest{Format: 1}, nil // Files nil: not there
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if json.Unmarshal(data, &m) != nil || m.Format != 1 || m.Files == nil {
		// Damaged or from another version: every file is checked anew
		// by uploading it, which is safe.
		return &manifest{Format: 1, Files: map[string]string{}}, nil
	}
	for _, k := range m.Purge {
		if !fs.ValidPath(k) {
			m.Purge = nil // damaged: what a deploy changes is purged anyway
			break
		}
	}
	return &m, nil
}

// file is one output file as a target stores it.
type file struct {
	key     string
	body    []byte // nil when the target holds it already
	md5     []byte // of the bytes stored
	raw     []byte // MD5 of the file as built
	size    int64
	headers headers
	isNew   bool // not in the bucket yet
	upload  bool // not in the bucket as it would be stored now
}

// order is when a file goes up: files new to the bucket first, then the
// rest, each stage by stage.
func (f *file) order() int {
	if f.isNew {
		return stage(f.key)
	}
	return 100 + stage(f.key)
}

// plan is what a deploy does to one target.
type plan struct {
	uploads  []*file  // in upload order
	deletes  []string // sorted
	manifest map[string]string
	retired  map[string]int64 // old assets kept a while: see manifest.Retired
	pending  []string         // keys a deploy before changed and did not purge
	before   []byte           // the manifest as stored, to leave alone if unchanged
}

// plan compares every built file with the bucket's objects: a file is
// uploaded unless an object of its size and MD5 is there, stored by a
// deploy with the headers it would get now.
func (s *site) plan(ctx context.Context, bucket *blob.Bucket, t *status.DeployTarget, remote map[string]remoteObject, force bool, now time.Time) (*plan, error) {
	m, err := readManifest(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", manifestKey, err)
	}
	if _, listed := remote[manifestKey]; listed && m.Files == nil {
		// Listed but not found when read: the store reads from another
		// address than it lists (an emulator without its public host
		// set, say). Going on would upload everything every time.
		return nil, fmt.Errorf("the bucket lists %s but reading it finds nothing; check the store's address settings", manifestKey)
	}
	if m.Files == nil {
		m.Files = map[string]string{}
	}
	delete(remote, manifestKey)
	files := make([]*file, len(s.files))
	var errs firstError
	parallel(len(s.files), func(i int) {
		key := s.files[i]
		o, there := remote[key]
		f, err := s.prepare(i, t, m.Files[key], o, there, force)
		if err != nil {
			errs.set(err)
			return
		}
		files[i] = f
	})
	if err := errs.get(); err != nil {
		return nil, err
	}
	p := &plan{manifest: map[string]string{}}
	local := make(map[string]bool, len(files))
	for _, f := range files {
		local[f.key] = true
		p.manifest[f.key] = f.record()
		if f.upload {
			p.uploads = append(p.uploads, f)
		}
	}
	// Files new to the bucket first: no page there links to them yet, so
	// they break nothing, and the pages changed after them find
	// everything they link to (a new region's page and feeds, say).
	slices.SortStableFunc(p.uploads, func(a, b *file) int { return a.order() - b.order() })
	// Only what a deploy stored and the site no longer has is deleted:
	// anything else in the bucket (a verification file, .well-known/) is
	// someone's and stays.
	p.retired = map[string]int64{}
	for k, rec := range m.Files {
		if _, there := remote[k]; !there || local[k] {
			continue
		}
		if isAsset(k) {
			since, ok := m.Retired[k]
			if !ok {
				since = now.Unix()
			}
			if now.Unix()-since < int64(t.MaxAge+t.StaleIfError) {
				p.retired[k] = since
				p.manifest[k] = rec // still the deploy's, to delete later
				continue
			}
		}
		p.deletes = append(p.deletes, k)
	}
	slices.Sort(p.deletes)
	p.pending = m.Purge
	p.before, _ = json.Marshal(m)
	return p, nil
}

// prepare makes a built file's body as the target stores it, or, when
// the target already holds it as a deploy stored it, notes that and
// leaves body nil. A file stored compressed is compared by the MD5 of its
// bytes as built, which the manifest keeps: compressing every file on
// every deploy would take minutes with Brotli on a large site.
func (s *site) prepare(i int, t *status.DeployTarget, rec string, o remoteObject, there, force bool) (*file, error) {
	key, body := s.files[i], s.data[i]
	raw := md5.Sum(body)
	f := &file{key: key, raw: raw[:], headers: headersFor(key, t), isNew: !there}
	if old, ok := parseRecord(rec); ok && there && !force && old.headers == f.headers.digest() && bytes.Equal(old.raw, f.raw) &&
		o.size == old.size && (o.md5 == nil || bytes.Equal(o.md5, old.md5)) {
		// A listing without MD5 (an S3 object encrypted with KMS, or
		// uploaded in parts: its ETag is no MD5) is taken on the
		// manifest's word, which holds the MD5 of what a deploy stored.
		f.md5, f.size = old.md5, old.size
		return f, nil
	}
	if f.headers.encoding != "" {
		var err error
		if body, err = compress(f.headers.encoding, body); err != nil {
			return nil, fmt.Errorf("%s: %v", key, err)
		}
	}
	sum := md5.Sum(body)
	f.body, f.md5, f.size, f.upload = body, sum[:], int64(len(body)), true
	return f, nil
}

// record is a manifest entry: the MD5 and size of the object a deploy
// stored, the digest of its headers, and the MD5 of the file as built.
type record struct {
	md5, raw []byte
	size     int64
	headers  string
}

func (f *file) record() string {
	return fmt.Sprintf("%x %s %x %d", f.md5, f.headers.digest(), f.raw, f.size)
}

func parseRecord(rec string) (record, bool) {
	var r record
	var md, raw string
	if n, err := fmt.Sscanf(rec, "%s %s %s %d", &md, &r.headers, &raw, &r.size); n != 4 || err != nil {
		return r, false
	}
	var err1, err2 error
	r.md5, err1 = hex.DecodeString(md)
	r.raw, err2 = hex.DecodeString(raw)
	return r, err1 == nil && err2 == nil
}

// changed lists the keys uploaded or deleted: what the CDN must forget.
func (p *plan) changed() []string {
	var keys []string
	for _, f := range p.uploads {
		keys = append(keys, f.key)
	}
	keys = append(keys, p.deletes...)
	keys = append(keys, p.pending...)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// upload stores the files stage by stage: a stage starts only once every
// file of the one before is stored, so a page is never there before its
// assets, nor the overview before the pages it links to. After a failure
// no later stage starts.
func (p *plan) upload(ctx context.Context, bucket *blob.Bucket, prog *progress, r *Result) error {
	for start := 0; start < len(p.uploads); {
		end := start + 1
		for end < len(p.uploads) && p.uploads[end].order() == p.uploads[start].order() {
			end++
		}
		var errs firstError
		var mu sync.Mutex
		each(p.uploads[start:end], func(f *file) {
			if errs.get() != nil || ctx.Err() != nil {
				return
			}
			// Once started, an upload finishes even if interrupted:
			// what the stage put up stays whole.
			if err := put(context.WithoutCancel(ctx), bucket, f); err != nil { // put bounds its time
				errs.set(fmt.Errorf("uploading %s: %v", f.key, err))
				return
			}
			mu.Lock()
			r.Uploaded++
			r.Bytes += f.size
			mu.Unlock()
			prog.add(1, f.size)
		})
		if err := errs.get(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func put(ctx context.Context, bucket *blob.Bucket, f *file) error {
	// A stalled connection must not hold the deploy for ever.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	w, err := bucket.NewWriter(ctx, f.key, &blob.WriterOptions{
		ContentType:     f.headers.contentType,
		CacheControl:    f.headers.cacheControl,
		ContentEncoding: f.headers.encoding,
		ContentMD5:      f.md5,
	})
	if err != nil {
		return err
	}
	if _, err := w.Write(f.body); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// remove deletes the objects no longer built, once every upload is done.
func (p *plan) remove(ctx context.Context, bucket *blob.Bucket, prog *progress, r *Result) error {
	var errs firstError
	var mu sync.Mutex
	each(p.deletes, func(k string) {
		if errs.get() != nil || ctx.Err() != nil {
			return
		}
		if err := bucket.Delete(ctx, k); err != nil && !isNotFound(err) {
			errs.set(fmt.Errorf("deleting %s: %v", k, err))
			return
		}
		mu.Lock()
		r.Deleted++
		mu.Unlock()
		prog.add(1, 0)
	})
	if err := errs.get(); err != nil {
		return err
	}
	return ctx.Err()
}

// saveManifest records what the target now holds, and what is still to
// be purged, only after every upload and deletion succeeded: a file
// uploaded by a deploy that failed is not in it, so the next deploy
// uploads and purges it again.
func (p *plan) saveManifest(ctx context.Context, bucket *blob.Bucket, purge []string) error {
	data, err := json.Marshal(manifest{1, p.manifest, purge, p.retired})
	if err != nil || bytes.Equal(data, p.before) {
		return err
	}
	return bucket.WriteAll(ctx, manifestKey, data, &blob.WriterOptions{
		ContentType:  "application/json; charset=utf-8",
		CacheControl: "no-store",
	})
}

// print writes a dry run's plan.
func (p *plan) print(w io.Writer, target string, purgers []Purger, urls []string) {
	for _, f := range p.uploads {
		fmt.Fprintf(w, "%s: would upload %s (%s)\n", target, f.key, f.headers.contentType)
	}
	for _, k := range p.deletes {
		fmt.Fprintf(w, "%s: would delete %s\n", target, k)
	}
	for _, pg := range purgers {
		for _, u := range urls {
			fmt.Fprintf(w, "%s: would purge %s from %s\n", target, u, pg.Name())
		}
	}
}

// parallel runs fn(0) to fn(n-1) on every core.
func parallel(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// each runs fn on every item, workers at a time.
func each[T any](items []T, fn func(T)) {
	next := make(chan T)
	var wg sync.WaitGroup
	for range min(workers, len(items)) {
		wg.Go(func() {
			for it := range next {
				fn(it)
			}
		})
	}
	for _, it := range items {
		next <- it
	}
	close(next)
	wg.Wait()
}

// stage orders uploads so that nothing links to what is not there yet:
// fingerprinted assets and other files pages use, the calendar, incident
// pages, region, service and other pages, JSON, badges, feeds, and the
// overview and sitemap last.
func stage(key string) int {
	switch {
	case strings.HasPrefix(key, "assets/"):
		return 0
	case key == "index.html" || key == "sitemap.xml":
		return 9
	case strings.HasPrefix(key, "incidents/") && strings.HasSuffix(key, ".html"):
		return 3
	case strings.HasSuffix(key, ".html"):
		return 4
	case strings.HasPrefix(key, "api/"):
		return 5
	case strings.HasPrefix(key, "badges/"):
		return 6
	case strings.HasSuffix(key, ".ics"):
		return 2
	case isFeed(key):
		return 7
	}
	return 1
}

// isAsset says whether key is a fingerprinted asset.
func isAsset(key string) bool {
	return strings.HasPrefix(key, "assets/") && fingerprinted.MatchString(path.Base(key))
}

func isFeed(key string) bool {
	base := path.Base(key)
	return base == "feed.xml" || base == "atom.xml"
}

// digest is a short hash of the headers, for the manifest.
func (h headers) digest() string {
	sum := sha256.Sum256([]byte(h.contentType + "\n" + h.cacheControl + "\n" + h.encoding))
	return hex.EncodeToString(sum[:8])
}
