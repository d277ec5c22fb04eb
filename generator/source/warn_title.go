package source

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"statusgen/generator/status"
)

// warnTitles: a title that names a region or service of the site, or a
// group of them, that its post does not set tells readers of one place
// while changing another ("Payments restored in Europe" on a post for the
// US). Names match as whole words, in any case but for words written in
// capitals (US, EU), which match only so; where one name is part of
// a longer one the title holds ("PlayStation Network Store"), only the
// longer counts. A name just after "outside", "except" and the like is
// left out ("back outside Japan"): English words, as a heuristic must be
// of some language; titles in others may need rewording.
func warnTitles(w *ErrorList, site *status.Site, posts []*Post) {
	names := indexNames(site)
	for _, f := range posts {
		if f.fm.Title == "" {
			continue
		}
		var missing []*siteName
		seen := map[*siteName]bool{}
		sets := map[bool]map[string]bool{} // the post's ids of a kind, made when a group is named
		for _, n := range names.find(words(f.fm.Title)) {
			if seen[n] {
				continue
			}
			seen[n] = true
			if !n.setBy(f.model, sets) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			w.Add(f.fm.pos["title"], "warning: the title names %s, which this post does not set: add %s, or reword the title", nameList(missing), keysOf(missing))
		}
	}
}

// siteName is a region, service or group, as a title may name it.
type siteName struct {
	name, id string
	service  bool     // else a region
	members  []string // a group's; nil for a region or service
}

// setBy reports whether a post sets the region or service, or one of the
// group's members; sets keeps the post's ids by kind, for groups, whose
// members would otherwise each be looked for in a list.
func (n *siteName) setBy(p *status.Post, sets map[bool]map[string]bool) bool {
	ids := p.Regions
	if n.service {
		ids = p.Services
	}
	if n.members == nil {
		return slices.Contains(ids, n.id)
	}
	set := sets[n.service]
	if set == nil {
		set = make(map[string]bool, len(ids))
		for _, id := range ids {
			set[id] = true
		}
		sets[n.service] = set
	}
	for _, m := range n.members {
		if set[m] {
			return true
		}
	}
	return false
}

func (n *siteName) what() string {
	kind := "region"
	if n.service {
		kind = "service"
	}
	if n.members != nil {
		kind += " group"
	}
	return fmt.Sprintf("%s (%s %s)", n.name, kind, n.id)
}

func nameList(names []*siteName) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n.what()
	}
	return strings.Join(parts, ", ")
}

// keysOf says where the missing names go: "it to region:", "them to
// region: or service:".
func keysOf(names []*siteName) string {
	var region, service bool
	for _, n := range names {
		region, service = region || !n.service, service || n.service
	}
	them := "it"
	if len(names) > 1 {
		them = "them"
	}
	switch {
	case region && service:
		return them + " to region: or service:"
	case service:
		return them + " to service:"
	}
	return them + " to region:"
}

// nameTrie holds the site's names word by word, so that a title is
// matched in one pass over its words, whatever the number of names.
type nameTrie struct {
	next  map[string]*nameTrie
	names []*siteName // those whose last word this is
}

func indexNames(site *status.Site) *nameTrie {
	root := &nameTrie{}
	for _, r := range site.Regions {
		root.add(&siteName{name: r.Name, id: r.ID})
	}
	for _, s := range site.Services {
		root.add(&siteName{name: s.Name, id: s.ID, service: true})
	}
	for _, g := range slices.Concat(site.RegionGroups, site.ServiceGroups) {
		root.add(&siteName{name: g.Name, id: g.ID, service: !g.Regions, members: g.Members})
	}
	return root
}

func (t *nameTrie) add(n *siteName) {
	ws := words(n.name)
	if len(ws) == 0 {
		return
	}
	for _, w := range ws {
		if !capitals(w) {
			w = strings.ToLower(w)
		}
		if t.next == nil {
			t.next = map[string]*nameTrie{}
		}
		if t.next[w] == nil {
			t.next[w] = &nameTrie{}
		}
		t = t.next[w]
	}
	t.names = append(t.names, n)
}

// find returns the things named by the longest names in ws: a name inside
// a longer one found is not counted, nor one after an excluding word.
func (t *nameTrie) find(ws []string) []*siteName {
	var found []*siteName
	reach := 0 // the end of the longest name found so far
	for i := range ws {
		end, names := 0, []*siteName(nil)
		for j, node := i, t; j < len(ws); j++ {
			next := node.next[ws[j]] // a name's word in capitals, as written
			if next == nil {
				next = node.next[strings.ToLower(ws[j])]
			}
			if node = next; node == nil {
				break
			}
			if len(node.names) > 0 {
				end, names = j+1, node.names
			}
		}
		if end > reach {
			reach = end
			if !excluded(ws[:i]) {
				found = append(found, names...)
			}
		}
	}
	return found
}

// excluding are the words that set apart the name after them: one word,
// or two.
var excluding = map[string]bool{
	"outside": true, "except": true, "excluding": true, "but": true, "not": true, "without": true, "beyond": true,
	"except for": true, "apart from": true, "other than": true,
}

// excluded reports whether the words before a name set it apart.
func excluded(before []string) bool {
	n := len(before)
	last := func(k int) string { return strings.ToLower(before[n-k]) }
	return n >= 1 && excluding[last(1)] || n >= 2 && excluding[last(2)+" "+last(1)]
}

// capitals reports whether a word of a name is written in capitals, as
// US, EU or API: such a word matches only as written, so that "contact us"
// does not name the region US.
func capitals(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			letters++
		}
	}
	return letters >= 2
}

// words cuts text into words of letters and digits, as written; a letter
// of a script written without spaces (Chinese, Japanese) is a word of its
// own, so that 日本 is found in 日本で.
func words(text string) []string {
	var out []string
	start := -1
	for i, r := range text {
		solo := unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
		inWord := !solo && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
		if !inWord && start >= 0 {
			out = append(out, text[start:i])
			start = -1
		}
		switch {
		case solo:
			out = append(out, string(r))
		case inWord && start < 0:
			start = i
		}
	}
	if start >= 0 {
		out = append(out, text[start:])
	}
	return out
}

// titleIDs returns the regions and the services a title names, groups
// standing for their members; nil where it names none.
func titleIDs(site *status.Site, title string) (regions, services map[string]bool) {
	add := func(m *map[string]bool, ids ...string) {
		if *m == nil {
			*m = map[string]bool{}
		}
		for _, id := range ids {
			(*m)[id] = true
		}
	}
	for _, n := range indexNames(site).find(words(title)) {
		m := &regions
		if n.service {
			m = &services
		}
		if n.members != nil {
			add(m, n.members...)
		} else {
			add(m, n.id)
		}
	}
	return regions, services
}
