package pages

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"statusgen/generator/build"
	"statusgen/internal/sitetest"
)

// languageSite builds a site with a region in each built-in language (see
// sitetest.NewLanguageSite) into a temporary folder.
func languageSite(t *testing.T, shape sitetest.Shape) (langs []string, site *sitetest.LanguageSite, out string) {
	t.Helper()
	langs, err := sitetest.Languages()
	if err != nil || len(langs) < 12 {
		t.Fatalf("built-in languages: %v %v", langs, err)
	}
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	site = sitetest.NewLanguageSite(langs, "en", shape)
	fsys := fstest.MapFS{}
	for p, data := range site.Files {
		fsys[p] = &fstest.MapFile{Data: []byte(data)}
	}
	out = t.TempDir()
	if err := write(build.Options{Site: fsys, Defaults: os.DirFS(root), Now: site.Now}, out); err != nil {
		t.Fatal(err)
	}
	return langs, site, out
}

// TestLanguagesValidHTML runs the Nu Html Checker on every page of a
// small and a large site with regions in every built-in language, whose
// region and incident pages speak it.
func TestLanguagesValidHTML(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	for _, shape := range []sitetest.Shape{{}, {Large: true, Groups: true}} {
		langs, _, out := languageSite(t, shape)
		for _, lang := range langs {
			page := filepath.Join(out, "regions", sitetest.RegionOf(lang), "index.html")
			if data, err := os.ReadFile(page); err != nil || !strings.Contains(string(data), fmt.Sprintf(`<html lang="%s"`, lang)) {
				t.Fatalf("%s is not in %s (%v)", page, lang, err)
			}
		}
		outs = append(outs, out)
	}
	validate(t, root, outs...)
}

// TestLanguagesAccessible runs axe-core on each built-in language's region
// page and the page of an incident there, light and dark, on a phone and
// a desktop.
func TestLanguagesAccessible(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	axe := axeScript(t, root)
	langs, _, out := languageSite(t, sitetest.Shape{})
	b := newBrowser(t)
	srv := Serve(out)
	defer srv.Close()
	for _, lang := range langs {
		region := sitetest.RegionOf(lang)
		for _, page := range []string{"regions/" + region + "/", "incidents/" + sitetest.OutageOf(region) + "/"} {
			for _, v := range Views {
				b.accessible(t, axe, fmt.Sprintf("%s /%s %s", lang, page, v), srv.URL, page, v)
			}
		}
	}
}
