package negative

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/reports"
)

// Check runs `hatest run --label-filter negative ./` in the test's own
// directory (the suite), with the hatest command built from cmd, a path
// relative to it, and checks that every scenario of controls ran and
// FAILED (not INVALID: hatest must have vouched for the run that caught
// the bug) with a failure its pattern matches, and that no other
// negative scenario ran. It skips inside a suite that hatest run started
// (the controls run from outside only) and when HATEST_SKIP_NEGATIVE=1.
// HATEST_NEGATIVE_REPORT_DIR keeps the report; HATEST_RUNTIME picks the
// runtime.
func Check(t *testing.T, cmd string, controls map[string]*regexp.Regexp) {
	t.Helper()
	if os.Getenv(scenario.EnvChild) != "" {
		t.Skip("inside a suite that hatest run started: the controls run from the outside only")
	}
	if os.Getenv("HATEST_SKIP_NEGATIVE") == "1" {
		t.Skip("HATEST_SKIP_NEGATIVE=1")
	}
	dir := filepath.Join(t.TempDir(), "out")
	if d := os.Getenv("HATEST_NEGATIVE_REPORT_DIR"); d != "" {
		dir = d
	}
	args := []string{"run", cmd, "run", "--label-filter", "negative", "--report-dir", dir}
	if rt := os.Getenv(scenario.EnvRuntime); rt != "" {
		args = append(args, "--runtime", rt)
	}
	c := exec.Command("go", append(args, "./")...)
	c.Env = os.Environ()
	out, err := c.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("hatest run over the negative controls must exit 1 (scenarios failed); got %v\n%s", err, tail(out))
	}
	run, err := reports.ReadRun(dir)
	if err != nil {
		t.Fatalf("read results: %v\n%s", err, tail(out))
	}
	if msgs := Judge(run.Scenarios, controls); len(msgs) > 0 {
		t.Error(strings.Join(msgs, "\n"))
	}
	for _, s := range run.Scenarios {
		if reason := controls[s.Scenario]; reason != nil && reason.MatchString(s.Failure) {
			t.Logf("%s: failed as it must: %s", s.Scenario, firstLine(s.Failure))
		}
	}
}

// Judge says what is wrong with the negative scenarios that ran, against
// the controls and their reasons, a message each (the failure's text
// follows where it was the wrong one); nothing when all is well.
func Judge(ran []result.Scenario, controls map[string]*regexp.Regexp) []string {
	seen := map[string]result.Scenario{}
	for _, s := range ran {
		seen[s.Scenario] = s
	}
	var msgs []string
	for name, reason := range controls {
		s, ok := seen[name]
		switch {
		case !ok:
			msgs = append(msgs, name+": did not run")
		case s.Passed:
			msgs = append(msgs, name+": PASSED; a negative control that passes is a bug in hatest")
		case s.Status != result.StatusFailed:
			msgs = append(msgs, name+": "+s.Status+", not FAILED: hatest could not vouch for the run that should have caught the bug:\n"+s.Failure)
		case !reason.MatchString(s.Failure):
			msgs = append(msgs, name+": failed, but not for the right reason: want /"+reason.String()+"/, got: "+firstLine(s.Failure))
		}
	}
	for _, s := range ran {
		if controls[s.Scenario] == nil {
			msgs = append(msgs, s.Scenario+": ran as a negative control, but the table does not know it: keep the controls in step with the catalogue")
		}
	}
	return msgs
}

func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
