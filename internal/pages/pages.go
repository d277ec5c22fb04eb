// Package pages looks at the built pages with the tools readers and
// checkers use: it builds the example site, serves it on loopback and
// drives headless Chromium with chromedp, to run axe-core in it or to take
// screenshots. The page tests and the screenshots command share it.
package pages

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"statusgen/generator/build"
	"statusgen/internal/corpus"
)

// Root returns the repository's root folder, the nearest one upwards
// holding go.mod.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
}

// BuildExample builds the repository's example site as of now into the
// folder out, for baseURL ("" keeps site.yaml's).
func BuildExample(root, out string, now time.Time, baseURL string) error {
	repo := os.DirFS(root)
	return write(build.Options{Site: repo, Defaults: repo, Now: now, BaseURL: baseURL}, out)
}

// LargeShape is the generated site the page tests check besides the
// example: 60 regions in 6 groups by 200 services in 12, 1,000 incidents.
const LargeShape = "wide"

// open are posts added to the large site so that its pages show problems
// at the build instant: a region group down for one service, a service
// group degraded in one region and a maintenance, all begun before it.
var open = []string{
	"title: Sign-in fails across Geography 1\nregion: g1\nservice: s5\nstate: major_outage\nincident: open-g1-s5\ntimestamp: -3h",
	"title: Slow responses for Category 2 in Region 0\nregion: r0\nservice: c2\nstate: partial_outage\nincident: open-r0-c2\ntimestamp: -2h",
	"title: Storage upgrade in Region 3\nregion: r3\nservice: s7\nstate: maintenance\nincident: open-r3-s7\ntimestamp: -1h\nuntil: +4h",
}

// BuildLarge writes the LargeShape site into the folder site, with the
// open posts, and builds it into out at the instant it returns.
func BuildLarge(root, site, out string) (time.Time, error) {
	return BuildLargeWith(root, site, out, open)
}

// BuildLargeWith is BuildLarge with other posts than the open ones: front
// matter whose timestamp and until may be durations from the instant
// ("-3h").
func BuildLargeWith(root, site, out string, posts []string) (time.Time, error) {
	shape := corpus.Shapes[LargeShape]
	if err := corpus.WriteShape(site, shape); err != nil {
		return time.Time{}, err
	}
	now := shape.Now()
	at := regexp.MustCompile(`(timestamp|until): ([-+]\w+)`)
	for i, post := range posts {
		post = at.ReplaceAllStringFunc(post, func(m string) string {
			parts := at.FindStringSubmatch(m)
			d, _ := time.ParseDuration(parts[2])
			return parts[1] + ": " + now.Add(d).Format(time.RFC3339)
		})
		name := filepath.Join(site, "content", "posts", fmt.Sprintf("open-%d.md", i))
		if err := os.WriteFile(name, []byte("---\n"+post+"\n---\nWe are looking into it.\n"), 0o644); err != nil {
			return now, err
		}
	}
	return now, write(build.Options{Site: os.DirFS(site), Defaults: os.DirFS(root), Now: now}, out)
}

// write builds the site of o into the folder out.
func write(o build.Options, out string) error {
	_, err := build.Generate(o, func(p string, data []byte) error {
		name := filepath.Join(out, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		return os.WriteFile(name, data, 0o644)
	})
	return err
}

// Serve serves a built site from the root of a loopback HTTP server.
func Serve(dir string) *httptest.Server { return httptest.NewServer(Handler(dir)) }

// Handler serves a built site as a static host would: a folder by its
// index.html, no listings, and the site's 404 page for anything missing.
func Handler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		if info, err := os.Stat(name); err == nil && info.IsDir() {
			name = filepath.Join(name, "index.html")
		}
		if _, err := os.Stat(name); err != nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			page, _ := os.ReadFile(filepath.Join(dir, "404.html"))
			w.Write(page)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// Chromium finds the browser: $STATUSGEN_CHROMIUM, else the first of
// chromium, chromium-browser and google-chrome on the PATH.
func Chromium() (string, error) {
	if exe := os.Getenv("STATUSGEN_CHROMIUM"); exe != "" {
		return exec.LookPath(exe)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if exe, err := exec.LookPath(name); err == nil {
			return exe, nil
		}
	}
	return "", errors.New("no Chromium found (install the Debian package chromium, or set STATUSGEN_CHROMIUM to the browser's path)")
}

// NewBrowser starts headless Chromium with a fresh profile and returns a
// context for chromedp actions in one tab, whose events go to listen (which
// may be nil); cancel closes the browser.
func NewBrowser(ctx context.Context, exe string, listen func(ev any)) (context.Context, context.CancelFunc, error) {
	profile, err := os.MkdirTemp("", "statusgen-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.DisableGPU,
		chromedp.NoSandbox, // tests and CI run as root, where the sandbox cannot start
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	var tabOpts []chromedp.ContextOption
	if listen != nil {
		tabOpts = append(tabOpts, chromedp.WithListener(listen))
	}
	tab, cancelTab := chromedp.NewContext(allocCtx, tabOpts...)
	cancel := func() {
		cancelTab()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	if err := chromedp.Do(tab); err != nil { // starts the browser
		cancel()
		return nil, nil, fmt.Errorf("starting %s: %w", exe, err)
	}
	return tab, cancel, nil
}

// View is one way a reader sees a page: a window width and a colour scheme.
type View struct {
	Width int
	Dark  bool
}

// Views are the widths and schemes pages are checked and shown in: a
// phone and a desktop, light and dark.
var Views = []View{{375, false}, {375, true}, {1280, false}, {1280, true}}

func (v View) String() string {
	if v.Dark {
		return fmt.Sprintf("%d-dark", v.Width)
	}
	return fmt.Sprintf("%d-light", v.Width)
}

// Open loads url in the tab as v shows it and returns the server's
// response.
func Open(url string, v View) chromedp.Action[*network.Response] {
	scheme := "light"
	if v.Dark {
		scheme = "dark"
	}
	return func(ctx context.Context, t *chromedp.Target) (*network.Response, error) {
		if _, err := chromedp.EmulateViewport(int64(v.Width), 800)(ctx, t); err != nil {
			return nil, err
		}
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		if err != nil {
			return nil, err
		}
		return chromedp.NavigateResponse(url)(ctx, t)
	}
}

// Violation is one axe-core rule a page breaks, with the elements that
// break it.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// AxeTags are the rule sets checked: WCAG 2.0 and 2.1, levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// Axe runs axe-core (its source in script) on the open page with the
// AxeTags rules and returns what it finds.
func Axe(script string) chromedp.Action[[]Violation] {
	tags, _ := json.Marshal(AxeTags)
	run := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r => r.violations)`, tags)
	return func(ctx context.Context, t *chromedp.Target) ([]Violation, error) {
		if _, err := chromedp.Evaluate[chromedp.Void](script)(ctx, t); err != nil {
			return nil, err
		}
		return chromedp.Evaluate[[]Violation](run, chromedp.EvalAwaitPromise)(ctx, t)
	}
}
