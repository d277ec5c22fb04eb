package build

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/source"
	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// groupedSite declares its regions in one order and its groups in
// another: pages follow the groups.
const groupedSite = `title: Grouped Status
base_url: https://status.example.com/
regions:
  - {id: na, name: North America}
  - {id: sa, name: South America}
  - {id: eu, name: Europe}
  - {id: jp, name: Japan, services: [psn, video]}
services:
  - {id: psn, name: PlayStation Network}
  - {id: store, name: PlayStation Store}
  - {id: video, name: Video}
  - {id: music, name: Music}
region_groups:
  - {id: asia, name: Asia, regions: [jp]}
  - {id: americas, name: Americas, regions: [sa, na]}
  - {id: europe, name: Europe and Africa, regions: [eu]}
service_groups:
  - {id: games, name: Games, services: [psn, store]}
  - {id: media, name: Media, services: [video, music]}
`

func groupedFS(posts map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{source.SiteFile: {Data: []byte(groupedSite)}}
	for name, text := range posts {
		fsys["content/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

var groupedPosts = map[string]string{
	// A group of regions and a group of services: four pairs.
	"west.md": "---\ntitle: Sign-in fails\nregion: americas\nservice: games\nstate: major_outage\ntimestamp: 2011-05-01T00:00:00Z\n---\nDown.\n",
	// Japan offers video, not music: the group takes what it offers.
	"east.md": "---\ntitle: Slow video\nregion: jp\nservice: media\nstate: degraded\ntimestamp: 2011-05-02T00:00:00Z\n---\nSlow.\n",
	// Japan offers no store: only Europe's is meant.
	"store.md": "---\ntitle: Store closed\nregion: [asia, eu]\nservice: store\nstate: partial_outage\ntimestamp: 2011-05-03T00:00:00Z\n---\nClosed.\n",
}

func TestGroupsExpandInPosts(t *testing.T) {
	var errs source.ErrorList
	c := source.Load(groupedFS(groupedPosts), "", &errs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	posts := c.Validate(&errs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := c.Site.RegionIDs(); !slices.Equal(got, []string{"jp", "sa", "na", "eu"}) {
		t.Errorf("regions in display order: %v, want the groups' order", got)
	}
	if got := c.Site.ServiceIDs(); !slices.Equal(got, []string{"psn", "store", "video", "music"}) {
		t.Errorf("services in display order: %v", got)
	}
	want := map[string][]status.Pair{
		"west":  {{Region: "sa", Service: "psn"}, {Region: "sa", Service: "store"}, {Region: "na", Service: "psn"}, {Region: "na", Service: "store"}},
		"east":  {{Region: "jp", Service: "video"}},
		"store": {{Region: "eu", Service: "store"}},
	}
	for _, p := range posts {
		if !slices.Equal(p.Pairs, want[p.Name]) {
			t.Errorf("%s: pairs %v, want %v", p.Name, p.Pairs, want[p.Name])
		}
	}
}

func TestGroupErrors(t *testing.T) {
	for _, tc := range []struct{ name, post, want string }{
		{"unknown", "region: [americas, amercas]\nservice: psn\n", `content/p.md:2:20: unknown region "amercas" (did you mean "americas"?)`},
		{"service group as region", "region: games\nservice: psn\n", `content/p.md:2:9: unknown region "games"`},
		{"nothing offered", "region: asia\nservice: music\n", `content/p.md:3:10: no region named offers these services`},
		{"by id, not offered", "region: jp\nservice: [games, store]\n", `content/p.md:3:18: region "jp" does not offer service "store"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "---\n" + tc.post + "state: degraded\ntimestamp: 2011-05-01T00:00:00Z\n---\n"
			_, _, err := Check(Options{Site: groupedFS(map[string]string{"p.md": text}), Defaults: sitetest.Defaults, Now: sitetest.At("2011-06-01T00:00:00Z")})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("errors:\n%v\nwant one starting %s", err, tc.want)
			}
		})
	}
}

// TestGroupComponents reads components.json as a Statuspage client builds
// its tree: every member names its group in group_id, every group lists
// its members in components, and a group's status is its members' worst.
func TestGroupComponents(t *testing.T) {
	out := build(t, groupedFS(groupedPosts), Options{Now: sitetest.At("2011-06-01T00:00:00Z")})
	comps := decodeAPI(t, out, "components.json").Components
	byID := map[string]spComponent{}
	for _, c := range comps {
		if _, dup := byID[c.ID]; dup {
			t.Errorf("component %s twice", c.ID)
		}
		byID[c.ID] = c
	}
	var top []string
	for _, c := range comps {
		if c.GroupID == nil {
			top = append(top, c.ID)
		} else if parent, ok := byID[*c.GroupID]; !ok || !parent.Group || !slices.Contains(parent.Components, c.ID) {
			t.Errorf("%s: group_id %q is no group listing it", c.ID, *c.GroupID)
		}
		if c.Group != (len(c.Components) > 0) {
			t.Errorf("%s: group %v with components %v", c.ID, c.Group, c.Components)
		}
	}
	if !slices.Equal(top, []string{"asia", "americas", "europe"}) {
		t.Errorf("top-level components %v, want the region groups", top)
	}
	rank := []string{"operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage"}
	var worst func(id string) int
	worst = func(id string) int {
		c := byID[id]
		if !c.Group {
			return slices.Index(rank, c.Status)
		}
		w := 0
		for _, m := range c.Components {
			if _, ok := byID[m]; !ok {
				t.Errorf("%s lists %s, which is no component", id, m)
				continue
			}
			if got := byID[m].GroupID; got == nil || *got != id {
				t.Errorf("%s lists %s, whose group_id is %v", id, m, got)
			}
			w = max(w, worst(m))
		}
		if c.Status != rank[w] {
			t.Errorf("group %s: status %s, its members' worst is %s", id, c.Status, rank[w])
		}
		return w
	}
	for _, id := range top {
		worst(id)
	}
	for id, want := range map[string]string{"americas": "major_outage", "asia": "degraded_performance", "jp.media": "degraded_performance", "eu.games": "partial_outage", "na.psn": "major_outage", "eu.media": "operational"} {
		if byID[id].Status != want {
			t.Errorf("%s: %s, want %s", id, byID[id].Status, want)
		}
	}
	if g := byID["na.psn"].GroupID; g == nil || *g != "na.games" {
		t.Errorf("na.psn's group_id: %v, want its service group in North America", g)
	}
	if _, ok := byID["jp.games"]; !ok {
		t.Error("Japan's games group is missing")
	}
	if c, ok := byID["jp.games"]; ok && !slices.Equal(c.Components, []string{"jp.psn"}) {
		t.Errorf("jp.games holds %v, want only what Japan offers", c.Components)
	}
}

// TestGroupFeedsAndBadges: a group has a page, feeds of its members' updates
// and a badge of their worst state.
func TestGroupFeedsAndBadges(t *testing.T) {
	out := build(t, groupedFS(groupedPosts), Options{Now: sitetest.At("2011-06-01T00:00:00Z")})
	for path, want := range map[string][]string{
		"regions/americas/feed.xml": {"Sign-in fails"},
		"regions/asia/atom.xml":     {"Slow video"},
		"services/media/feed.xml":   {"Slow video"},
		"services/games/atom.xml":   {"Store closed", "Sign-in fails"},
	} {
		var got []string
		for _, it := range parseFeed(t, out, path).Items {
			got = append(got, it.Title[strings.LastIndex(it.Title, " — ")+len(" — "):])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: items %q, want %q", path, got, want)
		}
	}
	for path, want := range map[string]string{
		"badges/regions/americas.svg": "Americas: Major outage",
		"badges/services/media.svg":   "Media: Degraded performance",
		"badges/regions/europe.svg":   "Europe and Africa: Partial outage",
	} {
		if b := parseBadge(t, path, out[path]); b.Title != want {
			t.Errorf("%s says %q, want %q", path, b.Title, want)
		}
	}
	page := string(out["regions/americas/index.html"])
	for _, want := range []string{"<h1><bdi>Americas</bdi></h1>", `href="/regions/americas/feed.xml"`, `<th scope="col"><a href="/regions/sa/" dir="auto">South America</a></th>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the Americas page lacks %s", want)
		}
	}
	// A region page shows its services by group, a problem's group open.
	region := string(out["regions/eu/index.html"])
	if !strings.Contains(region, `<details class="group" open>`+"\n"+`<summary><span class="group-name" dir="auto">Games</span>`) {
		t.Error("Europe's page does not show its Games group open")
	}
}

// TestWhereSumsUp: a feed item names up to eight regions; past that, whole
// groups by name, every region as "All regions", and the rest counted.
func TestWhereSumsUp(t *testing.T) {
	var b strings.Builder
	b.WriteString("title: T\nbase_url: https://status.example.com/\nregions:\n")
	for i := range 20 {
		fmt.Fprintf(&b, "  - {id: r%d, name: R%d}\n", i, i)
	}
	b.WriteString("services:\n  - {id: s, name: S}\nregion_groups:\n  - {id: a, name: Group A, regions: [r0, r1, r2, r3, r4, r5, r6, r7, r8, r9]}\n  - {id: b, name: Group B, regions: [r10, r11, r12, r13, r14, r15, r16, r17, r18, r19]}\n")
	post := func(region string, day int) string {
		return fmt.Sprintf("---\ntitle: T%d\nregion: %s\nservice: s\nstate: degraded\ntimestamp: 2011-05-%02dT00:00:00Z\n---\n", day, region, day)
	}
	fsys := fstest.MapFS{
		source.SiteFile:    {Data: []byte(b.String())},
		"content/few.md":   {Data: []byte(post("[r1, r12]", 1))},
		"content/grp.md":   {Data: []byte(post("[a, r12]", 2))},
		"content/every.md": {Data: []byte(post("all", 3))},
		"content/many.md":  {Data: []byte(post("[r0, r2, r4, r6, r8, r10, r12, r14, r16, r18]", 4))},
	}
	out := build(t, fsys, Options{Now: sitetest.At("2011-06-01T00:00:00Z")})
	want := []string{
		"R0, R2, R4, R6, R8, R10, R12, R14, and 2 more · S: Degraded performance — T4",
		"All regions · S: Degraded performance — T3",
		"Group A, R12 · S: Degraded performance — T2",
		"R1, R12 · S: Degraded performance — T1",
	}
	var got []string
	for _, it := range parseFeed(t, out, "feed.xml").Items {
		got = append(got, it.Title)
	}
	if !slices.Equal(got, want) {
		t.Errorf("titles:\n%q\nwant\n%q", got, want)
	}
}

// TestGroupPagesLinked: every group page is in the sitemap, a region page
// links the grid of each of its service groups, and a service page that of
// each region group offering it.
func TestGroupPagesLinked(t *testing.T) {
	out := build(t, groupedFS(groupedPosts), Options{Now: sitetest.At("2011-06-01T00:00:00Z")})
	sitemap := string(out["sitemap.xml"])
	for _, dir := range []string{"regions/asia/", "regions/americas/", "regions/europe/", "services/games/", "services/media/"} {
		if _, ok := out[dir+"index.html"]; !ok {
			t.Errorf("no page %s", dir)
		}
		if !strings.Contains(sitemap, "<loc>https://status.example.com/"+dir+"</loc>") {
			t.Errorf("the sitemap lacks %s", dir)
		}
	}
	for page, links := range map[string][]string{
		"regions/jp/index.html":   {"/services/games/", "/services/media/"},
		"services/psn/index.html": {"/regions/asia/", "/regions/americas/", "/regions/europe/"},
	} {
		for _, l := range links {
			if !strings.Contains(string(out[page]), `<a href="`+l+`">`) {
				t.Errorf("%s does not link %s", page, l)
			}
		}
	}
}
