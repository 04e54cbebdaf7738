package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/reports"
)

// The environment the tests read.
const (
	envSkip      = "HATEST_SKIP_BROWSER"       // "1": skip, saying why
	envChromium  = "HATEST_CHROMIUM"           // the browser binary, instead of chromium on PATH
	envReportDir = "HATEST_BROWSER_REPORT_DIR" // a real run's report directory to test
	envArtifacts = "HATEST_ARTIFACT_DIR"       // where screenshots go
)

const (
	// pageTimeout bounds everything done with one page in one tab.
	pageTimeout = 20 * time.Second
	// startTimeout bounds the start of the browser.
	startTimeout = 30 * time.Second
	// maxTabs is how many pages are tested at once, each in a tab (and
	// window) of its own.
	maxTabs      = 4
	viewW, viewH = 1366, 900
)

// The hostile strings: a script element and an attribute breakout. Either
// one sets window.__xss if the page ever runs it.
const (
	xssScript = `<script>window.__xss=1</script>`
	xssAttr   = `"><img src=x onerror="window.__xss=2">`
	xssBoth   = xssScript + " " + xssAttr
)

// TestReports loads report pages in a real headless Chromium: the run in
// $HATEST_BROWSER_REPORT_DIR or, without it, a sample run rendered here; and
// always a run whose strings are hostile HTML.
func TestReports(t *testing.T) {
	if os.Getenv(envSkip) == "1" {
		t.Skip(envSkip + "=1: the real-browser tests of the HTML reports are skipped")
	}
	exe, err := findChromium()
	if err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t, exe)
	shots := artifactDir(t)

	t.Run("watch", func(t *testing.T) { testWatch(t, b) })

	var sets []reportSet
	if dir := os.Getenv(envReportDir); dir != "" {
		sets = append(sets, readSet(t, dir))
	} else {
		sets = append(sets, writeSet(t, "sample", sampleRun(), false))
	}
	sets = append(sets, writeSet(t, "escaping", escapingRun(), true))
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			t.Parallel()
			t.Run("index", func(t *testing.T) {
				b.page(t)
				testIndex(t, b, set, shots)
			})
			for i := range set.run.Scenarios {
				s := &set.run.Scenarios[i]
				t.Run(s.Slug, func(t *testing.T) {
					b.page(t)
					testScenario(t, b, set, s, shots)
				})
			}
		})
	}
}

// reportSet is a report directory and the run it was rendered from.
type reportSet struct {
	name    string // names subtests and screenshots
	dir     string // absolute; holds index.html and <slug>/report.html
	run     *result.Run
	hostile bool // the run's strings carry xssScript and xssAttr
}

func readSet(t *testing.T, dir string) reportSet {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("%s=%s: %v", envReportDir, dir, err)
	}
	if _, err := os.Stat(filepath.Join(abs, "index.html")); err != nil {
		t.Fatalf("%s=%s is not a hatest report directory: %v", envReportDir, dir, err)
	}
	run, err := reports.ReadRun(abs)
	if err != nil {
		t.Fatalf("%s=%s: %v", envReportDir, dir, err)
	}
	if len(run.Scenarios) == 0 {
		t.Fatalf("%s=%s: results.json lists no scenario, so there is no report page to test", envReportDir, dir)
	}
	t.Logf("testing the reports of a real run in %s: %d scenarios", abs, len(run.Scenarios))
	return reportSet{name: "run", dir: abs, run: run}
}

func writeSet(t *testing.T, name string, run *result.Run, hostile bool) reportSet {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := reports.WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
	return reportSet{name: name, dir: dir, run: run, hostile: hostile}
}

// ---------------------------------------------------------------------------
// The browser.

// findChromium returns the browser to run: $HATEST_CHROMIUM, else chromium
// or chromium-browser on PATH.
func findChromium() (string, error) {
	const how = "apt-get install chromium, or set " + envSkip + "=1 to skip the browser tests"
	if p := os.Getenv(envChromium); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%s=%s is not an executable (%v): %s", envChromium, p, err, how)
		}
		return path, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("no Chromium: neither chromium nor chromium-browser is on PATH and %s is not set: %s", envChromium, how)
}

// browser is a running Chromium; each page gets a tab of its own.
type browser struct {
	ctx  context.Context // a chromedp context whose browser runs
	tabs chan struct{}   // a slot per page tested at once
}

// page makes t a parallel test that holds one of the browser's maxTabs
// slots until it ends.
func (b *browser) page(t *testing.T) {
	t.Parallel()
	b.tabs <- struct{}{}
	t.Cleanup(func() { <-b.tabs })
}

// startBrowser starts one headless Chromium for the whole test, with
// everything that would reach the network in the background turned off.
func startBrowser(t *testing.T, exe string) *browser {
	out := &tail{max: 4 << 10}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, // --headless --hide-scrollbars --mute-audio
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(viewW, viewH),
		chromedp.Flag("force-device-scale-factor", "1"),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,CertificateTransparencyComponentUpdater"),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-hang-monitor", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.CombinedOutput(out),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)

	// The first Do starts the browser and binds it to ctx, so it must not
	// carry a timeout of its own; the timer stands in for one.
	started := make(chan error, 1)
	begin := time.Now()
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v (apt-get install chromium, or set %s=1)\n%s", exe, err, envSkip, out)
		}
	case <-time.After(startTimeout):
		cancel()
		cancelAlloc()
		t.Fatalf("start %s: no browser after %s\n%s", exe, startTimeout, out)
	}
	t.Logf("started %s in %s", exe, time.Since(begin).Round(time.Millisecond))
	return &browser{ctx: ctx, tabs: make(chan struct{}, maxTabs)}
}

// open loads file in a new tab with script on, and returns a context
// bounded by pageTimeout and the watch on the tab's events.
func (b *browser) open(t *testing.T, file string) (context.Context, *watch) {
	t.Helper()
	w := &watch{}
	tab, cancelTab := chromedp.NewContext(b.ctx, chromedp.WithListener(w.event))
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, pageTimeout)
	t.Cleanup(cancel)
	load(ctx, t, file)
	return ctx, w
}

// load navigates the tab to file.
func load(ctx context.Context, t *testing.T, file string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(file))); err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
}

// loadWithoutScript turns script off in the tab and loads file again.
func loadWithoutScript(ctx context.Context, t *testing.T, file string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("turn script off: %v", err)
	}
	load(ctx, t, file)
}

func fileURL(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// tail keeps the last max bytes written to it (the browser's output, shown
// only when it fails to start).
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *tail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if len(w.b) > w.max {
		w.b = w.b[len(w.b)-w.max:]
	}
	return len(p), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}

// watch collects what must not happen on a report page: console errors,
// uncaught exceptions, errors in the browser's log, and requests for
// anything but file: and data: URLs.
type watch struct {
	mu       sync.Mutex
	problems []string
	local    int // file: and data: requests: shows the watch sees requests at all
}

// event runs in the tab's read loop: it only records.
func (w *watch) event(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p = fmt.Sprintf("console.%s: %s", ev.Type, argsText(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		p = "uncaught exception: " + exceptionText(ev.ExceptionDetails)
	case *cdplog.EventEntryAdded:
		if ev.Entry != nil && ev.Entry.Level == cdplog.EntryLevelError {
			p = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ""
		if ev.Request != nil {
			u = ev.Request.URL
		}
		if strings.HasPrefix(u, "file:") || strings.HasPrefix(u, "data:") {
			w.mu.Lock()
			w.local++
			w.mu.Unlock()
			return
		}
		p = fmt.Sprintf("request for %.200s: a report must be self-contained (file: and data: only)", u)
	}
	if p != "" {
		w.mu.Lock()
		w.problems = append(w.problems, p)
		w.mu.Unlock()
	}
}

func (w *watch) seen() (problems []string, local int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.problems), w.local
}

// take returns what the watch saw and starts afresh.
func (w *watch) take() (problems []string, local int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	problems, local = w.problems, w.local
	w.problems, w.local = nil, 0
	return problems, local
}

// check fails the test for every problem seen since the last check, naming
// page, and when the watch saw no request at all (it would then be blind).
func (w *watch) check(t *testing.T, page string) {
	t.Helper()
	problems, local := w.take()
	for _, p := range problems {
		t.Errorf("%s: %s", page, p)
	}
	if local == 0 {
		t.Errorf("%s: the watch saw no request, not even for the page itself", page)
	}
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a == nil:
		case len(a.Value) > 0:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, string(a.Value))
			}
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d:%d)", s, d.URL, d.LineNumber+1, d.ColumnNumber+1)
}

// testWatch shows that the checks can fail: a page that logs an error,
// throws, fetches over HTTP and runs the hostile strings is caught on each
// count.
func testWatch(t *testing.T, b *browser) {
	hit := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(hit) })
		rw.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "bad.html")
	doc := `<!DOCTYPE html><html><head><title>bad page</title></head><body>
<script>console.error("planted console error")</script>
<script>throw new Error("planted exception")</script>
<img src="` + srv.URL + `/planted.png" alt="">
<div>` + xssBoth + `</div>
</body></html>`
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, w := b.open(t, file)
	xss := evalJS[string](ctx, t, "window.__xss", `typeof window.__xss`)
	if xss == "undefined" {
		t.Errorf("unescaped %s did not set window.__xss: the escaping check would not notice script running", xssBoth)
	}
	select {
	case <-hit:
	case <-ctx.Done():
		t.Fatalf("the planted request never reached %s", srv.URL)
	}
	problems, local := w.seen()
	all := strings.Join(problems, "\n")
	for _, want := range []string{"planted console error", "planted exception", "request for " + srv.URL + "/planted.png"} {
		if !strings.Contains(all, want) {
			t.Errorf("the watch missed %q; it saw:\n%s", want, all)
		}
	}
	if local == 0 {
		t.Errorf("the watch saw no file: request, not even for %s", file)
	}
}

// ---------------------------------------------------------------------------
// index.html

type indexRow struct {
	Slug    string `json:"slug"`
	Href    string `json:"href"` // resolved by the browser
	Name    string `json:"name"`
	Pass    bool   `json:"pass"`    // a PASS tag
	Fail    bool   `json:"fail"`    // a FAIL tag
	Invalid bool   `json:"invalid"` // an INVALID tag
	Bad     bool   `json:"bad"`     // the row is marked bad
	Text    string `json:"text"`    // the row's text as shown
}

const indexRowsJS = `[...document.querySelectorAll("table.scenarios tbody tr.scenario-row")].map(tr => {
  const a = tr.querySelector("a[href]");
  return {slug: tr.getAttribute("data-slug") || "", href: a ? a.href : "", name: a ? a.textContent : "",
    pass: !!tr.querySelector(".tag.pass"), fail: !!tr.querySelector(".tag.fail"), invalid: !!tr.querySelector(".tag.invalid"),
    bad: tr.classList.contains("bad"), text: tr.innerText};
})`

// status is a scenario's outcome, derived from passed for results written
// before there were three.
func status(s *result.Scenario) string { return reports.Status(s) }

// verdictWord is how the pages name an outcome.
func verdictWord(status string) string {
	switch status {
	case result.StatusPassed:
		return "PASS"
	case result.StatusInvalid:
		return "INVALID"
	}
	return "FAIL"
}

// rank is the index's order: failed, then invalid, then passed.
func rank(status string) int {
	switch status {
	case result.StatusFailed:
		return 0
	case result.StatusInvalid:
		return 1
	}
	return 2
}

func testIndex(t *testing.T, b *browser, set reportSet, shots string) {
	file := filepath.Join(set.dir, "index.html")
	ctx, w := b.open(t, file)

	failed, invalid := 0, 0
	bySlug := map[string]*result.Scenario{}
	for i := range set.run.Scenarios {
		s := &set.run.Scenarios[i]
		bySlug[s.Slug] = s
		switch status(s) {
		case result.StatusFailed:
			failed++
		case result.StatusInvalid:
			invalid++
		}
	}
	title := evalJS[string](ctx, t, "document.title", `document.title`)
	verdict := "PASS"
	switch {
	case failed > 0:
		verdict = "FAIL"
	case invalid > 0:
		verdict = "INVALID"
	}
	if !strings.HasPrefix(title, verdict) {
		t.Errorf("index title %q: want it to start with %s (%d failed, %d invalid of %d scenarios)", title, verdict, failed, invalid, len(set.run.Scenarios))
	}
	counts := fmt.Sprintf("%d passed, %d failed, %d invalid", len(set.run.Scenarios)-failed-invalid, failed, invalid)
	if got := evalJS[string](ctx, t, "scenario counts", `document.querySelector("#scenarios h2").innerText`); !strings.Contains(got, counts) {
		t.Errorf("index heading %q: want it to say %q", got, counts)
	}
	checkInert(ctx, t, "index.html", set.hostile)
	checkWidth(ctx, t, "index.html")
	screenshot(ctx, t, shots, set.name+"-index.png", true)

	rows := evalJS[[]indexRow](ctx, t, "index rows", indexRowsJS)
	if len(rows) != len(set.run.Scenarios) {
		t.Errorf("index lists %d scenario rows, results.json has %d scenarios", len(rows), len(set.run.Scenarios))
	}
	prev, prevSlug := -1, ""
	for i, r := range rows {
		s, ok := bySlug[r.Slug]
		if !ok {
			t.Errorf("row %d: slug %q is not in results.json", i+1, r.Slug)
			continue
		}
		if r.Name != s.Scenario {
			t.Errorf("row %d (%s): link text %q, want the scenario name %q", i+1, r.Slug, r.Name, s.Scenario)
		}
		st := status(s)
		if r.Pass != (st == result.StatusPassed) || r.Fail != (st == result.StatusFailed) ||
			r.Invalid != (st == result.StatusInvalid) || r.Bad != (st == result.StatusFailed) {
			t.Errorf("row %d (%s): tags pass=%v fail=%v invalid=%v bad=%v, but the scenario's status is %s",
				i+1, r.Slug, r.Pass, r.Fail, r.Invalid, r.Bad, st)
		}
		if st == result.StatusInvalid && (strings.Contains(r.Text, "FAIL") || !strings.Contains(r.Text, "INVALID: ")) {
			t.Errorf("row %d (%s): an invalid scenario's row reads %q: want INVALID and why, never FAIL", i+1, r.Slug, r.Text)
		}
		if rank(st) < prev {
			t.Errorf("row %d: %s scenario %s is listed after %s: failed first, then invalid, then passed", i+1, st, r.Slug, prevSlug)
		}
		prev, prevSlug = rank(st), r.Slug
		path, err := filePath(r.Href)
		if err != nil {
			t.Errorf("row %d (%s): link %q: %v", i+1, r.Slug, r.Href, err)
			continue
		}
		want := filepath.Join(set.dir, s.Slug, "report.html")
		if !sameFile(path, want) {
			t.Errorf("row %d (%s): link goes to %s, want %s (an existing file)", i+1, r.Slug, path, want)
		}
	}

	w.check(t, "index.html")

	// Follow the first link, as a reader would.
	if len(rows) > 0 {
		if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
			chromedp.Click(chromedp.CSS("table.scenarios tr.scenario-row a[href]")))); err != nil {
			t.Fatalf("click the first scenario link: %v", err)
		}
		loc := evalJS[string](ctx, t, "location", `location.href`)
		if loc != rows[0].Href {
			t.Errorf("clicking the first row's link went to %s, want %s", loc, rows[0].Href)
		}
		if s := bySlug[rows[0].Slug]; s != nil {
			if got := evalJS[string](ctx, t, "document.title", `document.title`); !strings.Contains(got, s.Scenario) {
				t.Errorf("the linked page's title %q does not name the scenario %q", got, s.Scenario)
			}
		}
		w.check(t, "the page the index's first link opens")
	}

	// Without script the rows and links are all there.
	loadWithoutScript(ctx, t, file)
	defer w.check(t, "index.html without script")
	if n := domCount(ctx, t, "table.scenarios tbody tr.scenario-row a[href]"); n != len(set.run.Scenarios) {
		t.Errorf("without script the index has %d scenario links, want %d", n, len(set.run.Scenarios))
	}
}

// filePath turns a file: URL into a path.
func filePath(href string) (string, error) {
	u, err := url.Parse(href)
	if err != nil {
		return "", err
	}
	if u.Scheme != "file" {
		return "", fmt.Errorf("not a file: URL")
	}
	return filepath.FromSlash(u.Path), nil
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}

// ---------------------------------------------------------------------------
// <slug>/report.html

// shapeSelectors are the elements a report page is checked for, with
// script and without; the stable classes are in docs/report-format.md's
// page and in reports/templates.
var shapeSelectors = []string{
	"svg#timeline",
	"#timeline .lane.lane-client",
	"#timeline .lane-client .window",
	"#timeline .lane-client .window.window-expected",
	"#timeline .lane-client .window.window-unexpected",
	"#timeline .lane-client .window.window-open",
	"#timeline .lane-client .window.window-lag",
	"#timeline .lane-client .window > title",
	"#timeline .lane-steps .step",
	"#timeline .lane-faults .fault",
	"#timeline .lane-system .event",
	"#timeline .fault-band",
	"#timeline .version-span",
	"#timeline .latency-p50",
	"#timeline .latency-p99",
	"table.windows tbody tr",
	"#tooltip.tooltip[hidden]",
	"#zoom-bar[hidden]",
	"head > title",
}

// shape is how many elements match each of shapeSelectors.
type shape map[string]int

func jsShape(ctx context.Context, t *testing.T) shape {
	t.Helper()
	sels, _ := json.Marshal(shapeSelectors)
	counts := evalJS[[]int](ctx, t, "count elements", string(sels)+`.map(s => document.querySelectorAll(s).length)`)
	return toShape(t, counts)
}

func domShape(ctx context.Context, t *testing.T) shape {
	t.Helper()
	counts := make([]int, len(shapeSelectors))
	for i, sel := range shapeSelectors {
		counts[i] = domCount(ctx, t, sel)
	}
	return toShape(t, counts)
}

func toShape(t *testing.T, counts []int) shape {
	t.Helper()
	if len(counts) != len(shapeSelectors) {
		t.Fatalf("%d counts for %d selectors", len(counts), len(shapeSelectors))
	}
	sh := shape{}
	for i, sel := range shapeSelectors {
		sh[sel] = counts[i]
	}
	return sh
}

// checkShape compares a page's elements with the scenario it shows.
func checkShape(t *testing.T, s *result.Scenario, sh shape, script bool) {
	t.Helper()
	how := "with script"
	if !script {
		how = "without script"
	}
	exact := func(sel string, want int, why string) {
		t.Helper()
		if got := sh[sel]; got != want {
			t.Errorf("%s: %d elements match %q, want %d (%s)", how, got, sel, want, why)
		}
	}
	iff := func(sel string, want bool, why string) {
		t.Helper()
		if got := sh[sel]; (got > 0) != want {
			t.Errorf("%s: %d elements match %q, want them present=%v (%s)", how, got, sel, want, why)
		}
	}
	var nExp, nUnexp, nLag, nOpen int
	for _, w := range s.Windows {
		switch {
		case w.ProbeLag:
			nLag++
		case w.Expected:
			nExp++
		default:
			nUnexp++
		}
		if w.Open {
			nOpen++
		}
	}
	var nStep, nFault, nSystem int
	for _, st := range s.Steps {
		switch st.Kind {
		case "step":
			nStep++
		case "fault":
			nFault++
		default:
			nSystem++
		}
	}
	latency := false
	for _, b := range s.Latency {
		if b.Ops > 0 && (b.P50MS > 0 || b.P99MS > 0) {
			latency = true
		}
	}
	exact("svg#timeline", 1, "one timeline")
	exact("#timeline .lane.lane-client", len(clientNames(s)), "one lane per client")
	marks := sh["#timeline .lane-client .window"]
	if len(s.Windows) == 0 {
		exact("#timeline .lane-client .window", 0, "no windows")
	} else if marks < 1 || marks > len(s.Windows) {
		t.Errorf("%s: %d window marks for %d windows, want 1 to %d (crowded windows merge)", how, marks, len(s.Windows), len(s.Windows))
	}
	iff("#timeline .lane-client .window.window-expected", nExp > 0, fmt.Sprintf("%d expected windows", nExp))
	iff("#timeline .lane-client .window.window-unexpected", nUnexp > 0, fmt.Sprintf("%d unexpected windows", nUnexp))
	iff("#timeline .lane-client .window.window-lag", nLag > 0, fmt.Sprintf("%d probe-lag windows", nLag))
	exact("#timeline .lane-client .window.window-open", nOpen, "open windows are never merged")
	exact("#timeline .lane-client .window > title", marks, "every window mark has a title")
	exact("#timeline .lane-steps .step", min(nStep, reports.MaxBarsPerLane), "one bar per plan step")
	exact("#timeline .lane-faults .fault", min(nFault, reports.MaxBarsPerLane), "one bar per fault")
	exact("#timeline .lane-system .event", min(nSystem, reports.MaxBarsPerLane), "one bar per system event")
	exact("#timeline .fault-band", nFault, "one band per fault")
	exact("#timeline .version-span", len(s.Versions), "one span per version")
	iff("#timeline .latency-p50", latency, "latency buckets with ops")
	if sh["#timeline .latency-p50"] != sh["#timeline .latency-p99"] {
		t.Errorf("%s: %d p50 lines but %d p99 lines", how, sh["#timeline .latency-p50"], sh["#timeline .latency-p99"])
	}
	exact("table.windows tbody tr", min(len(s.Windows), reports.MaxTableWindows), "one table row per window")
	exact("#tooltip.tooltip[hidden]", 1, "the tooltip exists and starts hidden")
	exact("head > title", 1, "the page has a title")
	if script {
		exact("#zoom-bar[hidden]", 0, "the script shows the zoom bar")
	} else {
		exact("#zoom-bar[hidden]", 1, "the zoom bar needs script and stays hidden without it")
	}
}

// clientNames is every client the scenario knows, sorted.
func clientNames(s *result.Scenario) []string {
	var names []string
	for _, c := range s.Clients {
		names = append(names, c.Name)
	}
	for _, w := range s.Windows {
		names = append(names, w.Client)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func testScenario(t *testing.T, b *browser, set reportSet, s *result.Scenario, shots string) {
	file := filepath.Join(set.dir, s.Slug, "report.html")
	page := s.Slug + "/report.html"
	ctx, w := b.open(t, file)

	title := evalJS[string](ctx, t, "document.title", `document.title`)
	verdict := verdictWord(status(s))
	if !strings.HasPrefix(title, verdict) || !strings.Contains(title, s.Scenario) {
		t.Errorf("title %q: want %s and the scenario name %q", title, verdict, s.Scenario)
	}
	if status(s) == result.StatusInvalid {
		head := evalJS[string](ctx, t, "header", `document.querySelector("header.top").innerText`)
		if strings.Contains(head, "FAIL") || !strings.Contains(head, "INVALID: ") {
			t.Errorf("%s: the header of an invalid scenario reads %q: want INVALID and why, never FAIL", page, head)
		}
	}
	checkInert(ctx, t, page, set.hostile)
	checkWidth(ctx, t, page)
	checkLabels(ctx, t, page)
	checkSummary(ctx, t, page, s)
	checkZero(ctx, t, page, s)
	sh := jsShape(ctx, t)
	checkShape(t, s, sh, true)
	clients := evalJS[[]string](ctx, t, "client lanes", `[...document.querySelectorAll("#timeline .lane-client")].map(g => g.getAttribute("data-client"))`)
	slices.Sort(clients)
	if want := clientNames(s); !slices.Equal(clients, want) {
		t.Errorf("client lanes %q, want %q", clients, want)
	}
	jsTicks := evalJS[[]string](ctx, t, "axis ticks", ticksJS)
	jsTickXs := evalJS[[]string](ctx, t, "axis tick positions", tickXsJS)
	jsLabelXs := evalJS[[]string](ctx, t, "label positions", labelXsJS)
	screenshot(ctx, t, shots, set.name+"-"+s.Slug+".png", true)

	if sh["svg#timeline"] == 1 {
		hoverAndZoom(ctx, t, set.name+"-"+s.Slug, shots)
	}
	w.check(t, page)

	// Without script: the same lanes, marks and titles, drawn by the server.
	loadWithoutScript(ctx, t, file)
	defer w.check(t, page+" without script")
	nsh := domShape(ctx, t)
	checkShape(t, s, nsh, false)
	for _, sel := range shapeSelectors {
		if sel != "#zoom-bar[hidden]" && nsh[sel] != sh[sel] {
			t.Errorf("%q: %d elements without script, %d with it", sel, nsh[sel], sh[sel])
		}
	}
	if xss := domCount(ctx, t, "img"); xss != 0 {
		t.Errorf("without script the page has %d img elements, want none", xss)
	}
	goTicks := domTexts(ctx, t, "#axis-top text.tick")
	if !slices.Equal(goTicks, jsTicks) {
		t.Errorf("the axis ticks the script draws at load differ from the server's: %q, want %q", jsTicks, goTicks)
	}
	if goXs := domAttrs(ctx, t, "#axis-top text.tick", "x"); !sameXs(goXs, jsTickXs) {
		t.Errorf("the axis ticks the script draws at load are at x=%q, the server's at %q", jsTickXs, goXs)
	}
	if goXs := domAttrs(ctx, t, "#timeline [data-at]", "x"); !sameXs(goXs, jsLabelXs) {
		t.Errorf("the script puts the timeline's labels at x=%q at load, the server at %q", jsLabelXs, goXs)
	}
}

const (
	ticksJS   = `[...document.querySelectorAll("#axis-top text.tick")].map(e => e.textContent)`
	tickXsJS  = `[...document.querySelectorAll("#axis-top text.tick")].map(e => e.getAttribute("x"))`
	labelXsJS = `[...document.querySelectorAll("#timeline [data-at]")].map(e => e.getAttribute("x"))`
	zeroXJS   = `(() => { const z = document.getElementById("zero-mark"); if (!z) return null; const m = z.transform.baseVal.consolidate(); return +z.querySelector("line").getAttribute("x1") + (m ? m.matrix.e : 0); })()`
	unknownMS = -1 // timeline.Unknown in report.json: a failover phase not measured
)

// sameXs reports whether two lists of x coordinates agree to a tenth.
func sameXs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		var x, y float64
		if _, err := fmt.Sscan(a[i], &x); err != nil {
			return false
		}
		if _, err := fmt.Sscan(b[i], &y); err != nil {
			return false
		}
		if math.Abs(x-y) > 0.06 {
			return false
		}
	}
	return true
}

// earliest is the earliest start of anything on the scenario's timeline,
// or 0 when nothing starts before zero.
func earliest(s *result.Scenario) float64 {
	e := 0.0
	for _, st := range s.Steps {
		e = min(e, st.StartMS)
	}
	for _, v := range s.Versions {
		e = min(e, v.StartMS)
	}
	for _, w := range s.Windows {
		e = min(e, w.StartMS)
	}
	for _, b := range s.Latency {
		e = min(e, b.StartMS)
	}
	return e
}

type zeroState struct {
	Present bool    `json:"present"`
	Visible bool    `json:"visible"`
	X       float64 `json:"x"`     // the line's x, transform included
	Tick    float64 `json:"tick"`  // the x of the axis tick at 0, -1 without one
	Label   string  `json:"label"` // the line's label
	LabelX0 float64 `json:"lx0"`   // where the label's box starts and ends
	LabelX1 float64 `json:"lx1"`
	L, R    float64 // the plot
}

// checkZero checks the scenario start line: there, on the axis tick at 0,
// with its label inside the plot, when something began before time zero;
// absent otherwise.
func checkZero(ctx context.Context, t *testing.T, page string, s *result.Scenario) {
	t.Helper()
	z := evalJS[zeroState](ctx, t, "scenario start line", `(() => {
  const svg = document.getElementById("timeline"), z = document.getElementById("zero-mark");
  const L = svg ? +svg.getAttribute("data-left") : 0, R = L + (svg ? +svg.getAttribute("data-width") : 0);
  if (!z) return {present: false, L, R};
  const tick = [...document.querySelectorAll("#axis-top text.tick")].find(e => /^0 m?s$/.test(e.textContent));
  const lab = z.querySelector("text"), b = lab.getBBox(), m = z.transform.baseVal.consolidate(), dx = m ? m.matrix.e : 0;
  return {present: true, visible: getComputedStyle(z).visibility !== "hidden", x: `+zeroXJS+`,
    tick: tick ? +tick.getAttribute("x") : -1, label: lab.textContent, lx0: b.x + dx, lx1: b.x + b.width + dx, L, R};
})()`)
	early := earliest(s)
	switch {
	case early >= 0 && z.Present:
		t.Errorf("%s: a scenario start line, but nothing began before time zero", page)
	case early >= 0:
	case !z.Present:
		t.Errorf("%s: something began at %.1f ms, before time zero, but there is no scenario start line", page, early)
	case !z.Visible:
		t.Errorf("%s: the scenario start line is hidden", page)
	case z.Tick < 0:
		t.Errorf("%s: the axis has no tick at 0", page)
	case math.Abs(z.X-z.Tick) > 0.6:
		t.Errorf("%s: the scenario start line is at x=%.1f, the axis tick at 0 at x=%.1f", page, z.X, z.Tick)
	case z.Label != "scenario start":
		t.Errorf("%s: the scenario start line is labelled %q", page, z.Label)
	case z.LabelX0 < z.L-0.5 || z.LabelX1 > z.R+0.5:
		t.Errorf("%s: the label of the scenario start line spans x=%.0f to %.0f, out of the plot (%.0f to %.0f)", page, z.LabelX0, z.LabelX1, z.L, z.R)
	}
}

type summaryState struct {
	Failovers string   `json:"failovers"` // the failover table's text
	Unknown   []string `json:"unknown"`   // the titles of its unknown phases
	BadLines  []struct {
		Client string `json:"client"`
		Title  string `json:"title"`
		Red    bool   `json:"red"`
	} `json:"badLines"`
}

// checkSummary checks the summary's tables: a failover phase that was not
// measured reads "—" with a title saying so, never "-1 ms"; a client whose
// op log had lines hatest could not parse shows their count in red, the
// first as its title.
func checkSummary(ctx context.Context, t *testing.T, page string, s *result.Scenario) {
	t.Helper()
	got := evalJS[summaryState](ctx, t, "summary tables", `(() => {
  const fo = document.querySelector("table.failovers");
  const fail = getComputedStyle(document.documentElement).getPropertyValue("--fail").trim();
  const probe = document.createElement("span"); probe.style.color = fail; document.body.appendChild(probe);
  const red = getComputedStyle(probe).color; probe.remove();
  return {failovers: fo ? fo.innerText : "",
    unknown: fo ? [...fo.querySelectorAll(".unknown")].filter(e => e.textContent === "—").map(e => e.title) : [],
    badLines: [...document.querySelectorAll("table.clients .bad-lines")].map(e => ({
      client: e.closest("tr").cells[0].textContent, title: e.title, red: getComputedStyle(e).color === red}))};
})()`)
	for _, bad := range []string{"-1 ms", "−1 ms"} {
		if strings.Contains(got.Failovers, bad) {
			t.Errorf("%s: the failover table shows %q: an unmeasured phase must read —", page, bad)
		}
	}
	unknown := 0
	for _, f := range s.Failovers {
		for _, v := range []float64{f.DetectMS, f.RestartMS, f.RecoverMS, f.TotalMS} {
			if v == unknownMS {
				unknown++
			}
		}
	}
	if len(got.Unknown) != unknown {
		t.Errorf("%s: %d failover phases read —, want %d (the phases of -1 ms)", page, len(got.Unknown), unknown)
	}
	for _, title := range got.Unknown {
		if !strings.HasPrefix(title, "not measured: ") {
			t.Errorf("%s: an unmeasured failover phase has the title %q, want it to say it was not measured", page, title)
		}
	}
	want := map[string]string{}
	for _, c := range s.Clients {
		if len(c.BadLines) > 0 {
			want[c.Name] = c.BadLines[0]
		}
	}
	if len(got.BadLines) != len(want) {
		t.Errorf("%s: %d clients show bad op-log lines, want %d", page, len(got.BadLines), len(want))
	}
	for _, b := range got.BadLines {
		first, ok := want[b.Client]
		switch {
		case !ok:
			t.Errorf("%s: client %q shows bad op-log lines it does not have", page, b.Client)
		case !strings.HasPrefix(b.Title, strings.TrimSuffix(first[:min(len(first), 200)], "…")):
			t.Errorf("%s: client %q's bad op-log lines have the title %q, want the first line %q", page, b.Client, b.Title, first)
		case !b.Red:
			t.Errorf("%s: client %q's count of bad op-log lines is not red", page, b.Client)
		}
	}
}

// target is the timeline mark the mouse goes to.
type target struct {
	Kind   string  `json:"kind"` // window, step or version
	X      float64 `json:"x"`    // its centre, in viewport CSS pixels
	Y      float64 `json:"y"`
	Client string  `json:"client"` // data-client of its lane, for a window
	Title  string  `json:"title"`  // its <title>
	Hit    string  `json:"hit"`    // what is at its centre, when not the mark itself
	Left   float64 `json:"left"`   // the plot's left edge and width, in SVG units
	Plot   float64 `json:"plot"`
	Start  float64 `json:"start"` // data-start and data-end
	End    float64 `json:"end"`
}

// pickJS chooses a mark: the widest window of client lane %d, or for -1
// the widest window of all, else the widest step bar, else the widest
// version span. It keeps the mark as window.__hatestTarget, scrolls it
// into the middle of the viewport and describes it.
const pickJS = `((lane) => {
  const svg = document.getElementById("timeline");
  const widest = (root, sel) => {
    let best = null, bw = -1;
    for (const el of root.querySelectorAll(sel)) {
      const w = el.getBoundingClientRect().width;
      if (w > bw) { best = el; bw = w; }
    }
    return best;
  };
  let kind = "window", el;
  if (lane >= 0) {
    el = widest(svg.querySelectorAll(".lane-client")[lane], ".window");
  } else {
    el = widest(svg, ".lane-client .window");
    if (!el) { kind = "step"; el = widest(svg, ".lane-steps .step, .lane-faults .fault, .lane-system .event"); }
    if (!el) { kind = "version"; el = widest(svg, ".version-span"); }
  }
  if (!el) return null;
  window.__hatestTarget = el;
  el.scrollIntoView({block: "center", inline: "center"});
  const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  const g = el.closest(".lane-client"), title = el.querySelector("title");
  return {kind, x, y, client: g ? g.getAttribute("data-client") : "", title: title ? title.textContent : "",
    hit: hit === el ? "" : hit ? hit.tagName + "." + (hit.getAttribute("class") || "") : "nothing",
    left: +svg.getAttribute("data-left"), plot: +svg.getAttribute("data-width"),
    start: +el.getAttribute("data-start"), end: +el.getAttribute("data-end")};
})(%d)`

// maxHovered caps the client lanes whose widest window is hovered.
const maxHovered = 8

func pick(ctx context.Context, t *testing.T, lane int) *target {
	t.Helper()
	tg := evalJS[*target](ctx, t, "pick a mark", fmt.Sprintf(pickJS, lane))
	if tg == nil {
		return nil
	}
	if tg.Hit != "" {
		t.Errorf("the centre of the %s mark %q (%.0f,%.0f) is covered by %s: the mouse cannot reach it", tg.Kind, firstLine(tg.Title), tg.X, tg.Y, tg.Hit)
	}
	if tg.Title == "" {
		t.Errorf("a %s mark has no <title>", tg.Kind)
	}
	return tg
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

type tooltipState struct {
	Hidden  bool    `json:"hidden"`
	Display string  `json:"display"`
	Text    string  `json:"text"`
	Left    float64 `json:"left"`
	Top     float64 `json:"top"`
	Right   float64 `json:"right"`
	Bottom  float64 `json:"bottom"`
	VW      float64 `json:"vw"`
	VH      float64 `json:"vh"`
	Title   string  `json:"title"` // the target's <title> now ("" while the script has it out)
}

const tooltipJS = `(() => {
  const t = document.getElementById("tooltip"), r = t.getBoundingClientRect();
  const title = window.__hatestTarget.querySelector("title");
  return {hidden: t.hidden, display: getComputedStyle(t).display, text: t.textContent,
    left: r.left, top: r.top, right: r.right, bottom: r.bottom, vw: innerWidth, vh: innerHeight,
    title: title ? title.textContent : ""};
})()`

// hover moves a real mouse onto the mark and checks the tooltip, optionally
// takes a screenshot, then moves the mouse away and checks that the tooltip
// goes and the mark's title comes back.
func hover(ctx context.Context, t *testing.T, tg *target, shot func()) {
	t.Helper()
	what := fmt.Sprintf("the %s mark %q", tg.Kind, firstLine(tg.Title))
	if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, tg.X, tg.Y)); err != nil {
		t.Fatalf("move the mouse: %v", err)
	}
	tip := evalJS[tooltipState](ctx, t, "tooltip", tooltipJS)
	switch {
	case tip.Hidden || tip.Display == "none":
		t.Errorf("hovering %s at (%.0f,%.0f) left #tooltip hidden", what, tg.X, tg.Y)
	case tip.Right <= tip.Left || tip.Bottom <= tip.Top:
		t.Errorf("hovering %s shows an empty #tooltip (%.0f×%.0f)", what, tip.Right-tip.Left, tip.Bottom-tip.Top)
	case tip.Left < 0 || tip.Top < 0 || tip.Right > tip.VW || tip.Bottom > tip.VH:
		t.Errorf("hovering %s puts #tooltip at (%.0f,%.0f)-(%.0f,%.0f), not inside the %.0f×%.0f viewport",
			what, tip.Left, tip.Top, tip.Right, tip.Bottom, tip.VW, tip.VH)
	}
	if tip.Text != tg.Title {
		t.Errorf("hovering %s: #tooltip says %q, want the mark's title %q", what, tip.Text, tg.Title)
	}
	if tg.Kind == "window" && (tg.Client == "" || !strings.Contains(tip.Text, tg.Client)) {
		t.Errorf("hovering %s: #tooltip %q does not name the window's client %q", what, tip.Text, tg.Client)
	}
	if shot != nil {
		shot()
	}
	if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, 2, 2)); err != nil {
		t.Fatalf("move the mouse: %v", err)
	}
	tip = evalJS[tooltipState](ctx, t, "tooltip", tooltipJS)
	if !tip.Hidden {
		t.Errorf("#tooltip still shows after the mouse left %s", what)
	}
	if tip.Title != tg.Title {
		t.Errorf("after the mouse left %s its title is %q, want %q back", what, tip.Title, tg.Title)
	}
}

type zoomState struct {
	Zero    *float64 `json:"zero"` // the scenario start line's x, when there is one
	Ticks   []string `json:"ticks"`
	Range   string   `json:"range"`
	Reset   bool     `json:"reset"`   // the reset button is enabled
	Visible bool     `json:"visible"` // the zoom bar shows
	X       float64  `json:"x"`       // the target's x and width attributes
	W       float64  `json:"w"`
	Labels  []struct {
		Text   string  `json:"text"`
		X      float64 `json:"x"`      // its x attribute
		Start  float64 `json:"start"`  // where its box starts
		Hidden bool    `json:"hidden"` // the script hid it
		Stick  bool    `json:"stick"`  // it sits inside its bar (data-stick)
	} `json:"labels"` // the labels the script moves on zoom
}

// plotWidth is the width of the timeline's plot area in SVG units.
const plotWidth = 1184.0 - 176.0

const zoomJS = `(() => {
  const el = window.__hatestTarget, bar = document.getElementById("zoom-bar");
  return {zero: ` + zeroXJS + `, ticks: ` + ticksJS + `, range: document.getElementById("zoom-range").textContent,
    reset: !document.getElementById("zoom-reset").disabled, visible: !bar.hidden && bar.getBoundingClientRect().height > 0,
    x: +el.getAttribute("x"), w: +el.getAttribute("width"),
    labels: [...document.querySelectorAll("#timeline [data-at]")].map(e => ({text: e.textContent, x: +e.getAttribute("x"),
      start: e.getBBox().x, hidden: getComputedStyle(e).visibility === "hidden", stick: e.hasAttribute("data-stick")}))};
})()`

// hoverAndZoom hovers the widest window of each client lane (at most
// maxHovered) and of all; then clicks the widest mark and checks that the
// timeline zooms to it, and that Reset zoom undoes it.
func hoverAndZoom(ctx context.Context, t *testing.T, name, shots string) {
	t.Helper()
	tg := pick(ctx, t, -1)
	if tg == nil {
		t.Errorf("the timeline has no window, step or version mark to hover")
		return
	}
	hover(ctx, t, tg, func() { screenshot(ctx, t, shots, name+"-hover.png", false) })
	lanes := evalJS[int](ctx, t, "client lanes", `document.querySelectorAll("#timeline .lane-client").length`)
	for i := range min(lanes, maxHovered) {
		if lt := pick(ctx, t, i); lt != nil {
			hover(ctx, t, lt, nil)
		}
	}

	tg = pick(ctx, t, -1)
	what := fmt.Sprintf("the %s mark %q", tg.Kind, firstLine(tg.Title))
	before := evalJS[zoomState](ctx, t, "zoom state", zoomJS)
	if !before.Visible || before.Reset {
		t.Errorf("before any zoom: zoom bar shown=%v, Reset zoom enabled=%v; want shown and disabled", before.Visible, before.Reset)
	}
	if before.W >= 0.9*plotWidth {
		// A window that spans the whole run (a client refused from start
		// to end) leaves nothing to zoom into; other pages test zooming.
		t.Logf("%s spans %.0f of %.0f px: nothing to zoom into", what, before.W, plotWidth)
		return
	}
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(tg.X, tg.Y)); err != nil {
		t.Fatalf("click %s: %v", what, err)
	}
	after := evalJS[zoomState](ctx, t, "zoom state", zoomJS)
	if !strings.HasPrefix(after.Range, "Showing ") {
		t.Errorf("clicking %s did not zoom: the range reads %q", what, after.Range)
	}
	if slices.Equal(after.Ticks, before.Ticks) {
		t.Errorf("clicking %s left the axis at %q", what, before.Ticks)
	}
	if !after.Reset {
		t.Errorf("zoomed to %s, but Reset zoom is disabled", what)
	}
	if tg.End > tg.Start && after.W <= before.W {
		t.Errorf("zoomed to %s, but it did not widen: %.1f, then %.1f", what, before.W, after.W)
	}
	if after.X < tg.Left-0.5 || after.X+after.W > tg.Left+tg.Plot+0.5 {
		t.Errorf("zoomed to %s, but it spans %.1f to %.1f, outside the plot (%.1f to %.1f)",
			what, after.X, after.X+after.W, tg.Left, tg.Left+tg.Plot)
	}
	// A label inside its bar stays on the visible part of the bar, or goes.
	for _, l := range after.Labels {
		if l.Stick && !l.Hidden && l.Start < tg.Left-0.5 {
			t.Errorf("zoomed to %s, the label %q starts at x=%.1f, left of the plot (%.1f): it should stay on its bar's visible part", what, l.Text, l.Start, tg.Left)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("zoom-reset"))); err != nil {
		t.Fatalf("click Reset zoom: %v", err)
	}
	reset := evalJS[zoomState](ctx, t, "zoom state", zoomJS)
	if !slices.Equal(reset.Ticks, before.Ticks) || reset.Range != before.Range || reset.Reset {
		t.Errorf("Reset zoom: axis %q, range %q, Reset zoom enabled=%v; want %q, %q, disabled",
			reset.Ticks, reset.Range, reset.Reset, before.Ticks, before.Range)
	}
	if (reset.Zero == nil) != (before.Zero == nil) || reset.Zero != nil && math.Abs(*reset.Zero-*before.Zero) > 0.05 {
		t.Errorf("Reset zoom: the scenario start line is at %v, was at %v", fmtX(reset.Zero), fmtX(before.Zero))
	}
	if len(reset.Labels) != len(before.Labels) {
		t.Errorf("Reset zoom: %d labels, were %d", len(reset.Labels), len(before.Labels))
	} else {
		for i, l := range reset.Labels {
			if b := before.Labels[i]; math.Abs(l.X-b.X) > 0.05 || l.Hidden != b.Hidden {
				t.Errorf("Reset zoom: the label %q is at x=%.2f (hidden=%v), was at x=%.2f (hidden=%v)", l.Text, l.X, l.Hidden, b.X, b.Hidden)
			}
		}
	}
	if math.Abs(reset.W-before.W) > 0.05 || math.Abs(reset.X-before.X) > 0.05 {
		t.Errorf("Reset zoom: %s is at x=%.2f width %.2f, was x=%.2f width %.2f", what, reset.X, reset.W, before.X, before.W)
	}
}

type inertState struct {
	XSS      string   `json:"xss"`     // typeof window.__xss
	Images   int      `json:"images"`  // img elements
	Scripts  int      `json:"scripts"` // script elements
	Handlers []string `json:"handlers"`
	JSLinks  []string `json:"jsLinks"`
	Text     string   `json:"text"` // the body's visible text
}

// checkInert fails when anything from the result ran or became markup: a
// script that set window.__xss, an element the strings made, an event
// handler attribute, a javascript: link. For a hostile run it also wants
// the strings on screen as text.
func checkInert(ctx context.Context, t *testing.T, page string, hostile bool) {
	t.Helper()
	got := evalJS[inertState](ctx, t, "inert strings", `({
  xss: typeof window.__xss, images: document.images.length, scripts: document.scripts.length,
  handlers: [...document.querySelectorAll("*")].flatMap(e => [...e.attributes].filter(a => /^on/i.test(a.name)).map(a => e.tagName + "[" + a.name + "]")),
  jsLinks: [...document.querySelectorAll("[href]")].map(e => e.getAttribute("href")).filter(h => /^\s*javascript:/i.test(h)),
  text: document.body.innerText})`)
	if got.XSS != "undefined" {
		t.Errorf("%s: window.__xss is %s: a string from the result ran as script", page, got.XSS)
	}
	if got.Images != 0 {
		t.Errorf("%s: %d img elements; the report has none, so a string became markup", page, got.Images)
	}
	if got.Scripts != 1 {
		t.Errorf("%s: %d script elements, want the report's own one", page, got.Scripts)
	}
	if len(got.Handlers) > 0 {
		t.Errorf("%s: event handler attributes %q", page, got.Handlers)
	}
	if len(got.JSLinks) > 0 {
		t.Errorf("%s: javascript: links %q", page, got.JSLinks)
	}
	if hostile {
		for _, s := range []string{xssScript, xssAttr} {
			if !strings.Contains(got.Text, s) {
				t.Errorf("%s: the text %s is not shown on the page", page, s)
			}
		}
	}
}

type widthState struct {
	Scroll   int      `json:"scroll"` // the document's width
	View     int      `json:"view"`   // the viewport's
	Culprits []string `json:"culprits"`
	Spills   []string `json:"spills"` // tables reaching out of their section
}

// widthJS measures the page and names the outermost elements that reach
// past the viewport's right edge.
const widthJS = `(() => {
  const vw = document.documentElement.clientWidth, out = [];
  const desc = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\s+/).join(".") : "");
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect(), p = e.parentElement;
    if (r.right <= vw + 1 || !p || p.getBoundingClientRect().right > vw + 1) continue;
    const sec = e.closest("section");
    out.push(desc(e) + " in " + (sec ? "section#" + sec.id : desc(p)) + " reaches x=" + Math.round(r.right));
    if (out.length === 5) break;
  }
  // A table must fit its section, unless a box of its own scrolls it.
  const spills = [];
  for (const tb of document.querySelectorAll("section table")) {
    const sec = tb.closest("section"), sr = sec.getBoundingClientRect(), r = tb.getBoundingClientRect();
    let scrolls = false;
    for (let e = tb.parentElement; e && e !== sec; e = e.parentElement)
      if (/auto|scroll/.test(getComputedStyle(e).overflowX)) scrolls = true;
    if (!scrolls && r.right > sr.right + 1) spills.push(desc(tb) + " in section#" + sec.id + " reaches x=" + Math.round(r.right) + ", past its right edge at " + Math.round(sr.right));
  }
  return {scroll: document.documentElement.scrollWidth, view: vw, culprits: out, spills};
})()`

// checkWidth fails when the page is wider than the viewport, so that a
// reader must scroll the whole page sideways (the timeline and the windows
// table scroll inside boxes of their own instead).
func checkWidth(ctx context.Context, t *testing.T, page string) {
	t.Helper()
	got := evalJS[widthState](ctx, t, "page width", widthJS)
	if got.Scroll > got.View+1 {
		t.Errorf("%s: the page is %dpx wide in a %dpx viewport (it scrolls sideways): %s",
			page, got.Scroll, got.View, strings.Join(got.Culprits, "; "))
	}
	for _, s := range got.Spills {
		t.Errorf("%s: %s", page, s)
	}
}

// checkLabels fails when a label of the timeline is cut off: a lane label
// that starts left of the SVG, or a bar label that reaches out of the plot
// (which clips it).
func checkLabels(ctx context.Context, t *testing.T, page string) {
	t.Helper()
	cut := evalJS[[]string](ctx, t, "timeline labels", `(() => {
  const svg = document.getElementById("timeline");
  if (!svg) return [];
  const L = +svg.getAttribute("data-left"), R = L + +svg.getAttribute("data-width");
  const text = e => e.firstChild ? e.firstChild.textContent : "";
  const out = [];
  for (const e of svg.querySelectorAll(".lane-label")) {
    const b = e.getBBox();
    if (b.x < -0.5) out.push("lane label " + JSON.stringify(text(e)) + " starts at x=" + Math.round(b.x) + ", left of the SVG");
  }
  for (const e of svg.querySelectorAll(".bar-label")) {
    const b = e.getBBox();
    if (b.x < L - 0.5 || b.x + b.width > R + 0.5)
      out.push("bar label " + JSON.stringify(text(e)) + " spans x=" + Math.round(b.x) + " to " + Math.round(b.x + b.width) +
        ", out of the plot (" + L + " to " + R + ")");
    if (getComputedStyle(e).visibility === "hidden")
      out.push("bar label " + JSON.stringify(text(e)) + " is hidden at load (too wide for its bar), though the page without script shows it");
  }
  // A client's name and its class labels share the gutter: they must not
  // overlap.
  const meets = (a, b) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
  for (const g of svg.querySelectorAll(".lane-client")) {
    const name = g.querySelector(".lane-label");
    if (!name) continue;
    const nb = name.getBBox();
    for (const r of g.querySelectorAll(".row-label")) {
      const rb = r.getBBox();
      if (meets(nb, rb)) out.push("client label " + JSON.stringify(text(name)) + " (x=" + Math.round(nb.x) + " to " + Math.round(nb.x + nb.width) +
        ") overlaps its class label " + JSON.stringify(text(r)) + " (x=" + Math.round(rb.x) + " to " + Math.round(rb.x + rb.width) + ")");
      if (rb.x < -0.5) out.push("class label " + JSON.stringify(text(r)) + " starts at x=" + Math.round(rb.x) + ", left of the SVG");
    }
  }
  return out;
})()`)
	for _, c := range cut {
		t.Errorf("%s: the timeline cuts off a label: %s", page, c)
	}
}

// ---------------------------------------------------------------------------
// Helpers.

func evalJS[T any](ctx context.Context, t *testing.T, what, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// domCount counts the elements matching sel through the DOM domain, which
// works with script off.
func domCount(ctx context.Context, t *testing.T, sel string) int {
	t.Helper()
	return len(domQuery(ctx, t, sel))
}

// domQuery finds the elements matching sel through chromedp's view of the
// DOM (a DOM.getDocument of our own would reset the node IDs under it).
func domQuery(ctx context.Context, t *testing.T, sel string) []cdp.NodeID {
	t.Helper()
	ids, err := chromedp.Run(ctx, chromedp.QueryNodeIDs(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	if err != nil {
		t.Fatalf("query %q: %v", sel, err)
	}
	return ids
}

// domAttrs returns attribute name of each element matching sel, through
// the DOM domain.
func domAttrs(ctx context.Context, t *testing.T, sel, name string) []string {
	t.Helper()
	var out []string
	for _, id := range domQuery(ctx, t, sel) {
		attrs, err := chromedp.Call(ctx, dom.GetAttributes, dom.GetAttributesParams{NodeID: id})
		if err != nil {
			t.Fatalf("read %q: %v", sel, err)
		}
		v := ""
		for i := 0; i+1 < len(attrs.Attributes); i += 2 {
			if attrs.Attributes[i] == name {
				v = attrs.Attributes[i+1]
			}
		}
		out = append(out, v)
	}
	return out
}

func fmtX(x *float64) string {
	if x == nil {
		return "none"
	}
	return fmt.Sprintf("x=%.2f", *x)
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// domTexts returns the text of each element matching sel, through the DOM
// domain.
func domTexts(ctx context.Context, t *testing.T, sel string) []string {
	t.Helper()
	var out []string
	for _, id := range domQuery(ctx, t, sel) {
		h, err := chromedp.Call(ctx, dom.GetOuterHTML, dom.GetOuterHTMLParams{NodeID: id})
		if err != nil {
			t.Fatalf("read %q: %v", sel, err)
		}
		out = append(out, html.UnescapeString(tagRE.ReplaceAllString(h.OuterHTML, "")))
	}
	return out
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshot saves the page (full, or the viewport) as PNG.
func screenshot(ctx context.Context, t *testing.T, dir, name string, full bool) {
	t.Helper()
	act := chromedp.CaptureScreenshot()
	if full {
		act = chromedp.FullScreenshot(100) // 100: PNG
	}
	buf, err := chromedp.Run(ctx, act)
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(dir, "browser-"+unsafeName.ReplaceAllString(name, "-"))
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", path)
}

func artifactDir(t *testing.T) string {
	if dir := os.Getenv(envArtifacts); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("%s: %v", envArtifacts, err)
		}
		return dir
	}
	dir := t.TempDir()
	t.Logf("screenshots go to %s, which is removed after the test; set %s to keep them", dir, envArtifacts)
	return dir
}

// ---------------------------------------------------------------------------
// The runs rendered here when no real run is given.

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func window(client, class string, start, end float64, failed int, expected bool, causes []string, reasons ...string) result.Window {
	return result.Window{Client: client, Class: class, StartMS: start, EndMS: end, DurationMS: end - start,
		Failed: failed, Reasons: reasons, Causes: causes, Expected: expected}
}

// summarize fills the window figures of the summary from the windows.
func summarize(s *result.Scenario) {
	var ds []float64
	for _, w := range s.Windows {
		ds = append(ds, w.EndMS-w.StartMS)
		s.Summary.TotalWindowMS += w.EndMS - w.StartMS
	}
	slices.Sort(ds)
	s.Summary.Windows = len(ds)
	if len(ds) > 0 {
		s.Summary.MaxWindowMS = ds[len(ds)-1]
		s.Summary.P50WindowMS = ds[len(ds)/2]
		s.Summary.P99WindowMS = ds[len(ds)-1]
	}
	s.Summary.Clients = len(s.Clients)
	for _, c := range s.Clients {
		s.Summary.Ops += c.Ops
		s.Summary.FailedOps += c.Failed
	}
	if s.Summary.Ops > 0 {
		s.Summary.ErrorRate = float64(s.Summary.FailedOps) / float64(s.Summary.Ops)
	}
}

// latency is 100 ms buckets over dur: quiet, slower inside [slowFrom,
// slowTo), and empty inside the gaps (no op started).
func latency(dur, slowFrom, slowTo float64, gaps ...[2]float64) []result.Bucket {
	var bs []result.Bucket
	for i := 0; float64(i)*100 < dur; i++ {
		b := result.Bucket{StartMS: float64(i) * 100, EndMS: float64(i+1) * 100, Ops: 180,
			P50MS: 0.4 + float64(i%3)*0.05, P99MS: 1.2 + float64(i%5)*0.2}
		mid := b.StartMS + 50
		if mid >= slowFrom && mid < slowTo {
			b.Ops, b.Failed, b.P50MS, b.P99MS = 90, 4, 8+float64(i%4), 40+float64(i%6)*5
		}
		for _, g := range gaps {
			if mid >= g[0] && mid < g[1] {
				b.Ops, b.Failed, b.P50MS, b.P99MS = 0, 0, 0, 0
			}
		}
		bs = append(bs, b)
	}
	return bs
}

// sampleRun is a small, realistic run: a failing upgrade-and-partition
// scenario with every part of a report, an invalid one whose probe fell
// behind its schedule, and a passing one without windows.
func sampleRun() *result.Run {
	up := result.Scenario{
		Scenario: "overlord upgrade v1 → v2, then partition the standby", Slug: "upgrade-then-partition",
		Labels: []string{"upgrade", "fault", "gate"}, Passed: false, Status: result.StatusFailed,
		Failure:  "c2 read saw an unexpected outage of 1.58 s (limit 300 ms), caused by fault-1 (seed 42; replay: hatest run --seed 42 --focus upgrade-then-partition)",
		Location: "scenarios/upgrade_test.go:31",
		Runtime:  "process", Seed: 42, StartedAt: t0, DurationMS: 10000,
		Plan: []string{
			"1 start driver-0 v1 (primary), driver-1 v1 (standby), overlord and 3 clients",
			"2 warm up for 2s",
			"3 upgrade driver-0 v1 -> v2 via overlord (expects outage)",
			"4 partition driver-1 from the clients for 1.5s (toxiproxy)",
			"5 read back every acknowledged write",
		},
		Steps: []result.Step{
			// start-up, before time zero: the overlord starting its drivers
			{ID: "system-0", Kind: "system", Desc: "overlord: driver-0 v1 (pid 4242) is primary at 127.0.0.1:40111", StartMS: -180, EndMS: -180},
			{ID: "step-1", Kind: "step", Desc: "start driver-0, driver-1, overlord and 3 clients", StartMS: 0, EndMS: 400},
			{ID: "step-2", Kind: "step", Desc: "warm up", StartMS: 400, EndMS: 2400},
			{ID: "step-3", Kind: "step", Desc: "upgrade driver-0 v1 → v2 via overlord", StartMS: 2500, EndMS: 3300, ExpectOutage: true},
			{ID: "fault-1", Kind: "fault", Desc: "partition driver-1 from the clients (toxiproxy)", StartMS: 5000, EndMS: 6500},
			{ID: "system-1", Kind: "system", Desc: "overlord: driver-1 unreachable", StartMS: 5150, EndMS: 5150},
			{ID: "system-2", Kind: "system", Desc: "driver-1 ready (v1)", StartMS: 6600, EndMS: 6600},
			{ID: "step-4", Kind: "step", Desc: "read back every acknowledged write", StartMS: 9000, EndMS: 9600},
		},
		Windows: []result.Window{
			window("c1", "read", 2600, 2780, 9, true, []string{"step-3"}, "connection refused"),
			window("c2", "write", 2610, 2850, 12, true, []string{"step-3"}, "EOF", "connection refused"),
			window("c3", "read", 2620, 2760, 7, true, []string{"step-3"}, "connection refused"),
			window("c1", "write", 5020, 5900, 30, false, []string{"fault-1"}, "i/o timeout"),
			window("c2", "read", 5040, 6620, 51, false, []string{"fault-1"}, "i/o timeout", "latency budget exceeded (212.4 ms > 200 ms)"),
			{Client: "c3", Class: "write", StartMS: 9700, EndMS: 10000, DurationMS: 300, Open: true, Failed: 3,
				Reasons: []string{"timeout after 1s"}},
			// driver-0 came back at 3,300 ms and flapped: the recovery tail of step-3
			{Client: "c1", Class: "read", StartMS: 3400, EndMS: 3470, DurationMS: 70, Failed: 3, Tail: true, Expected: true,
				Reasons: []string{"connection refused"}, Causes: []string{"step-3"}},
			// c2 fell behind its own schedule
			{Client: "c2", Class: "write", StartMS: 7600, EndMS: 7690, DurationMS: 90, Failed: 2, ProbeLag: true,
				Reasons: []string{"latency budget exceeded (90.4 ms > 50 ms)"}, Causes: []string{"probe-lag"}},
			// nothing on c3's path was happening
			window("c3", "read", 8200, 8260, 2, false, nil, "EOF"),
		},
		Clients: []result.Client{
			{Name: "c1", Version: "v1", Ops: 6120, Failed: 42, Reported: 6120, LastVersion: "v2", LastOKMS: 9998.1,
				Path: []string{"driver-0", "driver-1", "overlord"},
				Schedule: result.Schedule{Known: true, IntervalMS: 1.5, NominalRate: 666.7, AchievedRate: 665.9,
					LagP50MS: 0.05, LagP99MS: 0.7, LagMaxMS: 4.2}},
			{Name: "c2", Version: "v1", Ops: 6040, Failed: 65, Reported: 6040, LastVersion: "v2", LastOKMS: 9996.4,
				Path: []string{"driver-0", "driver-1", "overlord"},
				Schedule: result.Schedule{Known: true, IntervalMS: 1.5, NominalRate: 666.7, AchievedRate: 660.2,
					LagP50MS: 0.06, LagP99MS: 1.1, LagMaxMS: 91.3, Skipped: 4}},
			{Name: "c3", Version: "v1", Ops: 6077, Failed: 12, Reported: -1, LastVersion: "v2", LastOKMS: 9699.2,
				BadLines: []string{"line 6078: unexpected end of JSON input", "line 6079: invalid character 'x'"}},
		},
		Versions: []result.Version{
			{Node: "overlord/driver-0", Version: "v1", Role: "primary", StartMS: -180, EndMS: 2600},
			{Node: "overlord/driver-0", Version: "v2", Role: "primary", StartMS: 2780, EndMS: 10000},
			{Node: "overlord/driver-1", Version: "v1", Role: "standby", StartMS: -120, EndMS: 10000},
		},
		Latency: latency(10000, 5000, 6600, [2]float64{0, 400}, [2]float64{2600, 2700}),
		Failovers: []result.Failover{
			// the system reported no ready event: restart and recover unknown
			{Cause: "step-3", DetectMS: 0, RestartMS: -1, RecoverMS: -1, TotalMS: 250},
			{Cause: "fault-1", DetectMS: 150, RestartMS: 1450, RecoverMS: 20, TotalMS: 1620},
		},
		Integrity: result.Integrity{Checked: true, AckedWrites: 6100, ReadBack: 6093, Indeterminate: 12, AppliedFailed: 4, Unchecked: 7},
		Assertions: []result.Assertion{
			{Name: "expected outage ≤ 500ms", Passed: true, Message: "longest expected window 240.0 ms (c2 write)"},
			{Name: "unexpected outage ≤ 300ms", Passed: false, Message: "c2 read: 1,580.0 ms from 5,040.0 ms, caused by fault-1"},
			{Name: "no lost writes", Passed: true, Message: "6,100 acknowledged writes read back"},
		},
		Artifacts: []result.Artifact{{Name: "op log c2", Path: "logs/c2.ops.jsonl"}},
		Replay:    "hatest run --runtime process --seed 42 --focus 'upgrade-then-partition'",
	}
	summarize(&up)
	up.Summary.P50LatencyMS, up.Summary.P99LatencyMS, up.Summary.MaxLatencyMS = 0.45, 48, 1000
	up.Summary.AnyDownMS, up.Summary.AllDownMS = 2370, 140

	quiet := result.Scenario{
		Scenario: "rolling restart of the standby", Slug: "rolling-restart", Labels: []string{"restart", "gate"},
		Passed: true, Runtime: "process", Seed: 42, StartedAt: t0, DurationMS: 6000,
		Plan: []string{"1 start driver-0 v1, driver-1 v1 and 2 clients", "2 restart driver-1"},
		Steps: []result.Step{
			{ID: "step-1", Kind: "step", Desc: "start driver-0, driver-1 and 2 clients", StartMS: 0, EndMS: 350},
			{ID: "step-2", Kind: "step", Desc: "restart driver-1 (standby)", StartMS: 2000, EndMS: 2900},
		},
		Clients: []result.Client{
			{Name: "c1", Version: "v1", Ops: 4000, Reported: 4000, LastVersion: "v1", LastOKMS: 5999},
			{Name: "c2", Version: "v1", Ops: 3980, Reported: 3980, LastVersion: "v1", LastOKMS: 5998},
		},
		Versions: []result.Version{
			{Node: "overlord/driver-0", Version: "v1", Role: "primary", StartMS: 350, EndMS: 6000},
			{Node: "overlord/driver-1", Version: "v1", Role: "standby", StartMS: 350, EndMS: 2100},
			{Node: "overlord/driver-1", Version: "v1", Role: "standby", StartMS: 2800, EndMS: 6000},
		},
		Latency:    latency(6000, 2000, 2900, [2]float64{0, 300}),
		Assertions: []result.Assertion{{Name: "no outage", Passed: true, Message: "no client saw a window"}},
		Replay:     "hatest run --runtime process --seed 42 --focus 'rolling-restart'",
	}
	summarize(&quiet)

	why := "probe kept its schedule: c2 achieved 741.8 ops/s of its nominal 1,000 (74.2 %); lag p99 4.1 ms > interval 1 ms"
	lagging := result.Scenario{
		Scenario: "16 clients at 1 ms", Slug: "many-fast-clients", Labels: []string{"probe"},
		Status: result.StatusInvalid, Invalid: why, Failure: "INVALID: " + why, Location: "scenarios/load_test.go:17",
		Runtime: "process", Seed: 42, StartedAt: t0, DurationMS: 5000,
		Steps: []result.Step{{ID: "step-1", Kind: "step", Desc: "run the clients for 5s", StartMS: 0, EndMS: 5000}},
		Windows: []result.Window{
			{Client: "c2", Class: "read", StartMS: 1200, EndMS: 1450, DurationMS: 250, Failed: 9, ProbeLag: true,
				Reasons: []string{"latency budget exceeded (250.2 ms > 50 ms)"}, Causes: []string{"probe-lag"}},
		},
		Clients: []result.Client{
			{Name: "c1", Version: "v1", Ops: 4996, Reported: 4996, LastVersion: "v1", LastOKMS: 4999, Path: []string{"kv"},
				Schedule: result.Schedule{Known: true, IntervalMS: 1, NominalRate: 1000, AchievedRate: 999.2, LagP50MS: 0.03, LagP99MS: 0.5, LagMaxMS: 2.2}},
			{Name: "c2", Version: "v1", Ops: 3709, Failed: 9, Reported: 3709, LastVersion: "v1", LastOKMS: 4998, Path: []string{"kv"},
				Schedule: result.Schedule{Known: true, IntervalMS: 1, NominalRate: 1000, AchievedRate: 741.8, LagP50MS: 0.8, LagP99MS: 4.1, LagMaxMS: 251, Skipped: 1290}},
		},
		Latency: latency(5000, 1200, 1450),
		Assertions: []result.Assertion{
			{Name: "probe kept its schedule", Invalid: true, Message: "c2 achieved 741.8 ops/s of its nominal 1,000 (74.2 %); lag p99 4.1 ms > interval 1 ms"},
			{Name: "max outage ≤ 1s", Passed: true, Message: "longest window 250.0 ms (c2 read)"},
		},
		Replay: "hatest run --runtime process --seed 42 --focus 'many-fast-clients'",
	}
	summarize(&lagging)

	return &result.Run{Schema: result.Schema, Runtime: "process", Seed: 42, StartedAt: t0, Commit: "3f2c1ab9e0d4",
		Scenarios: []result.Scenario{quiet, lagging, up, cluster()}}
}

// cluster is a rolling upgrade of three members under two client groups:
// "all" (balanced over every member) and "e1-only" (one member), whose
// lanes come under a heading per group, with a "Client groups" and a
// "Member restarts" table; e3's exit and readiness were not reported.
func cluster() result.Scenario {
	all := []string{"e1", "e2", "e3"}
	ph := func(n int, member, what string, at float64) result.Step {
		return result.Step{ID: fmt.Sprintf("system-%d", n), Kind: "system", Desc: member + " " + what, StartMS: at, EndMS: at}
	}
	causes := func(step string) []string { return []string{step, "step-3"} }
	rg := func(group string, n int, max float64) result.RestartGroup {
		return result.RestartGroup{Group: group, Windows: n, MaxWindowMS: max, P99WindowMS: max}
	}
	s := result.Scenario{
		Scenario: "nats cluster rolling upgrade 2.10.0 → 2.11.0", Slug: "nats-rolling-upgrade", Labels: []string{"upgrade", "cluster"},
		Passed: true, Status: result.StatusPassed, Runtime: "docker", Seed: 42, StartedAt: t0, DurationMS: 22000,
		Plan: []string{"1 start e1, e2, e3 at 2.10.0 and 3 clients", "2 rolling upgrade 2.10.0 -> 2.11.0 of e1, e2, e3 (expects outage)"},
		Steps: []result.Step{
			{ID: "step-1", Kind: "step", Desc: "start e1, e2, e3 at 2.10.0 and 3 clients", StartMS: 0, EndMS: 300},
			{ID: "step-3", Kind: "step", Desc: "rolling upgrade 2.10.0 -> 2.11.0 of e1, e2, e3", StartMS: 2500, EndMS: 20500, ExpectOutage: true},
			{ID: "step-3.1", Kind: "step", Desc: "upgrade e1 2.10.0 -> 2.11.0", StartMS: 2500, EndMS: 8200, ExpectOutage: true},
			ph(1, "e1", "stop (SIGTERM)", 2510), ph(2, "e1", "exited", 2900), ph(3, "e1", "started at 2.11.0", 3100), ph(4, "e1", "healthy", 7550),
			{ID: "step-3.2", Kind: "step", Desc: "upgrade e2 2.10.0 -> 2.11.0", StartMS: 10200, EndMS: 13400, ExpectOutage: true},
			ph(5, "e2", "stop (SIGTERM)", 10210), ph(6, "e2", "exited", 10600), ph(7, "e2", "started at 2.11.0", 10800), ph(8, "e2", "healthy", 13300),
			{ID: "step-3.3", Kind: "step", Desc: "upgrade e3 2.10.0 -> 2.11.0", StartMS: 15400, EndMS: 20500, ExpectOutage: true},
			ph(9, "e3", "stop (SIGTERM)", 15410), ph(10, "e3", "started at 2.11.0", 15900),
		},
		Windows: []result.Window{
			window("c-all-1", "read", 2515, 2565, 10, true, causes("step-3.1"), "nats: no responders available for request"),
			window("c-all-2", "read", 2518, 2556, 8, true, causes("step-3.1"), "nats: no responders available for request"),
			window("c-e1", "read", 2520, 7580, 506, true, causes("step-3.1"), "nats: no responders available for request"),
			window("c-e1", "write", 2530, 7590, 506, true, causes("step-3.1"), "nats: no responders available for request"),
			window("c-all-1", "read", 10215, 10262, 9, true, causes("step-3.2"), "nats: no responders available for request"),
			window("c-all-2", "write", 10220, 10251, 6, true, causes("step-3.2"), "nats: no responders available for request"),
			window("c-all-2", "read", 15412, 15445, 6, true, causes("step-3.3"), "nats: no responders available for request"),
			window("c-all-1", "read", 15415, 15466, 11, true, causes("step-3.3"), "nats: no responders available for request"),
		},
		Clients: []result.Client{
			{Name: "c-all-1", Version: "v1", Ops: 4400, Failed: 30, Reported: 4400, LastVersion: "2.11.0", LastOKMS: 21998, Path: all, Group: "all"},
			{Name: "c-e1", Version: "v1", Ops: 4400, Failed: 1012, Reported: 4400, LastVersion: "2.11.0", LastOKMS: 21999, Path: []string{"e1"}, Group: "e1-only"},
			{Name: "c-all-2", Version: "v1", Ops: 4400, Failed: 20, Reported: 4400, LastVersion: "2.11.0", LastOKMS: 21997, Path: all, Group: "all"},
		},
		Versions: []result.Version{
			{Node: "e1", Version: "2.10.0", StartMS: -400, EndMS: 2900}, {Node: "e1", Version: "2.11.0", StartMS: 7550, EndMS: 22000},
			{Node: "e2", Version: "2.10.0", StartMS: -380, EndMS: 10600}, {Node: "e2", Version: "2.11.0", StartMS: 13300, EndMS: 22000},
			{Node: "e3", Version: "2.10.0", StartMS: -390, EndMS: 15410},
		},
		Latency:   latency(22000, 2520, 7590),
		Integrity: result.Integrity{Checked: true, AckedWrites: 3000, ReadBack: 2998, Indeterminate: 14, AppliedFailed: 3, Unchecked: 2},
		Groups: []result.GroupFigures{
			{Name: "all", Clients: []string{"c-all-1", "c-all-2"}, Ops: 8800, FailedOps: 50, Windows: 6, MaxWindowMS: 51, P99WindowMS: 51,
				TotalOutageMS: 148, WorstClient: "c-all-1", Integrity: result.GroupIntegrity{Checked: true, AckedWrites: 2000, Indeterminate: 4, AppliedFailed: 3}},
			{Name: "e1-only", Clients: []string{"c-e1"}, Ops: 4400, FailedOps: 1012, Windows: 2, MaxWindowMS: 5060, P99WindowMS: 5060,
				TotalOutageMS: 5070, WorstClient: "c-e1", Integrity: result.GroupIntegrity{Checked: true, AckedWrites: 1000, Unchecked: 2, Indeterminate: 10}},
		},
		Restarts: []result.MemberRestart{
			{Member: "e1", Step: "step-3.1", From: "2.10.0", To: "2.11.0", AtMS: 2510, StopToExitedMS: 390, ExitedToStartedMS: 200,
				StartedToHealthyMS: 4450, StopToHealthyMS: 5040, Windows: 4, MaxWindowMS: 5060, P99WindowMS: 5060,
				Groups: []result.RestartGroup{rg("all", 2, 50), rg("e1-only", 2, 5060)}},
			{Member: "e2", Step: "step-3.2", From: "2.10.0", To: "2.11.0", AtMS: 10210, StopToExitedMS: 390, ExitedToStartedMS: 200,
				StartedToHealthyMS: 2500, StopToHealthyMS: 3090, Windows: 2, MaxWindowMS: 47, P99WindowMS: 47,
				Groups: []result.RestartGroup{rg("all", 2, 47), rg("e1-only", 0, 0)}},
			{Member: "e3", Step: "step-3.3", From: "2.10.0", To: "2.11.0", AtMS: 15410, StopToExitedMS: -1, ExitedToStartedMS: -1,
				StartedToHealthyMS: -1, StopToHealthyMS: -1, Windows: 2, MaxWindowMS: 51, P99WindowMS: 51,
				Groups: []result.RestartGroup{rg("all", 2, 51), rg("e1-only", 0, 0)}},
		},
		Assertions: []result.Assertion{{Name: "clients c-all-1, c-all-2: max outage ≤ 100ms", Passed: true, Message: "max outage 51.0 ms"}},
		Replay:     "hatest run --runtime docker --seed 42 --focus 'nats-rolling-upgrade'",
	}
	summarize(&s)
	return s
}

// escapingRun is one scenario whose every string a report shows carries
// the hostile strings.
func escapingRun() *result.Run {
	x := func(s string) string { return s + " " + xssBoth }
	evil := x("c-evil")
	long := func(s string) string { return x(s + strings.Repeat("x", 300-len(s))) } // 300 characters without a break, then the hostile strings
	s := result.Scenario{
		Scenario: x("escaping"), Slug: "escaping", Labels: []string{xssScript, xssAttr},
		Passed: false, Failure: x("failure"), Location: x("location"), Runtime: x("process"), Seed: 7, StartedAt: t0, DurationMS: 4000,
		Plan: []string{x("1 plan line")},
		Steps: []result.Step{
			{ID: "system-0", Kind: "system", Desc: x("start-up"), StartMS: -250, EndMS: -250},
			{ID: "step-1", Kind: "step", Desc: x("step"), StartMS: 0, EndMS: 800, ExpectOutage: true},
			{ID: "fault-1", Kind: "fault", Desc: x("fault"), StartMS: 1500, EndMS: 2500},
			{ID: "system-1", Kind: "system", Desc: x("system"), StartMS: 2600, EndMS: 2600},
		},
		Windows: []result.Window{
			window(evil, x("read"), 300, 700, 5, true, []string{"step-1"}, x("reason")),
			window("c2", "write", 1600, 2400, 9, false, []string{"fault-1", x("cause")}, x("reason"), x("other reason")),
		},
		Clients: []result.Client{
			{Name: evil, Version: x("v1"), Ops: 1000, Failed: 5, Reported: 999, LastVersion: x("v2"), LastOKMS: 3999,
				BadLines: []string{x("line 3: invalid JSON")}, Path: []string{x("path")}},
			{Name: "c2", Version: "v1", Ops: 1000, Failed: 9, Reported: 1000, LastVersion: "v1", LastOKMS: 3998},
		},
		Versions: []result.Version{{Node: x("node"), Version: x("v1"), Role: x("role"), StartMS: -250, EndMS: 4000}},
		Latency:  latency(4000, 1500, 2500),
		Failovers: []result.Failover{
			{Cause: "fault-1", DetectMS: 100, RestartMS: 500, RecoverMS: 200, TotalMS: 800},
			{Cause: long("cause-"), DetectMS: -1, RestartMS: -1, RecoverMS: -1, TotalMS: -1},
		},
		Integrity: result.Integrity{Checked: true, AckedWrites: 10, ReadBack: 9, Indeterminate: 1,
			Lost:       []result.LostWrite{{Client: evil, Key: long("key-"), Seq: 3, AckMS: 1700, Found: x("found")}},
			SplitBrain: []string{long("split brain ")}},
		Assertions: []result.Assertion{
			{Name: x("assertion"), Passed: false, Message: x("message")},
			{Name: "plain", Passed: true, Message: x("passing message")},
		},
		Artifacts: []result.Artifact{
			{Name: x("artifact"), Path: "logs/" + xssAttr},
			{Name: "script link", Path: "javascript:window.__xss=3"},
		},
		Replay: x("hatest run --seed 7"),
		// client groups and a member's restart, named by hostile strings
		Groups: []result.GroupFigures{
			{Name: x("group"), Clients: []string{evil}, Windows: 1, MaxWindowMS: 400, P99WindowMS: 400, TotalOutageMS: 400, WorstClient: evil},
			{Name: "", Clients: []string{"c2"}, Windows: 1, MaxWindowMS: 800, P99WindowMS: 800, TotalOutageMS: 800, WorstClient: "c2"},
		},
		Restarts: []result.MemberRestart{{Member: x("member"), Step: "step-1", From: x("from"), To: x("to"), AtMS: 10,
			StopToExitedMS: 5, ExitedToStartedMS: -1, StartedToHealthyMS: -1, StopToHealthyMS: -1, Windows: 1, MaxWindowMS: 400, P99WindowMS: 400,
			Groups: []result.RestartGroup{{Group: x("group"), Windows: 1, MaxWindowMS: 400, P99WindowMS: 400}, {Group: ""}}}},
	}
	s.Clients[0].Group = x("group")
	summarize(&s)
	// the same strings in an invalid scenario, whose reason is shown too
	inv := s
	inv.Slug, inv.Status, inv.Invalid = "escaping-invalid", result.StatusInvalid, x("why")
	inv.Assertions = []result.Assertion{{Name: x("assertion"), Invalid: true, Message: x("message")}}
	return &result.Run{Schema: result.Schema, Runtime: x("process"), Seed: 7, StartedAt: t0, Commit: x("commit"),
		Scenarios: []result.Scenario{s, inv}}
}
