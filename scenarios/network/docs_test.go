package network_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// These tests only read files: `go test -run TestCatalogue
// ./scenarios/network` starts no scenario.

// section is the heading of docs/catalogue.md's table of this suite.
const section = "## Faults below the proxy"

// docs/catalogue.md has a row for every scenario of this suite, with its
// labels, in its own section, and no row there for a scenario the suite
// does not declare. The names are in backquotes, which keeps the rows
// apart from scenarios/docs_test.go's.
func TestCatalogueListsEveryScenario(t *testing.T) {
	b, err := os.ReadFile("../../docs/catalogue.md")
	if err != nil {
		t.Fatal(err)
	}
	_, doc, ok := strings.Cut(string(b), "\n"+section)
	if !ok {
		t.Fatalf("docs/catalogue.md has no section %q for scenarios/network", section)
	}
	if i := strings.Index(doc, "\n## "); i >= 0 {
		doc = doc[:i]
	}
	rows := map[string][]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\| ([^|]*) \\|").FindAllStringSubmatch(doc, -1) {
		rows[m[1]] = split(m[2])
	}
	declared := map[string][]string{}
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	it := regexp.MustCompile(`scenario\.It\("([^"]+)", Label\(([^)]*)\)`)
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range it.FindAllStringSubmatch(string(src), -1) {
			declared[m[1]] = split(strings.ReplaceAll(m[2], `"`, ""))
		}
	}
	if len(declared) < 2 {
		t.Fatalf("found only %d scenarios in the suite's source; the pattern is out of date", len(declared))
	}
	for name, labels := range declared {
		have, ok := rows[name]
		switch {
		case !ok:
			t.Errorf("docs/catalogue.md has no row for %q in %q; add one: | `%s` | %s | what it shows | verdicts |", name, section, name, strings.Join(labels, ", "))
		case !slices.Equal(have, labels):
			t.Errorf("docs/catalogue.md lists %q with labels %s; the suite gives it %s", name, strings.Join(have, ", "), strings.Join(labels, ", "))
		}
	}
	for name := range rows {
		if _, ok := declared[name]; !ok {
			t.Errorf("docs/catalogue.md lists %q under %q, which scenarios/network does not declare", name, section)
		}
	}
}

// split is a comma-separated list of labels, trimmed and sorted.
func split(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(l))
	}
	slices.Sort(out)
	return out
}
