package render

import (
	"html/template"
	"slices"
	"strings"

	"statusgen/generator/status"
)

// A site of a cloud's size, sixty regions by two hundred services, would
// make pages of megabytes if every page showed everything; a reader wants
// to learn within a second whether their service in their region is down.
// Past these sizes pages sum up, each time with the whole one link away; a
// site below them, such as the example, looks as it always did.
const (
	// gridCells: the overview shows the regions × services grid up to this
	// many pairs; past it, the regions with their worst state, the pairs
	// not operational by name, and links to the grid by region group.
	gridCells = 200
	// navEntries: the header lists the regions up to this many; past it,
	// the region groups, up to as many.
	navEntries = 12
	// manyRows: a region page past this many services (a service page past
	// this many regions) shows a service without an incident in 90 days
	// in one line, and folds the groups where all is well.
	manyRows = 20
)

// Compact reports whether the overview sums up the regions instead of
// showing the whole grid: past gridCells pairs.
func (p *Page) Compact() bool { return p.b.pairCount() > gridCells }

func (b *Build) pairCount() int {
	b.pairsOnce.Do(func() {
		for _, r := range b.site.Regions {
			b.pairs += len(r.Services)
		}
	})
	return b.pairs
}

// NavItem is one entry of the header's navigation.
type NavItem struct {
	Name    string
	Dir     string // below the base URL, e.g. regions/jp/
	Current bool   // the page is this entry's, or one of its
}

// Nav lists what the header links to besides the history: the regions, up
// to navEntries of them; else the region groups, as many; else nothing, as
// the overview lists them all.
func (p *Page) Nav() []NavItem {
	var out []NavItem
	switch site := p.Site; {
	case len(site.Regions) <= navEntries:
		for _, r := range site.Regions {
			out = append(out, NavItem{r.Name, "regions/" + r.ID + "/", p.Region != nil && p.Region.ID == r.ID})
		}
	case len(site.RegionGroups) <= navEntries:
		for _, g := range site.RegionGroups {
			here := p.Group == g || p.Region != nil && site.RegionGroupOf(p.Region.ID) == g
			out = append(out, NavItem{g.Name, "regions/" + g.ID + "/", here})
		}
	}
	return out
}

// Problem is a region with pairs that are not operational, by state,
// worst first.
type Problem struct {
	Region *status.Region
	States []ProblemState
}

// ProblemState is the services of a region in one state.
type ProblemState struct {
	State    status.State
	Services []*status.Service
	// Names lists them all, in the page's language, with whole service
	// groups by their names and "All services" for every one: when all is
	// down, sixty regions by two hundred names would be 170 KB.
	Names string
}

// Problems lists the pairs of the page's scope that are not operational,
// region by region, in site order.
func (p *Page) Problems() []Problem {
	var out []Problem
	for _, pair := range p.Status.Pairs(p.scope()) {
		s := p.Status.Current(pair)
		if s == status.Operational {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Region.ID != pair.Region {
			out = append(out, Problem{Region: p.Site.Region(pair.Region)})
		}
		pr := &out[len(out)-1]
		i := slices.IndexFunc(pr.States, func(x ProblemState) bool { return x.State == s })
		if i < 0 {
			pr.States = append(pr.States, ProblemState{State: s})
			i = len(pr.States) - 1
		}
		pr.States[i].Services = append(pr.States[i].Services, p.Site.Service(pair.Service))
	}
	for _, pr := range out {
		slices.SortStableFunc(pr.States, func(a, b ProblemState) int { return int(b.State) - int(a.State) })
		for i, ps := range pr.States {
			ids := make([]string, len(ps.Services))
			for j, v := range ps.Services {
				ids[j] = v.ID
			}
			pr.States[i].Names = p.namesUpTo(p.Site, ids, false, -1)
		}
	}
	return out
}

// Section is a group of regions or services as a page shows it: a region
// group on the overview and a service page, a service group on a region
// page. Without groups a page has one section, whose Group is nil.
type Section struct {
	Group   *status.Group
	Dir     string           // the group's page below the base URL; "" without a group
	State   status.State     // worst in the section
	Open    bool             // shown unfolded: something is not operational, or there is little to show
	Regions []*status.Region // overview and service pages
	States  []status.State   // beside Regions: the region's state, or the pair's on a service page
	Rows    []Row            // region pages
}

// RegionSections lists the regions of the overview, or those offering a
// service page's service, by region group, each with its state there.
func (p *Page) RegionSections() []Section {
	groups := p.Site.RegionGroups
	if len(groups) == 0 {
		groups = []*status.Group{nil}
	}
	var out []Section
	total := 0
	for _, g := range groups {
		sec := Section{Group: g}
		if g != nil {
			sec.Dir = "regions/" + g.ID + "/"
		}
		members := g.MembersOr(p.Site.RegionIDs)
		for _, id := range members {
			r := p.Site.Region(id)
			var s status.State
			if p.Service != nil {
				if !r.Offers(p.Service.ID) {
					continue
				}
				s = p.Status.Current(status.Pair{Region: id, Service: p.Service.ID})
			} else {
				s = p.Status.RegionState(r)
			}
			sec.Regions, sec.States = append(sec.Regions, r), append(sec.States, s)
			sec.State = max(sec.State, s)
		}
		if len(sec.Regions) > 0 {
			out = append(out, sec)
			total += len(sec.Regions)
		}
	}
	for i := range out {
		out[i].Open = out[i].State != status.Operational || total <= manyRows
	}
	return out
}

// ServiceSections lists a region page's services by service group, each
// with its row.
func (p *Page) ServiceSections() []Section {
	rows := p.Rows()
	groups := p.Site.ServiceGroups
	if len(groups) == 0 {
		return []Section{{Rows: rows, Open: true, State: p.State()}}
	}
	var out []Section
	for _, g := range groups {
		sec := Section{Group: g, Dir: "services/" + g.ID + "/"}
		for _, row := range rows {
			if g.Has(row.Service.ID) {
				sec.Rows = append(sec.Rows, row)
				sec.State = max(sec.State, row.State)
			}
		}
		if len(sec.Rows) > 0 {
			sec.Open = sec.State != status.Operational || len(rows) <= manyRows
			out = append(out, sec)
		}
	}
	return out
}

// Matrix is a group page's grid: one row a region or service, one column
// the other, whichever makes fewer columns.
type Matrix struct {
	Corner string // what the rows are: "Region" or "Service", in the page's language
	Cols   []Head
	Rows   []MatrixRow
}

// Head names a row or a column, with its page.
type Head struct {
	Name string
	Dir  string // below the base URL
}

// MatrixRow is a row of a Matrix, a cell for each column.
type MatrixRow struct {
	Head
	Cells []Cell
	// CellsHTML is the cells as the default layout shows them: a group
	// page holds thousands, and each made by the template costs a dozen
	// calls by reflection.
	CellsHTML template.HTML
}

// Matrix returns the grid of a group page: its regions × the services
// they offer, or the regions offering its services × those services.
func (p *Page) Matrix() Matrix {
	var regions []*status.Region
	var services []*status.Service
	site := p.Site
	if p.Group != nil && p.Group.Regions { // its members, not a walk over every region
		for _, id := range p.Group.Members {
			regions = append(regions, site.Region(id))
		}
	} else {
		regions = slices.Clone(site.Regions)
	}
	for _, v := range site.Services {
		if p.Group != nil && !p.Group.Regions && !p.Group.Has(v.ID) {
			continue
		}
		if slices.ContainsFunc(regions, func(r *status.Region) bool { return r.Offers(v.ID) }) {
			services = append(services, v)
		}
	}
	if p.Group != nil && !p.Group.Regions {
		regions = slices.DeleteFunc(regions, func(r *status.Region) bool {
			return !slices.ContainsFunc(services, func(v *status.Service) bool { return r.Offers(v.ID) })
		})
	}
	rh := make([]Head, len(regions))
	for i, r := range regions {
		rh[i] = Head{r.Name, "regions/" + r.ID + "/"}
	}
	sh := make([]Head, len(services))
	for i, v := range services {
		sh[i] = Head{v.Name, "services/" + v.ID + "/"}
	}
	m := &Matrix{Corner: p.must("region"), Cols: sh}
	rows, cell := rh, func(i, j int) Cell { return p.Cell(regions[i], services[j]) }
	if len(services) > len(regions) { // the shorter side across
		m.Corner, m.Cols = p.must("service"), rh
		rows, cell = sh, func(i, j int) Cell { return p.Cell(regions[j], services[i]) }
	}
	for i, h := range rows {
		row := MatrixRow{Head: h, Cells: make([]Cell, len(m.Cols))}
		for j := range m.Cols {
			row.Cells[j] = cell(i, j)
		}
		m.Rows = append(m.Rows, row)
	}
	p.cellsHTML(m)
	return *m
}

// cellsHTML writes each row's cells as the "state" partial and the
// default layout would, each distinct cell escaped once.
func (p *Page) cellsHTML(m *Matrix) {
	shown := make([]string, len(stateClasses)+1) // by state; the last: not offered
	for s := range stateClasses {
		mark := p.Mark(status.State(s))
		shown[s] = `<span class="state ` + template.HTMLEscaper(mark.Class) + `"><span class="icon" aria-hidden="true">` +
			template.HTMLEscaper(mark.Icon) + `</span> ` + template.HTMLEscaper(mark.Text) + `</span>`
	}
	shown[len(stateClasses)] = `<span class="na">` + template.HTMLEscaper(p.must("not_offered")) + `</span>`
	// The phone's label before each cell, "name: ": the name isolated
	// (FSI…PDI) so that it reads in its own direction, the colon the
	// page's.
	colon := template.HTMLEscaper(p.must("colon"))
	opens := make([]string, len(m.Cols))
	for i, c := range m.Cols {
		opens[i] = "\n<td data-label=\"\u2068" + template.HTMLEscaper(c.Name) + "\u2069" + colon + "\">"
	}
	for i := range m.Rows {
		var b strings.Builder
		for j, c := range m.Rows[i].Cells {
			b.WriteString(opens[j])
			if c.Offered {
				b.WriteString(shown[c.State])
			} else {
				b.WriteString(shown[len(stateClasses)])
			}
			b.WriteString("</td>")
		}
		m.Rows[i].CellsHTML = template.HTML(b.String())
	}
}
