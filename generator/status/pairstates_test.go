package status_test

import (
	"fmt"
	"testing"

	"statusgen/generator/status"
)

// TestPairStates: a pair's state in an open incident is what its latest
// update there says, operational once a maintenance window is over, and
// only posts past count (a pair only scheduled is operational so far); in
// a closed incident it is the worst it was.
func TestPairStates(t *testing.T) {
	const inc = "incident: i"
	c := site(t, map[string]string{
		"1": post("all", "psn", "partial_outage", "2011-04-20T00:00:00Z", inc),
		"2": post("na", "psn", "major_outage", "2011-04-21T00:00:00Z", inc),
		"3": post("na", "psn", "degraded", "2011-04-22T00:00:00Z", inc),
		"4": post("na", "store", "maintenance", "2011-04-22T00:00:00Z", inc, "until: 2011-04-22T02:00:00Z"),
		"5": post("jp", "psn", "operational", "2011-04-23T00:00:00Z", inc),
		"6": post("na", "psn", "operational", "2011-05-10T00:00:00Z", inc),
	})
	tests := []struct{ now, want string }{
		{"2011-04-21T12:00:00Z", "[na/psn=major_outage na/store=operational jp/psn=partial_outage]"}, // store: scheduled only
		{"2011-04-22T01:00:00Z", "[na/psn=degraded na/store=maintenance jp/psn=partial_outage]"},
		{"2011-05-01T00:00:00Z", "[na/psn=degraded na/store=operational jp/psn=operational]"},
		{"2011-06-01T00:00:00Z", "[na/psn=major_outage na/store=maintenance jp/psn=partial_outage]"}, // closed: the worst
	}
	for _, tt := range tests {
		st := status.Derive(c.Site, c.Posts, at(tt.now))
		v := st.View(st.Incident("i"), status.Scope{})
		var got []string
		for i, s := range st.PairStates(v) {
			got = append(got, v.InScope[i].Region+"/"+v.InScope[i].Service+"="+s.String())
		}
		if fmt.Sprint(got) != tt.want {
			t.Errorf("at %s (open %v): %v, want %s", tt.now, v.Open, got, tt.want)
		}
	}
	st := status.Derive(c.Site, c.Posts, at("2011-04-01T00:00:00Z"))
	if s := st.PairStates(st.View(st.Incident("i"), status.Scope{})); s != nil {
		t.Errorf("an upcoming incident's pairs have states %v", s)
	}
}
