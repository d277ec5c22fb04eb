package sitetest

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Languages lists the languages the defaults hold UI strings for, by the
// files in layouts/i18n.
func Languages() ([]string, error) {
	names, err := fs.Glob(Defaults, "layouts/i18n/*.yaml")
	if err != nil {
		return nil, err
	}
	var langs []string
	for _, n := range names {
		langs = append(langs, strings.TrimSuffix(path.Base(n), ".yaml"))
	}
	slices.Sort(langs)
	return langs, nil
}

// syllables make Placeholder's words: of no language, so that a word of
// the pages that is English (or any other language) came from statusgen.
var syllables = []string{"zor", "blat", "quen", "vik", "drub", "snor", "plim", "tog", "wex", "krul", "glim", "taz", "vob", "yrsk", "fenn", "mip"}

// Placeholder returns the i-th word of no language, capitalized:
// Zorblat, Blatquen, …; distinct for i below 256.
func Placeholder(i int) string {
	w := syllables[i%16] + syllables[(i/16+i%16+1)%16]
	return strings.ToUpper(w[:1]) + w[1:]
}

// placeholders is a phrase of n placeholder words from the i-th.
func placeholders(i, n int) string {
	words := make([]string, n)
	for k := range words {
		words[k] = Placeholder(i + k)
		if k > 0 {
			words[k] = strings.ToLower(words[k])
		}
	}
	return strings.Join(words, " ")
}

// LanguageSite is a site with regions speaking each of a list of
// languages, whose names, titles and bodies are placeholder words: every
// other word its pages show is statusgen's own, in the page's language.
type LanguageSite struct {
	Files     map[string]string // by path: content/site.yaml and posts
	Regions   map[string]string // each region's language, by id
	Incidents map[string]string // each incident's one region, "" when it has several
	Now       time.Time
}

// RegionOf is the region that speaks lang (the first, on a large site).
func RegionOf(lang string) string { return "r-" + strings.ToLower(lang) }

// OutageOf is the incident of a region with the most to show: updates
// through every stage over two days, each with its state.
func OutageOf(region string) string { return region + "-outage" }

// zones gives regions of some languages the zone their readers live in,
// so that pages print zone abbreviations and, for Asia/Dubai, an offset.
var zones = map[string]string{
	"ar": "Asia/Dubai", "de": "Europe/Berlin", "fr": "Europe/Paris", "es": "Europe/Madrid",
	"it": "Europe/Rome", "nl": "Europe/Amsterdam", "pt-BR": "America/Sao_Paulo", "ja": "Asia/Tokyo",
	"ko": "Asia/Seoul", "zh-Hans": "Asia/Shanghai", "zh-Hant": "Asia/Taipei", "en": "America/New_York",
}

// Shape is what a LanguageSite holds besides its languages.
type Shape struct {
	Large  bool // two regions a language and 21 services in three groups: pages sum up as large sites' do
	Groups bool // when large, the regions in a group per language
	Quiet  bool // no posts
}

// NewLanguageSite makes a site whose pages show, in each language of
// langs, what statusgen words: for each language a region (two when
// large) with an incident resolved over days through every stage, one
// open, maintenance done, under way and planned; posts with and without
// titles; an incident in every region and one in most. The site speaks
// siteLang.
func NewLanguageSite(langs []string, siteLang string, shape Shape) *LanguageSite {
	large := shape.Large
	s := &LanguageSite{Files: map[string]string{}, Regions: map[string]string{}, Incidents: map[string]string{},
		Now: time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)}
	var y strings.Builder
	fmt.Fprintf(&y, "title: %s\ndescription: %s\nbase_url: https://zorblat.example.com/\n", placeholders(200, 2), placeholders(210, 4))
	fmt.Fprintf(&y, "home_url: https://www.example.com/\nsupport_url: https://help.example.com/\nlanguage: %s\ntimezone: UTC\n", siteLang)
	services := []string{"s1", "s2"}
	if large {
		services = nil
		for i := 1; i <= 21; i++ {
			services = append(services, fmt.Sprintf("s%d", i))
		}
	}
	y.WriteString("regions:\n")
	var regions []string
	for i, lang := range langs {
		ids := []string{RegionOf(lang)}
		if large {
			ids = append(ids, ids[0]+"-b")
		}
		for k, id := range ids {
			fmt.Fprintf(&y, "  - id: %s\n    name: %s\n    language: %s\n", id, placeholders(2*i+k, 2), lang)
			if z := zones[lang]; z != "" {
				fmt.Fprintf(&y, "    timezone: %s\n", z)
			}
			s.Regions[id] = lang
			regions = append(regions, id)
		}
	}
	// A region in the site's language that offers one service: a cell
	// not offered, a region page all operational.
	fmt.Fprintf(&y, "  - id: r-site\n    name: %s\n    services: [%s]\n", placeholders(90, 2), services[0])
	s.Regions["r-site"] = siteLang
	regions = append(regions, "r-site")
	if large && shape.Groups {
		y.WriteString("region_groups:\n")
		for i, lang := range langs {
			id := RegionOf(lang)
			members := id + ", " + id + "-b"
			if i == 0 {
				members += ", r-site"
			}
			fmt.Fprintf(&y, "  - id: g-%s\n    name: %s\n    regions: [%s]\n", strings.ToLower(lang), placeholders(100+i, 2), members)
		}
	}
	y.WriteString("services:\n")
	for i, id := range services {
		fmt.Fprintf(&y, "  - id: %s\n    name: %s\n", id, placeholders(50+i, 1))
	}
	if large {
		y.WriteString("service_groups:\n")
		for g := range 3 {
			fmt.Fprintf(&y, "  - id: sg%d\n    name: %s\n    services: [%s]\n", g+1, placeholders(130+g, 2), strings.Join(services[7*g:7*g+7], ", "))
		}
	}
	s.Files["content/site.yaml"] = y.String()
	if shape.Quiet {
		return s
	}
	for i, id := range regions {
		if id == "r-site" || strings.HasSuffix(id, "-b") {
			continue
		}
		s.regionPosts(id, services[len(services)-1], services[0], 300+10*i)
	}
	s.sitePosts(regions, services[0])
	if large {
		// One service down in one region: "Degraded performance in …";
		// every service of a region: "All services".
		id := regions[1]
		s.add(post{id + "-f1", id + "-one", []string{"region: " + id, "service: " + services[9], "state: degraded", "timestamp: " + s.at(-2*time.Hour)}}, id, 280)
		s.add(post{id + "-g1", id + "-every", []string{"region: " + id, "service: all", "state: partial_outage", "timestamp: " + s.at(-30*day)}}, id, 290)
		s.add(post{id + "-g2", id + "-every", []string{"region: " + id, "service: all", "state: operational", "timestamp: " + s.at(-30*day+3*time.Hour)}}, id, 290)
	}
	return s
}

// post is a post's front matter, the lines given, with a placeholder body.
type post struct {
	name, incident string
	lines          []string
}

func (s *LanguageSite) add(p post, region string, word int) {
	s.Incidents[p.incident] = region
	body := placeholders(word, 5) + ".\n\n- " + placeholders(word+5, 2) + "\n- " + placeholders(word+7, 3) + "\n"
	s.Files["content/posts/"+p.name+".md"] = "---\n" + strings.Join(p.lines, "\n") + "\nincident: " + p.incident + "\n---\n" + body
}

// at writes a time d from the site's now.
func (s *LanguageSite) at(d time.Duration) string { return s.Now.Add(d).Format(time.RFC3339) }

const day = 24 * time.Hour

// regionPosts are the posts of one region: an incident through every
// stage over two days, an open one, and maintenance done, under way and
// planned.
func (s *LanguageSite) regionPosts(region, svc, other string, word int) {
	title := func(k int) string { return "title: " + placeholders(word+k, 3) }
	where := "region: " + region
	for k, p := range []post{
		{region + "-a1", OutageOf(region), []string{title(0), where, "service: " + svc, "state: major_outage", "stage: investigating", "timestamp: " + s.at(-40*day+2*time.Hour)}},
		{region + "-a2", OutageOf(region), []string{title(1), where, "service: " + svc, "state: partial_outage", "stage: identified", "timestamp: " + s.at(-40*day+5*time.Hour)}},
		{region + "-a3", OutageOf(region), []string{where, "service: " + svc, "state: degraded", "stage: monitoring", "timestamp: " + s.at(-39*day)}},
		{region + "-a4", OutageOf(region), []string{title(2), where, "service: " + svc, "state: operational", "stage: resolved", "timestamp: " + s.at(-38*day-3*time.Hour+17*time.Minute)}},
		{region + "-b1", region + "-open", []string{title(3), where, "service: " + other, "state: major_outage", "timestamp: " + s.at(-3*time.Hour)}},
		{region + "-b2", region + "-open", []string{where, "service: " + other, "state: partial_outage", "stage: identified", "timestamp: " + s.at(-time.Hour)}},
		{region + "-c1", region + "-done", []string{title(4), where, "service: " + svc, "state: maintenance", "timestamp: " + s.at(-10*day), "until: " + s.at(-10*day+2*time.Hour)}},
		{region + "-c2", region + "-window", []string{title(7), where, "service: " + other, "state: maintenance", "timestamp: " + s.at(-9*day)}},
		{region + "-c3", region + "-window", []string{title(8), where, "service: " + other, "state: operational", "timestamp: " + s.at(-9*day+90*time.Minute)}},
		{region + "-d1", region + "-now", []string{title(5), where, "service: " + svc, "state: maintenance", "timestamp: " + s.at(-time.Hour), "until: " + s.at(3*time.Hour)}},
		{region + "-e1", region + "-planned", []string{title(6), where, "service: " + other, "state: maintenance", "timestamp: " + s.at(2*day), "until: " + s.at(2*day+4*time.Hour)}},
	} {
		s.add(p, region, word+10*k)
	}
}

// sitePosts are an incident in every region and one in all regions but
// one, whose titles are made by statusgen ("All regions", "and 2 more").
func (s *LanguageSite) sitePosts(regions []string, svc string) {
	most := "[" + strings.Join(regions[:len(regions)-1], ", ") + "]"
	for k, p := range []post{
		{"everywhere-1", "everywhere", []string{"region: all", "service: " + svc, "state: degraded", "timestamp: " + s.at(-20*day)}},
		{"everywhere-2", "everywhere", []string{"region: all", "service: " + svc, "state: operational", "timestamp: " + s.at(-20*day+30*time.Minute)}},
		{"most-1", "most", []string{"region: " + most, "service: " + svc, "state: partial_outage", "timestamp: " + s.at(-5*day)}},
		{"most-2", "most", []string{"title: " + placeholders(150, 2), "region: " + most, "service: " + svc, "state: operational", "timestamp: " + s.at(-5*day+26*time.Hour)}},
	} {
		s.add(p, "", 160+10*k)
	}
}
