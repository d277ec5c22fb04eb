package source

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"statusgen/internal/corpus"
	"statusgen/internal/sitetest"
)

// sameTree reports where two node trees differ in what statusgen reads of
// them, "" when they do not.
func sameTree(a, b *yaml.Node, at string) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column ||
		a.Style != b.Style || len(a.Content) != len(b.Content) || a.HeadComment+a.LineComment+a.FootComment != b.HeadComment+b.LineComment+b.FootComment {
		return fmt.Sprintf("%s: %+v versus %+v", at, *a, *b)
	}
	for i := range a.Content {
		if d := sameTree(a.Content[i], b.Content[i], fmt.Sprint(at, "/", i)); d != "" {
			return d
		}
	}
	return ""
}

// checkFast fails when the fast reader takes data and makes of it another
// tree than yaml.v3.
func checkFast(t *testing.T, data []byte) bool {
	t.Helper()
	fast, ok := fastYAML(data)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		t.Fatalf("%q: the fast reader took what yaml.v3 refuses: %v", data, err)
	}
	if d := sameTree(fast, &want, "doc"); d != "" {
		t.Fatalf("%q: %s", data, d)
	}
	return true
}

// TestFastYAML: the front-matter of the example's posts, of every corpus
// shape and of the posts statusgen new writes takes the fast way, into
// the tree yaml.v3 makes; what it cannot read goes to yaml.v3.
func TestFastYAML(t *testing.T) {
	var docs []string
	examples, _ := filepath.Glob(filepath.Join(sitetest.Root(), "content/posts/*.md"))
	for _, name := range examples {
		data, _ := os.ReadFile(name)
		docs = append(docs, strings.SplitN(string(data), "---\n", 3)[1])
	}
	dir := t.TempDir()
	for _, name := range corpus.ShapeNames() {
		s := corpus.Shapes[name]
		s.Posts = 30
		corpus.WriteShape(filepath.Join(dir, name), s)
		posts, _ := filepath.Glob(filepath.Join(dir, name, "content/posts/*/*.md"))
		for _, p := range posts {
			data, _ := os.ReadFile(p)
			docs = append(docs, strings.SplitN(string(data), "---\n", 3)[1])
		}
	}
	taken := 0
	for _, doc := range docs {
		if checkFast(t, []byte(doc)) {
			taken++
		}
	}
	if taken < len(docs)*9/10 {
		t.Errorf("the fast reader took %d of %d ordinary front-matters", taken, len(docs))
	}
	for _, odd := range []string{
		"title: \"quoted\"\n", "title: a # comment\n", "region:\n  - jp\n", "title: a: b\n", "title: x\r\n",
		"title: trailing \n", "  title: indented\n", "title: [a, b\n", "region: [yes, no]\n", "title: |\n  block\n",
	} {
		if _, ok := fastYAML([]byte(odd)); ok {
			t.Errorf("the fast reader took %q, which is yaml.v3's to read", odd)
		}
	}
}

// FuzzFastYAML: whatever the fast reader takes, yaml.v3 reads into the
// same tree.
func FuzzFastYAML(f *testing.F) {
	for _, seed := range []string{
		"title: a\nregion: jp\n", "region: [na, jp]\nstate: major_outage\ntimestamp: 2011-05-14T23:00:00-07:00\n",
		"draft: true\nx: 12\ny: 0x1f\nz: 1e3\nw: .5\nv: -0b101\nu: 0o17\nt: 2011-05-14\ns: ~\n", "title: 日本で障害\n\nstage: resolved\n",
		"a: +.inf\nb: 1_000\nc: 2011-5-1 10:00:00\nd: 18446744073709551615\ne: -\nf: <<\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFast(t, data) })
}

// TestFastYAMLRandom: values drawn from the characters that decide how
// YAML reads a scalar — digits, signs, dots, exponents, prefixes,
// underscores, colons, hashes, spaces, words of YAML and letters of other
// scripts — read alike both ways whenever the fast reader takes them.
func TestFastYAMLRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"0", "1", "9", "2011", "-", "+", ".", "e", "E", "x", "b", "o", "_", ":", "#", " ", "a", "T", "Z",
		"true", "null", "~", "inf", "nan", "日本", "é", "'", "\"", "[", "]", ",", "y", "05", "14", "0x1F", "0o7", "0b1"}
	taken := 0
	for range 20000 {
		var v strings.Builder
		for range 1 + rng.IntN(6) {
			v.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if checkFast(t, []byte("k: "+v.String()+"\n")) {
			taken++
		}
	}
	if taken < 2000 {
		t.Errorf("only %d of 20,000 values taken: the test tries too little", taken)
	}
}
