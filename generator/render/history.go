package render

import (
	"fmt"

	"statusgen/generator/status"
)

// HistoryPageSize is how many incidents one history page lists.
const HistoryPageSize = 20

// historyPage is one page of the history: its folder, its incidents and
// its neighbours' folders.
type historyPage struct {
	dir          string
	views        []*status.IncidentView
	newer, older string
}

// historyLayout splits the archive of published incidents into pages,
// newest first: history/ holds the 1 to HistoryPageSize newest, the older
// ones follow HistoryPageSize a page. The pages are cut and numbered from
// the oldest (history/page/2/ holds the oldest), so that a page keeps its
// address and its incidents as new ones come: a new incident changes
// history/ and, once in HistoryPageSize times, starts a page.
func historyLayout(st *status.Status) []historyPage {
	var all []*status.IncidentView
	for _, v := range st.Views(status.Scope{}) {
		if published(v) {
			all = append(all, v)
		}
	}
	first := len(all) % HistoryPageSize
	if first == 0 {
		first = min(len(all), HistoryPageSize)
	}
	pages := []historyPage{{dir: "history/", views: all[:first]}}
	for i := first; i < len(all); i += HistoryPageSize {
		number := (len(all)-i)/HistoryPageSize + 1 // the oldest page is 2
		pages = append(pages, historyPage{dir: historyDir(number), views: all[i : i+HistoryPageSize]})
	}
	for i := range pages {
		if i > 0 {
			pages[i].newer = pages[i-1].dir
		}
		if i+1 < len(pages) {
			pages[i].older = pages[i+1].dir
		}
	}
	return pages
}

func historyDir(n int) string {
	if n == 1 {
		return "history/"
	}
	return fmt.Sprintf("history/page/%d/", n)
}

// historyLayout is the build's history, worked out once.
func (b *Build) historyLayout() []historyPage { return b.history() }

// historyPage is the history page in the folder dir: found by its place,
// as a change may touch every page of a long archive.
func (b *Build) historyPage(dir string) (historyPage, bool) {
	i, ok := b.historyIndex()[dir]
	if !ok {
		return historyPage{}, false
	}
	return b.historyLayout()[i], true
}

// published reports whether any update of the incident has appeared in
// feeds: past, or announced ahead of time.
func published(v *status.IncidentView) bool { return len(v.Updates) > 0 }
