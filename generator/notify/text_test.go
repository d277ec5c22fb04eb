package notify

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"empty", "", ""},
		{"paragraphs", "<p>One.</p>\n<p>Two\nlines.</p>\n", "One.\n\nTwo lines."},
		{"entities", "<p>AT&amp;T &lt;3 &quot;you&quot; &#39;n&#39; caf&eacute; &#x1F600;</p>", "AT&T <3 \"you\" 'n' café 😀"},
		{"inline", "<p>A <strong>bold</strong> and <em>em</em> <code>x &lt; y</code> <del>gone</del>.</p>", "A bold and em x < y gone."},
		{"link", `<p>See <a href="https://ex.com/a">the page</a>.</p>`, "See the page (https://ex.com/a)."},
		{"link as url", `<p>See <a href="https://ex.com/a">https://ex.com/a</a>.</p>`, "See https://ex.com/a."},
		{"link in brackets", `<p>(<a href="https://ex.com/">https://ex.com/</a>)</p>`, "(https://ex.com/)"},
		{"mail link", `<p>Write <a href="mailto:ops@ex.com">ops@ex.com</a></p>`, "Write mailto:ops@ex.com"},
		{"anchor link", `<p><a href="#x">here</a></p>`, "here"},
		{"image link", `<p><a href="https://ex.com/big.png"><img src="small.png" alt="graph"></a></p>`, "graph (https://ex.com/big.png)"},
		{"image", `<p>Before <img src="a.png" alt="a chart"> after</p>`, "Before a chart after"},
		{"br", "<p>Line one<br>\nline two</p>", "Line one\nline two"},
		{"list", "<p>Steps:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<p>Done.</p>", "Steps:\n\n- one\n- two\n\nDone."},
		{"ordered", "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>", "3. three\n4. four"},
		{"loose list", "<ul>\n<li>\n<p>one</p>\n</li>\n<li>\n<p>two</p>\n</li>\n</ul>", "- one\n\n- two"},
		{"nested", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>", "- a\n  - b\n- c"},
		{"item lines", "<ol>\n<li>first<br>more</li>\n</ol>", "1. first\n   more"},
		{"tasks", "<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n<li><input disabled=\"\" type=\"checkbox\"> todo</li>\n</ul>", "- [x] done\n- [ ] todo"},
		{"headings", "<h1>Title</h1>\n<h2>Sub</h2>\n<p>Text</p>", "Title\n\nSub\n\nText"},
		{"pre", "<p>Run:</p>\n<pre><code>a  b\n  c &lt;d&gt;\n\nend\n</code></pre>\n<p>then</p>", "Run:\n\na  b\n  c <d>\n\nend\n\nthen"},
		{"quote", "<blockquote>\n<p>Quoted</p>\n<p>twice</p>\n</blockquote>\n<p>after</p>", "> Quoted\n>\n> twice\n\nafter"},
		{"table", "<table>\n<thead>\n<tr>\n<th>Region</th>\n<th>State</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>Japan</td>\n<td>Down</td>\n</tr>\n</tbody>\n</table>", "Region | State\nJapan | Down"},
		{"script dropped", "<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>", "a\n\nb"},
		{"spaces kept", "<p>A\u00a0B\u3000C</p>", "A\u00a0B\u3000C"},
		{"japanese", "<p>現在、PlayStation Networkに接続しにくい状況です。</p>", "現在、PlayStation Networkに接続しにくい状況です。"},
		{"bare text", "just text &amp; more", "just text & more"},
		{"hr", "<p>a</p><hr><p>b</p>", "a\n\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlainText(tt.html)
			if got != tt.want {
				t.Errorf("PlainText(%q)\n got %q\nwant %q", tt.html, got, tt.want)
			}
		})
	}
}

func TestPlainTextHuge(t *testing.T) {
	html := strings.Repeat("<p>"+strings.Repeat("word ", 200)+"</p>", 50)
	got := PlainText(html)
	if n := strings.Count(got, "\n\n"); n != 49 {
		t.Errorf("%d paragraph breaks, want 49", n)
	}
}

// TestPlainTextOfMarkdown reads what the site's Markdown converter (GFM)
// makes of a post, not hand-written HTML.
func TestPlainTextOfMarkdown(t *testing.T) {
	src := "We are investigating **sign-in failures** on *PlayStation Network*.\n\n" +
		"Affected:\n\n- PS3 & PSP\n- [Qriocity](https://www.qriocity.com/) music\n  - streaming\n\n" +
		"1. Wait\n2. Retry\n\n> Quoted from the vendor\n\n```\n$ ping psn\n  timeout\n```\n\n" +
		"| Region | State |\n|---|---|\n| Japan | Down |\n\nSee https://status.example.com/ for more.  \nThanks.\n\n- [x] found\n- [ ] fixed\n"
	var buf bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(src), &buf); err != nil {
		t.Fatal(err)
	}
	want := "We are investigating sign-in failures on PlayStation Network.\n\n" +
		"Affected:\n\n- PS3 & PSP\n- Qriocity (https://www.qriocity.com/) music\n  - streaming\n\n" +
		"1. Wait\n2. Retry\n\n> Quoted from the vendor\n\n$ ping psn\n  timeout\n\n" +
		"Region | State\nJapan | Down\n\nSee https://status.example.com/ for more.\nThanks.\n\n- [x] found\n- [ ] fixed"
	if got := PlainText(buf.String()); got != want {
		t.Errorf("PlainText of\n%s\n got %q\nwant %q", buf.String(), got, want)
	}
}
