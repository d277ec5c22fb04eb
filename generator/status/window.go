package status

import (
	"slices"
	"time"
)

// The maintenance-window rule, in one place: a maintenance post with an
// end (its until, or the end of the window it continues) holds its pairs
// in maintenance until then; at the end they return to the state they had
// before the window began, unless a later post came first. A window that
// replaces a window returns to what the first one interrupted.

// DefaultWindow is how long a maintenance lasts in the calendar and the
// API when none of its posts gives an end: an hour from its first post.
const DefaultWindow = time.Hour

// WindowOver reports whether p opened a maintenance window that has ended
// by t, returning its pairs to the state before it.
func (p *Post) WindowOver(t time.Time) bool {
	return p.State == Maintenance && !p.Ends.IsZero() && !p.Ends.After(t)
}

// window follows the rule along one pair's posts in time order.
type window struct {
	end    time.Time // of the open window; zero when none is open
	before State     // the state the window returns to
}

// enter notes post p, which follows state; it returns the segment that
// ended the open window before p, if one did.
func (w *window) enter(p *Post, state State) (back *Segment) {
	open := !w.end.IsZero()
	if open && w.end.Before(p.Timestamp) {
		back = &Segment{From: w.end, State: w.before}
		open = false
	}
	w.end = time.Time{}
	if p.State == Maintenance && !p.Ends.IsZero() {
		if !open {
			if back != nil {
				state = back.State
			}
			w.before = state
		}
		w.end = p.Ends
	}
	return back
}

// close returns the segment that ends the window still open after the
// last post, if it has ended by now.
func (w *window) close(now time.Time) *Segment {
	if w.end.IsZero() || w.end.After(now) {
		return nil
	}
	return &Segment{From: w.end, State: w.before}
}

// inherit gives a maintenance post without until that follows one with an
// end, inside its window, the same end: its pairs return with the window's.
// windowEnd is the end of the latest window before p; it returns p's.
func inherit(p *Post, windowEnd time.Time) time.Time {
	p.Ends = p.Until
	if p.State == Maintenance && p.Until.IsZero() && windowEnd.After(p.Timestamp) {
		p.Ends = windowEnd
	}
	if !p.Ends.IsZero() {
		return p.Ends
	}
	return windowEnd
}

// Window is when a maintenance runs: from its first post to the latest end
// any post gives, else DefaultWindow after its start.
func (inc *Incident) Window() (start, end time.Time) {
	start = inc.First().Timestamp
	for _, p := range inc.Posts {
		if p.Ends.After(end) {
			end = p.Ends
		}
	}
	if end.IsZero() {
		end = start.Add(DefaultWindow)
	}
	return start, end
}

// Pending reports whether a maintenance is in progress or has a post still
// ahead (scheduled, or a later window of the same work). One finished early
// by an operational post is over, whatever its until said.
func (st *Status) Pending(v *IncidentView) bool {
	return v.Open || slices.ContainsFunc(v.Posts, func(p *Post) bool { return !st.IsPast(p) })
}
