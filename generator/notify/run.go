package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"statusgen/generator/build"
	"statusgen/generator/deploy"
	"statusgen/generator/publish"
	"statusgen/generator/render"
	"statusgen/generator/source"
	"statusgen/generator/status"
)

// Bounds of a run, documented in docs/notify.md.
const (
	// DefaultDeadline is how long a run may take in all: a target that
	// is down does not hold CI for longer, and gets what it missed from
	// the next run.
	DefaultDeadline = 5 * time.Minute
	// FirstRunWindow is how far back a target's first run looks: an
	// existing site's history is not announced, its last hour is.
	FirstRunWindow = time.Hour
	// Horizon is how far back any run looks: events older than that are
	// never sent, and the ledger forgets them.
	Horizon = 30 * 24 * time.Hour
)

// Options say what to announce, and where.
type Options struct {
	Build   build.Options // the site; Now and BaseURL are taken from the build in Out
	Out     string        // the built site, as deployed
	Ledger  string        // where the ledger is kept: a bucket URL or a folder; "" with DryRun for none
	Deploys []string      // the site's deploy target URLs: a ledger in one of them checks the deploy
	Targets []*status.NotifyTarget
	DryRun  bool
	Env     Env
	Log     io.Writer // the summary, and with DryRun every message
	Errors  io.Writer // the line of a target that failed
	// Deadline bounds the whole run; 0 for DefaultDeadline.
	Deadline time.Duration
	// Clock is the time messages are recorded at; nil for time.Now.
	Clock func() time.Time
}

// Result is what a run did for one target.
type Result struct {
	Target  string
	Sent    int // messages delivered (with DryRun: that would be)
	Pending int // due messages not delivered, for the next run
	Refused int // messages a receiver refused for what they hold: recorded, never sent
	Err     error
}

// Run announces, to every target, the events of its scope the build in
// Out shows and its ledger does not hold. Targets run side by side, each
// under its own lock: one that fails or hangs costs the others nothing.
// The error is for what stops every target; a target's own is in its
// Result.
func Run(ctx context.Context, opts Options) ([]Result, error) {
	if opts.Deadline == 0 {
		opts.Deadline = DefaultDeadline
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Deadline)
	defer cancel()
	loaded, err := load(opts)
	if err != nil {
		return nil, err
	}
	if opts.Errors == nil {
		opts.Errors = opts.Log
	}
	var store *Store
	if opts.Ledger != "" {
		if store, err = OpenLedgers(ctx, opts.Ledger); err != nil && !opts.DryRun {
			return nil, err
		}
		if err != nil {
			// A dry run is for trying things out, often where the
			// bucket's credentials are not.
			fmt.Fprintf(opts.Errors, "statusgen notify: cannot open the ledger (%v); showing what first runs would send\n", err)
			store = nil
		}
	}
	if store != nil {
		defer store.Close()
		if !opts.DryRun {
			if err := checkDeployed(ctx, store, opts); err != nil {
				return nil, err
			}
		}
	}
	results := make([]Result, len(opts.Targets))
	logs := make([]bytes.Buffer, len(opts.Targets))
	var wg sync.WaitGroup
	for i, t := range opts.Targets {
		wg.Go(func() {
			results[i] = runTarget(ctx, opts, loaded.Build(), store, t, &logs[i])
		})
	}
	wg.Wait()
	// In the order of site.yaml, whichever finished first.
	for i, r := range results {
		opts.Log.Write(logs[i].Bytes())
		summarize(opts.Log, opts.Errors, r, opts.DryRun)
	}
	return results, nil
}

// load reads the site as of the build in Out, for the address it was
// built for, and checks that Out is a build of these posts: what is
// announced is what the build shows.
func load(opts Options) (*build.Loaded, error) {
	now, err := publish.BuiltAt(opts.Out)
	if err != nil {
		return nil, err
	}
	base, err := deploy.BuiltFor(opts.Out)
	if err != nil {
		return nil, fmt.Errorf("%s: %v; build the site again", opts.Out, err)
	}
	bo := opts.Build
	bo.Now, bo.BaseURL = now, base
	loaded, err := build.Load(bo)
	if err != nil {
		return nil, err
	}
	want, err := loaded.Render("feed.xml")
	if err != nil {
		return nil, err
	}
	got, err := os.ReadFile(filepath.Join(opts.Out, "feed.xml"))
	if err != nil || !bytes.Equal(got, want) {
		return nil, fmt.Errorf("%s was not built from these posts (its feed.xml differs from theirs as of %s); build, deploy, then notify, from one checkout",
			opts.Out, now.UTC().Format(time.RFC3339))
	}
	return loaded, nil
}

// checkDeployed refuses to announce a build the bucket holding the
// ledger does not serve: after a deploy that failed, readers following a
// link would not find the update.
func checkDeployed(ctx context.Context, store *Store, opts Options) error {
	if !sameStore(opts.Ledger, opts.Deploys) {
		return nil
	}
	stored, err := store.ReadFile(ctx, deploy.ManifestKey)
	if err != nil {
		return fmt.Errorf("the ledger's bucket has no deploy of this site (%v); deploy, then notify", err)
	}
	holds, err := deploy.Stored(stored)
	if err != nil {
		return err
	}
	files, err := publish.Listed(opts.Out)
	if err != nil {
		return err
	}
	differs := make([]bool, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	work := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				data, err := os.ReadFile(filepath.Join(opts.Out, filepath.FromSlash(files[i])))
				errs[i], differs[i] = err, err == nil && !holds(files[i], data)
			}
		})
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, f := range files {
		if errs[i] != nil {
			return errs[i]
		}
		if differs[i] {
			return fmt.Errorf("the bucket does not hold this build (%s differs): the deploy failed or has not run; deploy, then notify; nothing was sent", f)
		}
	}
	return nil
}

// sameStore reports whether the ledger is kept in one of the deploy
// targets.
func sameStore(ledger string, deploys []string) bool {
	for _, d := range deploys {
		if d == ledger {
			return true
		}
	}
	return false
}

// runTarget announces to one target what it has not heard of yet, in
// order, stopping at the first message that cannot be delivered: the
// next run starts again from there, so none is skipped and none comes
// out of order.
func runTarget(ctx context.Context, opts Options, b *render.Build, store *Store, t *status.NotifyTarget, log io.Writer) (res Result) {
	res.Target = t.Name
	live := map[string]bool{} // posts with an event inside the horizon
	var led *Ledger
	if store != nil {
		var err error
		if led, err = store.Acquire(ctx, t.Name, opts.Deadline+time.Minute); err != nil && !opts.DryRun {
			res.Err = err
			return res
		}
		if err != nil {
			fmt.Fprintf(log, "%s: cannot read its ledger (%v); showing what a first run would send\n", t.Name, err)
		}
	}
	if led != nil {
		defer func() {
			if !opts.DryRun {
				// Forgotten only once no event of its post can be due:
				// planned work announced long ahead is still to start.
				led.Prune(opts.Clock().Add(-Horizon), func(key string) bool {
					base, _, _ := strings.Cut(key, "/")
					return live[base]
				})
				if err := led.Save(context.WithoutCancel(ctx)); err != nil && res.Err == nil {
					res.Err = err
				}
			}
			if err := led.Release(context.WithoutCancel(ctx)); err != nil && res.Err == nil {
				res.Err = err
			}
		}()
	}
	st := b.Status()
	// The first run fixes since, even when the target then fails: what
	// comes after is owed to it.
	since := st.Now.Add(-FirstRunWindow)
	if led != nil {
		if led.Since().IsZero() {
			led.SetSince(since)
		}
		since = led.Since()
	}
	floor := st.Now.Add(-Horizon)
	if since.After(floor) {
		floor = since
	}
	told := func(key string) bool { return led != nil && led.Has(key) }
	s := targetScope(b, t)
	want := wanted(t)
	w := &wording{b: b, st: st, s: s, t: t, threads: map[string]string{}}
	var due []event
	for _, e := range events(st, s, want, told) {
		if !e.at.Before(st.Now.Add(-Horizon)) {
			live[e.post.Incident+"#"+e.post.Name] = true
		}
		if _, ok := w.threads[e.post.Incident]; !ok {
			w.threads[e.post.Incident] = thread(st, s, e.post.Incident, want, told)
		}
		if !e.at.Before(floor) && !told(e.key) {
			due = append(due, e)
		}
	}
	var ch Channel
	if !opts.DryRun && len(due) > 0 {
		var err error
		if ch, err = NewChannel(t, st.Site, opts.Env); err != nil {
			res.Err, res.Pending = err, len(due)
			return res
		}
	}
	var refused []string // keys the receiver refused, each maybe for itself
	var refusal error
	for i, e := range due {
		m, err := w.word(e)
		if err != nil {
			res.Err, res.Pending = err, len(due)-i
			break
		}
		if t.Type == "websub" && len(m.Feeds) == 0 {
			continue // no feed gained an item: nothing to tell the hub
		}
		if opts.DryRun {
			printMessage(log, t, m)
			res.Sent++
			continue
		}
		if err := Deliver(ctx, ch, m, opts.Env); err != nil {
			if refusedAlone(err) && i+1 < len(due) {
				// Perhaps this message only: the next one tells.
				refused = append(refused, e.key)
				refusal = err
				continue
			}
			res.Err, res.Pending = err, len(due)-i+len(refused)
			break
		}
		res.Sent++
		// The receiver took the next message: the ones it refused are
		// refused for what they hold, and waiting for them would keep
		// every later update from the target.
		for _, key := range refused {
			led.Record(key, opts.Clock(), Skipped)
		}
		if len(refused) > 0 {
			res.Refused += len(refused)
			res.Err = fmt.Errorf("%d %s refused for good and not sent again (%v)", len(refused), plural(len(refused), "message", "messages"), refusal)
			refused = nil
		}
		led.Record(e.key, opts.Clock(), Sent)
		// Saved after each message: a run killed midway repeats at most
		// the message it was delivering.
		if err := led.Save(context.WithoutCancel(ctx)); err != nil {
			res.Err, res.Pending = err, len(due)-i-1
			break
		}
	}
	return res
}

// refusedAlone reports whether an error may be the receiver's refusal of
// one message for what it holds (a payload too large or not to its
// liking), not of the target as a whole (gone, not authorised, down).
func refusedAlone(err error) bool {
	var h *HTTPError
	if errors.As(err, &h) {
		return !h.Retryable() && !h.Gone() && h.Status/100 == 4 && h.Status != http.StatusUnauthorized && h.Status != http.StatusForbidden
	}
	var m *EmailError
	if errors.As(err, &m) {
		return m.Permanent && m.Step == "data"
	}
	return false
}

// wanted is which events the target is told of.
func wanted(t *status.NotifyTarget) map[Event]bool {
	want := map[Event]bool{Update: true, Scheduled: true, Started: true, Completed: true}
	if t.Maintenance != nil {
		want[Scheduled], want[Started], want[Completed] = false, false, false
		for _, m := range t.Maintenance {
			for e, name := range eventNames {
				if name == m {
					want[Event(e)] = true
				}
			}
		}
	}
	return want
}

func summarize(log, errs io.Writer, r Result, dryRun bool) {
	verb := "sent"
	if dryRun {
		verb = "would send"
	}
	var done string
	if r.Sent > 0 {
		done = fmt.Sprintf(" %s %d,", verb, r.Sent)
	}
	switch {
	case r.Err != nil && r.Pending > 0:
		fmt.Fprintf(errs, "%s:%s failed: %v; the next run sends the %d left\n", r.Target, done, r.Err, r.Pending)
	case r.Err != nil:
		fmt.Fprintf(errs, "%s:%s failed: %v\n", r.Target, done, r.Err)
	case r.Sent == 0:
		fmt.Fprintf(log, "%s: nothing new\n", r.Target)
	default:
		fmt.Fprintf(log, "%s: %s %d %s\n", r.Target, verb, r.Sent, plural(r.Sent, "message", "messages"))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printMessage shows a message as a dry run prints it, what a terminal
// would act on escaped: titles and bodies are the posts' authors'.
func printMessage(w io.Writer, t *status.NotifyTarget, m *Message) {
	p := source.Printable
	fmt.Fprintf(w, "%s: %s %s\n", t.Name, m.Event, p(m.Key))
	fmt.Fprintf(w, "  %s\n  %s\n", p(m.Title), p(m.When))
	if m.Window != "" {
		fmt.Fprintf(w, "  %s\n", p(m.Window))
	}
	for _, line := range strings.Split(strings.TrimSpace(m.Text), "\n") {
		fmt.Fprintf(w, "  | %s\n", p(line))
	}
	fmt.Fprintf(w, "  %s: %s\n", p(m.Labels.View), p(m.URL))
	if len(m.Feeds) > 0 {
		fmt.Fprintf(w, "  feeds: %s\n", p(strings.Join(m.Feeds, " ")))
	}
}
