package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"statusgen/generator/source"
	"statusgen/internal/sitetest"
)

// TestSessionEnglishFallback: a language whose file lacks a string shows
// the English one; when that English string changes in a watch session,
// the language's pages must show the new one, as a full build does.
func TestSessionEnglishFallback(t *testing.T) {
	dir := t.TempDir()
	s := &sessionSite{t: t, dir: dir, out: filepath.Join(dir, "public"), now: sitetest.At("2011-05-20T00:00:00Z")}
	s.write(source.SiteFile, strings.Replace(sitetest.Site, "language: ja", "language: sv", 1))
	s.write("layouts/i18n/sv.yaml", "services_heading: Tjänster\n")
	s.write("content/posts/jp-down.md", "---\nregion: jp\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-18T00:00:00Z\n---\nDown.\n")
	s.start()
	// sv.yaml has no "subscribe": the Swedish pages show the English one.
	s.write("layouts/i18n/en.yaml", "subscribe: Follow\n")
	s.rebuild("English string a Swedish page falls back on", []string{"layouts/i18n/en.yaml"})
}

// TestSessionArabicStrings: editing the Arabic strings (a plural form, a
// plain string over a plural one) renders the Arabic region's outputs
// only, and as a full build does.
func TestSessionArabicStrings(t *testing.T) {
	dir := t.TempDir()
	s := &sessionSite{t: t, dir: dir, out: filepath.Join(dir, "public"), now: sitetest.At("2011-05-20T00:00:00Z")}
	s.write(source.SiteFile, strings.Replace(sitetest.Site, "language: ja", "language: ar", 1))
	s.write("content/posts/jp-down.md", "---\nregion: jp\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-18T00:00:00Z\n---\nDown.\n")
	s.write("content/posts/na-down.md", "---\nregion: na\nservice: psn\nstate: major_outage\ntimestamp: 2011-05-18T00:00:00Z\n---\nDown.\n")
	s.start()
	for i, text := range []string{
		"unit_hours:\n  one: ساعة\n  two: ساعتان\n  other: \"%d ساعة\"\n",
		"unit_hours:\n  one: ساعة\n  few: ساعتان\n  other: \"%d ساعة\"\n",
		"unit_hours: \"%d ساعة\"\n",
		"unit_hours:\n  other: \"%d ساعة\"\n",
	} {
		s.write("layouts/i18n/ar.yaml", text)
		res, err := s.sess.Build([]string{"layouts/i18n/ar.yaml"}, s.now)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Rendered {
			if !strings.Contains(p, "jp") {
				t.Errorf("step %d: Arabic strings rendered %s", i, p)
			}
		}
		s.write("layouts/i18n/ar.yaml", text+"subscribe: اشترك الآن\n")
		s.rebuild("arabic", []string{"layouts/i18n/ar.yaml"})
	}
}

// start opens a watch session on the site's folder and builds it whole.
func (s *sessionSite) start() {
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { root.Close() })
	s.sess = NewSession(Options{Site: root.FS(), Defaults: sitetest.Defaults}, s.out)
	if _, err := s.sess.Build(nil, s.now); err != nil {
		s.t.Fatal(err)
	}
}
