package status

import (
	"sort"
	"time"
)

// HistoryDays is how far back region pages and uptime look.
const HistoryDays = 90

// Day is one calendar day of a pair in a region's time zone.
type Day struct {
	Date  time.Time                      // midnight, in the zone
	Today bool                           // the day of the build, counted whole
	Worst State                          // the worst state the day saw
	In    [MajorOutage + 1]time.Duration // time spent in each state
}

// History returns the pair's last n days in loc, today last. Today counts
// whole, in the state the posts so far leave it in, so that pages change
// with the posts and the date, not with the clock.
func (st *Status) History(p Pair, loc *time.Location, n int) []Day {
	today := today(st.Now, loc)
	segs := st.timelines[p]
	days := make([]Day, n)
	for i := range days {
		d := &days[i]
		d.Date = today.AddDate(0, 0, i-n+1)
		spread(d, segs, d.Date, d.Date.AddDate(0, 0, 1))
	}
	days[n-1].Today = true
	return days
}

// Calm reports whether the pair has been operational all the time since
// from: what History would show as days all operational, found without
// making the days.
func (st *Status) Calm(p Pair, from time.Time) bool {
	segs := st.timelines[p]
	i := len(segs) - 1
	for ; i >= 0 && segs[i].From.After(from); i-- {
		if segs[i].State != Operational {
			return false
		}
	}
	return i < 0 || segs[i].State == Operational
}

// WindowStart is the midnight, in loc, that begins the last n days up to
// and including the day of now.
func WindowStart(now time.Time, loc *time.Location, n int) time.Time {
	return today(now, loc).AddDate(0, 0, 1-n)
}

func today(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
}

// spread adds to d the time the segments spend in each state in [from, to).
// Before a pair's first post it is operational.
func spread(d *Day, segs []Segment, from, to time.Time) {
	// The segments that began by from, found by halving: a pair's whole
	// past, for each of 90 days, was most of a region page's time.
	i := sort.Search(len(segs), func(i int) bool { return segs[i].From.After(from) })
	state := Operational
	if i > 0 {
		state = segs[i-1].State // in force when the day begins
	}
	for _, s := range segs[i:] {
		if !s.From.Before(to) {
			break
		}
		d.add(state, s.From.Sub(from))
		state, from = s.State, s.From
	}
	d.add(state, to.Sub(from))
}

func (d *Day) add(s State, dur time.Duration) {
	if dur > 0 {
		d.In[s] += dur
		d.Worst = max(d.Worst, s)
	}
}

// Uptime is the share of the days that was not downtime, in hundredths of a
// percent rounded down: major outage counts fully, partial outage 30%,
// maintenance and degraded not at all.
func Uptime(days []Day) int {
	var total, down10 int64 // milliseconds; down10 in tenths so 0.3 stays exact
	for _, d := range days {
		for _, in := range d.In {
			total += in.Milliseconds()
		}
		down10 += 10*d.In[MajorOutage].Milliseconds() + 3*d.In[PartialOutage].Milliseconds()
	}
	if total == 0 {
		return 10000
	}
	return int((10*total - down10) * 10000 / (10 * total))
}
