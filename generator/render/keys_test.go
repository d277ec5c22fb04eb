package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"statusgen/generator/status"
	"statusgen/internal/sitetest"
)

// dynamicKeys are the UI strings the code asks for by a prefix and a
// name it holds at run time: "state_" + a state's name. Each prefix is
// listed with every name it takes.
var dynamicKeys = map[string][]string{
	"state_": status.StateNames, // StateText
	"stage_": status.StageNames, // StageText
	// Page.Progress: a maintenance's moment.
	"maintenance_": {
		(&status.IncidentView{Upcoming: true}).MaintenanceStatus(),
		(&status.IncidentView{Open: true}).MaintenanceStatus(),
		(&status.IncidentView{}).MaintenanceStatus(),
	},
}

// TestNoUnusedKeys: every key of en.yaml is asked for, by a layout's .T
// or as a string in statusgen's Go code, literally or as one of
// dynamicKeys. A key nothing asks for is a string every language file
// translates for no reader, or one the code meant to use and does not.
func TestNoUnusedKeys(t *testing.T) {
	english := readLanguageFile(t, "en")
	layoutKeys := layoutKeys(t)
	goStrings := goStrings(t)
	used := map[string]string{} // key -> who asks for it
	for key, where := range layoutKeys {
		used[key] = where
	}
	for s, where := range goStrings {
		if _, ok := english[s]; ok {
			used[s] = where
		}
	}
	for prefix, names := range dynamicKeys {
		for _, n := range names {
			used[prefix+n] = "dynamicKeys"
		}
	}
	for _, key := range slices.Sorted(maps.Keys(english)) {
		if _, ok := used[key]; !ok {
			t.Errorf("layouts/i18n/en.yaml: %s is asked for by no layout and no Go code: drop it from every language file, or use it", key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(used)) {
		if _, ok := english[key]; !ok {
			t.Errorf("%s asks for %s, which layouts/i18n/en.yaml lacks", used[key], key)
		}
	}
}

// TestDynamicKeysListed holds dynamicKeys to the code: a prefix the Go
// code writes (a string ending in "_" that begins keys, or a format such
// as "state_%s") is listed, and every listed prefix is both written by
// the code and begins a key.
func TestDynamicKeysListed(t *testing.T) {
	english := readLanguageFile(t, "en")
	goStrings := goStrings(t)
	begins := func(prefix string) bool {
		for key := range english {
			if strings.HasPrefix(key, prefix) && key != prefix {
				return true
			}
		}
		return false
	}
	for _, s := range slices.Sorted(maps.Keys(goStrings)) {
		prefix, _, _ := strings.Cut(s, "%")
		if _, isKey := english[s]; isKey || !strings.HasSuffix(prefix, "_") {
			continue
		}
		if _, ok := dynamicKeys[prefix]; !ok && begins(prefix) {
			t.Errorf("%s writes %q, which begins UI string keys: list the prefix %q in dynamicKeys with the names it takes", goStrings[s], s, prefix)
		}
	}
	for _, prefix := range slices.Sorted(maps.Keys(dynamicKeys)) {
		if _, ok := goStrings[prefix]; !ok {
			t.Errorf("dynamicKeys lists %q, which no Go code writes", prefix)
		}
		if !begins(prefix) {
			t.Errorf("dynamicKeys lists %q, which begins no key of en.yaml", prefix)
		}
		if len(dynamicKeys[prefix]) == 0 {
			t.Errorf("dynamicKeys lists %q with no names", prefix)
		}
	}
}

// layoutKeys returns the keys the default layouts ask for with .T (also
// $.T, $.Page.T), each with the layout that asks first. A key the layout
// computes fails the test: no list could hold it to the strings files.
func layoutKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	err := fs.WalkDir(sitetest.Defaults, "layouts", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		text, err := fs.ReadFile(sitetest.Defaults, name)
		if err != nil {
			return err
		}
		tree := parse.New(name)
		tree.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := tree.Parse(string(text), "", "", trees); err != nil {
			return err
		}
		for _, tr := range trees {
			walkTemplate(tr.Root, func(cmd *parse.CommandNode) {
				if !callsT(cmd) {
					return
				}
				if len(cmd.Args) < 2 {
					t.Errorf("%s:%d: .T without a key", name, line(tr, cmd))
					return
				}
				key, ok := cmd.Args[1].(*parse.StringNode)
				if !ok {
					t.Errorf("%s:%d: .T %s: a key the layout computes; write it as a string", name, line(tr, cmd), cmd.Args[1])
					return
				}
				if _, seen := keys[key.Text]; !seen {
					keys[key.Text] = name
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d keys in the layouts: %v", len(keys), slices.Sorted(maps.Keys(keys)))
	}
	return keys
}

// callsT reports whether a command calls the translator's T method: .T,
// $.T, $.Page.T, (…).T.
func callsT(cmd *parse.CommandNode) bool {
	var idents []string
	switch n := cmd.Args[0].(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.VariableNode:
		idents = n.Ident
	case *parse.ChainNode:
		idents = n.Field
	}
	return len(idents) > 0 && idents[len(idents)-1] == "T"
}

func line(tr *parse.Tree, n parse.Node) int {
	l, _ := tr.ErrorContext(n)
	_, after, _ := strings.Cut(l, ":")
	num, _, _ := strings.Cut(after, ":")
	i, _ := strconv.Atoi(num)
	return i
}

// walkTemplate calls visit for every command in the tree under n.
func walkTemplate(n parse.Node, visit func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkTemplate(c, visit)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, visit)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, visit)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkTemplate(c, visit)
		}
	case *parse.CommandNode:
		visit(n)
		for _, a := range n.Args {
			walkTemplate(a, visit)
		}
	case *parse.ChainNode:
		walkTemplate(n.Node, visit)
	}
}

func walkBranch(b *parse.BranchNode, visit func(*parse.CommandNode)) {
	walkTemplate(b.Pipe, visit)
	walkTemplate(b.List, visit)
	walkTemplate(b.ElseList, visit)
}

// goStrings returns every string literal of statusgen's Go code outside
// tests, each with the file and line that writes it first.
func goStrings(t *testing.T) map[string]string {
	t.Helper()
	root := sitetest.Root()
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(filepath.Join(root, "generator"), func(name string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "testdata":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if _, seen := out[s]; !seen {
				pos := fset.Position(lit.Pos())
				rel, _ := filepath.Rel(root, pos.Filename)
				out[s] = filepath.ToSlash(rel) + ":" + strconv.Itoa(pos.Line)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
