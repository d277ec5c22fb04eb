package source

import (
	"fmt"
	"strings"
	"testing"
)

// TestYAMLMistakes: each common mistake is told in plain words at the
// line and column to fix, in site.yaml's own lines (no front-matter
// offset).
func TestYAMLMistakes(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"title: Payments: slow\n", `content/site.yaml:1:16: invalid YAML: the ": " in the value of title makes YAML read it as another key; put the whole value in quotes: title: "Payments: slow"`},
		{`title: C:\new: x` + "\n", `content/site.yaml:1:14: invalid YAML: the ": " in the value of title makes YAML read it as another key; put the whole value in quotes: title: 'C:\new: x'`},
		{"title: Payments: slow # note\n", `content/site.yaml:1:16: invalid YAML: the ": " in the value of title makes YAML read it as another key; put the whole value in quotes: title: "Payments: slow" # note`},
		{"a: b\r\ntitle: Payments: slow\r\n", `content/site.yaml:2:16: invalid YAML: the ": " in the value of title makes YAML read it as another key; put the whole value in quotes: title: "Payments: slow"`},
		{"title: ends with:\n", `content/site.yaml:1:17: invalid YAML: the ": " in the value of title makes YAML read it as another key; put the whole value in quotes: title: "ends with:"`},
		{"a: b\n  c: d\n", `content/site.yaml:2:3: invalid YAML: c is indented more than a on the line above: keys at one level start in the same column; remove the spaces before c`},
		{"a: b\n\n# note\n  c: d\n", `content/site.yaml:4:3: invalid YAML: c is indented more than a on the line above: keys at one level start in the same column; remove the spaces before c`},
		{"a: b\n\tc: d\n", `content/site.yaml:2:1: invalid YAML: a tab before the text: YAML lines are indented with spaces only; replace the tab with spaces`},
		{"a: b\n \tc: d\n", `content/site.yaml:2:2: invalid YAML: a tab before the text: YAML lines are indented with spaces only; replace the tab with spaces`},
		{"\ta: b\n", `content/site.yaml:1:1: invalid YAML: a tab before the text: YAML lines are indented with spaces only; replace the tab with spaces`},
		{"a:\n  - x\n - y\n", `content/site.yaml:3:2: invalid YAML: this "- " is not lined up with the items of the list above: start every "- " of a list in the same column`},
		{"a: b\n- y\n", `content/site.yaml:2:1: invalid YAML: this "- " is not lined up with the items of the list above: start every "- " of a list in the same column`},
		{"a:\n  - id: x\n    b:\n      - p\n     - q\n", `content/site.yaml:5:6: invalid YAML: this "- " is not lined up with the items of the list above: start every "- " of a list in the same column`},
		// Not explained: yaml.v3's words, at its line.
		{"a: [b\n", `content/site.yaml:1:1: invalid YAML: did not find expected ',' or ']'`},
		{"a: 'b\n", `content/site.yaml:1:1: invalid YAML: found unexpected end of stream`},
	}
	for _, tt := range tests {
		var errs ErrorList
		parseSite([]byte(tt.yaml), &errs)
		if got := errs.Error(); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.yaml, got, tt.want)
		}
	}
}

// TestContinuedItem: "- us" then "   - eu" is one plain scalar; an id
// holding " - " on one line is no such mistake.
func TestContinuedItem(t *testing.T) {
	for yml, want := range map[string]string{
		"regions:\n  - id: r\n    name: R\n    services:\n      - a\n       - b\nservices:\n  - {id: a, name: A}\n  - {id: b, name: B}\n": `content/site.yaml:6:8: services: YAML reads this "- " line as more words of the line above, making the one id "a - b"; put each "- " item on a line of its own, all starting in the same column`,
		// Trailing spaces, which the value folds away.
		"regions:\n  - id: r\n    name: R\n    services:\n      - a\n       - b   \n       - a   \nservices:\n  - {id: a, name: A}\n  - {id: b, name: B}\n": `content/site.yaml:6:8: services: YAML reads this "- " line as more words of the line above, making the one id "a - b - a"; put each "- " item on a line of its own, all starting in the same column`,
		"regions:\n  - id: r\n    name: R\n    services: a - b\nservices:\n  - {id: a, name: A}\n":                                                          `content/site.yaml:4:15: region "r": unknown service "a - b"; the services are a`,
	} {
		var errs ErrorList
		if doc := parseSite([]byte("title: T\nbase_url: https://example.com/\n"+yml), &errs); doc != nil {
			doc.validate(&errs, nil)
		}
		errs = errs.Sort()
		// The lines of the test are two below those of yml.
		if len(errs) != 1 || strings.Replace(errs[0].Error(), fmt.Sprintf(":%d:", errs[0].Pos.Line), fmt.Sprintf(":%d:", errs[0].Pos.Line-2), 1) != want {
			t.Errorf("%q:\n got %v\nwant %s", yml, errs, want)
		}
	}
}

// TestContinuedItemHuge: a megabyte of misplaced items is found in one
// pass (it took seconds when each line searched the whole value), and the
// message quotes a line's worth of it.
func TestContinuedItemHuge(t *testing.T) {
	yml := "title: T\nbase_url: https://example.com/\nregions:\n  - id: r\n    name: R\n    services:\n      - a\n" +
		strings.Repeat("       - a   \n", 70000) + "services:\n  - {id: a, name: A}\n"
	var errs ErrorList
	if doc := parseSite([]byte(yml), &errs); doc != nil {
		doc.validate(&errs, nil)
	}
	if len(errs) != 1 || errs[0].Pos.Line != 8 || errs[0].Pos.Col != 8 || len(errs[0].Msg) > 300 {
		t.Fatalf("got %d errors, the first %.300v", len(errs), errs)
	}
}

// TestKnownHint: a close id is named; else the ids there are, once each,
// up to 20 and then how many more and where.
func TestKnownHint(t *testing.T) {
	if got := KnownHint("usa", []string{"us", "eu"}, "regions", "regions:"); got != ` (did you mean "us"?)` {
		t.Errorf("close: %s", got)
	}
	if got := KnownHint("mars", []string{"us", "eu", "us"}, "regions", "regions:"); got != "; the regions are us, eu" {
		t.Errorf("few: %s", got)
	}
	var many []string
	for i := range 1000 {
		many = append(many, fmt.Sprintf("region-%d", i))
	}
	want := "; the regions are region-0, region-1, region-2, region-3, region-4, region-5, region-6, region-7, region-8, region-9, region-10, region-11, region-12, region-13, region-14, region-15, region-16, region-17, region-18, region-19 and 980 more (see regions: in content/site.yaml)"
	if got := KnownHint("mars", many, "regions", "regions:"); got != want {
		t.Errorf("many:\n got %s\nwant %s", got, want)
	}
}
