package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/result"
)

// shrinkOriginal is a small failing run of an original plan: two upgrades,
// a latency fault and a kill, with a lost write.
func shrinkOriginal() *result.Scenario {
	return &result.Scenario{
		Scenario: "kv upgrade under faults", Slug: "kv-upgrade-faults", Labels: []string{"upgrade"},
		Status: result.StatusFailed, Failure: "NoLostWrites: 1 acknowledged write lost (c1 k17)\nseed 7; replay: hatest run --seed 7 --focus 'kv-upgrade-faults'",
		Runtime: "process", Seed: 7, StartedAt: t0, DurationMS: 9000,
		Plan: []string{"1. start driver-0 v1", "2. upgrade driver-0 v1 -> v2", "3. latency 50ms on driver-0", "4. upgrade driver-0 v2 -> v2-lazy", "5. kill driver-0 (SIGKILL)", "6. read back"},
		Steps: []result.Step{
			{ID: "step-1", Kind: "step", Desc: "start driver-0 v1 and 2 clients", StartMS: 0, EndMS: 300},
			{ID: "step-2", Kind: "step", Desc: "upgrade driver-0 v1 -> v2", StartMS: 1000, EndMS: 1800, ExpectOutage: true},
			{ID: "fault-3", Kind: "fault", Desc: "latency 50 ms on driver-0", StartMS: 2000, EndMS: 4000},
			{ID: "step-4", Kind: "step", Desc: "upgrade driver-0 v2 -> v2-lazy", StartMS: 4500, EndMS: 5200, ExpectOutage: true},
			{ID: "fault-5", Kind: "fault", Desc: "SIGKILL of the primary driver", StartMS: 6000, EndMS: 6740},
			{ID: "step-6", Kind: "step", Desc: "read back every acknowledged write", StartMS: 8000, EndMS: 8600},
		},
		Windows: []result.Window{
			win("c1", "write", 1100, 1400, 12, true, "connection refused"),
			win("c2", "read", 1120, 1380, 10, true, "connection refused"),
			win("c1", "write", 4600, 4900, 9, true, "EOF"),
			{Client: "c1", Class: "write", StartMS: 6010, EndMS: 6822, DurationMS: 812, Failed: 31,
				Reasons: []string{"EOF", "connection refused"}, Causes: []string{"fault-5"}},
			{Client: "c2", Class: "read", StartMS: 6015, EndMS: 6653, DurationMS: 638, Failed: 22,
				Reasons: []string{"EOF"}, Causes: []string{"fault-5"}},
		},
		Summary: result.Summary{Ops: 3600, FailedOps: 84, ErrorRate: 84.0 / 3600, MaxWindowMS: 812, TotalOutageMS: 1412, Windows: 5, Clients: 2},
		Clients: []result.Client{
			{Name: "c1", Version: "v1", Ops: 1800, Failed: 52, Reported: 1800, LastVersion: "v2-lazy", Path: []string{"driver-0"}},
			{Name: "c2", Version: "v1", Ops: 1800, Failed: 32, Reported: 1800, LastVersion: "v2-lazy", Path: []string{"driver-0"}},
		},
		Versions: []result.Version{
			{Node: "driver-0", Version: "v1", StartMS: -300, EndMS: 1200},
			{Node: "driver-0", Version: "v2", StartMS: 1400, EndMS: 4700},
			{Node: "driver-0", Version: "v2-lazy", StartMS: 4900, EndMS: 9000},
		},
		Latency: []result.Bucket{
			{StartMS: 0, EndMS: 1800, Ops: 720, P50MS: 0.4, P99MS: 2.1},
			{StartMS: 1800, EndMS: 3600, Ops: 700, P50MS: 50.3, P99MS: 58},
			{StartMS: 3600, EndMS: 5400, Ops: 710, Failed: 9, P50MS: 20.2, P99MS: 54},
			{StartMS: 5400, EndMS: 7200, Ops: 650, Failed: 53, P50MS: 0.5, P99MS: 400},
			{StartMS: 7200, EndMS: 9000, Ops: 720, P50MS: 0.4, P99MS: 2.3},
		},
		Integrity: result.Integrity{Checked: true, AckedWrites: 900, ReadBack: 899,
			Lost: []result.LostWrite{{Client: "c1", Key: "k17", Seq: 17, AckMS: 6005, Found: "nothing"}}},
		Assertions: []result.Assertion{{Name: "NoLostWrites", Message: "1 acknowledged write lost (c1 k17)"}},
		Replay:     "hatest run --seed 7 --focus 'kv-upgrade-faults'",
	}
}

// shrinkMinimal is a failing run of the minimal plan: the lazy upgrade and
// the kill. Its start-up is shorter than the original's and it ends sooner,
// so that the shared axis has something to do at both ends.
func shrinkMinimal() *result.Scenario {
	return &result.Scenario{
		Scenario: "kv upgrade under faults", Slug: "kv-upgrade-faults", Labels: []string{"upgrade"},
		Status: result.StatusFailed, Failure: "NoLostWrites: 1 acknowledged write lost (c1 k9)",
		Runtime: "process", Seed: 7, StartedAt: t0, DurationMS: 4000,
		Plan: []string{"1. upgrade driver-0 v2 -> v2-lazy", "2. kill driver-0 (SIGKILL)"},
		Steps: []result.Step{
			{ID: "step-4", Kind: "step", Desc: "upgrade driver-0 v2 -> v2-lazy", StartMS: 500, EndMS: 1200, ExpectOutage: true},
			{ID: "fault-5", Kind: "fault", Desc: "SIGKILL of the primary driver", StartMS: 2000, EndMS: 2100},
		},
		Windows: []result.Window{
			win("c1", "write", 600, 880, 8, true, "EOF"),
			{Client: "c1", Class: "write", StartMS: 2010, EndMS: 2822, DurationMS: 812, Failed: 30,
				Reasons: []string{"EOF"}, Causes: []string{"fault-5"}},
		},
		Summary: result.Summary{Ops: 1600, FailedOps: 38, ErrorRate: 38.0 / 1600, MaxWindowMS: 812, TotalOutageMS: 1092, Windows: 2, Clients: 2},
		Clients: []result.Client{
			{Name: "c1", Version: "v2", Ops: 800, Failed: 38, Reported: 800, LastVersion: "v2-lazy", Path: []string{"driver-0"}},
			{Name: "c2", Version: "v2", Ops: 800, Reported: 800, LastVersion: "v2-lazy", Path: []string{"driver-0"}},
		},
		Versions: []result.Version{
			{Node: "driver-0", Version: "v2", StartMS: -120, EndMS: 700},
			{Node: "driver-0", Version: "v2-lazy", StartMS: 880, EndMS: 4000},
		},
		Latency: []result.Bucket{
			{StartMS: 0, EndMS: 2000, Ops: 800, Failed: 8, P50MS: 0.4, P99MS: 3.1},
			{StartMS: 2000, EndMS: 4000, Ops: 800, Failed: 30, P50MS: 0.5, P99MS: 410},
		},
		Assertions: []result.Assertion{{Name: "NoLostWrites", Message: "1 acknowledged write lost (c1 k9)"}},
		Replay:     "hatest run --seed 7 --focus 'kv-upgrade-faults'",
	}
}

// sampleShrink is a shrink that found a smaller plan, with one
// counterfactual that measured the outage gone and one whose rerun was
// invalid.
func sampleShrink() *Shrink {
	return &Shrink{
		Scenario: "kv upgrade under faults", Package: "./scenarios/kv",
		Original: shrinkOriginal(), Minimal: shrinkMinimal(),
		Reason:       "FAIL: NoLostWrites",
		OriginalRate: "3 of 3", MinimalRate: "2 of 3 (1 invalid)",
		OriginalSteps: 6, MinimalSteps: 2,
		Kept:    []string{"4: upgrade driver-0 v2 -> v2-lazy", "5: SIGKILL of the primary driver"},
		Removed: []string{"1: start driver-0 v1", "2: upgrade driver-0 v1 -> v2", "3: latency 50 ms on driver-0", "6: read back every acknowledged write"},
		Lowered: []string{"fault 5 hold: 740ms -> 100ms"},
		Runs:    23, Candidates: 11, Skipped: 2,
		Wall:   4*time.Minute + 12*time.Second,
		Replay: "hatest shrink --replay ./hatest-shrink/kv-upgrade-faults/minimal.plan ./scenarios/kv",
		Explain: []Counterfactual{
			{Item: "5: SIGKILL of the primary driver", Windows: 1, WithMaxMS: 812, WithoutMaxMS: 0, WithTotalMS: 1092, WithoutTotalMS: 0,
				Verdict: "PASS", Rate: "0 of 3"},
			{Item: "4: upgrade driver-0 v2 -> v2-lazy", Windows: 1, WithMaxMS: 280, WithTotalMS: 1092,
				Verdict: "INVALID: probe kept its schedule", Rate: "0 of 3 (3 invalid)"},
		},
		Others: []string{"FAIL: NoUnexpectedExit (driver-0 exited with code 2), candidate 7"},
		Tried: []TriedRow{
			{Phase: "items", Change: "remove 1-3", Size: 3, Rate: "3 of 3", Reproduced: true},
			{Phase: "items", Change: "remove 4", Size: 2, Rate: "0 of 3"},
			{Phase: "items", Change: "remove 6", Size: 2, Rate: "2 of 3 (1 invalid)", Reproduced: true},
			{Phase: "knobs", Change: "fault 5 hold: 740ms -> 100ms", Size: 2, Rate: "2 of 3", Reproduced: true},
			{Phase: "knobs", Change: "fault 5 hold: 100ms -> 10ms", Size: 2, Rate: "0 of 3"},
			{Phase: "knobs", Change: "fault 5 hold: 100ms -> 50ms", Size: 2, Rate: "1 of 1", Unfinished: true},
		},
	}
}

func shrinkHTML(t testing.TB, s *Shrink) string {
	return render(t, func(w io.Writer) error { return ShrinkHTML(w, s) })
}

// TestShrinkGolden compares shrink.html with testdata/shrink.html.golden
// (go test ./reports -run TestShrinkGolden -update rewrites it).
func TestShrinkGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    func() *Shrink
	}{
		{"shrink.html.golden", sampleShrink},
		{"shrink-none.html.golden", func() *Shrink {
			s := sampleShrink()
			s.Minimal, s.MinimalRate, s.MinimalSteps, s.Kept, s.Removed, s.Lowered, s.Explain = nil, "0 of 3", 0, nil, nil, nil, nil
			s.Stopped = "budget of 40 runs spent"
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := shrinkHTML(t, tc.s())
			if again := shrinkHTML(t, tc.s()); again != out {
				t.Fatal("two renderings of the same data differ")
			}
			golden(t, tc.name, []byte(out))
		})
	}
}

// TestShrinkContent checks what the page says of the sample: the
// headline, the reason, both rates, the replay command, the lists, the
// counterfactuals and both timelines' headers.
func TestShrinkContent(t *testing.T) {
	page := shrinkHTML(t, sampleShrink())
	for _, want := range []string{
		`<p class="headline">shrank 6 steps to 2 in 23 runs (11 candidates), 4 m 12 s</p>`,
		`<b>Failure kept:</b> FAIL: NoLostWrites`,
		`<div class="v">3 of 3</div>`, `<div class="v">2 of 3 (1 invalid)</div>`,
		`<pre id="replay"><code>hatest shrink --replay ./hatest-shrink/kv-upgrade-faults/minimal.plan ./scenarios/kv</code></pre>`,
		`<li class="mono">5: SIGKILL of the primary driver</li>`,
		`<li class="mono">3: latency 50 ms on driver-0</li>`,
		`<li class="mono">fault 5 hold: 740ms -&gt; 100ms</li>`,
		`a rerun of the minimal plan without one blamed item`,
		`FAIL: NoUnexpectedExit (driver-0 exited with code 2), candidate 7`,
		`original plan: 6 steps, failed: NoLostWrites: 1 acknowledged write lost (c1 k17)</h3>`,
		`minimal plan: 2 steps, failed: NoLostWrites: 1 acknowledged write lost (c1 k9)</h3>`,
		`<td class="mono">fault 5 hold: 100ms -&gt; 10ms</td>`,
		`<td>1 of 1</td><td><span class="unknown" title="its runs were cut short before the answer was known; it counts as not reproducing">unfinished</span></td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("shrink.html lacks %s", want)
		}
	}
	// the original above the minimal one, the summary above both
	sum, orig, mini := strings.Index(page, `id="summary"`), strings.Index(page, `id="timeline-original"`), strings.Index(page, `id="timeline-minimal"`)
	if sum < 0 || orig < sum || mini < orig {
		t.Errorf("summary at %d, original timeline at %d, minimal at %d: want them in that order", sum, orig, mini)
	}
	if n := strings.Count(page, `<tr class="tried-row">`); n != len(sampleShrink().Tried) {
		t.Errorf("%d candidate rows, want %d", n, len(sampleShrink().Tried))
	}
}

// TestShrinkCounterfactuals checks the counterfactual rows: a measured
// one shows with → without, and an invalid rerun's figures are "—", never
// the zeros it carries.
func TestShrinkCounterfactuals(t *testing.T) {
	page := shrinkHTML(t, sampleShrink())
	rows := regexp.MustCompile(`(?s)<table class="explain">.*?<tbody>(.*?)</tbody>`).FindStringSubmatch(page)
	if rows == nil {
		t.Fatal("no counterfactual table")
	}
	trs := regexp.MustCompile(`(?s)<tr.*?</tr>`).FindAllString(rows[1], -1)
	if len(trs) != 2 {
		t.Fatalf("%d counterfactual rows, want 2", len(trs))
	}
	measured, invalid := trs[0], trs[1]
	for _, want := range []string{"812 ms → <b class=\"ok\">0 ms</b>", "1.09 s → <b class=\"ok\">0 ms</b>", "without it, no outage",
		`<span class="tag pass">PASS</span>`, `<td class="num">0 of 3</td>`} {
		if !strings.Contains(measured, want) {
			t.Errorf("the measured row lacks %s:\n%s", want, measured)
		}
	}
	if !strings.HasPrefix(invalid, `<tr class="invalid">`) || !strings.Contains(invalid, `<span class="tag invalid">INVALID: probe kept its schedule</span>`) {
		t.Errorf("the invalid row is not marked invalid:\n%s", invalid)
	}
	if n := strings.Count(invalid, `title="not measured: the rerun without it was invalid, so its numbers cannot be vouched for">—</span>`); n != 2 {
		t.Errorf("the invalid row has %d unknown figures, want 2 (max and total without it):\n%s", n, invalid)
	}
	if strings.Contains(invalid, "→ <b") || strings.Contains(invalid, "no outage") || strings.Contains(invalid, "0 ms</") {
		t.Errorf("the invalid row shows its zeros as figures:\n%s", invalid)
	}
	// the minimal run's own figures are known either way
	if !strings.Contains(invalid, "280 ms → ") || !strings.Contains(invalid, "1.09 s → ") {
		t.Errorf("the invalid row lacks the minimal run's figures:\n%s", invalid)
	}

	// no counterfactual at all: said so, and the sentence still explains
	s := sampleShrink()
	s.Explain = nil
	page = shrinkHTML(t, s)
	if !strings.Contains(page, "No counterfactual reruns were made.") || strings.Contains(page, `<table class="explain">`) {
		t.Error("a shrink without counterfactuals does not say so")
	}
}

// TestShrinkNilMinimal: when shrinking found nothing smaller the page
// says so plainly and draws the original run alone.
func TestShrinkNilMinimal(t *testing.T) {
	s := sampleShrink()
	s.Minimal, s.MinimalRate, s.MinimalSteps = nil, "", 0
	s.Kept, s.Removed, s.Lowered, s.Explain = nil, nil, nil, nil
	page := shrinkHTML(t, s)
	for _, want := range []string{
		`<p class="headline">no smaller failing plan: 6 steps, 23 runs (11 candidates), 4 m 12 s</p>`,
		"No minimal run to show: shrinking found no smaller plan that fails for the same reason, or no run of it failed.",
		`id="timeline-original"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("shrink.html lacks %s", want)
		}
	}
	if strings.Contains(page, "timeline-minimal") || strings.Contains(page, "minimal plan:") {
		t.Error("shrink.html draws a minimal run it does not have")
	}
	if n := strings.Count(page, `<svg class="timeline"`); n != 1 {
		t.Errorf("%d timelines, want 1", n)
	}
	if strings.Contains(page, "shrank") || strings.Contains(page, "share one time axis") || strings.Contains(page, `id="explain"`) || strings.Contains(page, "<h3>Kept") {
		t.Error("shrink.html claims a shrink, a shared axis, kept items or counterfactuals without a minimal run")
	}
	s.Stopped = "budget of 40 runs spent"
	if page := shrinkHTML(t, s); !strings.Contains(page, "Shrinking stopped before it found a smaller plan") || strings.Contains(page, "The minimal plan is the smallest") {
		t.Error("shrink.html stopped early without a minimal run speaks of a minimal plan")
	}
	// and without any run at all it still renders, saying so
	s.Original = nil
	if page := shrinkHTML(t, s); !strings.Contains(page, "No run of the original plan was recorded.") {
		t.Error("shrink.html without runs does not say so")
	}
	if err := ShrinkHTML(io.Discard, nil); !errors.Is(err, errNil) {
		t.Errorf("nil shrink: %v, want errNil", err)
	}
}

// fillStrings sets every string in v (a struct, through its slices and
// structs, not its pointers) to its path and then evil, and returns the
// paths.
func fillStrings(v reflect.Value, path, evil string) []string {
	switch v.Kind() {
	case reflect.String:
		v.SetString(path + " " + evil)
		return []string{path}
	case reflect.Slice:
		if v.Len() == 0 && v.Type().Elem().Kind() == reflect.String {
			v.Set(reflect.Append(v, reflect.ValueOf("")))
		}
		var out []string
		for i := 0; i < v.Len(); i++ {
			out = append(out, fillStrings(v.Index(i), fmt.Sprintf("%s%d", path, i), evil)...)
		}
		return out
	case reflect.Struct:
		var out []string
		for i := 0; i < v.NumField(); i++ {
			out = append(out, fillStrings(v.Field(i), path+v.Type().Field(i).Name, evil)...)
		}
		return out
	}
	return nil
}

// TestShrinkEscaping puts a script and quotes into every string of the
// shrink and of both runs: none comes out unescaped, and each is on the
// page (escaped), so the test covers what it says.
func TestShrinkEscaping(t *testing.T) {
	s := sampleShrink()
	evil := evilScript + evilAttr
	paths := fillStrings(reflect.ValueOf(s).Elem(), "", evil)
	if len(paths) < 20 {
		t.Fatalf("filled %d strings, want every string field: %v", len(paths), paths)
	}
	s.Original, s.Minimal = evilScenario("orig"), evilScenario("min")
	page := shrinkHTML(t, s)
	for _, raw := range []string{evilScript, evilAttr, "<img", "alert(1)</script>"} {
		if i := strings.Index(page, raw); i >= 0 {
			t.Errorf("shrink.html contains the raw string %q: …%s…", raw, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("shrink.html has %d <script> elements, want 1", n)
	}
	for _, p := range paths {
		if want := p + " &lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"; !strings.Contains(page, want) {
			t.Errorf("shrink.html lacks %q, escaped", p)
		}
	}
	// the runs' own strings are on the page too, escaped
	for _, want := range []string{"failure &lt;script", "cause &lt;script", "reason &lt;script"} {
		if !strings.Contains(page, want) {
			t.Errorf("shrink.html lacks %q", want)
		}
	}
	checkSVG(t, "evil shrink.html", page)
}

// TestShrinkSelfContained checks that the page fetches nothing, as
// TestSelfContained does for the others.
func TestShrinkSelfContained(t *testing.T) {
	s := sampleShrink()
	none := sampleShrink()
	none.Minimal = nil
	for name, page := range map[string]string{"shrink.html": shrinkHTML(t, s), "shrink.html without a minimal run": shrinkHTML(t, none)} {
		checkSelfContained(t, name, page)
		if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`).FindString(page); m != "" {
			t.Errorf("%s loads %s", name, m)
		}
		// every id is there once, and every local reference has its target
		ids := map[string]int{}
		for _, m := range regexp.MustCompile(` id="([^"]*)"`).FindAllStringSubmatch(page, -1) {
			ids[m[1]]++
		}
		for id, n := range ids {
			if n > 1 {
				t.Errorf("%s has id %q %d times", name, id, n)
			}
		}
		for _, u := range regexp.MustCompile(`url\(#([^)]*)\)`).FindAllStringSubmatch(page, -1) {
			if ids[u[1]] == 0 {
				t.Errorf("%s refers to #%s, which it lacks", name, u[1])
			}
		}
		checkSVG(t, name, page)
	}
}

// checkSVG parses each svg of a page as XML.
func checkSVG(t *testing.T, name, page string) {
	t.Helper()
	svgs := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(page, -1)
	if len(svgs) == 0 {
		t.Errorf("%s has no svg", name)
	}
	for _, svg := range svgs {
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: svg is not well-formed: %v", name, err)
			}
		}
	}
}

// TestShrinkTimelineIDs checks that each timeline of the page has ids of
// its own, prefixed with its svg's, and refers only to those: the two
// share the "timeline" template, not its ids.
func TestShrinkTimelineIDs(t *testing.T) {
	page := shrinkHTML(t, sampleShrink())
	var names []string
	for _, id := range []string{"timeline-original", "timeline-minimal"} {
		svg := regexp.MustCompile(`(?s)<svg class="timeline" id="` + id + `".*?</svg>`).FindString(page)
		if svg == "" {
			t.Fatalf("no timeline %s", id)
		}
		own := map[string]bool{}
		var rest []string
		for _, m := range regexp.MustCompile(` id="([^"]*)"`).FindAllStringSubmatch(svg, -1) {
			own[m[1]] = true
			name, ok := strings.CutPrefix(m[1], id+"-")
			if !ok && m[1] != id {
				t.Errorf("%s has id %q, not prefixed with its own", id, m[1])
			}
			if ok {
				rest = append(rest, name)
			}
		}
		for _, u := range regexp.MustCompile(`url\(#([^)]*)\)`).FindAllStringSubmatch(svg, -1) {
			if !own[u[1]] {
				t.Errorf("%s refers to #%s, not one of its own ids", id, u[1])
			}
		}
		got := strings.Join(rest, " ")
		if names == nil {
			names = rest
		} else if want := strings.Join(names, " "); got != want {
			t.Errorf("%s has ids %s, the original %s", id, got, want)
		}
	}
	if len(names) < 5 {
		t.Errorf("the timelines have ids %v, want their clip path, grid, axes and more", names)
	}
}

// TestShrinkAxis checks that the two timelines share one time axis: the
// same ends, ticks and scenario start line, whichever run is longer or
// started earlier.
func TestShrinkAxis(t *testing.T) {
	attrs := func(page, id string) (t0, t1, ticks, zero string) {
		svg := regexp.MustCompile(`(?s)<svg class="timeline" id="` + id + `".*?</svg>`).FindString(page)
		m := regexp.MustCompile(`data-t0="([^"]*)" data-t1="([^"]*)"`).FindStringSubmatch(svg)
		if m == nil {
			return
		}
		ticks = regexp.MustCompile(`(?s)<g class="axis" id="` + id + `-axis-top">.*?</g>`).FindString(svg)
		zero = regexp.MustCompile(`data-x="[^"]*"`).FindString(svg)
		return m[1], m[2], ticks, zero
	}
	check := func(t *testing.T, s *Shrink, wantT0, wantT1 string) {
		t.Helper()
		page := shrinkHTML(t, s)
		o0, o1, ot, oz := attrs(page, "timeline-original")
		m0, m1, mt, mz := attrs(page, "timeline-minimal")
		if o0 != wantT0 || o1 != wantT1 || m0 != wantT0 || m1 != wantT1 {
			t.Errorf("axes %s–%s and %s–%s, want both %s–%s", o0, o1, m0, m1, wantT0, wantT1)
		}
		if ot == "" || ot != strings.ReplaceAll(mt, "timeline-minimal", "timeline-original") {
			t.Errorf("the ticks differ:\n%s\n%s", ot, mt)
		}
		if oz == "" || oz != mz {
			t.Errorf("the scenario start lines differ: %s, %s", oz, mz)
		}
		if !strings.Contains(page, "Both timelines share one time axis") {
			t.Error("the page does not say that the axis is shared")
		}
	}
	t.Run("original longer, started earlier", func(t *testing.T) { check(t, sampleShrink(), "-300", "9000") })
	t.Run("minimal longer, started earlier", func(t *testing.T) {
		s := sampleShrink()
		s.Minimal.DurationMS = 12000
		s.Minimal.Versions[0].StartMS = -900
		check(t, s, "-900", "12000")
	})
	t.Run("minimal without latency", func(t *testing.T) {
		s := sampleShrink()
		s.Minimal.Latency = nil
		check(t, s, "-300", "9000")
		if page := shrinkHTML(t, s); strings.Count(page, `class="lane lane-latency"`) != 1 {
			t.Error("a run without latency got a latency lane")
		}
	})

	// The shared axis leaves the latency plot alone: a run with the most
	// buckets it draws uncombined keeps them all, on the same axis.
	s := sampleShrink()
	s.Minimal.Latency = nil
	for i := range MaxLatencyPoints {
		s.Minimal.Latency = append(s.Minimal.Latency, result.Bucket{StartMS: float64(i) * 8, EndMS: float64(i+1) * 8, Ops: 10, P50MS: 1, P99MS: 2})
	}
	check(t, s, "-300", "9000")
	if page := shrinkHTML(t, s); strings.Contains(page, "combined") {
		t.Error("sharing the axis combined the minimal run's latency buckets")
	}
}

// heavyScenario is largeScenario with 1,500 windows far enough apart to
// be drawn one mark each, every one with long reasons and three causes:
// its marks take about as many bytes as a timeline allows (MaxMarkBytes).
func heavyScenario() *result.Scenario {
	s := largeScenario()
	s.Windows = nil
	for i := range 1500 {
		st := float64(i) * 400
		s.Windows = append(s.Windows, result.Window{Client: fmt.Sprintf("c%02d", i%16+1), Class: "read", StartMS: st, EndMS: st + 200, DurationMS: 200,
			Failed: 10, Reasons: []string{
				fmt.Sprintf("%d: %s", i, strings.Repeat("connection reset by peer ", 4)),
				fmt.Sprintf("%d: %s", i, strings.Repeat("unexpected EOF ", 6)),
				fmt.Sprintf("%d: %s", i, strings.Repeat("i/o timeout ", 7)),
			},
			Causes: []string{fmt.Sprintf("step-%d", int(st/10_000)+1), "fault-1", "fault-2"}, Expected: i%4 != 0})
	}
	return s
}

// TestShrinkVersionColours checks that a version has one colour in both
// timelines, though the minimal run starts at a later version.
func TestShrinkVersionColours(t *testing.T) {
	s := sampleShrink()
	s.Minimal.Versions = append(s.Minimal.Versions, result.Version{Node: "driver-1", Version: "v3", StartMS: 100, EndMS: 4000})
	page := shrinkHTML(t, s)
	colours := func(id string) map[string]string {
		svg := regexp.MustCompile(`(?s)<div class="run" id="` + id + `-run">.*?</svg>`).FindString(page)
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`<li><span class="sw (vc\d)"></span>version ([^<]*)</li>`).FindAllStringSubmatch(svg, -1) {
			out[m[2]] = m[1]
		}
		// and the spans are drawn in their legend's colours
		for _, m := range regexp.MustCompile(`<rect class="version-span (vc\d)"[^>]*><title>[^\n]* ran ([^\n]*)\n`).FindAllStringSubmatch(svg, -1) {
			if out[m[2]] != m[1] {
				t.Errorf("%s: a span of %s is %s, its legend says %s", id, m[2], m[1], out[m[2]])
			}
		}
		return out
	}
	orig, mini := colours("timeline-original"), colours("timeline-minimal")
	want := map[string]string{"v1": "vc0", "v2": "vc1", "v2-lazy": "vc2"}
	if !reflect.DeepEqual(orig, want) {
		t.Errorf("the original's colours %v, want %v", orig, want)
	}
	if want := map[string]string{"v2": "vc1", "v2-lazy": "vc2", "v3": "vc3"}; !reflect.DeepEqual(mini, want) {
		t.Errorf("the minimal run's colours %v, want %v", mini, want)
	}
}

// TestShrinkLarge is the size budget: two long, busy runs make a page
// under 2 MB, their marks' titles shortened to get there.
func TestShrinkLarge(t *testing.T) {
	s := sampleShrink()
	s.Original, s.Minimal = heavyScenario(), heavyScenario()
	s.Minimal.DurationMS = 400_000
	for i := range 2000 {
		s.Tried = append(s.Tried, TriedRow{Phase: "items", Change: fmt.Sprintf("remove %d", i), Size: 60, Rate: "0 of 3"})
		s.Removed = append(s.Removed, fmt.Sprintf("%d: upgrade driver-%d", i, i%3))
	}
	page := shrinkHTML(t, s)
	if len(page) >= 2<<20 {
		t.Errorf("shrink.html is %d bytes, want < 2 MB", len(page))
	}
	if n := strings.Count(page, `<svg class="timeline"`); n != 2 {
		t.Errorf("%d timelines, want 2", n)
	}
	for _, id := range []string{"timeline-original", "timeline-minimal"} {
		svg := regexp.MustCompile(`(?s)<svg class="timeline" id="` + id + `".*?</svg>`).FindString(page)
		if n := strings.Count(svg, `<rect class="window `); n == 0 || n > MaxMarks {
			t.Errorf("%s has %d window marks, want 1..%d", id, n, MaxMarks)
		}
	}
	// two heavy timelines in full pass the budget: the titles were cut
	if !strings.Contains(page, "To keep this page under 2 MB") {
		t.Error("the page does not say that it shortened the marks' titles")
	}
	for _, m := range regexp.MustCompile(`(?s)<rect class="window [^>]*><title>(.*?)</title>`).FindAllStringSubmatch(page, -1) {
		if strings.Count(m[1], "\n") > 1 {
			t.Fatalf("a mark's title has more than two lines: %q", m[1])
		}
	}
	if n := strings.Count(page, `<tr class="tried-row">`); n != maxShrinkTried {
		t.Errorf("%d candidate rows, want %d", n, maxShrinkTried)
	}
	if !strings.Contains(page, "… and 1,006 more candidates, not shown.") || !strings.Contains(page, "… and 1,504 more, not shown.") {
		t.Error("the page does not say how many candidates or removed items it left out")
	}
	checkSVG(t, "large shrink.html", page)
	// the small page keeps every title whole
	if strings.Contains(shrinkHTML(t, sampleShrink()), "To keep this page under 2 MB") {
		t.Error("a small page shortened its titles")
	}
}

// TestShrinkPure checks that rendering leaves its input alone.
func TestShrinkPure(t *testing.T) {
	s := sampleShrink()
	before := fmt.Sprintf("%#v %#v %#v", *s, *s.Original, *s.Minimal)
	shrinkHTML(t, s)
	if after := fmt.Sprintf("%#v %#v %#v", *s, *s.Original, *s.Minimal); after != before {
		t.Error("rendering changed the shrink or its runs")
	}
}

func TestShrinkFirstLines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"a\nb\nc", 2, "a\nb"}, {"a\nb", 2, "a\nb"}, {"a", 2, "a"}, {"", 2, ""}, {"a\n", 1, "a"}, {"a\nb", 0, ""},
	} {
		if got := firstLines(tc.in, tc.n); got != tc.want {
			t.Errorf("firstLines(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// ExampleShrinkHTML renders the page of a shrink that found nothing
// smaller: it says so and draws the original run alone.
func ExampleShrinkHTML() {
	var buf bytes.Buffer
	err := ShrinkHTML(&buf, &Shrink{
		Scenario: "kill the primary", Reason: "FAIL: NoLostWrites",
		Original:     &result.Scenario{Scenario: "kill the primary", Status: result.StatusFailed, DurationMS: 5000},
		OriginalRate: "3 of 3", OriginalSteps: 3, Runs: 9, Candidates: 4, Wall: 95 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	page := buf.String()
	fmt.Println(regexp.MustCompile(`<p class="headline">(.*?)</p>`).FindStringSubmatch(page)[1])
	fmt.Println(strings.Count(page, `<svg class="timeline"`), "timeline")
	// Output:
	// no smaller failing plan: 3 steps, 9 runs (4 candidates), 1 m 35 s
	// 1 timeline
}
