package reports

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
)

// TestInvalidEverywhere checks that an INVALID scenario says INVALID, and
// why, in every view, and FAIL in none: its report, the index, junit.xml
// and results.json.
func TestInvalidEverywhere(t *testing.T) {
	s := invalidScenario()
	page := scenarioHTML(t, s)
	for _, want := range []string{
		"<title>INVALID · 16 clients at 1 ms · hatest</title>",
		`<span class="badge invalid">INVALID</span>`,
		`<div class="failure invalid"><b>INVALID:</b> probe kept its schedule: c2 achieved 763.1 ops/s`,
		`<div class="figure verdict invalid"><div class="l">Verdict</div><div class="v">invalid</div>`,
		`<tr class="assert-invalid warn"><td><span class="tag invalid">INVALID</span></td><td class="mono">probe kept its schedule</td>`,
		`<dd class="mono">scenarios/load_test.go:17</dd>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %s", want)
		}
	}
	head := page[:strings.Index(page, `id="summary"`)]
	for _, bad := range []string{"FAIL", "badge fail", `class="failure"`} {
		if strings.Contains(head, bad) {
			t.Errorf("the header of an INVALID scenario's report.html says %q", bad)
		}
	}

	run := sampleRun()
	idx := indexHTML(t, run)
	for _, want := range []string{
		`<tr class="scenario-row invalid" data-slug="many-fast-clients"><td><span class="tag invalid" title="the numbers cannot be vouched for: neither passed nor failed">INVALID</span>`,
		`<div class="sub invalid">INVALID: probe kept its schedule: c2 achieved`,
		`<div class="total invalid"><b>1</b>invalid</div>`,
		"3 passed, 1 failed, 1 invalid",
	} {
		if !strings.Contains(idx, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	// failed first, then invalid, then passed, each in run order
	var order []string
	for _, m := range regexp.MustCompile(`data-slug="([^"]*)"`).FindAllStringSubmatch(idx, -1) {
		order = append(order, m[1])
	}
	if got, want := strings.Join(order, " "), "overlord-upgrade-latency many-fast-clients standby-switchover nats-rolling-upgrade rolling-restart"; got != want {
		t.Errorf("index order %s, want %s", got, want)
	}
	// a run with an invalid scenario and no failed one is INVALID, not PASS
	only := &result.Run{Scenarios: []result.Scenario{*s, run.Scenarios[1]}}
	if idx := indexHTML(t, only); !strings.Contains(idx, "<title>INVALID · 1/2 scenarios · hatest</title>") ||
		!strings.Contains(idx, `<span class="badge invalid">INVALID</span>`) {
		t.Errorf("the index of a run with an invalid scenario and no failure is not INVALID: %s",
			regexp.MustCompile(`<title>.*</title>`).FindString(idx))
	}

	doc := parseJUnit(t, render(t, func(w io.Writer) error { return JUnit(w, run) }))
	if doc.Tests != 5 || doc.Failures != 1 || doc.Errors != 1 || doc.Suite.Failures != 1 || doc.Suite.Errors != 1 {
		t.Errorf("junit.xml: tests %d, failures %d/%d, errors %d/%d; want 5 tests, 1 failure, 1 error (the invalid one)",
			doc.Tests, doc.Failures, doc.Suite.Failures, doc.Errors, doc.Suite.Errors)
	}
	c := doc.Suite.find(t, "16 clients at 1 ms")
	if c.Failure != nil || c.Error == nil || c.Error.Type != "invalid" || !strings.HasPrefix(c.Error.Message, "INVALID: probe kept its schedule: ") || c.Status != "invalid" {
		t.Errorf("junit.xml: the invalid scenario is %+v; want status invalid and an <error type=\"invalid\" message=\"INVALID: ...\">", c)
	}
	if f := doc.Suite.find(t, s.Scenario); f.Error != nil && strings.Contains(f.Error.Text, "FAIL") {
		t.Errorf("junit.xml: the invalid scenario's error says FAIL: %s", f.Error.Text)
	}
	if c := doc.Suite.find(t, "overlord upgrade v1 → v2 under 50 ms latency, then kill"); c.Failure == nil || c.Error != nil || c.Status != "failed" {
		t.Errorf("junit.xml: the failed scenario is %+v; want status failed and a <failure>", c)
	}
}

// TestJUnitNames checks that test case names are the scenario's name only:
// labels go into properties, so a name is stable when labels change.
func TestJUnitNames(t *testing.T) {
	doc := parseJUnit(t, render(t, func(w io.Writer) error { return JUnit(w, sampleRun()) }))
	var names []string
	for _, c := range doc.Suite.Cases {
		names = append(names, c.Name)
		if strings.Contains(c.Name, "[") {
			t.Errorf("test case name %q carries labels", c.Name)
		}
	}
	want := "16 clients at 1 ms|standby switchover v1 → v2|overlord upgrade v1 → v2 under 50 ms latency, then kill|nats cluster rolling upgrade 2.10.0 → 2.11.0|rolling restart of 3 nodes"
	if got := strings.Join(names, "|"); got != want {
		t.Errorf("test cases %s, want %s (run order)", got, want)
	}
	c := doc.Suite.find(t, "overlord upgrade v1 → v2 under 50 ms latency, then kill")
	props := map[string]string{}
	for _, p := range c.Properties {
		props[p.Name] = p.Value
	}
	if props["labels"] != "upgrade, overlord, latency" || props["status"] != "failed" || props["location"] != "scenarios/overlord_test.go:42" {
		t.Errorf("test case properties %v; want labels, status and location", props)
	}
}

// TestWriteRunJUnit checks that WriteRun writes junit.xml with the run's
// verdicts, so plain runs and merged shards get the same file.
func TestWriteRunJUnit(t *testing.T) {
	dir := t.TempDir()
	if err := WriteRun(dir, sampleRun()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatalf("WriteRun wrote no junit.xml: %v", err)
	}
	if want := render(t, func(w io.Writer) error { return JUnit(w, sampleRun()) }); string(data) != want {
		t.Error("junit.xml differs from what JUnit renders for the run")
	}
}

// TestReadRunStatus reads a results.json written before scenarios had a
// status: the status is derived from passed.
func TestReadRunStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.json")
	old := `{"schema": 1, "seed": 3, "scenarios": [
  {"scenario": "a", "slug": "a", "passed": true},
  {"scenario": "b", "slug": "b", "passed": false, "failure": "max outage 2.1 s > 2 s"},
  {"scenario": "c", "slug": "c", "passed": false, "status": "invalid", "invalid": "op log of c1 incomplete"}]}`
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := ReadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range r.Scenarios {
		got = append(got, s.Scenario+"="+s.Status)
	}
	if want := "a=passed b=failed c=invalid"; strings.Join(got, " ") != want {
		t.Errorf("statuses %s, want %s", strings.Join(got, " "), want)
	}
}

// TestSchedule shows each client's schedule, or says the client did not
// report one, and the client's path.
func TestSchedule(t *testing.T) {
	page := scenarioHTML(t, sampleScenario())
	table := regexp.MustCompile(`(?s)<table class="schedule">.*?</table>`).FindString(page)
	if table == "" {
		t.Fatal("report.html has no schedule table")
	}
	for _, want := range []string{
		`<td>c1</td><td class="num">2 ms</td><td class="num">500 ops/s</td><td class="num">499.2 ops/s <span class="dim">(99.84%)</span></td><td class="num">0.04 ms</td><td class="num">0.9 ms</td><td class="num">81.3 ms</td><td class="num">0</td>`,
		`<td>c2</td><td class="num">2 ms</td><td class="num">500 ops/s</td><td class="num">497.6 ops/s <span class="dim">(99.52%)</span></td><td class="num">0.05 ms</td><td class="num">1.2 ms</td><td class="num">6.4 ms</td><td class="num">3</td>`,
		`<td>c3</td><td colspan="7" class="dim">not reported by the client</td>`,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("schedule table lacks %s", want)
		}
	}
	clients := regexp.MustCompile(`(?s)<table class="clients">.*?</table>`).FindString(page)
	if !strings.Contains(clients, `<td class="path"><span class="mono">driver-0</span>, <span class="mono">overlord</span>, <span class="mono">proxy-driver-0</span></td>`) ||
		!strings.Contains(clients, `<td class="path"><span class="dim">everything (no path given)</span></td>`) {
		t.Errorf("client table lacks the paths: %s", clients)
	}
}

// TestWindowKinds checks how a probe-lag window, an unexplained one and a
// recovery tail are drawn and listed.
func TestWindowKinds(t *testing.T) {
	page := scenarioHTML(t, sampleScenario())
	for _, want := range []string{
		// drawn
		`<rect class="window window-lag" `,
		"<title>c1 · read · probe lag (the client fell behind its schedule)\nstart 6,100 ms · length 80 ms · 2 failed ops\nreasons: latency budget exceeded (81.2 ms &gt; 50 ms)</title>",
		"<title>c3 · read · unexpected\nstart 10,200 ms · length 40 ms · 2 failed ops\nreasons: EOF\ncauses: unexplained: no step or fault on this client&#39;s path</title>",
		"<title>c1 · write · expected\nstart 3,900 ms · length 60 ms · 3 failed ops\nreasons: connection refused\nrecovery tail of step-3 (upgrade driver-0 v1 → v2 via overlord)</title>",
		// listed
		`<td class="cause"><span class="lag">probe lag (the client fell behind its schedule)</span></td><td><span class="tag lag">probe lag</span></td>`,
		`<td class="cause"><span class="unexplained">unexplained: no step or fault on this client's path</span></td>`,
		`<td class="cause">recovery tail of <span class="mono" title="upgrade driver-0 v1 → v2 via overlord">step-3</span></td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	// a probe-lag window never names a system cause, nor "probe-lag" as one
	row := regexp.MustCompile(`(?s)<tr class="window-row-lag">.*?</tr>`).FindString(page)
	if row == "" || strings.Contains(row, "probe-lag") || strings.Contains(row, "unexpected") {
		t.Errorf("probe-lag row %q", row)
	}
	idx := indexHTML(t, sampleRun())
	if !strings.Contains(idx, `<rect class="lag" `) {
		t.Error("the index's sparkline does not draw probe-lag windows apart")
	}
}

// TestIntegrityCounts shows failed writes applied anyway and unchecked
// writes apart from lost ones: unchecked is not lost.
func TestIntegrityCounts(t *testing.T) {
	page := scenarioHTML(t, sampleScenario())
	for _, want := range []string{
		`<dt>lost writes</dt><dd><span class="no">1</span></dd>`,
		`<dt>failed writes applied anyway</dt><dd>5 <span class="dim">`,
		`<dt>unchecked writes</dt><dd><span class="warn">12</span> <span class="dim">(acknowledged writes never read back: not known to be lost)</span></dd>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %s", want)
		}
	}
}

type junitDoc struct {
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Suite    junitSuiteDoc `xml:"testsuite"`
}

type junitSuiteDoc struct {
	Failures int            `xml:"failures,attr"`
	Errors   int            `xml:"errors,attr"`
	Cases    []junitCaseDoc `xml:"testcase"`
}

type junitCaseDoc struct {
	Name       string `xml:"name,attr"`
	Status     string `xml:"status,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Failure *junitProblemDoc `xml:"failure"`
	Error   *junitProblemDoc `xml:"error"`
}

type junitProblemDoc struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func (s junitSuiteDoc) find(t *testing.T, name string) junitCaseDoc {
	t.Helper()
	for _, c := range s.Cases {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("junit.xml has no test case %q", name)
	return junitCaseDoc{}
}

func parseJUnit(t *testing.T, data string) junitDoc {
	t.Helper()
	var doc junitDoc
	if err := xml.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	return doc
}

// TestJUnitKinds checks the failures that are not verdicts on the system:
// an interrupted scenario and one that could not start are failures of
// their own type, and an interrupted one has the status "interrupted".
func TestJUnitKinds(t *testing.T) {
	run := &result.Run{Scenarios: []result.Scenario{
		{Scenario: "cut short", Slug: "a", Status: result.StatusFailed, Interrupted: true, Failure: "Interrupted by User"},
		{Scenario: "no image", Slug: "b", Status: result.StatusFailed, SetupError: "start node: no image hatest/kv:v1",
			Failure: "setup: start node: no image hatest/kv:v1"},
		{Scenario: "old", Slug: "c", Passed: false, Failure: "max outage 2.1 s > 2 s"}, // no status: derived
	}}
	doc := parseJUnit(t, render(t, func(w io.Writer) error { return JUnit(w, run) }))
	if doc.Failures != 3 || doc.Errors != 0 {
		t.Errorf("failures %d, errors %d; want 3 failures", doc.Failures, doc.Errors)
	}
	for name, want := range map[string][2]string{
		"cut short": {"interrupted", "interrupted"}, "no image": {"failed", "setup"}, "old": {"failed", "failed"},
	} {
		c := doc.Suite.find(t, name)
		if c.Status != want[0] || c.Failure == nil || c.Failure.Type != want[1] {
			t.Errorf("%s: status %q, failure %+v; want status %s, failure type %s", name, c.Status, c.Failure, want[0], want[1])
		}
	}
	if c := doc.Suite.find(t, "no image"); !strings.Contains(c.Failure.Text, "setup: start node: no image") {
		t.Errorf("the setup failure's body %q does not say what failed", c.Failure.Text)
	}
}

// TestProbeLagNoSystemCause: a probe-lag window is never blamed on the
// system, even when its causes name a step or fault; merged probe-lag
// windows say so too, and merged windows count their tails and
// unexplained ones.
func TestProbeLagNoSystemCause(t *testing.T) {
	s := sampleScenario()
	s.Windows = []result.Window{
		{Client: "c1", Class: "read", StartMS: 2600, EndMS: 2700, ProbeLag: true, Causes: []string{"probe-lag", "fault-1"}},
		{Client: "c1", Class: "read", StartMS: 2702, EndMS: 2710, ProbeLag: true, Causes: []string{"probe-lag"}},
		{Client: "c2", Class: "read", StartMS: 3850, EndMS: 3860, Tail: true, Expected: true, Causes: []string{"step-3"}},
		{Client: "c2", Class: "read", StartMS: 3862, EndMS: 3870, Expected: true, Causes: []string{"step-3"}},
		{Client: "c3", Class: "read", StartMS: 9000, EndMS: 9010},
		{Client: "c3", Class: "read", StartMS: 9012, EndMS: 9020},
	}
	page := scenarioHTML(t, s)
	lag := regexp.MustCompile(`(?s)<rect class="window window-lag[^"]*"[^>]*><title>(.*?)</title>`).FindAllStringSubmatch(page, -1)
	if len(lag) != 1 || lag[0][1] != "c1 · read · 2 probe-lag windows merged for display (the client fell behind its schedule)\n2,600 ms – 2,710 ms · outage 108 ms in all, longest 100 ms · 0 failed ops" {
		t.Errorf("probe-lag marks %q: want one merged mark that names no cause", lag)
	}
	rows := regexp.MustCompile(`(?s)<tr class="window-row-lag">.*?</tr>`).FindAllString(page, -1)
	if len(rows) != 2 {
		t.Fatalf("%d probe-lag rows, want 2", len(rows))
	}
	for _, r := range rows {
		if strings.Contains(r, "fault-1") || strings.Contains(r, "probe-lag") {
			t.Errorf("a probe-lag row names a cause: %s", r)
		}
	}
	for _, want := range []string{
		"<title>c2 · read · 2 expected windows merged for display\n3,850 ms – 3,870 ms · outage 18 ms in all, longest 10 ms · 0 failed ops\ncauses: step-3 (upgrade driver-0 v1 → v2 via overlord)\n1 of them the recovery tail of their step</title>",
		"<title>c3 · read · 2 unexpected windows merged for display\n9,000 ms – 9,020 ms · outage 18 ms in all, longest 10 ms · 0 failed ops\n2 unexplained: no step or fault on this client&#39;s path</title>",
		`<rect class="window window-unexpected window-unexplained window-merged"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// With two groups or more the headline gives each group's worst window;
// with one, the all-clients maximum already is the group's.
func TestGroupOutages(t *testing.T) {
	s := &result.Scenario{Groups: []result.GroupFigures{{Name: "all", MaxWindowMS: 22}, {Name: "e1-only", MaxWindowMS: 2082.6}}}
	if got := GroupOutages(s); got != "all 22.0ms, e1-only 2082.6ms" {
		t.Fatalf("GroupOutages = %q", got)
	}
	s.Groups = s.Groups[:1]
	if got := GroupOutages(s); got != "" {
		t.Fatalf("one group: %q, want nothing", got)
	}
}
