package nats_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// These tests only read files: `go test -run TestGuide ./scenarios/nats`
// starts no scenario (TestNATS, which runs the suite, is not selected).

// quoted marks a code block of the guide that must appear in
// nats_test.go as it is.
const quoted = "<!-- as in scenarios/nats/nats_test.go -->"

// docs/your-own-system.md's cluster chapter shows the NATS catalogue's
// scenario as it is: the guide and the code that runs must not drift
// apart.
func TestGuideShowsTheScenario(t *testing.T) {
	doc, src := read(t, "../../docs/your-own-system.md"), read(t, "nats_test.go")
	code := regexp.MustCompile(`(?s)// example:begin\n(.*?)// example:end`).FindStringSubmatch(src)
	if code == nil {
		t.Fatal("nats_test.go has no example:begin/end markers")
	}
	if !strings.Contains(norm(doc), norm(code[1])) {
		t.Fatalf("docs/your-own-system.md does not show nats_test.go's example as it is; copy it over:\n%s", code[1])
	}
}

// Every code block of the guide marked as quoted from nats_test.go (the
// leader hook, the kill, the downgrade) is in it as it is.
func TestGuideQuotesTheSuite(t *testing.T) {
	doc, src := read(t, "../../docs/your-own-system.md"), norm(read(t, "nats_test.go"))
	blocks := regexp.MustCompile("(?s)"+regexp.QuoteMeta(quoted)+"\n```go\n(.*?)```").FindAllStringSubmatch(doc, -1)
	if len(blocks) < 3 {
		t.Fatalf("docs/your-own-system.md has %d code blocks marked %q; want the example, bucketLeader and the kill at least", len(blocks), quoted)
	}
	for _, b := range blocks {
		if !strings.Contains(src, norm(b[1])) {
			t.Errorf("docs/your-own-system.md quotes code that nats_test.go does not have (any more); copy it over from there:\n%s", b[1])
		}
	}
}

// docs/catalogue.md has a row for every NATS scenario, with its labels,
// and no row for a scenario the suite does not declare. The rows' names
// are in backquotes, which keeps them apart from the rows of
// scenarios/docs_test.go.
func TestGuideCatalogueListsEveryScenario(t *testing.T) {
	doc := read(t, "../../docs/catalogue.md")
	rows := map[string]string{} // name -> labels, as written
	for _, m := range regexp.MustCompile("(?m)^\\| `(nats [^`]+)` \\| ([^|]*) \\|").FindAllStringSubmatch(doc, -1) {
		rows[m[1]] = m[2]
	}
	declared := map[string][]string{}
	it := regexp.MustCompile(`scenario\.It\("([^"]+)", Label\(([^)]*)\)`)
	for _, f := range goFiles(t) {
		for _, m := range it.FindAllStringSubmatch(read(t, f), -1) {
			var labels []string
			for _, l := range strings.Split(m[2], ",") {
				labels = append(labels, strings.Trim(strings.TrimSpace(l), `"`))
			}
			declared[m[1]] = labels
		}
	}
	if len(declared) < 3 {
		t.Fatalf("found only %d scenarios in the suite's source; the pattern is out of date", len(declared))
	}
	for name, labels := range declared {
		got, ok := rows[name]
		if !ok {
			t.Errorf("docs/catalogue.md has no row for %q; add one to its NATS table: | `%s` | %s | what it shows | verdicts |", name, name, strings.Join(labels, ", "))
			continue
		}
		var have []string
		for _, l := range strings.Split(got, ",") {
			have = append(have, strings.TrimSpace(l))
		}
		if !slices.Equal(sorted(have), sorted(labels)) {
			t.Errorf("docs/catalogue.md lists %q with labels %q; the suite gives it %s", name, got, strings.Join(labels, ", "))
		}
	}
	for name := range rows {
		if _, ok := declared[name]; !ok {
			t.Errorf("docs/catalogue.md lists %q, which scenarios/nats does not declare", name)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goFiles are the suite's test files.
func goFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_test.go") && e.Name() != "docs_test.go" {
			out = append(out, e.Name())
		}
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// norm collapses the spaces in each line, so that indentation does not
// count.
func norm(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(out, "\n")
}
