package reports

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d (run go test ./reports -update if the change is intended)\n got: %.300s\nwant: %.300s", path, i+1, g, w)
			}
		}
		t.Fatalf("%s differs from the golden file", path)
	}
}

func render(t testing.TB, f func(io.Writer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func scenarioHTML(t testing.TB, s *result.Scenario) string {
	return render(t, func(w io.Writer) error { return ScenarioHTML(w, s) })
}

func indexHTML(t testing.TB, r *result.Run) string {
	return render(t, func(w io.Writer) error { return IndexHTML(w, r) })
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func(io.Writer) error
	}{
		{"scenario.html.golden", func(w io.Writer) error { return ScenarioHTML(w, sampleScenario()) }},
		{"index.html.golden", func(w io.Writer) error { return IndexHTML(w, sampleRun()) }},
		{"junit.xml.golden", func(w io.Writer) error { return JUnit(w, sampleRun()) }},
		{"report.json.golden", func(w io.Writer) error { return ScenarioJSON(w, sampleScenario()) }},
		{"invalid.html.golden", func(w io.Writer) error { return ScenarioHTML(w, invalidScenario()) }},
		{"cluster.html.golden", func(w io.Writer) error { return ScenarioHTML(w, clusterScenario()) }},
		{"cluster.json.golden", func(w io.Writer) error { return ScenarioJSON(w, clusterScenario()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, tc.render)
			// rendering is a pure function: twice gives the same bytes
			if again := render(t, tc.render); again != out {
				t.Fatal("two renderings of the same data differ")
			}
			golden(t, tc.name, []byte(out))
		})
	}
}

// The strings an attacker controls: scenario names, labels, step
// descriptions, client error reasons, assertion messages, artifact names.
const (
	evilScript = `<script>alert(1)</script>`
	evilAttr   = `"><img src=x onerror=alert(1)>`
)

func evilScenario(slug string) *result.Scenario {
	s := sampleScenario()
	evil := evilScript + evilAttr
	s.Scenario = "name " + evil
	s.Slug = slug
	s.Labels = []string{"label " + evil}
	s.Failure = "failure " + evil
	s.Replay = "hatest run " + evil
	s.Plan = append(s.Plan, "9. plan "+evil)
	for i := range s.Steps {
		s.Steps[i].Desc += " " + evil
		s.Steps[i].ID += evil
	}
	for i := range s.Windows {
		s.Windows[i].Client += evil
		s.Windows[i].Class += evil
		s.Windows[i].Reasons = append(s.Windows[i].Reasons, "reason "+evil)
		s.Windows[i].Causes = append(s.Windows[i].Causes, "cause "+evil)
	}
	s.Location = "location " + evil
	for i := range s.Clients {
		s.Clients[i].Name += evil
		s.Clients[i].Version += evil
		s.Clients[i].BadLines = []string{"bad line " + evil}
		s.Clients[i].Path = []string{"path " + evil}
	}
	for i := range s.Versions {
		s.Versions[i].Node += evil
		s.Versions[i].Version += evil
		s.Versions[i].Role += evil
	}
	for i := range s.Failovers {
		s.Failovers[i].Cause += evil
	}
	s.Integrity.Lost[0].Key += evil
	s.Integrity.Lost[0].Found += evil
	s.Integrity.SplitBrain = []string{"split " + evil}
	for i := range s.Assertions {
		s.Assertions[i].Name += evil
		s.Assertions[i].Message += " " + evil
	}
	// client groups and members' restarts
	s.Clients[0].Group, s.Clients[1].Group = "group "+evil, "other "+evil
	s.Groups = []result.GroupFigures{
		{Name: "group " + evil, Clients: []string{s.Clients[0].Name}, WorstClient: s.Clients[0].Name},
		{Name: "other " + evil, Clients: []string{s.Clients[1].Name}},
		{Name: "", Clients: []string{s.Clients[2].Name}},
	}
	s.Restarts = []result.MemberRestart{{Member: "member " + evil, Step: s.Steps[3].ID, From: "from " + evil, To: "to " + evil,
		Groups: []result.RestartGroup{{Group: "group " + evil}, {Group: "other " + evil}, {Group: ""}}}}
	s.Artifacts = append(s.Artifacts,
		result.Artifact{Name: "artifact " + evil, Path: "logs/" + evil},
		result.Artifact{Name: "js", Path: "javascript:alert(1)"})
	return s
}

func TestEscaping(t *testing.T) {
	s := evilScenario("evil")
	inv := evilScenario("evil-invalid")
	inv.Status, inv.Invalid = result.StatusInvalid, "why "+evilScript+evilAttr
	inv.Assertions[1].Invalid = true
	r := &result.Run{Schema: result.Schema, Runtime: "process " + evilScript, Commit: "c " + evilAttr,
		Scenarios: []result.Scenario{*s, *evilScenario(evilAttr), *inv}}
	pages := map[string]string{
		"report.html":         scenarioHTML(t, s),
		"invalid report.html": scenarioHTML(t, inv),
		"index.html":          indexHTML(t, r),
	}
	for name, page := range pages {
		for _, raw := range []string{evilScript, evilAttr, "<img", "alert(1)</script>", `href="javascript:`} {
			if strings.Contains(page, raw) {
				i := strings.Index(page, raw)
				t.Errorf("%s contains the raw string %q: …%s…", name, raw, page[max(0, i-80):min(len(page), i+80)])
			}
		}
		for _, esc := range []string{
			`&lt;script&gt;alert(1)&lt;/script&gt;`,
			`&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`,
		} {
			if !strings.Contains(page, esc) {
				t.Errorf("%s lacks the escaped string %q", name, esc)
			}
		}
		// our own script is the only one
		if n := strings.Count(page, "<script"); n != 1 {
			t.Errorf("%s has %d <script> elements, want 1", name, n)
		}
	}
	// every kind of string is there, escaped: the test covers what it says
	page := pages["report.html"]
	for _, want := range []string{"name &lt;script", "label &lt;script", "reason &lt;script", "cause &lt;script",
		"plan &lt;script", "failure &lt;script", "split &lt;script", "artifact &lt;script", "hatest run &lt;script",
		"bad line &lt;script", "path &lt;script", "location &lt;script", "group &lt;script", "member &lt;script",
		"from &lt;script", "to &lt;script"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for name, want := range map[string]string{"invalid report.html": "INVALID:</b> why &lt;script", "index.html": "INVALID: why &lt;script"} {
		if !strings.Contains(pages[name], want) {
			t.Errorf("%s lacks %q", name, want)
		}
	}
	// junit.xml is XML: the same strings come out escaped there too
	var buf bytes.Buffer
	if err := JUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(buf.Bytes(), new(struct{})); err != nil || strings.Contains(buf.String(), "<script") || strings.Contains(buf.String(), "<img") {
		t.Errorf("junit.xml of hostile strings: %v\n%.400s", err, buf.String())
	}
}

// TestSelfContained checks that the pages fetch nothing: no external
// scripts, styles, fonts or images, and no URLs but the SVG namespace.
func TestSelfContained(t *testing.T) {
	for name, page := range map[string]string{
		"report.html": scenarioHTML(t, sampleScenario()),
		"index.html":  indexHTML(t, sampleRun()),
	} {
		checkSelfContained(t, name, page)
	}
}

// checkSelfContained fails the test for anything page would fetch: an
// external script, style, font or image, a URL but the SVG namespace, a
// url() that is not a local reference.
func checkSelfContained(t *testing.T, name, page string) {
	t.Helper()
	for _, bad := range []string{"<link", "<img", "<iframe", "src=", "@import", "@font-face", "//cdn", "<object", "<embed"} {
		if strings.Contains(page, bad) {
			t.Errorf("%s contains %q", name, bad)
		}
	}
	rest := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
	rest = strings.ReplaceAll(rest, `"http://www.w3.org/2000/svg"`, "") // the script's namespace constant
	if m := regexp.MustCompile(`https?://`).FindStringIndex(rest); m != nil {
		t.Errorf("%s refers to a URL: …%s…", name, rest[max(0, m[0]-60):min(len(rest), m[1]+60)])
	}
	for _, u := range regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(u[1], "#") {
			t.Errorf("%s has url(%s), want only local references", name, u[1])
		}
	}
}

// TestHooks checks the classes and attributes browser tests rely on.
func TestHooks(t *testing.T) {
	page := scenarioHTML(t, sampleScenario())
	for _, hook := range []string{
		`class="lane lane-client" data-client="c1"`, `class="lane lane-steps"`, `class="lane lane-faults"`,
		`class="lane lane-version" data-node="driver-0"`, `class="lane lane-latency"`,
		`class="window window-expected"`, `class="window window-unexpected"`, `window-open`,
		`class="step"`, `class="step expects-outage"`, `class="fault"`, `class="fault-band"`,
		`class="version-span vc0"`, `class="version-span vc1"`,
		`class="latency-p50"`, `class="latency-p99"`,
		`id="tooltip"`, `id="timeline"`, `id="zoom-reset"`, `id="replay"`,
		`data-start="8002" data-end="8414.6"`,
		`<a href="logs/driver-0.log">driver-0 log</a>`,
	} {
		if !strings.Contains(page, hook) {
			t.Errorf("report.html lacks %s", hook)
		}
	}
	// every window mark has a title and start/end
	marks := regexp.MustCompile(`(?s)<rect class="window [^"]*"[^>]*>(.*?)</rect>`).FindAllStringSubmatch(page, -1)
	if len(marks) != len(sampleScenario().Windows) {
		t.Errorf("%d window marks, want one per window (%d)", len(marks), len(sampleScenario().Windows))
	}
	for _, m := range marks {
		if !strings.Contains(m[0], "data-start=") || !strings.Contains(m[0], "data-end=") || !strings.HasPrefix(m[1], "<title>") {
			t.Errorf("window mark without data-start, data-end or title: %.200s", m[0])
		}
	}
	want := "c2 · write · unexpected\nstart 8,002 ms · length 412.6 ms · 21 failed ops\nreasons: EOF; connection refused\ncauses: fault-2 (kill driver-0 (SIGKILL))"
	if !strings.Contains(page, "<title>"+want+"</title>") {
		t.Errorf("report.html lacks the window title %q", want)
	}
}

// TestSVGWellFormed parses the timeline and sparklines as XML, so that a
// broken template shows up here and not as a half-drawn chart.
func TestSVGWellFormed(t *testing.T) {
	for name, page := range map[string]string{
		"report.html": scenarioHTML(t, evilScenario("x")),
		"index.html":  indexHTML(t, sampleRun()),
		"large.html":  scenarioHTML(t, largeScenario()),
	} {
		checkSVG(t, name, page)
	}
}

func TestOrder(t *testing.T) {
	page := scenarioHTML(t, sampleScenario())
	// failed assertions first
	failed := strings.Index(page, "no lost writes")
	passed := strings.Index(page, "expected outage ≤ 500ms")
	if failed < 0 || passed < 0 || failed > passed {
		t.Errorf("failed assertion at %d, passed at %d: want failed first", failed, passed)
	}
	// the summary comes before the lanes
	if strings.Index(page, `id="summary"`) > strings.Index(page, `id="timeline"`) {
		t.Error("summary is not above the timeline")
	}
	// failed first in the index, then invalid; passing ones keep run order
	idx := indexHTML(t, sampleRun())
	order := regexp.MustCompile(`data-slug="([^"]*)"`).FindAllStringSubmatch(idx, -1)
	var got []string
	for _, m := range order {
		got = append(got, m[1])
	}
	if want := "overlord-upgrade-latency many-fast-clients standby-switchover nats-rolling-upgrade rolling-restart"; strings.Join(got, " ") != want {
		t.Errorf("index order %v, want %s", got, want)
	}
	for _, slug := range got {
		if !strings.Contains(idx, `href="./`+slug+`/report.html"`) {
			t.Errorf("index lacks the link to %s/report.html", slug)
		}
	}
}

func TestEmptyScenario(t *testing.T) {
	// The least a runner can produce must render, without a timeline lane
	// that has nothing in it.
	s := &result.Scenario{Scenario: "empty", Slug: "empty", Passed: true}
	page := scenarioHTML(t, s)
	for _, want := range []string{"No assertions were recorded", "No plan was recorded", "No client saw an outage", "No artifacts were kept"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
	if strings.Contains(page, "lane-client") || strings.Contains(page, "NaN") || strings.Contains(page, "Inf") {
		t.Error("empty report draws lanes or non-numbers")
	}
	idx := indexHTML(t, &result.Run{})
	if !strings.Contains(idx, "This run has no scenarios") {
		t.Error("empty index does not say it is empty")
	}
	if err := ScenarioHTML(io.Discard, nil); err == nil {
		t.Error("nil scenario rendered without error")
	}
	if err := IndexHTML(io.Discard, nil); err == nil {
		t.Error("nil run rendered without error")
	}
}

// TestLarge is the scale budget: a long, busy scenario renders under 2 MB,
// with marks, table rows and latency points within their caps.
func TestLarge(t *testing.T) {
	s := largeScenario()
	page := scenarioHTML(t, s)
	if len(page) >= 2<<20 {
		t.Errorf("report.html is %d bytes, want < 2 MB", len(page))
	}
	marks := strings.Count(page, `<rect class="window `)
	if marks == 0 || marks > MaxMarks {
		t.Errorf("%d window marks, want 1..%d", marks, MaxMarks)
	}
	lanes := strings.Split(page, `class="lane lane-client"`)[1:]
	if len(lanes) != 16 {
		t.Errorf("%d client lanes, want 16", len(lanes))
	}
	for i, l := range lanes {
		if n := strings.Count(l[:strings.Index(l, "</g>\n</g>")], `<rect class="window `); n == 0 || n > MaxMarksPerLane {
			t.Errorf("lane %d has %d marks, want 1..%d", i, n, MaxMarksPerLane)
		}
	}
	// merged marks say how many windows they stand for, and add up
	total := 0
	for _, m := range regexp.MustCompile(`<rect class="window [^>]*>`).FindAllString(page, -1) {
		n := 1
		if c := regexp.MustCompile(`data-count="(\d+)"`).FindStringSubmatch(m); c != nil {
			fmt.Sscan(c[1], &n)
		}
		total += n
	}
	if total != len(s.Windows) {
		t.Errorf("marks stand for %d windows, want %d", total, len(s.Windows))
	}
	if !strings.Contains(page, "10,000 windows drawn as") {
		t.Error("the page does not say that windows were merged for display")
	}
	if rows := strings.Count(page, `<tr class="window-row`); rows != MaxTableWindows {
		t.Errorf("%d table rows, want %d", rows, MaxTableWindows)
	}
	for _, pl := range regexp.MustCompile(`points="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if n := len(strings.Fields(pl[1])); n > MaxLatencyPoints {
			t.Errorf("a latency line has %d points, want ≤ %d", n, MaxLatencyPoints)
		}
	}
}

func TestTablePriority(t *testing.T) {
	var ws []result.Window
	for i := 0; i < MaxTableWindows+10; i++ {
		ws = append(ws, result.Window{Client: "c", StartMS: float64(i), EndMS: float64(i) + 1, Expected: true})
	}
	ws[3].Expected = false                            // unexpected: kept however short
	ws[len(ws)-1].EndMS = ws[len(ws)-1].StartMS + 500 // longest: kept
	tbl := buildTable(ws, nil)
	if len(tbl.Rows) != MaxTableWindows || tbl.Note == "" {
		t.Fatalf("%d rows, note %q", len(tbl.Rows), tbl.Note)
	}
	kept := map[string]bool{}
	for _, r := range tbl.Rows {
		kept[r.StartV] = true
	}
	last := fmt.Sprint(len(ws) - 1)
	if !kept["3"] || !kept[last] {
		t.Errorf("the unexpected window (3) kept: %v, the longest (%s) kept: %v", kept["3"], last, kept[last])
	}
	// equal windows beyond the cap are dropped from the end
	if kept[fmt.Sprint(len(ws)-2)] || !kept["0"] {
		t.Error("dropped the wrong equal windows")
	}
	for i := 1; i < len(tbl.Rows); i++ {
		a, _ := strconv.ParseFloat(tbl.Rows[i-1].StartV, 64)
		b, _ := strconv.ParseFloat(tbl.Rows[i].StartV, 64)
		if b < a {
			t.Fatalf("rows not by start at %d: %v after %v", i, b, a)
		}
	}
}

// TestPure checks that rendering leaves its input alone, even when the
// input is not in the order the renderer draws it.
func TestPure(t *testing.T) {
	s := sampleScenario()
	for i, j := 0, len(s.Windows)-1; i < j; i, j = i+1, j-1 {
		s.Windows[i], s.Windows[j] = s.Windows[j], s.Windows[i]
	}
	s.Steps[0], s.Steps[len(s.Steps)-1] = s.Steps[len(s.Steps)-1], s.Steps[0]
	s.Versions[0], s.Versions[2] = s.Versions[2], s.Versions[0]
	before := fmt.Sprintf("%#v", *s)
	scenarioHTML(t, s)
	indexHTML(t, &result.Run{Scenarios: []result.Scenario{*s}})
	if after := fmt.Sprintf("%#v", *s); after != before {
		t.Error("rendering changed the scenario")
	}
	// and the order of the input does not change the page
	if scenarioHTML(t, s) != scenarioHTML(t, sampleScenario()) {
		t.Error("the page depends on the order of windows, steps or versions")
	}
}

// TestFailoverUnknown checks that a phase the analysis could not measure
// (-1 ms) shows as a dash with a title saying so, never as "-1 ms", and
// takes no room in the bar.
func TestFailoverUnknown(t *testing.T) {
	s := sampleScenario()
	s.Failovers = []result.Failover{
		{Cause: "fault-1", DetectMS: -1, RestartMS: -1, RecoverMS: -1, TotalMS: 2760},
		{Cause: "fault-2", DetectMS: 40, RestartMS: -1, RecoverMS: -1, TotalMS: -1},
	}
	page := scenarioHTML(t, s)
	for _, bad := range []string{"-1 ms", "−1 ms", ">-1<"} {
		if strings.Contains(page, bad) {
			t.Errorf("report.html shows %q", bad)
		}
	}
	rows := regexp.MustCompile(`(?s)<table class="failovers">.*?</table>`).FindString(page)
	if n := strings.Count(rows, `<span class="unknown" title="not measured: the system reported no event for this phase">—</span>`); n != 4 {
		t.Errorf("%d phases say the system reported no event, want 4 (fault-1's three, fault-2's restart)", n)
	}
	if n := strings.Count(rows, `<span class="unknown" title="not measured: the outage never ended (a window stayed open)">—</span>`); n != 2 {
		t.Errorf("%d phases say the outage never ended, want 2 (fault-2's recover and total)", n)
	}
	bars := regexp.MustCompile(`(?s)<svg class="fobar".*?</svg>`).FindAllString(rows, -1)
	if len(bars) != 2 {
		t.Fatalf("%d failover bars, want 2", len(bars))
	}
	// fault-1: the total as a track, no phase; fault-2: detect only
	if !strings.Contains(bars[0], `class="t"`) || regexp.MustCompile(`class="[drc]"`).MatchString(bars[0]) {
		t.Errorf("fault-1's bar %s: want its total's track and no phase segment", bars[0])
	}
	if strings.Contains(bars[1], `class="t"`) || !strings.Contains(bars[1], `class="d"`) || regexp.MustCompile(`class="[rc]"`).MatchString(bars[1]) {
		t.Errorf("fault-2's bar %s: want its detect segment only", bars[1])
	}
	if !strings.Contains(page, `<span class="no bad-lines" title="line 6103: unexpected end of JSON input">1</span>`) {
		t.Error("report.html does not show c3's bad op-log line")
	}
}

// TestStartup shows the start-up overhead in the summary and in the index:
// a part never reached is "—", never "-1", and a report from before
// start-up was measured says so.
func TestStartup(t *testing.T) {
	for _, tc := range []struct {
		name        string
		st          result.Startup
		value, note string
	}{
		{"measured", result.Startup{TotalMS: 2431.7, TopologyMS: 2210.3, ClientsMS: 221.4}, "2.43 s", "topology 2.21 s, clients 221.4 ms"},
		{"no op recorded", result.Startup{TotalMS: -1, TopologyMS: 812, ClientsMS: -1}, "—", "topology 812 ms, clients —"},
		{"topology never ready", result.Startup{TotalMS: -1, TopologyMS: -1, ClientsMS: -1}, "—", "topology —, clients —"},
		{"not measured (an older report)", result.Startup{}, "—", "not measured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sampleScenario()
			s.Startup = tc.st
			page := scenarioHTML(t, s)
			fig := fmt.Sprintf(`<div class="l">Start-up</div><div class="v">%s</div><div class="n">%s</div>`, tc.value, tc.note)
			if !strings.Contains(page, fig) {
				t.Errorf("report.html lacks the figure %s", fig)
			}
			idx := indexHTML(t, &result.Run{Scenarios: []result.Scenario{*s}})
			cell := regexp.MustCompile(`<td class="num" data-v="[^"]*" title="` + regexp.QuoteMeta(tc.note) + `">` + regexp.QuoteMeta(tc.value) + `</td>`)
			if !cell.MatchString(idx) {
				t.Errorf("index.html lacks the start-up cell %s", cell)
			}
			for _, page := range []string{page, idx} {
				if strings.Contains(page, "-1 ms") || strings.Contains(page, ">-1<") {
					t.Error("a start-up part never reached shows as -1")
				}
			}
		})
	}
}
