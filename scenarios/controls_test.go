package scenarios_test

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

// NegativeControls names, for every negative control, the reason its
// failure must give. The test below runs them through the hatest CLI, as a
// release gate would, and checks that each one failed for that reason.
var NegativeControls = map[string]*regexp.Regexp{
	"negative: crash build is rolled back":                  regexp.MustCompile(`rolled back to v1`),
	"negative: incompatible protocol v3 refuses v1 clients": regexp.MustCompile(`incompatible protocol`),
	"negative: amnesia build loses acknowledged writes":     regexp.MustCompile(`\d+ of \d+ acknowledged writes lost`),
	"negative: slow-start build is over budget":             regexp.MustCompile(`max outage [\d.]+ms > budget 2000ms`),
	"negative: naive client never recovers":                 regexp.MustCompile(`never ended`),
	"negative: rogue secondary causes split brain":          regexp.MustCompile(`split brain`),
}

func TestNegativeControls(t *testing.T) {
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
	args := []string{"run", "../cmd/hatest", "run", "--label-filter", "negative", "--report-dir", dir}
	if rt := os.Getenv(scenario.EnvRuntime); rt != "" {
		args = append(args, "--runtime", rt)
	}
	cmd := exec.Command("go", append(args, "./")...)
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("hatest run over the negative controls must exit 1 (scenarios failed); got %v\n%s", err, tail(out))
	}
	run, err := reports.ReadRun(dir)
	if err != nil {
		t.Fatalf("read results: %v\n%s", err, tail(out))
	}
	seen := map[string]result.Scenario{}
	for _, s := range run.Scenarios {
		seen[s.Scenario] = s
	}
	for name, reason := range NegativeControls {
		s, ok := seen[name]
		switch {
		case !ok:
			t.Errorf("%s: did not run", name)
		case s.Passed:
			t.Errorf("%s: PASSED; a negative control that passes is a bug in hatest", name)
		case s.Status != result.StatusFailed:
			t.Errorf("%s: %s, not FAILED: hatest could not vouch for the run that should have caught the bug:\n%s", name, s.Status, s.Failure)
		case !reason.MatchString(s.Failure):
			t.Errorf("%s: failed, but not for the right reason: want /%s/, got:\n%s", name, reason, s.Failure)
		default:
			t.Logf("%s: failed as it must: %s", name, firstLine(s.Failure))
		}
	}
	if len(run.Scenarios) != len(NegativeControls) {
		t.Errorf("ran %d negative scenarios, the table knows %d: keep NegativeControls in step with the catalogue", len(run.Scenarios), len(NegativeControls))
	}
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
