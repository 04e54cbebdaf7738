package scenarios_test

import (
	"os"
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
