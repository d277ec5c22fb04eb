package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"statusgen/generator/status"
)

// Badges are small SVG images in the style of shields.io's flat badges, so
// that a README, a wiki or a support page can show the status with a plain
// <img>: a grey label on the left, the state in words on the right in the
// state's colour. The words carry the meaning, the colour only repeats it,
// and a <title> and aria-label give screen readers "label: state". A badge
// has no script, no embedded font and no link to another host, so any page
// may embed it.

// badge is one badge file: what it says and in which language.
type badge struct {
	path    string
	label   string
	message string
	state   status.State
	lang    string // language of the message
	scope   status.Scope
}

// badgeColors are the state colours of the default style sheet's light
// theme; each keeps white text above 4.5:1 contrast.
var badgeColors = []string{"#1a7f37", "#0b62c4", "#8a5a00", "#bc4c00", "#c0262d"}

// badgeOutputs lists the badges of the site, of every region, of every
// service a region offers there, and of every service. Site and service
// badges speak the site's language, region badges the region's.
func (b *Build) badgeOutputs() []*Output {
	site, st := b.site, b.st
	say := b.translator(site.Language)
	state := st.SiteState()
	badges := []badge{{"badges/site.svg", say.must("badge_label"), say.StateText(state), state, site.Language, status.Scope{}}}
	for _, reg := range site.Regions {
		lang := site.LanguageOf(reg)
		in := b.translator(lang)
		s := st.RegionState(reg)
		badges = append(badges, badge{"badges/regions/" + reg.ID + ".svg", reg.Name, in.StateText(s), s, lang, status.Scope{Region: reg.ID}})
		for _, id := range reg.Services {
			s := st.Current(status.Pair{Region: reg.ID, Service: id})
			label := reg.Name + " " + site.Service(id).Name
			badges = append(badges, badge{"badges/regions/" + reg.ID + "/" + id + ".svg", label, in.StateText(s), s, lang, status.Scope{Region: reg.ID, Service: id}})
		}
	}
	for _, svc := range site.Services {
		s := st.ServiceState(svc.ID)
		badges = append(badges, badge{"badges/services/" + svc.ID + ".svg", svc.Name, say.StateText(s), s, site.Language, status.Scope{Service: svc.ID}})
	}
	for _, sc := range b.groupScopes() {
		s := st.ScopeState(sc)
		badges = append(badges, badge{"badges/" + scopeDir(sc)[:len(scopeDir(sc))-1] + ".svg", sc.Group.Name, say.StateText(s), s, site.Language, sc})
	}
	out := make([]*Output, len(badges))
	for i, bg := range badges {
		tr := b.translator(bg.lang)
		out[i] = &Output{Path: bg.path, Kind: FileKind, Deps: []Dep{State{bg.scope}, Strings{bg.lang}},
			render: func(buf *bytes.Buffer) error { return bg.render(buf, tr) }}
	}
	return out
}

// badgePad is the space on each side of a badge's two texts, in pixels.
const badgePad = 5

// render writes the badge as one line of SVG, titled label and message
// joined by the colon of its language, tr's. Text widths are estimated, and
// textLength makes whatever font the reader has fit the estimate, so that
// the text never overflows its box.
func (b badge) render(buf *bytes.Buffer, tr *Translator) error {
	lw, mw := textWidth(b.label), textWidth(b.message)
	left, right := lw+2*badgePad, mw+2*badgePad
	total := left + right
	title := escapeXML(b.label + tr.must("colon") + b.message)
	fmt.Fprintf(buf, `<svg xmlns="http://www.w3.org/2000/svg" xml:lang="%s" width="%d" height="20" role="img" aria-label="%s">`,
		escapeXML(b.lang), total, title)
	fmt.Fprintf(buf, `<title>%s</title>`, title)
	fmt.Fprintf(buf, `<clipPath id="r"><rect width="%d" height="20" rx="3"/></clipPath>`, total)
	// A right-to-left language reads the label first too: on the right.
	labelAt, messageAt := 0, left
	if tr.rtl {
		labelAt, messageAt = right, 0
	}
	fmt.Fprintf(buf, `<g clip-path="url(#r)"><rect x="%d" width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/></g>`,
		labelAt, left, messageAt, right, badgeColors[b.state])
	fmt.Fprintf(buf, `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="%d">`, badgeFont)
	fmt.Fprintf(buf, `<text x="%s" y="14" textLength="%d">%s</text>`, half(2*labelAt+left), lw, escapeXML(b.label))
	fmt.Fprintf(buf, `<text x="%s" y="14" textLength="%d">%s</text>`, half(2*messageAt+right), mw, escapeXML(b.message))
	buf.WriteString("</g></svg>\n")
	return nil
}

// half formats n/2 without a trailing ".0".
func half(n int) string { return strconv.FormatFloat(float64(n)/2, 'f', -1, 64) }

// escapeXML escapes text for XML content and attribute values alike, and
// replaces characters XML cannot hold.
func escapeXML(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// verdana holds the advance widths of printable ASCII (from ' ' to '~') in
// Verdana, the font shields.io measures with, in 1/2048 em.
var verdana = [95]int{
	720, 823, 1001, 1802, 1423, 2431, 1608, 551, 1019, 1019, 1423, 1802, 715, 1024, 715, 1019, // ' ' to '/'
	1423, 1423, 1423, 1423, 1423, 1423, 1423, 1423, 1423, 1423, // digits
	1019, 1019, 1802, 1802, 1802, 1220, 2048, // ':' to '@'
	1402, 1405, 1433, 1603, 1294, 1180, 1592, 1577, 866, 1020, 1414, 1154, 1762, // 'A' to 'M'
	1573, 1637, 1247, 1637, 1436, 1405, 1254, 1530, 1402, 2032, 1403, 1249, 1404, // 'N' to 'Z'
	1019, 1019, 1019, 1802, 1423, 1423, // '[' to '`'
	1255, 1300, 1114, 1300, 1233, 720, 1300, 1298, 562, 705, 1186, 562, 1995, // 'a' to 'm'
	1298, 1248, 1300, 1300, 874, 1067, 807, 1298, 1186, 1690, 1186, 1186, 1071, // 'n' to 'z'
	1300, 1019, 1300, 1802, // '{' to '~'
}

// Widths, in 1/2048 em, of runes outside printable ASCII.
const (
	emWide  = 2048 // CJK ideographs, kana, Hangul, full-width forms
	emOther = 1300 // other letters: about an ASCII lowercase letter
)

// badgeFont is the text size of badges, in pixels.
const badgeFont = 11

// textWidth estimates the width of s at 11px in whole pixels, rounded up.
// The estimate depends on s alone, so builds stay byte-identical.
func textWidth(s string) int {
	units := 0
	for _, c := range s {
		units += runeWidth(c)
	}
	return (units*badgeFont + 2047) / 2048
}

func runeWidth(c rune) int {
	switch {
	case c >= ' ' && c <= '~':
		return verdana[c-' ']
	case unicode.Is(unicode.Mn, c) || unicode.Is(unicode.Me, c) || unicode.Is(unicode.Cf, c) || unicode.IsControl(c):
		return 0
	case isWide(c):
		return emWide
	}
	return emOther
}

// isWide reports whether a rune is East Asian wide or full-width, roughly
// as Unicode's East Asian Width property has it.
func isWide(c rune) bool {
	switch {
	case c >= 0x1100 && c <= 0x115F, // Hangul Jamo
		c >= 0x2E80 && c <= 0x303E, // CJK radicals, punctuation
		c >= 0x3041 && c <= 0x33FF, // kana, CJK compatibility
		c >= 0x3400 && c <= 0x4DBF, // CJK extension A
		c >= 0x4E00 && c <= 0x9FFF, // CJK ideographs
		c >= 0xA000 && c <= 0xA4CF, // Yi
		c >= 0xAC00 && c <= 0xD7A3, // Hangul syllables
		c >= 0xF900 && c <= 0xFAFF, // CJK compatibility ideographs
		c >= 0xFE30 && c <= 0xFE4F, // CJK compatibility forms
		c >= 0xFF00 && c <= 0xFF60, // full-width forms
		c >= 0xFFE0 && c <= 0xFFE6,
		c >= 0x1F300 && c <= 0x1FAFF, // pictographs and emoji
		c >= 0x20000 && c <= 0x3FFFD: // CJK extensions B and on
		return true
	}
	return false
}
