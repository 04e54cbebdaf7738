package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/reports"
)

// These tests run scenarios of testdata/setup through `hatest run` and
// check that every view of the verdict agrees: the exit code, the line on
// stdout, results.json, junit.xml and index.html.

// junitDoc is what these tests read of junit.xml.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Status  string `xml:"status,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"error"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// verdicts runs one scenario of the setup suite on the process runtime with
// extra flags, and checks that every view says want (a result.Status*).
// It returns the scenario's result and hatest's stdout.
func verdicts(t *testing.T, scenarioName, want string, flags ...string) (result.Scenario, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	args := append([]string{"run", "--runtime", "process", "--seed", "1", "--report-dir", dir,
		"--focus", "^" + regexp.QuoteMeta(scenarioName) + "$"}, flags...)
	code, stdout, stderr := hatest(t, append(args, setupSuite)...)
	t.Logf("stdout:\n%s", stdout)
	lastErr := lastLine(stderr)

	// The exit code: 1 for failed and invalid alike.
	wantCode := exitFail
	if want == result.StatusPassed {
		wantCode = exitPass
	}
	if code != wantCode {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, wantCode, stderr)
	}

	// results.json.
	run, err := reports.ReadRun(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(run.Scenarios) != 1 {
		t.Fatalf("results.json has %d scenarios, want 1", len(run.Scenarios))
	}
	s := run.Scenarios[0]
	if s.Status != want || s.Passed != (want == result.StatusPassed) {
		t.Errorf("results.json: status %q, passed %v; want %q (failure %q)", s.Status, s.Passed, want, s.Failure)
	}
	if want == result.StatusInvalid && s.Invalid == "" {
		t.Errorf("results.json: an invalid scenario does not say why (invalid is empty)")
	}

	// junit.xml: a failure is a <failure>, counted in failures; an invalid
	// run an <error type="invalid">, counted in errors, never in failures.
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	wantFailures, wantErrors := 0, 0
	switch want {
	case result.StatusFailed:
		wantFailures = 1
	case result.StatusInvalid:
		wantErrors = 1
	}
	if doc.Tests != 1 || doc.Failures != wantFailures || doc.Errors != wantErrors || len(doc.Suites) != 1 ||
		doc.Suites[0].Failures != wantFailures || doc.Suites[0].Errors != wantErrors || len(doc.Suites[0].Cases) != 1 {
		t.Fatalf("junit.xml: tests %d, failures %d, errors %d; want 1, %d, %d:\n%s", doc.Tests, doc.Failures, doc.Errors, wantFailures, wantErrors, b)
	}
	tc := doc.Suites[0].Cases[0]
	if tc.Name != scenarioName || tc.Status != want || (tc.Failure != nil) != (want == result.StatusFailed) || (tc.Error != nil) != (want == result.StatusInvalid) {
		t.Errorf("junit.xml: test case %q status %q, failure %v, error %v; want %q %s:\n%s", tc.Name, tc.Status, tc.Failure != nil, tc.Error != nil, scenarioName, want, b)
	}
	if tc.Error != nil && (tc.Error.Type != "invalid" || !strings.HasPrefix(tc.Error.Message, "INVALID")) {
		t.Errorf("junit.xml: error type %q message %q; want type invalid, a message that starts INVALID", tc.Error.Type, tc.Error.Message)
	}

	// index.html: the scenario's row says the same word.
	word := map[string]string{result.StatusPassed: "PASS", result.StatusFailed: "FAIL", result.StatusInvalid: "INVALID"}[want]
	b, err = os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatalf("index.html: %v", err)
	}
	row := regexp.MustCompile(`data-slug="` + regexp.QuoteMeta(s.Slug) + `"[^>]*>(?s:.*?)>(PASS|FAIL|INVALID)<`).FindSubmatch(b)
	if row == nil || string(row[1]) != word {
		t.Errorf("index.html: the row of %s does not say %s (found %q)", s.Slug, word, row)
	}

	// stdout: the scenario's line and the count.
	if !regexp.MustCompile(`(?m)^` + word + ` +` + regexp.QuoteMeta(scenarioName)).MatchString(stdout) {
		t.Errorf("stdout has no line %q for the scenario", word+"  "+scenarioName)
	}
	counts := map[string]int{want: 1}
	count := regexp.MustCompile(`1 scenarios, (\d) passed, (\d) failed, (\d) invalid`).FindStringSubmatch(stdout)
	if count == nil || count[1] != itoa(counts[result.StatusPassed]) || count[2] != itoa(counts[result.StatusFailed]) || count[3] != itoa(counts[result.StatusInvalid]) {
		t.Errorf("stdout does not count the scenario as %s: %q", want, count)
	}
	if want != result.StatusPassed && !strings.Contains(lastErr, "1 of 1 scenarios did not pass: 1 "+want) {
		t.Errorf("the last line of stderr %q does not say the scenario was %s", lastErr, want)
	}
	return s, stdout
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// writeBudgets writes a budgets file and returns its path.
func writeBudgets(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "budgets.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBudgetBreachAgrees: a breached budget fails the scenario in every
// view. Before budgets were judged in the suite, hatest rewrote
// results.json and index.html after the suite had written junit.xml, which
// said failures="0".
func TestBudgetBreachAgrees(t *testing.T) {
	budgets := writeBudgets(t, "scenarios:\n  \"verdicts: outage\": { max_window: 100ms }\n")
	s, stdout := verdicts(t, "verdicts: outage", result.StatusFailed, "--budgets", budgets)
	const name = "budget: max outage ≤ 100ms (scenario)"
	var a *result.Assertion
	for i := range s.Assertions {
		if s.Assertions[i].Name == name {
			a = &s.Assertions[i]
		}
	}
	if a == nil || a.Passed || a.Invalid || !strings.HasPrefix(a.Message, "max outage ") || !strings.Contains(a.Message, "> budget 100ms") {
		t.Fatalf("results.json: no failed assertion %q: %+v", name, s.Assertions)
	}
	if !strings.Contains(stdout, "budget breaches:") || !strings.Contains(stdout, "max outage ≤ 100ms (scenario)") {
		t.Errorf("stdout has no breach table naming the budget")
	}
}

// TestInvalidAgrees: a run whose op log has a gap is INVALID in every
// view, never FAIL, and hatest exits 1. Its budgets are judged and kept.
func TestInvalidAgrees(t *testing.T) {
	budgets := writeBudgets(t, "labels:\n  verdicts: { max_window: 1s }\n")
	s, stdout := verdicts(t, "verdicts: op log gap", result.StatusInvalid, "--budgets", budgets)
	if !strings.Contains(s.Invalid, "says it sent") {
		t.Errorf("results.json: invalid %q does not say the op log has a gap", s.Invalid)
	}
	if !regexp.MustCompile(`(?m)^INVALID +verdicts: op log gap +the numbers cannot be trusted: .*client c1 says it sent \d+ ops but \d+ were recorded`).MatchString(stdout) {
		t.Errorf("stdout does not say why the run is invalid")
	}
	if !strings.Contains(stdout, "budgets checked: none breached") {
		t.Errorf("stdout does not say the budgets were checked")
	}
}

// TestBehindScheduleIsInvalid: a client whose ops all start ten intervals
// late did not keep its schedule: INVALID in every view.
func TestBehindScheduleIsInvalid(t *testing.T) {
	s, _ := verdicts(t, "verdicts: behind schedule", result.StatusInvalid)
	if !strings.Contains(s.Invalid, "fell behind their schedule; worst client c1") {
		t.Errorf("results.json: invalid %q does not name the schedule", s.Invalid)
	}
}

// TestRunRejectsUnknownBudgetLabel: a budget for a label no scenario
// carries is a mistake, refused before anything runs.
func TestRunRejectsUnknownBudgetLabel(t *testing.T) {
	budgets := writeBudgets(t, "labels:\n  verdict: { max_window: 1s }\n")
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := hatest(t, "run", "--runtime", "process", "--report-dir", dir, "--budgets", budgets, setupSuite)
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	if code != exitUsage || !strings.Contains(last, `budgets.yaml:2: labels."verdict": no scenario carries this label; did you mean "verdicts"?`) {
		t.Fatalf("exit %d, last line of stderr %q", code, last)
	}
	if strings.Contains(stdout, "scenarios,") {
		t.Fatalf("scenarios ran:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "results.json")); err == nil {
		t.Fatalf("a report was written")
	}
}
