// Command screenshots renders the example site's overview, Japan page,
// Middle East page (Arabic, right to left) and PlayStation Network page at
// 375 and 1280 px, light and dark, into PNG files, so that anyone can look
// at the pages without a browser at hand:
//
//	go run ./internal/screenshots --out shots
//	go run ./internal/screenshots --out shots --large
//
// With --large it shows the generated site of 60 regions by 200 services
// the page tests check (pages.BuildLarge) instead.
//
// It needs Chromium (the Debian package chromium, or STATUSGEN_CHROMIUM).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"statusgen/internal/pages"
)

// shots are the pages shown, by the name their files take.
var shots = []struct{ name, path string }{
	{"overview", ""},
	{"japan", "regions/jp/"},
	{"middle-east", "regions/me/"},
	{"psn", "services/psn/"},
}

// largeShots are the pages of the large site shown.
var largeShots = []struct{ name, path string }{
	{"large-overview", ""},
	{"large-region", "regions/r0/"},
	{"large-service", "services/s5/"},
	{"large-region-group", "regions/g1/"},
	{"large-service-group", "services/c2/"},
}

func main() {
	out := flag.String("out", "", "write the PNG files into this `folder` (made if missing)")
	at := flag.String("now", "2011-05-20T00:00:00Z", "show the example as of this RFC 3339 `time`")
	large := flag.Bool("large", false, "show the generated large site instead of the example (--now is ignored)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/screenshots --out FOLDER [--now TIME]")
		os.Exit(2)
	}
	if err := run(*out, *at, *large); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(out, at string, large bool) error {
	now, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return fmt.Errorf("--now: %v", err)
	}
	root, err := pages.Root()
	if err != nil {
		return err
	}
	site, err := os.MkdirTemp("", "statusgen-shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(site) // the temporary folder, whatever site names below
	shown := shots
	if large {
		shown = largeShots
		_, err = pages.BuildLarge(root, filepath.Join(site, "site"), filepath.Join(site, "public"))
		site = filepath.Join(site, "public")
	} else {
		err = pages.BuildExample(root, site, now, "")
	}
	if err != nil {
		return err
	}
	srv := pages.Serve(site)
	defer srv.Close()
	exe, err := pages.Chromium()
	if err != nil {
		return err
	}
	tab, cancel, err := pages.NewBrowser(context.Background(), exe, nil)
	if err != nil {
		return err
	}
	defer cancel()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, s := range shown {
		for _, v := range pages.Views {
			if _, err := chromedp.Run(tab, pages.Open(srv.URL+"/"+s.path, v)); err != nil {
				return err
			}
			png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
			if err != nil {
				return err
			}
			name := filepath.Join(out, fmt.Sprintf("%s-%s.png", s.name, v))
			if err := os.WriteFile(name, png, 0o644); err != nil {
				return err
			}
			fmt.Println(name)
		}
	}
	return nil
}
