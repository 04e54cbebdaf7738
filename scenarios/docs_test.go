package scenarios_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The first Go example in docs/writing-scenarios.md must be the scenario
// in example_test.go, which the suite compiles and runs.
func TestGuideExampleIsTheRunScenario(t *testing.T) {
	doc, err := os.ReadFile("../docs/writing-scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```go\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/writing-scenarios.md has no ```go block")
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`(?s)// example:begin\n(.*?)// example:end`).FindSubmatch(src)
	if code == nil {
		t.Fatal("example_test.go has no example:begin/end markers")
	}
	if norm(string(m[1])) != norm(string(code[1])) {
		t.Fatalf("the guide's first example differs from example_test.go; copy one into the other.\nguide:\n%s\nexample_test.go:\n%s", m[1], code[1])
	}
}

func norm(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(out, "\n")
}

// docs/catalogue.md has a row for every scenario the suite declares, and
// no row for one it does not.
func TestCatalogueListsEveryScenario(t *testing.T) {
	doc, err := os.ReadFile("../docs/catalogue.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| ((?:negative: |skew: )?[a-z][^|]*?) \|`).FindAllSubmatch(doc, -1) {
		if name := string(m[1]); name != "scenario" {
			rows[name] = true
		}
	}
	declared := map[string]bool{}
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`scenario\.It\("([^"]+)"`).FindAllSubmatch(src, -1) {
			declared[string(m[1])] = true
		}
	}
	for _, p := range skew {
		declared[fmt.Sprintf("skew: client %s with driver %s", p.client, p.driver)] = true
	}
	for name := range declared {
		if !rows[name] {
			t.Errorf("docs/catalogue.md has no row for %q", name)
		}
	}
	for name := range rows {
		if !declared[name] {
			t.Errorf("docs/catalogue.md lists %q, which the suite does not declare", name)
		}
	}
	if len(declared) < 20 {
		t.Fatalf("found only %d scenarios in the suite's source; the pattern is out of date", len(declared))
	}
}
