package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/reports"
)

// writeRun writes a small run whose scenarios have the given max and total
// outages, as `hatest run` would.
func writeRun(t *testing.T, dir string, outages map[string]float64) {
	t.Helper()
	run := &result.Run{Schema: result.Schema, Runtime: "process", Seed: 1, StartedAt: time.Unix(0, 0).UTC()}
	for name, ms := range outages {
		run.Scenarios = append(run.Scenarios, result.Scenario{
			Scenario: name, Slug: strings.ReplaceAll(name, " ", "-"), Labels: []string{"gate"}, Passed: true,
			Runtime: "process", Seed: 1, StartedAt: run.StartedAt, DurationMS: 3000,
			Summary: result.Summary{Ops: 1000, MaxWindowMS: ms, TotalWindowMS: 4 * ms, Windows: 4, Clients: 4},
			Windows: []result.Window{
				{Client: "c1", StartMS: 1000, EndMS: 1000 + ms, DurationMS: ms}, {Client: "c2", StartMS: 1000, EndMS: 1000 + ms, DurationMS: ms},
				{Client: "c3", StartMS: 1000, EndMS: 1000 + ms, DurationMS: ms}, {Client: "c4", StartMS: 1000, EndMS: 1000 + ms, DurationMS: ms},
			},
		})
	}
	if err := reports.WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
}

func TestCompare(t *testing.T) {
	base := filepath.Join(t.TempDir(), "base")
	same := filepath.Join(t.TempDir(), "same")
	worse := filepath.Join(t.TempDir(), "worse")
	writeRun(t, base, map[string]float64{"upgrade a": 40, "upgrade b": 300})
	writeRun(t, same, map[string]float64{"upgrade a": 40, "upgrade b": 300})
	writeRun(t, worse, map[string]float64{"upgrade a": 40, "upgrade b": 900})

	code, out, stderr := hatest(t, "compare", base, same)
	if code != exitPass {
		t.Fatalf("identical results: exit %d, want 0\n%s%s", code, out, stderr)
	}
	code, out, stderr = hatest(t, "compare", filepath.Join(base, "results.json"), worse)
	if code != exitFail {
		t.Fatalf("tripled outage: exit %d, want 1\n%s%s", code, out, stderr)
	}
	var flagged []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "regression") && !strings.Contains(line, "regressed") {
			flagged = append(flagged, line)
		}
	}
	if len(flagged) == 0 || !strings.Contains(strings.Join(flagged, "\n"), "upgrade b") || strings.Contains(strings.Join(flagged, "\n"), "upgrade a") {
		t.Fatalf("the table must flag upgrade b and only it:\n%s", out)
	}
	if !strings.Contains(stderr, "1 scenarios regressed") {
		t.Fatalf("stderr %q does not say how many regressed", stderr)
	}
}

func TestCompareRepeats(t *testing.T) {
	base, next := t.TempDir(), t.TempDir()
	for i := range 5 {
		writeRun(t, filepath.Join(base, "repeat-"+itoa(i+1)), map[string]float64{"upgrade b": 300 + float64(i)})
		writeRun(t, filepath.Join(next, "repeat-"+itoa(i+1)), map[string]float64{"upgrade b": 900 + float64(i)})
	}
	code, out, _ := hatest(t, "compare", base, next)
	if code != exitFail || !strings.Contains(out, "5/5") {
		t.Fatalf("exit %d, want 1 with a 5/5 sample table:\n%s", code, out)
	}
}

func TestCompareErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "results.json")
	if err := os.WriteFile(bad, []byte(`{"schema": 1, "scenarios": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good")
	writeRun(t, good, map[string]float64{"a": 1})
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"compare", good}, "compare takes two arguments"},
		{[]string{"compare", bad, good}, "results.json"},
		{[]string{"compare", filepath.Join(dir, "missing.json"), good}, "missing.json"},
		{[]string{"compare", t.TempDir(), good}, "holds no results.json"},
		{[]string{"compare", "--alpha", "2", good, good}, "--alpha 2 must be between 0 and 1"},
	}
	for _, c := range cases {
		code, _, stderr := hatest(t, c.args...)
		first, _, _ := strings.Cut(stderr, "\n")
		if code != exitUsage || !strings.Contains(first, c.want) {
			t.Errorf("%v: exit %d, first line %q; want 2 and %q", c.args, code, first, c.want)
		}
	}
}

func TestRunRejectsBadBudgetsBeforeRunning(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "budgets.yaml")
	if err := os.WriteFile(path, []byte("defaults:\n  max_window: fast\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, _, stderr := hatest(t, "run", "--runtime", "process", "--report-dir", filepath.Join(dir, "out"), "--budgets", path)
	first, _, _ := strings.Cut(stderr, "\n")
	if code != exitUsage || !strings.Contains(first, "budgets.yaml:2") || !strings.Contains(first, "max_window") {
		t.Fatalf("exit %d, first line %q", code, first)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("a malformed budgets file must be refused before anything runs; took %s", time.Since(start))
	}
}

// TestCompareZeroTolerance: --tolerance 0 --abs-tolerance 0 means no
// tolerance at all, so 300 ms -> 310 ms is a regression. (It used to mean
// the defaults, 25% + 50 ms, silently.)
func TestCompareZeroTolerance(t *testing.T) {
	base := filepath.Join(t.TempDir(), "base")
	next := filepath.Join(t.TempDir(), "next")
	writeRun(t, base, map[string]float64{"upgrade b": 300})
	writeRun(t, next, map[string]float64{"upgrade b": 310})
	code, out, _ := hatest(t, "compare", base, next)
	if code != exitPass {
		t.Fatalf("default tolerance: exit %d, want 0 (10 ms is within 25%% + 50 ms):\n%s", code, out)
	}
	code, out, _ = hatest(t, "compare", "--tolerance", "0", "--abs-tolerance", "0", base, next)
	if code != exitFail || !strings.Contains(out, "regression") || !strings.Contains(out, "worse than base × 1 + 0 ms") {
		t.Fatalf("zero tolerance: exit %d, want 1 with a regression judged by base × 1 + 0 ms:\n%s", code, out)
	}
}
