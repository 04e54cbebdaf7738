package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hatest/hatest/reports"
)

// hatest run --attempts: a scenario that fails once and then passes fails
// the run with one attempt, and passes it with two, marked FLAKY with the
// first attempt's failure in the output and in results.json.
func TestRunAttempts(t *testing.T) {
	const focus = "^setup: flaky$"
	run := func(attempts string) (int, string, string) {
		t.Setenv("HATEST_SETUP_FLAKY_MARKER", filepath.Join(t.TempDir(), "marker"))
		dir := filepath.Join(t.TempDir(), "out")
		code, stdout, stderr := hatest(t, "run", "--runtime", "process", "--attempts", attempts,
			"--report-dir", dir, "--focus", focus, setupSuite)
		return code, stdout, dir + "\n" + stderr
	}

	code, stdout, stderr := run("1")
	if code != exitFail {
		t.Fatalf("one attempt: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFail, stdout, stderr)
	}

	code, stdout, stderr = run("2")
	if code != exitPass {
		t.Fatalf("two attempts: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitPass, stdout, stderr)
	}
	if !strings.Contains(stdout, "FLAKY: passed on attempt 2; the one before failed: ") ||
		!strings.Contains(stdout, "first attempt fails on purpose") {
		t.Fatalf("two attempts: stdout does not say the pass was flaky, and why:\n%s", stdout)
	}
	dir, _, _ := strings.Cut(stderr, "\n")
	r, err := reports.ReadRun(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Scenarios) != 1 {
		t.Fatalf("results.json has %d entries for one scenario run twice, want 1", len(r.Scenarios))
	}
	s := r.Scenarios[0]
	if !s.Passed || s.Attempt != 2 || !strings.Contains(s.EarlierFailure, "first attempt fails on purpose") {
		t.Fatalf("results.json: passed %v, attempt %d, earlier failure %q; want a pass on attempt 2 with the first failure", s.Passed, s.Attempt, s.EarlierFailure)
	}
}
