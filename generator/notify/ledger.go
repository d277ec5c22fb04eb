package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/azureblob" // azblob://
	_ "gocloud.dev/blob/fileblob"  // file://
	_ "gocloud.dev/blob/gcsblob"   // gs://
	_ "gocloud.dev/blob/s3blob"    // s3://
	"gocloud.dev/gcerrors"
)

// The ledgers live in a bucket, one folder a target:
//
//	.statusgen-notify/<t>/lock-000000000042   who holds the target (see lock.go)
//	.statusgen-notify/<t>/ledger.json         what was delivered to it
//
// where <t> is the hex of the first 16 bytes of the SHA-256 of the
// target's name: names are free text, keys are not. ledger.json names
// its target, for people reading the bucket.
const ledgerPrefix = ".statusgen-notify/"

const ledgerVersion = 1

// maxLedger bounds what is read of a ledger or another object: a ledger
// of ten thousand events is about a megabyte.
const maxLedger = 64 << 20

// finishTimeout bounds a Save or Release made after the caller's context
// ended (see finishing).
const finishTimeout = 30 * time.Second

// How an event came to be in a ledger.
type How string

const (
	Sent    How = "sent"    // delivered to the target
	Skipped How = "skipped" // recorded without sending: older than a first run announces
)

func (h How) valid() bool { return h == Sent || h == Skipped }

// Store is the bucket holding the ledgers of a site's targets.
type Store struct {
	bucket *blob.Bucket
	where  string // the bucket, fit for messages: no query, no user
	dir    string // a folder bucket's folder, where locks are made by link (lock.go)
	// Poll is how often Acquire looks again at a target another run
	// holds. OpenLedgers sets 2 s.
	Poll time.Duration
}

// OpenLedgers opens the bucket at where: an s3://, gs://, azblob:// or
// file:// URL as gocloud.dev reads them, or a folder, made if absent.
func OpenLedgers(ctx context.Context, where string) (*Store, error) {
	raw, dir, err := bucketURL(where)
	if err != nil {
		return nil, err
	}
	s := &Store{where: redactURL(raw), dir: dir, Poll: 2 * time.Second}
	s.bucket, err = blob.OpenBucket(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("cannot open the notify ledgers' bucket %s: %s", s.where, scrub(err.Error(), raw))
	}
	return s, nil
}

// scrub takes out of an error text the URL it quotes, and the user,
// password and query values in it, which may be secrets.
func scrub(text, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the URL does not parse"
	}
	text = strings.ReplaceAll(text, raw, redactURL(raw))
	var secrets []string
	if u.User != nil {
		p, _ := u.User.Password()
		secrets = append(secrets, u.User.Username(), p, u.User.String())
	}
	for _, vs := range u.Query() {
		secrets = append(secrets, vs...)
	}
	secrets = append(secrets, u.RawQuery)
	for _, s := range secrets {
		if len(s) >= 3 {
			text = strings.ReplaceAll(text, s, "…")
		}
	}
	return text
}

// Close closes the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

// ReadFile returns the object key of the bucket, an error matching
// fs.ErrNotExist if there is none.
func (s *Store) ReadFile(ctx context.Context, key string) ([]byte, error) {
	data, err := s.read(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s in %s: %w", key, s.where, err)
	}
	return data, nil
}

// read reads an object whole, up to maxLedger bytes.
func (s *Store) read(ctx context.Context, key string) ([]byte, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if isNotFound(err) {
		return nil, fs.ErrNotExist
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxLedger+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxLedger {
		return nil, fmt.Errorf("larger than %d MiB", maxLedger>>20)
	}
	return data, nil
}

// bucketURL makes where a URL blob.OpenBucket takes and, for a folder,
// returns its path too. A folder is written in place (no_tmp_dir) so
// that it may sit on any file system, and without sidecar files: a
// ledger has no headers to keep.
func bucketURL(where string) (raw, dir string, err error) {
	if !strings.Contains(where, "://") {
		abs, err := filepath.Abs(where)
		if err != nil {
			return "", "", fmt.Errorf("cannot find the folder %s: %v", where, err)
		}
		p := filepath.ToSlash(abs)
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x
		}
		u := url.URL{Scheme: "file", Path: p, RawQuery: "create_dir=true&metadata=skip&no_tmp_dir=true"}
		return u.String(), abs, nil
	}
	u, err := url.Parse(where)
	if err != nil {
		return "", "", errors.New("the notify ledgers' bucket URL does not parse")
	}
	if u.Scheme != "file" {
		return where, "", nil
	}
	q := u.Query()
	for k, v := range map[string]string{"no_tmp_dir": "true", "metadata": "skip"} {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	// As fileblob's URL opener finds the folder.
	p := u.Path
	if u.Host == "." || os.PathSeparator != '/' {
		p = strings.TrimPrefix(p, "/")
	}
	dir, err = filepath.Abs(filepath.FromSlash(p))
	if err != nil {
		return "", "", fmt.Errorf("cannot find the folder of %s: %v", redactURL(where), err)
	}
	return u.String(), dir, nil
}

// redact keeps of a bucket URL its scheme, bucket and path.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the notify ledgers' bucket"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

func isNotFound(err error) bool {
	return gcerrors.Code(err) == gcerrors.NotFound
}

// targetFolder is the folder of a target's lock and ledger.
func targetFolder(target string) string { return ledgerPrefix + targetID(target) + "/" }

// targetID names a target in the bucket without showing its name.
func targetID(target string) string {
	sum := sha256.Sum256([]byte(target))
	return hex.EncodeToString(sum[:16])
}

// Ledger is what was delivered to one target, held under its lock from
// Acquire to Release. Its methods may be called from several goroutines.
type Ledger struct {
	store  *Store
	target string
	folder string
	gen    int64      // of our lock object
	lock   lockRecord // as we wrote it
	// tookOver tells of the run whose lock this run took over, if any.
	tookOver string

	mu       sync.Mutex
	file     ledgerFile
	released bool
}

type ledgerFile struct {
	Version int `json:"version"`
	// Target is the hash the target's folder is named by, not its name:
	// a bucket serving the site may serve this file too, and a name may
	// hold a mailing list's address.
	Target string                 `json:"target"`
	Since  time.Time              `json:"since,omitzero"`
	Events map[string]ledgerEvent `json:"events"`
}

type ledgerEvent struct {
	At  time.Time `json:"at"`
	How How       `json:"how"`
}

func (l *Ledger) key() string { return l.folder + "ledger.json" }

// load reads the target's ledger; a target without one gets an empty
// ledger, its Since zero.
func (l *Ledger) load(ctx context.Context) error {
	data, err := l.store.read(ctx, l.key())
	if errors.Is(err, fs.ErrNotExist) {
		l.file = ledgerFile{Version: ledgerVersion, Target: targetID(l.target), Events: map[string]ledgerEvent{}}
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the notify ledger of %s (%s in %s): %v", l.target, l.key(), l.store.where, err)
	}
	if err := l.file.parse(data, targetID(l.target)); err != nil {
		return l.damaged(err)
	}
	return nil
}

func (f *ledgerFile) parse(data []byte, target string) error {
	if err := json.Unmarshal(data, f); err != nil {
		return fmt.Errorf("not a ledger: %v", err)
	}
	switch {
	case f.Version != ledgerVersion:
		return fmt.Errorf("version %d, not %d: written by another version of statusgen", f.Version, ledgerVersion)
	case f.Target != target:
		return fmt.Errorf("it is the ledger of another target (%s)", f.Target)
	case f.Events == nil:
		return errors.New("no events")
	}
	for k, e := range f.Events {
		if !e.How.valid() {
			return fmt.Errorf("event %q: how %q", k, e.How)
		}
	}
	return nil
}

// damaged explains why a damaged ledger is not replaced: a new ledger
// would make the target new, so that the next run would send again what
// is recent and never send older updates the target missed.
func (l *Ledger) damaged(err error) error {
	return fmt.Errorf("the notify ledger of %s, %s in %s, is damaged (%v). notify does not replace it: with a new ledger it would take %s for a new target, send again the updates it announces on a first run and never send older ones %s missed. Restore the object from the bucket's versions or a backup, or delete it to start %s afresh",
		l.target, l.key(), l.store.where, err, l.target, l.target, l.target)
}

// Target is the name the ledger was acquired for.
func (l *Ledger) Target() string { return l.target }

// TookOver tells, if this run took over the lock of a run that did not
// release it (it died, or outlived its lease), which run that was; ""
// otherwise. What that run sent after its last Save is sent again.
func (l *Ledger) TookOver() string { return l.tookOver }

// Has says whether the ledger records the event key.
func (l *Ledger) Has(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.file.Events[key]
	return ok
}

// Record notes that the event key was sent or skipped at a time. Save
// stores it.
func (l *Ledger) Record(key string, at time.Time, how How) {
	if !how.valid() {
		panic("notify: recorded as " + string(how)) // the ledger would not load again
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file.Events[key] = ledgerEvent{at.UTC(), how}
}

// Len is how many events the ledger records.
func (l *Ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.file.Events)
}

// Since is when the target first ran: zero for a target new to the
// ledger, until SetSince.
func (l *Ledger) Since() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.file.Since
}

// SetSince sets when the target first ran.
func (l *Ledger) SetSince(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file.Since = t.UTC()
}

// Prune forgets the events recorded before a time that keep does not
// ask to keep (nil keeps none), so that the ledger does not grow for ever.
func (l *Ledger) Prune(before time.Time, keep func(key string) bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, e := range l.file.Events {
		if e.At.Before(before) && (keep == nil || !keep(k)) {
			delete(l.file.Events, k)
		}
	}
}

// Save stores the ledger whole, after checking that this run still
// holds the target's lock: a run that outlived its lease and was taken
// over must not overwrite what the run after it recorded. It costs a
// listing of the target's lock objects (one or two) and a write of the
// ledger, which is about 100 bytes an event: a few tens of milliseconds
// against a cloud bucket, fine after each of hundreds of messages.
//
// Save is meant to follow a delivery, which must not go unrecorded
// because the run's deadline just passed: it goes on after ctx ends,
// for up to 30 s, within the lease the caller gave beyond its deadline.
func (l *Ledger) Save(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.released {
		return fmt.Errorf("the notify ledger of %s was saved after its lock was released", l.target)
	}
	ctx, cancel := finishing(ctx)
	defer cancel()
	if err := l.stillHeld(ctx); err != nil {
		return err
	}
	data, err := json.MarshalIndent(l.file, "", "\t")
	if err != nil {
		return err
	}
	err = l.store.bucket.WriteAll(ctx, l.key(), append(data, '\n'), &blob.WriterOptions{
		ContentType:  "application/json",
		CacheControl: "no-store",
	})
	if err != nil {
		return fmt.Errorf("cannot save the notify ledger of %s (%s in %s): %v", l.target, l.key(), l.store.where, err)
	}
	return nil
}

// finishing is ctx without its end, bounded by finishTimeout.
func finishing(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
}
