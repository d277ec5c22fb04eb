package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 starts an S3-compatible server in process and returns the URL
// of an empty bucket in it.
func fakeS3(t *testing.T) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key-id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	return "s3://site?endpoint=" + srv.URL + "&use_path_style=true&disable_https=true&region=us-east-1"
}

// eachBucket runs a test against S3 and against a folder.
func eachBucket(t *testing.T, test func(t *testing.T, where string)) {
	t.Run("s3", func(t *testing.T) { test(t, fakeS3(t)) })
	t.Run("folder", func(t *testing.T) { test(t, filepath.Join(t.TempDir(), "ledgers")) })
}

func openStore(t *testing.T, where string) *Store {
	t.Helper()
	s, err := OpenLedgers(context.Background(), where)
	if err != nil {
		t.Fatal(err)
	}
	s.Poll = time.Millisecond
	t.Cleanup(func() { s.Close() })
	return s
}

func acquire(t *testing.T, s *Store, target string) *Ledger {
	t.Helper()
	l, err := s.Acquire(context.Background(), target, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func save(t *testing.T, l *Ledger) {
	t.Helper()
	if err := l.Save(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func release(t *testing.T, l *Ledger) {
	t.Helper()
	if err := l.Release(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// soon is a context that ends before long, for an Acquire that must not
// get the lock: long enough to see who holds it.
func soon(t *testing.T) context.Context {
	return within(t, 300*time.Millisecond)
}

// bounded is a context for an Acquire that must not wait for a lease to
// end: were it to, the test fails instead of hanging.
func bounded(t *testing.T) context.Context {
	return within(t, 20*time.Second)
}

func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestLedgerRoundTrip(t *testing.T) {
	eachBucket(t, func(t *testing.T, where string) {
		s := openStore(t, where)
		l := acquire(t, s, "Japan · Slack")
		if !l.Since().IsZero() || l.Has("a#1") || l.TookOver() != "" {
			t.Fatalf("a new target's ledger: since %v, has a#1 %v, took over %q", l.Since(), l.Has("a#1"), l.TookOver())
		}
		since := time.Date(2011, 5, 14, 23, 0, 0, 0, time.FixedZone("JST", 9*3600))
		l.SetSince(since)
		l.Record("a#1", since.Add(time.Minute), Sent)
		l.Record("a#0", since.Add(-time.Hour), Skipped)
		save(t, l)
		release(t, l)

		l = acquire(t, s, "Japan · Slack")
		if !l.Since().Equal(since) || !l.Has("a#1") || !l.Has("a#0") || l.Has("a#2") || l.Len() != 2 {
			t.Errorf("read back: since %v, a#1 %v, a#0 %v, a#2 %v, len %d", l.Since(), l.Has("a#1"), l.Has("a#0"), l.Has("a#2"), l.Len())
		}
		l.Prune(since, nil)
		if l.Has("a#0") || !l.Has("a#1") {
			t.Errorf("Prune(since) kept a#0 %v, a#1 %v", l.Has("a#0"), l.Has("a#1"))
		}

		// The object as the docs describe it.
		folder := targetFolder("Japan · Slack")
		data, err := s.ReadFile(context.Background(), folder+"ledger.json")
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Version int
			Target  string
			Since   string
			Events  map[string]struct{ At, How string }
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if f.Version != 1 || f.Target != targetID("Japan · Slack") || strings.Contains(string(data), "Japan") || f.Since != "2011-05-14T14:00:00Z" ||
			f.Events["a#1"] != (struct{ At, How string }{"2011-05-14T14:01:00Z", "sent"}) ||
			f.Events["a#0"].How != "skipped" {
			t.Errorf("ledger.json:\n%s", data)
		}
		if len(folder) != len(".statusgen-notify/")+32+1 {
			t.Errorf("target folder %q", folder)
		}
		// A release deletes the older lock objects, leaving its own.
		gens, err := s.locks(context.Background(), folder)
		if err != nil || fmt.Sprint(gens) != "[1 2]" {
			t.Errorf("locks held: %v %v", gens, err)
		}
		release(t, l)
		gens, err = s.locks(context.Background(), folder)
		if err != nil || fmt.Sprint(gens) != "[2]" {
			t.Errorf("locks released: %v %v", gens, err)
		}
	})
}

func TestLedgerLockObject(t *testing.T) {
	eachBucket(t, func(t *testing.T, where string) {
		s := openStore(t, where)
		before := time.Now().Add(-time.Second)
		l := acquire(t, s, "ops")
		key := lockKey(targetFolder("ops"), 1)
		if !strings.HasSuffix(key, "/lock-000000000001") {
			t.Errorf("lock key %q", key)
		}
		r, err := s.readLock(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		host, _ := os.Hostname()
		if r.Run == "" || r.Host != host || r.At.Before(before) || r.Until.Sub(r.At) != time.Minute || r.Released {
			t.Errorf("held lock: %+v", r)
		}
		release(t, l)
		r, err = s.readLock(context.Background(), key)
		if err != nil || !r.Released {
			t.Errorf("released lock: %+v %v", r, err)
		}
	})
}

func TestLedgerSecondRunWaits(t *testing.T) {
	eachBucket(t, func(t *testing.T, where string) {
		first := openStore(t, where)
		second := openStore(t, where)
		l := acquire(t, first, "ops")

		_, err := second.Acquire(soon(t), "ops", time.Minute)
		host, _ := os.Hostname()
		if err == nil || !strings.Contains(err.Error(), "another notify run holds ops since ") || !strings.Contains(err.Error(), " on "+host) {
			t.Fatalf("Acquire while another run holds the target: %v", err)
		}

		got := make(chan *Ledger)
		go func() {
			l2, err := second.Acquire(context.Background(), "ops", time.Minute)
			if err != nil {
				t.Error(err)
			}
			got <- l2
		}()
		l.Record("first", time.Now(), Sent)
		save(t, l)
		release(t, l)
		l2 := <-got
		if l2 == nil {
			return
		}
		defer release(t, l2)
		if !l2.Has("first") {
			t.Error("the second run does not see what the first recorded")
		}
	})
}

func TestLedgerTargetsDoNotBlockEachOther(t *testing.T) {
	eachBucket(t, func(t *testing.T, where string) {
		s := openStore(t, where)
		a := acquire(t, s, "a")
		defer release(t, a)
		b, err := openStore(t, where).Acquire(bounded(t), "b", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		release(t, b)
	})
}

// rounds takes the lock of "counter" n times, each time recording the
// next number: a lost update records a number twice.
func rounds(s *Store, n int) error {
	for range n {
		l, err := s.Acquire(context.Background(), "counter", time.Minute)
		if err != nil {
			return err
		}
		l.Record(strconv.Itoa(l.Len()), time.Now(), Sent)
		if err := l.Save(context.Background()); err != nil {
			return err
		}
		if err := l.Release(context.Background()); err != nil {
			return err
		}
	}
	return nil
}

func count(t *testing.T, where string) int {
	t.Helper()
	l := acquire(t, openStore(t, where), "counter")
	defer release(t, l)
	for i := range l.Len() {
		if !l.Has(strconv.Itoa(i)) {
			t.Errorf("%d is missing", i)
		}
	}
	return l.Len()
}

func TestLedgerRacingRunsLoseNothing(t *testing.T) {
	const runs, n = 3, 20
	eachBucket(t, func(t *testing.T, where string) {
		var wg sync.WaitGroup
		for range runs {
			s := openStore(t, where)
			wg.Go(func() {
				if err := rounds(s, n); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := count(t, where); got != runs*n {
			t.Errorf("%d runs of %d rounds counted to %d", runs, n, got)
		}
	})
}

// TestLedgerRacingProcesses races runs in processes of their own on a
// folder, where the bucket driver's own check for an existing object
// holds within a process only.
func TestLedgerRacingProcesses(t *testing.T) {
	const runs, n = 3, 20
	dir := filepath.Join(t.TempDir(), "ledgers")
	var cmds []*exec.Cmd
	for range runs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "NOTIFY_LEDGER_DIR="+dir, "NOTIFY_LEDGER_ROUNDS="+strconv.Itoa(n))
		cmds = append(cmds, cmd)
	}
	outs := make([][]byte, runs)
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Go(func() { outs[i], errs[i] = cmd.CombinedOutput() })
	}
	wg.Wait()
	for i := range cmds {
		if errs[i] != nil {
			t.Fatalf("run %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	if got := count(t, dir); got != runs*n {
		t.Errorf("%d processes of %d rounds counted to %d", runs, n, got)
	}
}

func TestLedgerHelperProcess(t *testing.T) {
	dir := os.Getenv("NOTIFY_LEDGER_DIR")
	if dir == "" {
		t.Skip("run by TestLedgerRacingProcesses")
	}
	n, _ := strconv.Atoi(os.Getenv("NOTIFY_LEDGER_ROUNDS"))
	if err := rounds(openStore(t, dir), n); err != nil {
		t.Fatal(err)
	}
}

func TestLedgerStaleLockIsTakenOver(t *testing.T) {
	eachBucket(t, func(t *testing.T, where string) {
		s := openStore(t, where)
		// A run whose lease has ended without a release: it died, or is
		// still going, too long.
		dead, err := s.Acquire(context.Background(), "ops", -time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		dead.Record("dead", time.Now(), Sent)
		save(t, dead) // still the newest lock: saving is allowed

		next, err := openStore(t, where).Acquire(bounded(t), "ops", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		host, _ := os.Hostname()
		if !strings.Contains(next.TookOver(), "a run on "+host) || !next.Has("dead") {
			t.Errorf("took over %q; has the dead run's record: %v", next.TookOver(), next.Has("dead"))
		}
		next.Record("next", time.Now(), Sent)
		save(t, next)

		// The run taken over must not overwrite the ledger of the next.
		dead.Record("late", time.Now(), Sent)
		err = dead.Save(context.Background())
		if err == nil || !strings.Contains(err.Error(), "this run no longer holds ops") || !strings.Contains(err.Error(), "took it over") {
			t.Fatalf("Save of a run taken over: %v", err)
		}
		release(t, next)
		release(t, dead) // harmless: older than the newest

		l := acquire(t, s, "ops")
		defer release(t, l)
		if !l.Has("next") || l.Has("late") || l.TookOver() != "" {
			t.Errorf("after both: next %v, late %v, took over %q", l.Has("next"), l.Has("late"), l.TookOver())
		}
	})
}

func TestLedgerSaveAfterRelease(t *testing.T) {
	s := openStore(t, t.TempDir())
	l := acquire(t, s, "ops")
	release(t, l)
	if err := l.Save(context.Background()); err == nil {
		t.Error("Save after Release succeeded")
	}
}

func TestLedgerDamaged(t *testing.T) {
	ops, dev := targetID("ops"), targetID("dev")
	cases := []struct{ name, data, want string }{
		{"not json", "{\"version\":1, \"target\":", "not a ledger"},
		{"version", `{"version":2,"target":"` + ops + `","events":{}}`, "version 2, not 1"},
		{"other target", `{"version":1,"target":"` + dev + `","events":{}}`, "it is the ledger of another target (" + dev + ")"},
		{"how", `{"version":1,"target":"` + ops + `","events":{"a#1":{"at":"2024-01-01T00:00:00Z","how":"maybe"}}}`, `event "a#1": how "maybe"`},
	}
	eachBucket(t, func(t *testing.T, where string) {
		s := openStore(t, where)
		key := targetFolder("ops") + "ledger.json"
		for _, c := range cases {
			if err := s.bucket.WriteAll(context.Background(), key, []byte(c.data), nil); err != nil {
				t.Fatal(err)
			}
			_, err := s.Acquire(bounded(t), "ops", time.Minute)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), key) ||
				!strings.Contains(err.Error(), "does not replace it") {
				t.Errorf("%s: %v", c.name, err)
			}
			// Not replaced.
			data, _ := s.ReadFile(context.Background(), key)
			if string(data) != c.data {
				t.Errorf("%s: the damaged ledger became %s", c.name, data)
			}
		}
	})
}

func TestLedgerDamagedLock(t *testing.T) {
	s := openStore(t, t.TempDir())
	key := lockKey(targetFolder("ops"), 7)
	if err := s.bucket.WriteAll(context.Background(), key, []byte("<html>"), nil); err != nil {
		t.Fatal(err)
	}
	_, err := s.Acquire(bounded(t), "ops", time.Minute)
	if err == nil || !strings.Contains(err.Error(), key+" in ") || !strings.Contains(err.Error(), "is damaged") {
		t.Errorf("Acquire over a damaged lock: %v", err)
	}
}

func TestLedgerReadFile(t *testing.T) {
	eachBucket(t, func(t *testing.T, where string) {
		s := openStore(t, where)
		if _, err := s.ReadFile(context.Background(), ".statusgen-deploy.json"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("reading an absent object: %v", err)
		}
		want := `{"format":1}`
		if err := s.bucket.WriteAll(context.Background(), ".statusgen-deploy.json", []byte(want), nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.ReadFile(context.Background(), ".statusgen-deploy.json")
		if err != nil || string(got) != want {
			t.Errorf("ReadFile: %q %v", got, err)
		}
	})
}

// A folder holds the ledgers as plain files, nothing beside them once
// the run is over.
func TestLedgerFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	for _, where := range []string{dir, "file://" + filepath.ToSlash(dir)} {
		s := openStore(t, where)
		l := acquire(t, s, "ops")
		l.Record("x", time.Now(), Sent)
		save(t, l)
		release(t, l)
	}
	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	folder := targetFolder("ops")
	want := fmt.Sprint([]string{folder + "ledger.json", folder + "lock-000000000002"})
	if fmt.Sprint(files) != want {
		t.Errorf("files %v, want %v", files, want)
	}
}

func TestBucketURL(t *testing.T) {
	abs, _ := filepath.Abs("ledgers")
	for _, c := range []struct{ in, url, dir string }{
		{"ledgers", "file://" + filepath.ToSlash(abs) + "?create_dir=true&metadata=skip&no_tmp_dir=true", abs},
		{"file:///srv/site", "file:///srv/site?metadata=skip&no_tmp_dir=true", "/srv/site"},
		{"file:///srv/site?metadata=&create_dir=1", "file:///srv/site?create_dir=1&metadata=&no_tmp_dir=true", "/srv/site"},
		{"s3://b?endpoint=http://x&region=r", "s3://b?endpoint=http://x&region=r", ""},
	} {
		u, dir, err := bucketURL(c.in)
		if err != nil || u != c.url || dir != filepath.FromSlash(c.dir) {
			t.Errorf("bucketURL(%q) = %q, %q, %v; want %q, %q", c.in, u, dir, err, c.url, c.dir)
		}
	}
	if got := redactURL("s3://user:pw@b/p?endpoint=http://x"); got != "s3://b/p" {
		t.Errorf("redact: %q", got)
	}
}

// A message delivered just before the run's deadline is still recorded,
// and the lock still released.
func TestLedgerSaveAfterDeadline(t *testing.T) {
	eachBucket(t, func(t *testing.T, where string) {
		s := openStore(t, where)
		ctx, cancel := context.WithCancel(context.Background())
		l, err := s.Acquire(ctx, "ops", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		l.Record("last", time.Now(), Sent)
		if err := l.Save(ctx); err != nil {
			t.Fatal(err)
		}
		if err := l.Release(ctx); err != nil {
			t.Fatal(err)
		}
		l, err = s.Acquire(bounded(t), "ops", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		defer release(t, l)
		if !l.Has("last") {
			t.Error("the save after the deadline was lost")
		}
	})
}
