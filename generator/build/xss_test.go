package build

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// xssPayloads are classic filter evasions (after the OWASP XSS filter
// evasion cheat sheet) and breakouts for each context statusgen writes
// into: HTML text and attributes, URLs, XML, JSON, SVG and iCalendar.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>`,
	`<IMG SRC="javascript:alert('XSS');">`,
	`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
	"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
	`<a onmouseover="alert(document.cookie)">xxs link</a>`,
	`<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`,
	`<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>`,
	`<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">`,
	`<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
	`<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>`,
	`<BODY onload!#$%&()*~+-_.,:;?@[/|\]^` + "`" + `=alert("XSS")>`,
	`<<SCRIPT>alert("XSS");//\<</SCRIPT>`,
	`<iframe src=https://xss.example/scriptlet.html <`,
	`</TITLE><SCRIPT>alert("XSS");</SCRIPT>`,
	`<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`,
	`<svg/onload=alert('XSS')>`,
	`<svg><script>alert(1)</script></svg>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<object data="javascript:alert(1)"></object>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	`"><script>alert(1)</script>`,
	`'><img src=x onerror=alert(1)>`,
	`</style><script>alert(1)</script>`,
	`]]><script>alert(1)</script><![CDATA[`,
	`--><script>alert(1)</script><!--`,
	`javascript:alert(1)`,
	`vbscript:msgbox(1)`,
	`data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`,
	`{{.}} ${alert(1)} \u003cscript\u003e`,
	"line\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
	`a;b,c\d "quoted" & 'single'`,
}

// markdownAttacks are link forms a body may use to smuggle a script URL.
var markdownAttacks = []string{
	`[a](javascript:alert(1))`,
	`[b](JAVASCRIPT:alert(1))`,
	`[c](vbscript:msgbox(1))`,
	`[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![e](javascript:alert(1))`,
	`<javascript:alert(1)>`,
	`[f](&#106;avascript:alert(1))`,
	`[g](<javascript:alert(1)>)`,
	`[h]: javascript:alert(1)` + "\n\n[h]",
	`<a href="javascript:alert(1)">raw</a>`,
	`<img src=x onerror=alert(1)>`,
	"```\n</code><script>alert(1)</script>\n```",
}

// TestHostileContentIsInert builds a site whose every free-text field, in
// site.yaml and in posts, holds one payload at a time, and checks every
// output: no script, event handler or script URL in any HTML or SVG file
// (feed bodies included), well-formed XML, valid JSON that gives back the
// text as written, and no property smuggled into the calendar.
func TestHostileContentIsInert(t *testing.T) {
	// The calendar's properties with harmless text, to compare against: a
	// payload may not add one, not even another of a kind already there.
	base := icsProperties(build(t, hostileSite("Plain", true), Options{Now: sitetest.At("2011-05-01T00:00:00Z")})["maintenance.ics"])
	for _, payload := range xssPayloads {
		site := hostileSite(payload, true)
		_, err := Generate(Options{Site: site, Defaults: sitetest.Defaults, Now: sitetest.At("2011-05-01T00:00:00Z")}, func(string, []byte) error { return nil })
		if err != nil {
			// A URL that does not parse is refused, and that is inert
			// too; the rest of the fields are tried without it.
			if !strings.Contains(err.Error(), "is not an absolute http or https URL") {
				t.Fatalf("payload %q: %v", payload, err)
			}
			site = hostileSite(payload, false)
		}
		out := build(t, site, Options{Now: sitetest.At("2011-05-01T00:00:00Z")})
		for path, data := range out {
			var problems []string
			switch {
			case strings.HasSuffix(path, ".html"):
				problems = inertHTML(data, true)
			case strings.HasSuffix(path, ".svg"):
				problems = append(wellFormedXML(data), inertHTML(data, false)...)
			case strings.HasSuffix(path, ".xml"):
				problems = append(wellFormedXML(data), inertFeed(data)...)
			case strings.HasSuffix(path, ".json"):
				problems = inertJSON(data)
			case strings.HasSuffix(path, ".ics"):
				if got := icsProperties(data); !maps.Equal(got, base) {
					problems = append(problems, fmt.Sprintf("properties %v, a harmless build has %v", got, base))
				}
			}
			for _, p := range problems {
				t.Errorf("payload %q: %s: %s", payload, path, p)
			}
		}
	}
}

// hostileSite puts payload into every free-text field: the site's title
// and description, region and service names, URLs' paths, post titles and
// bodies (with the Markdown link attacks); urls says whether in the URLs of
// site.yaml too.
func hostileSite(payload string, urls bool) fstest.MapFS {
	q := func(s string) string { return fmt.Sprintf("%q", s) } // a YAML double-quoted string
	inURL := ""
	if urls {
		inURL = payload
	}
	site := "title: " + q(payload) + "\ndescription: " + q(payload) +
		"\nbase_url: https://status.example.com/\nhome_url: " + q("https://www.example.com/?q="+inURL) +
		"\nsupport_url: " + q("https://www.example.com/help#"+inURL) +
		"\nregions:\n  - id: na\n    name: " + q("NA "+payload) +
		"\n  - id: jp\n    name: " + q("JP "+payload) + "\n    language: ja\n    timezone: Asia/Tokyo\n" +
		"services:\n  - id: psn\n    name: " + q("PSN "+payload) + "\n"
	body := payload + "\n\n" + strings.Join(markdownAttacks, "\n\n") + "\n"
	post := func(region, state, ts, extra string) string {
		return "---\ntitle: " + q(payload) + "\nregion: " + region + "\nservice: psn\nstate: " + state +
			"\ntimestamp: " + ts + extra + "\n---\n" + body
	}
	fsys := fstest.MapFS{}
	for name, text := range map[string]string{
		source.SiteFile:            site,
		"content/a-down.md":        post("na", "major_outage", "2011-04-20T16:00:00Z", "\nincident: a"),
		"content/a-up.md":          post("na", "operational", "2011-04-21T16:00:00Z", "\nincident: a"),
		"content/b-jp.md":          post("jp", "partial_outage", "2011-04-22T16:00:00Z", ""),
		"content/c-maintenance.md": post("all", "maintenance", "2011-05-10T01:00:00Z", "\nuntil: 2011-05-10T03:00:00Z\nannounced: 2011-04-30T00:00:00Z"),
	} {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// scriptURL matches a URL that runs code, after the browser's own clean-up
// (leading blanks and controls dropped, tabs and newlines removed).
var scriptURL = regexp.MustCompile(`(?i)^(javascript|vbscript|data):`)

var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "data": true, "poster": true, "background": true, "xlink:href": true, "srcset": true}

// inertHTML parses data as a browser would and lists what could run code.
// page says whether it is a page, which must carry a policy against
// inline script.
func inertHTML(data []byte, page bool) []string {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	policy := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "base", "frame", "frameset", "applet", "form":
				problems = append(problems, "<"+n.Data+"> element")
			case "meta":
				switch equiv := strings.ToLower(attr(n, "http-equiv")); equiv {
				case "":
				case "content-security-policy":
					policy = forbidsInlineScript(attr(n, "content"))
				default:
					problems = append(problems, "meta http-equiv="+equiv)
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					problems = append(problems, fmt.Sprintf("<%s %s=%q> event handler", n.Data, a.Key, a.Val))
				}
				if urlAttrs[key] {
					v := strings.Map(func(r rune) rune {
						if r == '\t' || r == '\n' || r == '\r' {
							return -1
						}
						return r
					}, strings.TrimLeft(a.Val, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
					if scriptURL.MatchString(v) && !dataImage.MatchString(v) {
						problems = append(problems, fmt.Sprintf("<%s %s=%q> script URL", n.Data, a.Key, a.Val))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if page && !policy {
		problems = append(problems, "no Content-Security-Policy forbidding inline script")
	}
	return problems
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// dataImage matches raster images as data: URLs, which cannot run code.
var dataImage = regexp.MustCompile(`(?i)^data:image/(png|gif|jpeg|webp)[;,]`)

// forbidsInlineScript reads a policy's script-src, or default-src without
// one: neither may allow inline script.
func forbidsInlineScript(policy string) bool {
	src := map[string]string{}
	for _, d := range strings.Split(policy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		src[name] = value
	}
	v, ok := src["script-src"]
	if !ok {
		v, ok = src["default-src"]
	}
	return ok && !strings.Contains(v, "'unsafe-inline'") && !strings.Contains(v, "*")
}

func wellFormedXML(data []byte) []string {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return []string{"not well-formed XML: " + err.Error()}
		}
	}
}

// inertFeed checks the HTML that feeds carry (RSS description, Atom
// content and summary of type html) as feed readers render it.
func inertFeed(data []byte) []string {
	d := xml.NewDecoder(bytes.NewReader(data))
	var problems []string
	htmlNext := false
	for {
		tok, err := d.Token()
		if err != nil {
			return problems
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			htmlNext = tok.Name.Local == "description"
			for _, a := range tok.Attr {
				if a.Name.Local == "type" && a.Value == "html" {
					htmlNext = true
				}
			}
		case xml.CharData:
			if htmlNext {
				problems = append(problems, inertHTML(tok, false)...)
			}
		case xml.EndElement:
			htmlNext = false
		}
	}
}

// inertJSON: valid, and no markup a careless page could paste in: Go
// escapes <, > and & in strings.
func inertJSON(data []byte) []string {
	if !json.Valid(data) {
		return []string{"invalid JSON"}
	}
	if bytes.ContainsAny(data, "<>") {
		return []string{"unescaped < or > in JSON"}
	}
	return nil
}

// icsProperties counts the properties of an iCalendar file by name, lines
// unfolded.
func icsProperties(data []byte) map[string]int {
	names := map[string]int{}
	text := strings.ReplaceAll(string(data), "\r\n ", "")
	for _, line := range strings.Split(text, "\r\n") {
		if line == "" {
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		name, _, _ = strings.Cut(name, ";")
		names[name]++
	}
	return names
}
