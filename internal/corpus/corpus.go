// Package corpus writes synthetic status sites for benchmarks and tests:
// posts over regions and services, threaded into incidents, with bodies of
// a chosen length and richness, all in the past. A Shape holds the knobs;
// Shapes names the ones docs/BENCHMARKS.md measures.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Shape is what a synthetic site looks like.
type Shape struct {
	Posts       int
	Regions     int
	Services    int
	MinUpdates  int     // updates per incident, at least (default 2)
	MaxUpdates  int     // and at most (default 5)
	BodyBytes   int     // a body's length, about (default 1,000)
	Rich        bool    // bodies hold bold text, lists and several links, not only a link a paragraph
	Table       bool    // every body holds a table as well
	Maintenance float64 // share of incidents that are maintenance windows, 0 to 1
	Seed        uint64  // the same shape and seed give the same site
	// Groups of regions and of services in site.yaml, members split
	// evenly; with region groups, one incident in ten names a group.
	RegionGroups  int
	ServiceGroups int
	// Spread: instead of Posts, the example's posts, each naming every
	// region (region: all), over Regions regions and the example's three
	// services.
	Spread bool
	// Live: the build instant is an hour after the last post, so that
	// the 90 days of history are full, instead of Last(Posts).
	Live bool
}

// Shapes are the corpus shapes the benchmarks measure, by name.
var Shapes = map[string]Shape{
	// The shape of the first benchmarks: 10 regions, 20 services, bodies
	// of 1 to 3 short paragraphs with a link each.
	"classic": {Posts: 10000, Regions: 10, Services: 20, BodyBytes: 1000},
	// Bodies of about 1.6 KB with paragraphs, lists, links and bold text.
	"rich": {Posts: 10000, Regions: 10, Services: 20, BodyBytes: 1600, Rich: true},
	// Bodies of about 4 KB that hold a table.
	"table": {Posts: 10000, Regions: 10, Services: 20, BodyBytes: 4600, Rich: true, Table: true},
	// Few regions and services, long incidents, a fifth of them maintenance.
	"long": {Posts: 10000, Regions: 3, Services: 4, MinUpdates: 8, MaxUpdates: 20, BodyBytes: 800, Maintenance: 0.2},
	// A cloud's size: 60 regions in 6 groups, 200 services in 12 groups,
	// incidents of 2 updates, short bodies.
	"wide": {Posts: 2000, Regions: 60, Services: 200, MinUpdates: 2, MaxUpdates: 2, BodyBytes: 300, RegionGroups: 6, ServiceGroups: 12, Live: true},
	// The same without groups.
	"flat": {Posts: 2000, Regions: 60, Services: 200, MinUpdates: 2, MaxUpdates: 2, BodyBytes: 300, Live: true},
	// Half the regions: the size of the first report of slow builds.
	"wide30": {Posts: 2000, Regions: 30, Services: 200, MinUpdates: 2, MaxUpdates: 2, BodyBytes: 300, Live: true},
	// The other way round: 1,000 regions in 25 groups, 12 services.
	"tall": {Posts: 2000, Regions: 1000, Services: 12, MinUpdates: 2, MaxUpdates: 2, BodyBytes: 300, RegionGroups: 25, Live: true},
	// The example's posts for every one of 250, 500 and 1,000 regions.
	"spread250":  {Regions: 250, Spread: true},
	"spread500":  {Regions: 500, Spread: true},
	"spread1000": {Regions: 1000, Spread: true},
}

// ShapeNames lists Shapes' names, sorted.
func ShapeNames() []string {
	var names []string
	for n := range Shapes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Start is the first post's time; posts follow every few hours, closer for
// large sites, so that the last is before 2020 and all are past.
var Start = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// step is the longest gap between two posts, in minutes.
func step(n int) int { return max(20, min(600, 10_000_000/n)) }

var words = strings.Fields(`we are investigating reports of errors when signing in some players may
see slow loading times the team has identified the cause and is rolling out a fix monitoring
the results service has been restored for all users thank you for your patience payments store
downloads matchmaking friends list chat voice party trophies cloud saves updates network`)

// Write creates dir/content with site.yaml and n posts of the classic
// shape over the given regions and services.
func Write(dir string, n, regions, services int, seed uint64) error {
	return WriteShape(dir, Shape{Posts: n, Regions: regions, Services: services, Seed: seed})
}

// WriteShape creates dir/content with site.yaml and the posts of s.
func WriteShape(dir string, s Shape) error {
	s = s.withDefaults()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(filepath.Join(content, "posts"), 0o755); err != nil {
		return err
	}
	if s.Spread {
		return writeSpread(content, s.Regions)
	}
	if err := os.WriteFile(filepath.Join(content, "site.yaml"), []byte(s.siteYAML()), 0o644); err != nil {
		return err
	}
	return s.each(func(i int, text string, _ time.Time) error {
		name := filepath.Join(content, "posts", fmt.Sprintf("%04d", i/1000), fmt.Sprintf("p%06d.md", i))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		return os.WriteFile(name, []byte(text), 0o644)
	})
}

// each makes the posts of s in order and hands each to post with its
// number and timestamp.
func (s Shape) each(post func(i int, text string, t time.Time) error) error {
	s = s.withDefaults()
	rng := rand.New(rand.NewPCG(s.Seed, 1))
	t := Start
	for i, inc := 0, 0; i < s.Posts; inc++ {
		updates := s.MinUpdates + rng.IntN(s.MaxUpdates-s.MinUpdates+1)
		region, service := fmt.Sprintf("r%d", rng.IntN(s.Regions)), fmt.Sprintf("s%d", rng.IntN(s.Services))
		if s.RegionGroups > 0 && rng.IntN(10) == 0 {
			region = fmt.Sprintf("g%d", rng.IntN(s.RegionGroups))
		}
		maintenance := rng.Float64() < s.Maintenance
		for u := 0; u < updates && i < s.Posts; u, i = u+1, i+1 {
			t = t.Add(time.Duration(10+rng.IntN(step(s.Posts)-10)) * time.Minute)
			state := []string{"major_outage", "partial_outage", "degraded"}[rng.IntN(3)]
			extra := ""
			switch {
			case u == updates-1:
				state = "operational"
			case maintenance:
				state = "maintenance"
				if u == 0 {
					extra = "until: " + t.Add(time.Duration(updates)*time.Duration(step(s.Posts))*time.Minute).Format(time.RFC3339) + "\n"
				}
			}
			text := fmt.Sprintf("---\ntitle: %s\nregion: %s\nservice: %s\nstate: %s\ntimestamp: %s\nincident: inc-%d\n%s---\n%s",
				sentence(rng, 6), region, service, state, t.Format(time.RFC3339), inc, extra, s.body(rng))
			if err := post(i, text, t); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s Shape) withDefaults() Shape {
	if s.MinUpdates < 1 {
		s.MinUpdates = 2
	}
	if s.MaxUpdates < s.MinUpdates {
		s.MaxUpdates = max(5, s.MinUpdates)
	}
	if s.BodyBytes <= 0 {
		s.BodyBytes = 1000
	}
	return s
}

// Last is the time after every post Write made for n posts: a build
// instant at which all of them are past.
func Last(n int) time.Time { return Start.Add(time.Duration(n*step(n)) * time.Minute) }

func (s Shape) siteYAML() string {
	var b strings.Builder
	b.WriteString("title: Benchmark Status\nbase_url: https://status.example.com/\nregions:\n")
	for i := range s.Regions {
		fmt.Fprintf(&b, "  - id: r%d\n    name: Region %d\n", i, i)
	}
	b.WriteString("services:\n")
	for i := range s.Services {
		fmt.Fprintf(&b, "  - id: s%d\n    name: Service %d\n", i, i)
	}
	groups(&b, "region_groups", "regions", "g", "Geography", "r", s.RegionGroups, s.Regions)
	groups(&b, "service_groups", "services", "c", "Category", "s", s.ServiceGroups, s.Services)
	return b.String()
}

// groups writes n groups of the members, split evenly in their order.
func groups(b *strings.Builder, key, members, id, name, member string, n, count int) {
	if n <= 0 {
		return
	}
	fmt.Fprintf(b, "%s:\n", key)
	for g := range n {
		fmt.Fprintf(b, "  - id: %s%d\n    name: %s %d\n    %s: [", id, g, name, g, members)
		for i := g * count / n; i < (g+1)*count/n; i++ {
			if i > g*count/n {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%s%d", member, i)
		}
		b.WriteString("]\n")
	}
}

// writeSpread writes the example's posts, each for every region, and a
// site.yaml of that many regions and the example's services.
func writeSpread(content string, regions int) error {
	_, file, _, _ := runtime.Caller(0)
	posts := filepath.Join(filepath.Dir(file), "..", "..", "content", "posts")
	names, err := filepath.Glob(filepath.Join(posts, "*.md"))
	if err != nil || len(names) == 0 {
		return fmt.Errorf("the example's posts: none found in %s", posts)
	}
	var b strings.Builder
	b.WriteString("title: Spread Status\nbase_url: https://status.example.com/\nregions:\n")
	for i := range regions {
		fmt.Fprintf(&b, "  - id: r%d\n    name: Region %d\n", i, i)
	}
	b.WriteString("services:\n  - id: psn\n    name: PlayStation Network\n  - id: store\n    name: PlayStation Store\n  - id: qriocity\n    name: Qriocity\n")
	if err := os.WriteFile(filepath.Join(content, "site.yaml"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	region := regexp.MustCompile(`(?m)^region: .*$`)
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		data = region.ReplaceAll(data, []byte("region: all"))
		if err := os.WriteFile(filepath.Join(content, "posts", filepath.Base(name)), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Now is a build instant at which every post of the shape is past.
func (s Shape) Now() time.Time {
	switch {
	case s.Spread:
		return SpreadNow
	case s.Live:
		var last time.Time
		s.each(func(_ int, _ string, t time.Time) error { last = t; return nil })
		return last.Add(time.Hour)
	}
	return Last(s.Posts)
}

// SpreadNow is a build instant at which every post of a Spread shape is
// past.
var SpreadNow = time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)

func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// body writes paragraphs until the body is about BodyBytes long (between
// a half and one and a quarter times that), sometimes with a heading or a list;
// rich bodies have bold text, more links and lists, and a table where the
// shape asks for one.
func (s Shape) body(rng *rand.Rand) string {
	var b strings.Builder
	want := s.BodyBytes*3/8 + rng.IntN(s.BodyBytes*3/4+1) // the last paragraph overshoots
	if s.Table {
		b.WriteString(table(rng))
	}
	for b.Len() < want {
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "## %s\n\n", sentence(rng, 3))
		}
		text := sentence(rng, 20+rng.IntN(40))
		if s.Rich {
			w := strings.Fields(text)
			w[3] = "**" + w[3] + " " + w[4] + "**"
			w[4] = fmt.Sprintf("[%s](https://www.example.com/kb/%d)", w[5], rng.IntN(1000))
			w[5] = fmt.Sprintf("[our help pages](../../regions/r%d/)", rng.IntN(10))
			text = strings.Join(w, " ")
		}
		fmt.Fprintf(&b, "%s. See [the details](https://www.example.com/help/%d).\n\n", text, rng.IntN(1000))
		if rng.IntN(3) == 0 || s.Rich && rng.IntN(2) == 0 {
			for range 2 + rng.IntN(3) {
				fmt.Fprintf(&b, "- %s\n", sentence(rng, 5+rng.IntN(6)))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// table is a GFM table of affected features and their state.
func table(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("| Feature | State | Since | Notes |\n| --- | --- | --- | --- |\n")
	for range 4 + rng.IntN(5) {
		fmt.Fprintf(&b, "| %s | %s | %02d:%02d UTC | %s |\n", sentence(rng, 2),
			[]string{"Degraded", "Down", "Restored"}[rng.IntN(3)], rng.IntN(24), rng.IntN(60), sentence(rng, 4+rng.IntN(5)))
	}
	b.WriteString("\n")
	return b.String()
}
