package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/reports"
)

// TestAnalyzeAgain: hatest analyze judges a kept run again without running
// anything. With today's code and no new budget it finds what the run
// found, window for window; with a budget the run broke, it fails the
// scenario in every view, as hatest run --budgets would have.
func TestAnalyzeAgain(t *testing.T) {
	const name = "verdicts: outage"
	first := filepath.Join(t.TempDir(), "first")
	code, _, stderr := hatest(t, "run", "--runtime", "process", "--seed", "1", "--report-dir", first, "--focus", "^"+name+"$", setupSuite)
	if code != exitPass {
		t.Fatalf("hatest run: exit %d; stderr:\n%s", code, stderr)
	}
	ran := readOne(t, first)

	again := filepath.Join(t.TempDir(), "again")
	code, stdout, stderr := hatest(t, "analyze", "--report-dir", again, first, setupSuite)
	if code != exitPass {
		t.Fatalf("hatest analyze: exit %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	re := readOne(t, again)
	if !reflect.DeepEqual(ran.Windows, re.Windows) || !reflect.DeepEqual(ran.Summary, re.Summary) || !reflect.DeepEqual(ran.Integrity, re.Integrity) {
		t.Fatalf("analysed again, the run differs:\nran   %+v\nagain %+v", ran.Summary, re.Summary)
	}
	if len(re.Windows) == 0 {
		t.Fatal("the run has no window: the scenario's 400 ms partition was not seen")
	}

	budgets := writeBudgets(t, "scenarios:\n  \""+name+"\": { max_window: 100ms }\n")
	judged := filepath.Join(t.TempDir(), "judged")
	code, stdout, stderr = hatest(t, "analyze", "--budgets", budgets, "--report-dir", judged, first, setupSuite)
	if code != exitFail {
		t.Fatalf("hatest analyze --budgets: exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, exitFail, stdout, stderr)
	}
	s := readOne(t, judged)
	if s.Status != result.StatusFailed || !strings.Contains(s.Failure, "> budget 100ms") {
		t.Fatalf("analysed with a 100 ms budget: status %s, failure %q", s.Status, s.Failure)
	}

	// A run that failed at a step failed beyond any measurement: analysed
	// again, it fails again (it is not re-judged a pass from its op logs).
	stepFailed := filepath.Join(t.TempDir(), "step")
	t.Setenv("HATEST_SETUP_FLAKY_MARKER", filepath.Join(t.TempDir(), "never-created", "marker"))
	code, _, stderr = hatest(t, "run", "--runtime", "process", "--report-dir", stepFailed, "--focus", "^setup: flaky$", setupSuite)
	if code != exitFail {
		t.Fatalf("hatest run of a failing step: exit %d; stderr:\n%s", code, stderr)
	}
	code, stdout, stderr = hatest(t, "analyze", "--report-dir", filepath.Join(t.TempDir(), "step-again"), stepFailed, setupSuite)
	if code != exitFail || !strings.Contains(stdout, "FAIL  setup: flaky") {
		t.Fatalf("analysed again, a step failure: exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, exitFail, stdout, stderr)
	}

	// Bad input: one line, exit 2.
	for _, args := range [][]string{
		{"analyze", t.TempDir()},                  // no results.json
		{"analyze", "--report-dir", first, first}, // onto itself
		{"analyze", first, setupSuite, "extra"},   // too many arguments
	} {
		code, _, stderr := hatest(t, args...)
		if code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("hatest %s: exit %d, stderr %q; want exit %d and one line", strings.Join(args, " "), code, stderr, exitUsage)
		}
	}
}

func readOne(t *testing.T, dir string) result.Scenario {
	t.Helper()
	run, err := reports.ReadRun(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Scenarios) != 1 {
		t.Fatalf("%s: %d scenarios, want 1", dir, len(run.Scenarios))
	}
	return run.Scenarios[0]
}
