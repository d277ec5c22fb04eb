package notify

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// A target is locked by the run that created its newest lock object,
// lock-<gen>, unless that object says it was released or its lease has
// ended. A run takes the lock by creating the object of the next
// generation, which the bucket creates only if absent (S3 and Azure
// If-None-Match: *, GCS ifGenerationMatch=0, a hard link in a folder):
// of two runs only one can. The newest object is never deleted
// (a release deletes only the older ones), so generations only grow and a
// run that outlived its lease sees, before saving, that a newer one exists.

// lockRecord is a lock object.
type lockRecord struct {
	Run  string    `json:"run"`  // random, one a run
	Host string    `json:"host"` // where the run is
	At   time.Time `json:"at"`   // when it took the lock
	// Until is when the lease ends: past it, the run is taken for dead
	// and its lock may be taken over.
	Until    time.Time `json:"until"`
	Released bool      `json:"released"`
}

// keeps says whether the lock keeps other runs out at now.
func (r lockRecord) keeps(now time.Time) bool { return !r.Released && now.Before(r.Until) }

const (
	lockName = "lock-"
	genWidth = 12
	maxGen   = 999_999_999_999
)

func lockKey(folder string, gen int64) string {
	return fmt.Sprintf("%s%s%0*d", folder, lockName, genWidth, gen)
}

// Acquire takes the lock of the target, waiting, polling every s.Poll,
// while another run holds it, and reads the target's ledger. The lock is
// held until Release, or until lease has passed, after which another run
// takes this one for dead and may take it over: give the run's whole
// deadline and a margin. A lock whose lease has passed is taken over at
// once. Acquire fails when ctx ends first, saying who holds the target.
func (s *Store) Acquire(ctx context.Context, target string, lease time.Duration) (*Ledger, error) {
	l := &Ledger{store: s, target: target, folder: targetFolder(target)}
	if err := l.take(ctx, lease); err != nil {
		return nil, err
	}
	if err := l.load(ctx); err != nil {
		l.Release(ctx)
		return nil, err
	}
	return l, nil
}

// take loops until this run has created the newest lock object of the
// target.
func (l *Ledger) take(ctx context.Context, lease time.Duration) error {
	s := l.store
	mine := lockRecord{Run: rand.Text(), Host: hostname()}
	// holder is the run last seen holding the lock: when ctx ends, in a
	// pause or in a request, it is why.
	var holder *lockRecord
	stop := func(err error) error {
		if holder != nil && ctx.Err() != nil {
			return l.busy(*holder)
		}
		return err
	}
	for {
		gens, err := s.locks(ctx, l.folder)
		if err != nil {
			return stop(fmt.Errorf("cannot lock %s: cannot list its locks in %s: %v", l.target, s.where, err))
		}
		gen := last(gens)
		var prev lockRecord
		if gen > 0 {
			prev, err = s.readLock(ctx, lockKey(l.folder, gen))
			if errors.Is(err, fs.ErrNotExist) {
				// Deleted since listed, by the release of a newer one.
				if err := s.pause(ctx); err != nil {
					return stop(fmt.Errorf("cannot lock %s: %v", l.target, err))
				}
				continue
			}
			if err != nil {
				return stop(err)
			}
			if prev.keeps(time.Now()) {
				holder = &prev
				if s.pause(ctx) != nil {
					return stop(nil)
				}
				continue
			}
		}
		if gen >= maxGen {
			return fmt.Errorf("cannot lock %s: its locks in %s have run out of numbers; delete them", l.target, s.where)
		}
		now := time.Now().UTC()
		mine.At, mine.Until = now, now.Add(lease)
		key := lockKey(l.folder, gen+1)
		err = s.createLock(ctx, key, mine)
		if lostRace(err) {
			continue
		}
		if err != nil {
			return stop(fmt.Errorf("cannot lock %s: cannot write %s in %s: %v", l.target, key, s.where, err))
		}
		newest, err := s.newest(ctx, l.folder, gen+1)
		if err != nil {
			s.unlock(ctx, key, mine) // not to keep the next run waiting for the lease
			return stop(err)
		}
		if !newest {
			continue
		}
		l.gen, l.lock = gen+1, mine
		if gen > 0 && !prev.Released {
			l.tookOver = fmt.Sprintf("a run on %s that took the lock at %s and did not release it before its lease ended at %s",
				prev.Host, prev.At.Format(time.RFC3339), prev.Until.Format(time.RFC3339))
		}
		return nil
	}
}

// newest checks that the lock object just created is the newest. It is
// not when this run listed the locks, then slept while others took and
// released the lock, the last deleting the older objects, among them the
// one this run then created anew. That one is deleted and the run goes
// back to look.
func (s *Store) newest(ctx context.Context, folder string, gen int64) (bool, error) {
	gens, err := s.locks(ctx, folder)
	if err != nil {
		return false, fmt.Errorf("cannot list the locks in %s: %v", s.where, err)
	}
	if last(gens) > gen {
		_ = s.bucket.Delete(ctx, lockKey(folder, gen)) // older than the newest, it locks nothing
		return false, nil
	}
	return true, nil
}

// busy is the error of a run that stopped waiting for another.
func (l *Ledger) busy(other lockRecord) error {
	return fmt.Errorf("another notify run holds %s since %s on %s (its lease ends %s)",
		l.target, other.At.Format(time.RFC3339), other.Host, other.Until.Format(time.RFC3339))
}

// stillHeld checks that no run took the lock over since this run took it.
func (l *Ledger) stillHeld(ctx context.Context) error {
	s := l.store
	gens, err := s.locks(ctx, l.folder)
	if err != nil {
		return fmt.Errorf("cannot save the notify ledger of %s: cannot list its locks in %s: %v", l.target, s.where, err)
	}
	const lost = "; the ledger was not saved, so what this run sent to it since its last save will be sent again"
	if g := last(gens); g > l.gen {
		other, err := s.readLock(ctx, lockKey(l.folder, g))
		by := "another run"
		if err == nil {
			by = fmt.Sprintf("a run on %s at %s", other.Host, other.At.Format(time.RFC3339))
		}
		why := ""
		if time.Now().After(l.lock.Until) {
			why = fmt.Sprintf("its lease ended %s and ", l.lock.Until.Format(time.RFC3339))
		}
		return fmt.Errorf("this run no longer holds %s: %s%s took it over%s", l.target, why, by, lost)
	}
	if !slices.Contains(gens, l.gen) {
		return fmt.Errorf("this run's lock on %s, %s in %s, was deleted by someone%s",
			l.target, lockKey(l.folder, l.gen), s.where, lost)
	}
	return nil
}

// Release marks the lock released, then deletes the older lock objects.
// Like Save it goes on after ctx ends, for up to 30 s: a lock left held
// would keep the next run waiting until the lease ends.
func (l *Ledger) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.released {
		return nil
	}
	l.released = true
	ctx, cancel := finishing(ctx)
	defer cancel()
	s := l.store
	key := lockKey(l.folder, l.gen)
	if err := s.unlock(ctx, key, l.lock); err != nil {
		return fmt.Errorf("cannot release the lock on %s, %s in %s: %v; the next run waits for it until %s",
			l.target, key, s.where, err, l.lock.Until.Format(time.RFC3339))
	}
	// Tidying only: an older object left behind locks nothing.
	gens, _ := s.locks(ctx, l.folder)
	for _, g := range gens {
		if g < l.gen {
			_ = s.bucket.Delete(ctx, lockKey(l.folder, g))
		}
	}
	return nil
}

// unlock rewrites a lock object as released.
func (s *Store) unlock(ctx context.Context, key string, r lockRecord) error {
	ctx, cancel := finishing(ctx)
	defer cancel()
	r.Released = true
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.bucket.WriteAll(ctx, key, data, &blob.WriterOptions{ContentType: "application/json", CacheControl: "no-store"})
}

// locks lists the generations of a target's lock objects, in order.
func (s *Store) locks(ctx context.Context, folder string) ([]int64, error) {
	for try := 1; ; try++ {
		gens, err := s.listLocks(ctx, folder)
		// fileblob fails a listing when a file goes while it walks the
		// folder: a lock another run's release deleted.
		if !isNotFound(err) || try == 5 {
			return gens, err
		}
	}
}

// listLocks lists the lock objects once. Other names (a folder's
// temporary files) are not locks.
func (s *Store) listLocks(ctx context.Context, folder string) ([]int64, error) {
	prefix := folder + lockName
	it := s.bucket.List(&blob.ListOptions{Prefix: prefix})
	var gens []int64
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		n := strings.TrimPrefix(obj.Key, prefix)
		if len(n) != genWidth || strings.Trim(n, "0123456789") != "" {
			continue
		}
		g, _ := strconv.ParseInt(n, 10, 64)
		gens = append(gens, g)
	}
	slices.Sort(gens)
	return gens, nil
}

// last is the newest generation, 0 for none.
func last(gens []int64) int64 {
	if len(gens) == 0 {
		return 0
	}
	return gens[len(gens)-1]
}

// readLock reads a lock object; fs.ErrNotExist if absent.
func (s *Store) readLock(ctx context.Context, key string) (lockRecord, error) {
	var r lockRecord
	data, err := s.read(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return r, err
	}
	if err != nil {
		return r, fmt.Errorf("cannot read the notify lock %s in %s: %v", key, s.where, err)
	}
	if err := json.Unmarshal(data, &r); err != nil || r.Until.IsZero() {
		return r, fmt.Errorf("the notify lock %s in %s is damaged; if no notify run is going on, delete it", key, s.where)
	}
	return r, nil
}

// createLock creates a lock object if absent; lostRace tells the error
// when it is not.
func (s *Store) createLock(ctx context.Context, key string, r lockRecord) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if s.dir != "" {
		// fileblob checks absence and renames under a lock of its own
		// process only: two processes could both create the object.
		return linkNew(filepath.Join(s.dir, filepath.FromSlash(key)), data)
	}
	return s.bucket.WriteAll(ctx, key, data, &blob.WriterOptions{
		ContentType:  "application/json",
		CacheControl: "no-store",
		IfNotExist:   true,
	})
}

var errExists = errors.New("exists")

// linkNew writes a file that did not exist, whole: written under another
// name, then hard-linked to its own, which fails if that exists.
func linkNew(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".new-"+rand.Text())
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	err = os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		return errExists
	}
	return err
}

// apiError is the AWS SDK's error, to see its code without importing it.
type apiError interface{ ErrorCode() string }

// lostRace says whether creating a lock object failed because another
// run created it first.
func lostRace(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, errExists) || gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return true
	}
	// S3 answers 409 to a conditional write racing another; the other
	// may have won, so look again.
	var ae apiError
	return errors.As(err, &ae) && ae.ErrorCode() == "ConditionalRequestConflict"
}

// pause waits s.Poll, or until ctx ends.
func (s *Store) pause(ctx context.Context) error {
	t := time.NewTimer(s.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "an unknown host"
	}
	return h
}
