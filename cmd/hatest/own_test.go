package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/reports"
)

// These tests drive the example of docs/your-own-system.md: a suite of
// the user's own server and client, outside ./scenarios, that the CLI
// must list, plan and run like its own.

const (
	ownSuite    = "../../fixtures/example/suite"
	ownScenario = "example server upgrade v1 to v2 by replacement"
)

func TestOwnSystemListAndPlan(t *testing.T) {
	code, out, stderr := hatest(t, "list", ownSuite)
	if code != exitPass {
		t.Fatalf("list: exit %d\n%s", code, stderr)
	}
	want := []string{"example server round trip v1 to v2 and back\texample,upgrade,roundtrip", ownScenario + "\texample,upgrade"}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); !slices.Equal(lines, want) {
		t.Fatalf("list shows %q, want the example suite's two scenarios and their labels", lines)
	}

	code, out, stderr = hatest(t, "plan", "--seed", "3", ownScenario, ownSuite)
	if code != exitPass {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		ownScenario + " (seed 3)\n1. start the topology\n",
		`1.1 program "kv" running example-server v1, behind proxy "kv" to port 9000`,
		"1.2 2 recovering clients (v1) -> kv",
		"3. upgrade kv v1 -> v2 by replacing its node (stop, start v2 on the same data)  (expects an outage)",
		"last served by v2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan does not say %q:\n%s", want, out)
		}
	}
}

func TestOwnSystemRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := hatest(t, "run", "--runtime", "process", "--report-dir", dir, "--focus", "^"+ownScenario+"$", ownSuite)
	if code != exitPass {
		t.Fatalf("run: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	run, err := reports.ReadRun(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Scenarios) != 1 {
		t.Fatalf("results.json has %d scenarios, want 1", len(run.Scenarios))
	}
	s := run.Scenarios[0]
	if s.Scenario != ownScenario || !s.Passed || s.Runtime != "process" {
		t.Fatalf("scenario %q on %s passed %v: %s", s.Scenario, s.Runtime, s.Passed, s.Failure)
	}
	// It really ran: both clients sent, wrote and read back, and the
	// report saw the server move from v1 to v2.
	if len(s.Clients) != 2 || s.Summary.Ops == 0 || s.Integrity.AckedWrites == 0 || s.Integrity.ReadBack != s.Integrity.AckedWrites {
		t.Fatalf("clients %d, ops %d, acknowledged writes %d, read back %d",
			len(s.Clients), s.Summary.Ops, s.Integrity.AckedWrites, s.Integrity.ReadBack)
	}
	var lane []string
	for _, v := range s.Versions {
		lane = append(lane, v.Node+" "+v.Version)
	}
	if !slices.Equal(lane, []string{"kv v1", "kv v2"}) {
		t.Fatalf("version lane %q, want kv v1 then kv v2", lane)
	}
	if _, err := os.Stat(filepath.Join(dir, s.Slug, "report.html")); err != nil {
		t.Fatalf("no scenario report: %v", err)
	}
}
