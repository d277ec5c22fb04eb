package status_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// site loads testSite with the given posts (path -> front-matter lines,
// without the fences) and fails the test on any content error.
func site(t *testing.T, posts map[string]string) *source.Content {
	t.Helper()
	fsys := fstest.MapFS{source.SiteFile: {Data: []byte(sitetest.Site)}}
	for p, fm := range posts {
		fsys["content/"+p+".md"] = &fstest.MapFile{Data: []byte("---\n" + fm + "\n---\nBody.\n")}
	}
	var errs source.ErrorList
	c := source.Load(fsys, "", &errs)
	c.Validate(&errs)
	if len(errs) > 0 {
		t.Fatalf("content errors:\n%v", errs.Sort())
	}
	return c
}

var at = sitetest.At

// derive computes the status from the posts in several shuffled orders and
// checks that the order never matters.
func derive(t *testing.T, c *source.Content, now string) *status.Status {
	t.Helper()
	st := status.Derive(c.Site, c.Posts, at(now))
	want := summary(st)
	for i := range 5 {
		posts := append([]*status.Post(nil), c.Posts...)
		rand.New(rand.NewPCG(uint64(i), 1)).Shuffle(len(posts), func(a, b int) { posts[a], posts[b] = posts[b], posts[a] })
		if got := summary(status.Derive(c.Site, posts, at(now))); got != want {
			t.Fatalf("status depends on file order:\n%s\nversus\n%s", got, want)
		}
	}
	return st
}

// summary writes down everything a status says, for comparisons.
func summary(st *status.Status) string {
	var b strings.Builder
	for _, p := range st.Pairs(status.Scope{}) {
		fmt.Fprintf(&b, "%s/%s=%s since %s\n", p.Region, p.Service, st.Current(p), st.Since(p).Format(time.RFC3339))
	}
	for _, v := range st.Views(status.Scope{}) {
		fmt.Fprintf(&b, "%s open=%v upcoming=%v maint=%v start=%s end=%s state=%s stage=%s\n",
			v.ID, v.Open, v.Upcoming, v.Maintenance, v.Start.Format(time.RFC3339), v.End.Format(time.RFC3339), v.State, v.Stage)
	}
	return b.String()
}

func post(region, service, state, ts string, extra ...string) string {
	return strings.Join(append([]string{"region: " + region, "service: " + service, "state: " + state, "timestamp: " + ts}, extra...), "\n")
}

func TestCurrentState(t *testing.T) {
	tests := []struct {
		name  string
		posts map[string]string
		now   string
		want  map[status.Pair]status.State
	}{
		{"no posts: operational", nil, "2011-05-01T00:00:00Z",
			map[status.Pair]status.State{{"na", "psn"}: status.Operational, {"jp", "psn"}: status.Operational}},
		{"latest past post wins", map[string]string{
			"a": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z"),
			"b": post("na", "psn", "operational", "2011-05-14T00:00:00Z"),
		}, "2011-05-20T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Operational}},
		{"future post does not count yet", map[string]string{
			"a": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z"),
			"b": post("na", "psn", "operational", "2011-05-14T00:00:00Z"),
		}, "2011-05-01T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.MajorOutage}},
		{"post exactly at now is past", map[string]string{
			"a": post("na", "psn", "degraded", "2011-05-01T00:00:00Z"),
		}, "2011-05-01T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Degraded}},
		{"same timestamp: worse state wins whatever the paths", map[string]string{
			"z": post("na", "psn", "degraded", "2011-05-01T00:00:00Z"),
			"a": post("na", "psn", "major_outage", "2011-05-01T00:00:00Z"),
		}, "2011-06-01T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.MajorOutage}},
		{"same instant in other offsets", map[string]string{
			"a": post("na", "psn", "partial_outage", "2011-05-01T09:00:00+09:00"),
			"b": post("na", "psn", "operational", "2011-05-01T00:00:00Z"),
		}, "2011-06-01T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.PartialOutage}},
		{"all expands to offered services only", map[string]string{
			"a": post("all", "all", "major_outage", "2011-04-20T00:00:00Z"),
		}, "2011-05-01T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.MajorOutage, {"na", "store"}: status.MajorOutage, {"jp", "psn"}: status.MajorOutage, {"jp", "store"}: status.Operational}},
		{"all regions with one service skips regions without it", map[string]string{
			"a": post("all", "store", "degraded", "2011-04-20T00:00:00Z"),
		}, "2011-05-01T00:00:00Z", map[status.Pair]status.State{{"na", "store"}: status.Degraded, {"na", "psn"}: status.Operational}},
		{"lists set every pair", map[string]string{
			"a": post("[na, jp]", "psn", "partial_outage", "2011-04-20T00:00:00Z"),
		}, "2011-05-01T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.PartialOutage, {"jp", "psn"}: status.PartialOutage, {"na", "store"}: status.Operational}},
		{"drafts never count", map[string]string{
			"a": post("na", "psn", "major_outage", "2011-04-20T00:00:00Z", "draft: true"),
		}, "2011-05-01T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Operational}},
		{"maintenance window over: back to the state before it", map[string]string{
			"a": post("na", "psn", "degraded", "2011-04-01T00:00:00Z"),
			"b": post("na", "psn", "maintenance", "2011-04-10T00:00:00Z", "until: 2011-04-10T04:00:00Z"),
		}, "2011-04-10T04:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Degraded}},
		{"maintenance window still open", map[string]string{
			"b": post("na", "psn", "maintenance", "2011-04-10T00:00:00Z", "until: 2011-04-10T04:00:00Z"),
		}, "2011-04-10T03:59:59Z", map[status.Pair]status.State{{"na", "psn"}: status.Maintenance}},
		{"a later post inside the window says otherwise", map[string]string{
			"b": post("na", "psn", "maintenance", "2011-04-10T00:00:00Z", "until: 2011-04-10T04:00:00Z"),
			"c": post("na", "psn", "major_outage", "2011-04-10T02:00:00Z"),
		}, "2011-04-11T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.MajorOutage}},
		{"a post after the window follows the return", map[string]string{
			"b": post("na", "psn", "maintenance", "2011-04-10T00:00:00Z", "until: 2011-04-10T04:00:00Z"),
			"c": post("na", "psn", "degraded", "2011-04-12T00:00:00Z"),
		}, "2011-04-11T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Operational}},
		{"an extended window returns to the state before the first", map[string]string{
			"a": post("na", "psn", "degraded", "2011-04-01T00:00:00Z"),
			"b": post("na", "psn", "maintenance", "2011-04-10T00:00:00Z", "until: 2011-04-10T04:00:00Z"),
			"c": post("na", "psn", "maintenance", "2011-04-10T03:00:00Z", "until: 2011-04-10T08:00:00Z"),
		}, "2011-04-10T09:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Degraded}},
		{"an extended window is still maintenance past the first end", map[string]string{
			"b": post("na", "psn", "maintenance", "2011-04-10T00:00:00Z", "until: 2011-04-10T04:00:00Z"),
			"c": post("na", "psn", "maintenance", "2011-04-10T03:00:00Z", "until: 2011-04-10T08:00:00Z"),
		}, "2011-04-10T05:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Maintenance}},
		{"a future post announced already changes no state", map[string]string{
			"a": post("na", "psn", "maintenance", "2011-06-01T00:00:00Z", "announced: 2011-05-01T00:00:00Z"),
		}, "2011-05-10T00:00:00Z", map[status.Pair]status.State{{"na", "psn"}: status.Operational}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := derive(t, site(t, tt.posts), tt.now)
			for pair, want := range tt.want {
				if got := st.Current(pair); got != want {
					t.Errorf("%v = %s, want %s", pair, got, want)
				}
			}
		})
	}
}

func TestRollUps(t *testing.T) {
	c := site(t, map[string]string{
		"a": post("na", "store", "degraded", "2011-04-20T00:00:00Z"),
		"b": post("jp", "psn", "partial_outage", "2011-04-20T00:00:00Z"),
	})
	st := derive(t, c, "2011-05-01T00:00:00Z")
	na, jp := c.Site.Region("na"), c.Site.Region("jp")
	checks := []struct {
		what      string
		got, want status.State
	}{
		{"region na", st.RegionState(na), status.Degraded},
		{"region jp", st.RegionState(jp), status.PartialOutage},
		{"service psn", st.ServiceState("psn"), status.PartialOutage},
		{"service store", st.ServiceState("store"), status.Degraded},
		{"site", st.SiteState(), status.PartialOutage},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.what, c.got, c.want)
		}
	}
}

func TestIncidents(t *testing.T) {
	c := site(t, map[string]string{
		"1-down":  post("all", "psn", "major_outage", "2011-04-20T00:00:00Z", "incident: outage"),
		"2-na-up": post("na", "psn", "operational", "2011-05-14T00:00:00Z", "incident: outage"),
		"3-jp-up": post("jp", "psn", "operational", "2011-07-06T00:00:00Z", "incident: outage"),
		"blip":    post("na", "store", "degraded", "2011-05-02T00:00:00Z", "incident: blip"),
		"blip-ok": post("na", "store", "operational", "2011-05-02T01:30:00Z", "incident: blip"),
		"works":   post("na", "store", "maintenance", "2011-06-01T00:00:00Z", "until: 2011-06-01T02:00:00Z"),
		"later":   post("jp", "psn", "maintenance", "2011-08-01T00:00:00Z", "until: 2011-08-01T02:00:00Z"),
		"hush":    post("jp", "psn", "maintenance", "2011-09-01T00:00:00Z", "announced: 2011-08-20T00:00:00Z"),
		"draft":   post("na", "psn", "major_outage", "2011-05-20T00:00:00Z", "draft: true"),
	})
	st := derive(t, c, "2011-06-15T00:00:00Z")
	view := func(id string, keep status.Scope) *status.IncidentView {
		inc := st.Incident(id)
		if inc == nil {
			t.Fatalf("no incident %q", id)
		}
		return st.View(inc, keep)
	}

	site := view("outage", status.Scope{})
	if !site.Open || site.Start != at("2011-04-20T00:00:00Z") || !site.End.IsZero() || site.State != status.MajorOutage {
		t.Errorf("outage site-wide: open=%v start=%s end=%s state=%s; want open since Apr 20, major outage", site.Open, site.Start, site.End, site.State)
	}
	if d := site.Duration(); d != 0 {
		t.Errorf("open incident has duration %s; it must not grow with the clock", d)
	}
	if len(site.Updates) != 2 || site.Updates[0].Name != "2-na-up" {
		t.Errorf("updates: want the two past posts newest first, got %d", len(site.Updates))
	}
	na := view("outage", status.Scope{Region: "na"})
	if na.Open || na.End != at("2011-05-14T00:00:00Z") || na.State != status.Operational {
		t.Errorf("outage in na: open=%v end=%s; want closed May 14", na.Open, na.End)
	}
	if jp := view("outage", status.Scope{Region: "jp"}); !jp.Open || len(jp.Updates) != 1 {
		t.Errorf("outage in jp: open=%v updates=%d; want open with one update", jp.Open, len(jp.Updates))
	}
	if st.View(st.Incident("outage"), status.Scope{Service: "store"}) != nil {
		t.Error("outage touches no store pair, yet has a store view")
	}

	blip := view("blip", status.Scope{})
	if blip.Open || blip.Duration() != 90*time.Minute || blip.Maintenance {
		t.Errorf("blip: open=%v duration=%s maintenance=%v; want closed after 90m, not maintenance", blip.Open, blip.Duration(), blip.Maintenance)
	}
	if p := blip.Updates[0]; p.Stage != status.Resolved || blip.Updates[1].Stage != status.Investigating {
		t.Errorf("derived stages: %s, %s; want resolved for the closing post, investigating before", p.Stage, blip.Updates[1].Stage)
	}

	works := view("works", status.Scope{})
	if !works.Maintenance || works.Open || works.End != at("2011-06-01T02:00:00Z") {
		t.Errorf("works: maintenance=%v open=%v end=%s; want a finished maintenance ending at until", works.Maintenance, works.Open, works.End)
	}
	if later := view("later", status.Scope{}); !later.Upcoming || later.Open || len(later.Scheduled) != 1 {
		t.Errorf("later: upcoming=%v open=%v; want upcoming with its scheduled post", later.Upcoming, later.Open)
	}
	if st.Incident("hush") != nil {
		t.Error("a post announced in the future is public already")
	}
	if st.Incident("draft") != nil {
		t.Error("a draft is public")
	}
}

func TestAnnouncedIsPublished(t *testing.T) {
	c := site(t, map[string]string{
		"soon": post("na", "psn", "maintenance", "2011-09-01T00:00:00Z", "until: 2011-09-01T02:00:00Z", "announced: 2011-08-20T00:00:00Z"),
		"next": post("na", "store", "maintenance", "2011-09-02T00:00:00Z"),
	})
	st := derive(t, c, "2011-08-25T00:00:00Z")
	if !st.Published(c.Posts[1]) {
		t.Error("an announced future post is not in the feeds")
	}
	if st.Published(c.Posts[0]) {
		t.Error("a future post without announced is in the feeds")
	}
	if st.Incident("next") == nil || !st.View(st.Incident("next"), status.Scope{}).Upcoming {
		t.Error("a future post without announced is missing from the upcoming list")
	}
}

func TestUptime(t *testing.T) {
	c := site(t, map[string]string{
		// One whole day of major outage and ten hours of partial outage
		// (worth three) in a 90-day window, in Tokyo days.
		"a": post("jp", "psn", "major_outage", "2011-05-10T00:00:00+09:00"),
		"b": post("jp", "psn", "partial_outage", "2011-05-11T00:00:00+09:00"),
		"c": post("jp", "psn", "maintenance", "2011-05-11T10:00:00+09:00"),
		"d": post("jp", "psn", "operational", "2011-05-12T00:00:00+09:00"),
	})
	st := derive(t, c, "2011-06-01T00:00:00+09:00")
	jp := c.Site.Region("jp")
	days := st.History(status.Pair{Region: "jp", Service: "psn"}, jp.Location, status.HistoryDays)
	if len(days) != 90 || !days[89].Date.Equal(at("2011-06-01T00:00:00+09:00")) {
		t.Fatalf("days: %d, last %s; want 90 ending today in Tokyo", len(days), days[len(days)-1].Date)
	}
	// Today counts whole, in the state the posts leave it in: 90 days, 1 of
	// them down, 3 hours counted from the partial outage.
	want := int((90*24*60 - 24*60 - 3*60) * 10000 / (90 * 24 * 60))
	if got := status.Uptime(days); got != want {
		t.Errorf("uptime = %d, want %d", got, want)
	}
	may10, may11 := days[89-22], days[89-21]
	if may10.Worst != status.MajorOutage || may10.In[status.MajorOutage] != 24*time.Hour {
		t.Errorf("May 10: worst %s, %s down; want a whole day of major outage", may10.Worst, may10.In[status.MajorOutage])
	}
	if may11.Worst != status.PartialOutage || may11.In[status.Maintenance] != 14*time.Hour {
		t.Errorf("May 11: worst %s, maintenance %s", may11.Worst, may11.In[status.Maintenance])
	}
}

// TestTodayAtMidnight: at the first instant of a day, today already shows
// the state in force, not a blank operational day.
func TestTodayAtMidnight(t *testing.T) {
	c := site(t, map[string]string{"a": post("na", "psn", "major_outage", "2011-05-10T00:00:00Z")})
	st := derive(t, c, "2011-05-20T00:00:00Z")
	days := st.History(status.Pair{Region: "na", Service: "psn"}, time.UTC, 3)
	if today := days[2]; today.Worst != status.MajorOutage {
		t.Errorf("today at midnight reads %s, want major outage", today.Worst)
	}
}

// TestHistoryIgnoresTheClock: within one day, with no post between, the
// history and uptime do not change.
func TestHistoryIgnoresTheClock(t *testing.T) {
	c := site(t, map[string]string{"a": post("na", "psn", "major_outage", "2011-05-19T12:00:00Z")})
	early := derive(t, c, "2011-05-20T01:00:00Z").History(status.Pair{Region: "na", Service: "psn"}, time.UTC, status.HistoryDays)
	late := derive(t, c, "2011-05-20T23:00:00Z").History(status.Pair{Region: "na", Service: "psn"}, time.UTC, status.HistoryDays)
	if status.Uptime(early) != status.Uptime(late) || early[89] != late[89] {
		t.Errorf("uptime %d at 01:00, %d at 23:00; today %v versus %v", status.Uptime(early), status.Uptime(late), early[89], late[89])
	}
}

func TestMaintenanceFollowUps(t *testing.T) {
	c := site(t, map[string]string{
		"m1": post("na", "psn", "maintenance", "2011-06-01T00:00:00Z", "until: 2011-06-01T04:00:00Z", "incident: db"),
		"m2": post("na", "psn", "maintenance", "2011-06-01T02:00:00Z", "incident: db", "title: Halfway there"),
		"m3": post("na", "psn", "maintenance", "2011-07-01T00:00:00Z", "until: 2011-07-01T04:00:00Z"),
	})
	during := derive(t, c, "2011-06-01T03:00:00Z")
	db := during.View(during.Incident("db"), status.Scope{})
	if during.Current(status.Pair{Region: "na", Service: "psn"}) != status.Maintenance || db.MaintenanceStatus() != "in_progress" {
		t.Errorf("during the window: %s, %s; want maintenance in progress", during.Current(status.Pair{Region: "na", Service: "psn"}), db.MaintenanceStatus())
	}
	after := derive(t, c, "2011-06-10T00:00:00Z")
	db = after.View(after.Incident("db"), status.Scope{})
	if after.Current(status.Pair{Region: "na", Service: "psn"}) != status.Operational || db.Open || db.End != at("2011-06-01T04:00:00Z") {
		t.Errorf("after the window: %s, open=%v, end %s; an update without until must not keep the window open", after.Current(status.Pair{Region: "na", Service: "psn"}), db.Open, db.End)
	}
	if db.MaintenanceStatus() != "completed" {
		t.Errorf("maintenance status %q, want completed", db.MaintenanceStatus())
	}
	if m3 := after.View(after.Incident("m3"), status.Scope{}); !m3.Upcoming || m3.MaintenanceStatus() != "scheduled" || len(m3.Scheduled) != 1 {
		t.Errorf("m3: upcoming=%v status=%s scheduled=%d; want scheduled", m3.Upcoming, m3.MaintenanceStatus(), len(m3.Scheduled))
	}
}

// TestFuturePosts: maintenance planned for an incident that has begun is
// scheduled, not an update yet; any other post written ahead stays hidden
// until its time.
func TestFuturePosts(t *testing.T) {
	c := site(t, map[string]string{
		"down":    post("na", "store", "major_outage", "2011-05-01T00:00:00Z", "incident: store"),
		"window":  post("na", "store", "maintenance", "2011-06-01T00:00:00Z", "until: 2011-06-01T04:00:00Z", "incident: store"),
		"planned": post("na", "store", "operational", "2011-06-02T00:00:00Z", "incident: store"),
	})
	st := derive(t, c, "2011-05-20T00:00:00Z")
	v := st.View(st.Incident("store"), status.Scope{})
	if !v.Open || len(v.Updates) != 1 || len(v.Scheduled) != 1 || v.Scheduled[0].Name != "window" {
		t.Errorf("open=%v updates=%d scheduled=%d; want the maintenance scheduled and nothing else", v.Open, len(v.Updates), len(v.Scheduled))
	}
	for _, p := range st.Posts {
		if p.Name == "planned" {
			t.Error("a future post that is not maintenance is public before its time")
		}
	}
}

// TestCalmAgreesWithHistory: Calm says a pair was operational all along
// exactly when History shows no day worse than operational, at instants
// before, inside, at the edges of and after an outage, and for a pair
// with no post.
func TestCalmAgreesWithHistory(t *testing.T) {
	c := site(t, map[string]string{
		"a": post("na", "psn", "major_outage", "2011-05-10T06:00:00Z"),
		"b": post("na", "psn", "operational", "2011-05-12T00:00:00Z"),
		"c": post("na", "store", "operational", "2011-05-01T00:00:00Z"),
	})
	calm := 0
	for _, now := range []string{"2011-05-09T00:00:00Z", "2011-05-10T06:00:00Z", "2011-05-11T00:00:00Z", "2011-05-12T00:00:00Z",
		"2011-08-08T00:00:00Z", "2011-08-09T23:59:59Z", "2011-08-10T00:00:00Z", "2011-08-11T00:00:00Z", "2011-12-01T00:00:00Z"} {
		st := derive(t, c, now)
		for _, p := range []status.Pair{{Region: "na", Service: "psn"}, {Region: "na", Service: "store"}, {Region: "eu", Service: "psn"}} {
			for _, n := range []int{1, 3, status.HistoryDays} {
				days := st.History(p, time.UTC, n)
				quiet := !slices.ContainsFunc(days, func(d status.Day) bool { return d.Worst != status.Operational })
				if got := st.Calm(p, status.WindowStart(st.Now, time.UTC, n)); got != quiet {
					t.Errorf("at %s, %v over %d days: Calm = %v, History quiet = %v", now, p, n, got, quiet)
				}
				if quiet {
					calm++
				}
			}
		}
	}
	if calm == 0 || calm == 9*3*3 {
		t.Errorf("%d of %d cases calm: the cases test nothing", calm, 9*3*3)
	}
}
