package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// These tests drive the real scenario suite in ../../scenarios: they
// compile it and, for the budget test, run one scenario on the process
// runtime.

const suite = "../../scenarios"
const upgradeScenario = "overlord in-service upgrade v1 to v2"

func TestListAndShards(t *testing.T) {
	code, out, stderr := hatest(t, "list", "--label-filter", "gate", suite)
	if code != exitPass {
		t.Fatalf("list: exit %d\n%s", code, stderr)
	}
	all := strings.Split(strings.TrimSpace(out), "\n")
	if !slices.Contains(all, upgradeScenario+"\tgate,upgrade") {
		t.Fatalf("list does not show %q with its labels:\n%s", upgradeScenario, out)
	}
	for n := 1; n <= 3; n++ {
		seen := map[string]int{}
		for i := 1; i <= n; i++ {
			code, out, stderr := hatest(t, "list", "--label-filter", "gate", "--shard", itoa(i)+"/"+itoa(n), suite)
			if code != exitPass {
				t.Fatalf("shard %d/%d: exit %d\n%s", i, n, code, stderr)
			}
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if l != "" {
					seen[l]++
				}
			}
		}
		if len(seen) != len(all) {
			t.Fatalf("n=%d: the shards hold %d scenarios, the selection %d", n, len(seen), len(all))
		}
		for l, k := range seen {
			if k != 1 {
				t.Fatalf("n=%d: %q is in %d shards", n, l, k)
			}
		}
	}
}

func TestPlan(t *testing.T) {
	code, out, stderr := hatest(t, "plan", "--seed", "5", upgradeScenario, suite)
	if code != exitPass {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	if !strings.HasPrefix(out, upgradeScenario+" (seed 5)\n1. start the topology") || !strings.Contains(out, "via overlord") {
		t.Fatalf("plan output:\n%s", out)
	}
	code, _, stderr = hatest(t, "plan", "no such scenario", suite)
	if first, _, _ := strings.Cut(stderr, "\n"); code != exitUsage || !strings.Contains(first, `no scenario named "no such scenario"`) {
		t.Fatalf("unknown scenario: exit %d, %q", code, first)
	}
}

func TestRunBudgetBreach(t *testing.T) {
	dir := t.TempDir()
	budgets := filepath.Join(dir, "budgets.yaml")
	if err := os.WriteFile(budgets, []byte("scenarios:\n  \""+upgradeScenario+"\":\n    max_window: 1ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := hatest(t, "run", "--runtime", "process", "-q", "--focus", "^"+upgradeScenario+"$",
		"--budgets", budgets, "--report-dir", out, suite)
	if code != exitFail {
		t.Fatalf("exit %d, want 1 for a breached budget\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "budget breaches:") || !strings.Contains(stdout, upgradeScenario) || !strings.Contains(stdout, "max outage ≤ 1ms (scenario)") {
		t.Fatalf("no breach table naming the scenario:\n%s", stdout)
	}
	data, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil || !strings.Contains(string(data), `"budget: max outage ≤ 1ms (scenario)"`) {
		t.Fatalf("results.json does not record the breach as a failed assertion (%v)", err)
	}

	bad := filepath.Join(dir, "unknown.yaml")
	if err := os.WriteFile(bad, []byte("scenarios:\n  \"overlord upgrade v1 to v9\":\n    max_window: 1s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = hatest(t, "run", "--runtime", "process", "--budgets", bad, "--report-dir", filepath.Join(dir, "out2"), suite)
	if first, _, _ := strings.Cut(stderr, "\n"); code != exitUsage || !strings.Contains(first, "no such scenario") {
		t.Fatalf("unknown scenario in budgets: exit %d, %q", code, first)
	}
}
