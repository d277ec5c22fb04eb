package status

import "time"

// Post is one update as the site states it: as of Timestamp, every pair in
// Pairs is in State. Posts are made by checking a post file against the
// site (package source) and are not changed once a Status holds them.
type Post struct {
	Path      string // relative to the site folder, slash-separated
	Name      string // file name without .md: the update's anchor
	Title     string // "" when the author gave none; layouts derive one
	State     State
	Stage     Stage
	StageSet  bool // false: derived by Thread from whether the post closes its incident
	Timestamp time.Time
	Incident  string    // the file name when the front-matter names none
	Explicit  bool      // the front-matter names the incident
	Until     time.Time // end of a maintenance window, as written
	Ends      time.Time // end of the window the post is in: Until, else inherited (Thread)
	Announced time.Time
	Draft     bool
	Language  string // as written; "" leaves it to the pages
	Body      []byte
	BodyLine  int    // file line the body starts on
	Pairs     []Pair // region × service expanded against the site
}

// Pair is one service in one region: the unit whose state posts set.
type Pair struct {
	Region  string
	Service string
}

// PublishedAt is when a post appeared: its announced time when it was
// announced ahead, else its timestamp. It never changes, so neither does a
// feed item's date.
func (p *Post) PublishedAt() time.Time {
	if !p.Announced.IsZero() {
		return p.Announced
	}
	return p.Timestamp
}

// SameHeader reports whether two posts say the same but perhaps in other
// words below the front-matter: everything but the body is equal.
func SameHeader(a, b *Post) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || len(a.Pairs) != len(b.Pairs) {
		return false
	}
	for i := range a.Pairs {
		if a.Pairs[i] != b.Pairs[i] {
			return false
		}
	}
	return a.Path == b.Path && a.Title == b.Title && a.State == b.State && a.Stage == b.Stage &&
		a.StageSet == b.StageSet && a.Timestamp.Equal(b.Timestamp) && a.Incident == b.Incident &&
		a.Explicit == b.Explicit && a.Until.Equal(b.Until) && a.Ends.Equal(b.Ends) &&
		a.Announced.Equal(b.Announced) && a.Draft == b.Draft && a.Language == b.Language
}
