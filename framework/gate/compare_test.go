package gate

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/result"
)

// metrics is one scenario's max and total window in one run.
type metrics struct{ max, total float64 }

// runs builds one run per element of each scenario's samples: run i holds
// sample i of every scenario that has one, in the order of names.
func runs(names []string, samples map[string][]metrics) []result.Run {
	n := 0
	for _, s := range samples {
		n = max(n, len(s))
	}
	out := make([]result.Run, n)
	for i := range out {
		for _, name := range names {
			if i < len(samples[name]) {
				m := samples[name][i]
				out[i].Scenarios = append(out[i].Scenarios, result.Scenario{
					Scenario: "scenario " + name, Slug: name,
					Summary: result.Summary{MaxWindowMS: m.max, TotalWindowMS: m.total},
					// The total outage is the worst client's time in windows.
					Windows: []result.Window{{Client: "c1", StartMS: 100, EndMS: 100 + m.total, DurationMS: m.total}},
				})
			}
		}
	}
	return out
}

// scale multiplies every sample by f.
func scale(ms []metrics, f float64) []metrics {
	out := make([]metrics, len(ms))
	for i, m := range ms {
		out[i] = metrics{m.max * f, m.total * f}
	}
	return out
}

// shift adds d ms to every sample.
func shift(ms []metrics, d float64) []metrics {
	out := make([]metrics, len(ms))
	for i, m := range ms {
		out[i] = metrics{m.max + d, m.total + d}
	}
	return out
}

// Five noisy repeats of three scenarios; no two values of a scenario tie.
var (
	upgrade5 = []metrics{{310, 820}, {290, 760}, {335, 905}, {300, 790}, {322, 850}}
	kill5    = []metrics{{1200, 1400}, {1150, 1390}, {1260, 1500}, {1190, 1420}, {1230, 1460}}
	proxy5   = []metrics{{505, 510}, {498, 502}, {520, 530}, {511, 515}, {490, 495}}
	names    = []string{"upgrade", "kill", "proxy"}
)

func TestCompare(t *testing.T) {
	one := func(ms []metrics) []metrics { return ms[:1] }
	tests := []struct {
		name       string
		base, next map[string][]metrics
		opt        CompareOptions
		verdicts   map[string]Verdict // by "slug metric", else by slug; missing: ok
		tested     bool               // a p-value is expected on rows with both sides
		regressed  int
	}{
		{
			name:      "single run, identical",
			base:      map[string][]metrics{"upgrade": one(upgrade5), "kill": one(kill5), "proxy": one(proxy5)},
			next:      map[string][]metrics{"upgrade": one(upgrade5), "kill": one(kill5), "proxy": one(proxy5)},
			regressed: 0,
		},
		{
			name:      "single run, one scenario tripled",
			base:      map[string][]metrics{"upgrade": one(upgrade5), "kill": one(kill5), "proxy": one(proxy5)},
			next:      map[string][]metrics{"upgrade": scale(one(upgrade5), 3), "kill": one(kill5), "proxy": one(proxy5)},
			verdicts:  map[string]Verdict{"upgrade": VerdictRegression},
			regressed: 1,
		},
		{
			name:      "single run, noise within tolerance",
			base:      map[string][]metrics{"upgrade": one(upgrade5), "kill": one(kill5), "proxy": one(proxy5)},
			next:      map[string][]metrics{"upgrade": shift(scale(one(upgrade5), 1.2), 40), "kill": scale(one(kill5), 0.9), "proxy": shift(one(proxy5), 50)},
			regressed: 0,
		},
		{
			name:      "single run, improved",
			base:      map[string][]metrics{"upgrade": one(upgrade5), "kill": one(kill5)},
			next:      map[string][]metrics{"upgrade": one(upgrade5), "kill": scale(one(kill5), 0.3)},
			verdicts:  map[string]Verdict{"kill": VerdictImproved},
			regressed: 0,
		},
		{
			name:      "5+5, identical",
			base:      map[string][]metrics{"upgrade": upgrade5, "kill": kill5, "proxy": proxy5},
			next:      map[string][]metrics{"upgrade": upgrade5, "kill": kill5, "proxy": proxy5},
			tested:    true,
			regressed: 0,
		},
		{
			name:      "5+5, one scenario tripled",
			base:      map[string][]metrics{"upgrade": upgrade5, "kill": kill5, "proxy": proxy5},
			next:      map[string][]metrics{"upgrade": scale(upgrade5, 3), "kill": kill5, "proxy": proxy5},
			verdicts:  map[string]Verdict{"upgrade": VerdictRegression},
			tested:    true,
			regressed: 1,
		},
		{
			name: "5+5, a consistent shift within tolerance",
			base: map[string][]metrics{"upgrade": upgrade5, "kill": kill5, "proxy": proxy5},
			// +20% on kill is significant (every new value beats every old one)
			// but within the 25% tolerance.
			next:      map[string][]metrics{"upgrade": upgrade5, "kill": scale(kill5, 1.2), "proxy": shift(proxy5, 40)},
			tested:    true,
			regressed: 0,
		},
		{
			name: "5+5, a large but noisy change is not significant",
			base: map[string][]metrics{"upgrade": {{100, 100}, {200, 200}, {300, 300}, {400, 400}, {500, 500}}},
			// Median 600 > 300×1.25+50, but U = 16 of 25: p = 0.274.
			next:      map[string][]metrics{"upgrade": {{90, 90}, {190, 190}, {600, 600}, {700, 700}, {800, 800}}},
			tested:    true,
			regressed: 0,
		},
		{
			name:      "new and gone are not regressions",
			base:      map[string][]metrics{"upgrade": one(upgrade5), "kill": one(kill5)},
			next:      map[string][]metrics{"upgrade": one(upgrade5), "proxy": one(proxy5)},
			verdicts:  map[string]Verdict{"kill": VerdictGone, "proxy": VerdictNew},
			regressed: 0,
		},
		{
			name: "zero base: the absolute noise floor",
			base: map[string][]metrics{"upgrade": {{0, 0}}, "kill": {{0, 0}}},
			next: map[string][]metrics{"upgrade": {{40, 50}}, "kill": {{0, 51}}},
			// 51 > 0×1.25 + 50; 50 and 40 are within the floor.
			verdicts:  map[string]Verdict{"kill total outage": VerdictRegression},
			regressed: 1,
		},
		{
			name:      "no tolerance",
			base:      map[string][]metrics{"upgrade": {{100, 100}}},
			next:      map[string][]metrics{"upgrade": {{101, 101}}},
			opt:       CompareOptions{Tolerance: new(-1.0), AbsTolerance: new(time.Duration(-1))},
			verdicts:  map[string]Verdict{"upgrade": VerdictRegression},
			regressed: 1,
		},
		{
			// Zero means zero, not the defaults (which call 101 ok).
			name:      "zero tolerance",
			base:      map[string][]metrics{"upgrade": {{100, 100}}},
			next:      map[string][]metrics{"upgrade": {{101, 101}}},
			opt:       CompareOptions{Tolerance: new(0.0), AbsTolerance: new(time.Duration(0))},
			verdicts:  map[string]Verdict{"upgrade": VerdictRegression},
			regressed: 1,
		},
		{
			name:     "default tolerance",
			base:     map[string][]metrics{"upgrade": {{100, 100}}},
			next:     map[string][]metrics{"upgrade": {{101, 101}}},
			verdicts: map[string]Verdict{"upgrade": VerdictOK},
		},
		{
			name: "3+3 cannot reach alpha: medians decide",
			base: map[string][]metrics{"upgrade": upgrade5[:3]},
			next: map[string][]metrics{"upgrade": scale(upgrade5[:3], 3)},
			// minimum p for 3+3 is 1/20 = 0.05, not below alpha.
			opt:       CompareOptions{MinRepeats: 3},
			verdicts:  map[string]Verdict{"upgrade": VerdictRegression},
			regressed: 1,
		},
		{
			name:      "4+4 with MinRepeats 4 is tested",
			base:      map[string][]metrics{"upgrade": upgrade5[:4]},
			next:      map[string][]metrics{"upgrade": scale(upgrade5[:4], 3)},
			opt:       CompareOptions{MinRepeats: 4},
			verdicts:  map[string]Verdict{"upgrade": VerdictRegression},
			tested:    true,
			regressed: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Compare(runs(names, tt.base), runs(names, tt.next), tt.opt)
			if got := c.Regressions(); got != tt.regressed {
				t.Errorf("Regressions() = %d, want %d", got, tt.regressed)
			}
			seen := map[string]int{}
			for _, r := range c.Rows {
				seen[r.Slug]++
				want, ok := tt.verdicts[r.Slug+" "+r.Metric]
				if !ok {
					want = tt.verdicts[r.Slug]
				}
				if want == "" {
					want = VerdictOK
				}
				if r.Verdict != want {
					t.Errorf("%s %s: verdict %s, want %s (row %+v)", r.Slug, r.Metric, r.Verdict, want, r)
				}
				if r.Scenario != "scenario "+r.Slug {
					t.Errorf("%s: scenario name %q", r.Slug, r.Scenario)
				}
				both := r.BaseN > 0 && r.NewN > 0
				if hasP := !math.IsNaN(r.P); hasP != (tt.tested && both) {
					t.Errorf("%s %s: p = %v, want a p-value: %v", r.Slug, r.Metric, r.P, tt.tested && both)
				}
				if r.BaseN != len(tt.base[r.Slug]) || r.NewN != len(tt.next[r.Slug]) {
					t.Errorf("%s: samples %d/%d, want %d/%d", r.Slug, r.BaseN, r.NewN, len(tt.base[r.Slug]), len(tt.next[r.Slug]))
				}
			}
			for slug := range tt.base {
				if seen[slug] != 2 {
					t.Errorf("%s: %d rows, want 2 (max window, total outage)", slug, seen[slug])
				}
			}
			for slug := range tt.next {
				if seen[slug] != 2 {
					t.Errorf("%s: %d rows, want 2 (max window, total outage)", slug, seen[slug])
				}
			}
		})
	}
}

func TestCompareRepeatsPValue(t *testing.T) {
	c := Compare(runs(names, map[string][]metrics{"upgrade": upgrade5, "kill": kill5, "proxy": proxy5}),
		runs(names, map[string][]metrics{"upgrade": scale(upgrade5, 3), "kill": kill5, "proxy": proxy5}),
		CompareOptions{})
	if len(c.Rows) != 6 {
		t.Fatalf("%d rows, want 6", len(c.Rows))
	}
	r := c.Rows[0]
	if r.Slug != "upgrade" || r.Metric != MetricMaxWindow {
		t.Fatalf("first row %s %s, want upgrade max window (base order)", r.Slug, r.Metric)
	}
	// Complete separation of 5 and 5: the exact p is 1/C(10,5) = 1/252.
	if want := 1.0 / 252; math.Abs(r.P-want) > 1e-12 {
		t.Errorf("p = %v, want %v", r.P, want)
	}
	if r.BaseMS != 310 || r.NewMS != 930 || math.Abs(r.ChangePct-200) > 1e-9 {
		t.Errorf("base %v new %v change %v%%, want 310, 930, +200%%", r.BaseMS, r.NewMS, r.ChangePct)
	}
	if c.Rows[1].Metric != MetricTotalOutage || c.Rows[1].Verdict != VerdictRegression || c.Rows[1].P >= 0.05 {
		t.Errorf("total outage row = %+v, want a regression with p < 0.05", c.Rows[1])
	}
	if o := c.Options; o.MinRepeats != 5 || *o.Tolerance != 0.25 || *o.AbsTolerance != 50*time.Millisecond || o.Alpha != 0.05 {
		t.Errorf("options = %+v, want the defaults", o)
	}

	var buf bytes.Buffer
	CompareTable(&buf, c)
	out := buf.String()
	for _, want := range []string{
		"scenario upgrade  max window    310 ms  930 ms  +200%   0.004  5/5   regression",
		"scenario kill",
		"ok",
		"1 scenario regressed (worse than base × 1.25 + 50 ms; with 5+ runs a side also p < 0.05)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestCompareTableSingle(t *testing.T) {
	c := Compare(runs(names, map[string][]metrics{"upgrade": {{0, 0}}, "kill": {{100, 100}}}),
		runs(names, map[string][]metrics{"upgrade": {{300, 300}}, "proxy": {{5, 5}}}), CompareOptions{})
	var buf bytes.Buffer
	CompareTable(&buf, c)
	out := buf.String()
	for _, want := range []string{
		"scenario upgrade  max window    0 ms    300 ms  +inf    –  1/1   regression",
		"scenario kill     total outage  100 ms  –       –       –  1/0   gone",
		"scenario proxy    max window    –       5 ms    –       –  0/1   new",
		"1 scenario regressed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// Numbers nobody can vouch for never pass a gate: a new run that was
// INVALID (or could not start) makes the scenario untrusted, which counts
// with the regressions, and such base runs are left out of the base.
func TestCompareUntrusted(t *testing.T) {
	base := runs([]string{"a"}, map[string][]metrics{"a": {{300, 300}, {310, 310}}})
	good := runs([]string{"a"}, map[string][]metrics{"a": {{300, 300}}})
	bad := runs([]string{"a"}, map[string][]metrics{"a": {{0, 0}}})
	bad[0].Scenarios[0].Status = result.StatusInvalid
	c := Compare(base, bad, CompareOptions{})
	if c.Regressions() != 1 || c.Rows[0].Verdict != VerdictUntrusted {
		t.Fatalf("an INVALID new run: %d regressions, verdict %s; want 1, %s", c.Regressions(), c.Rows[0].Verdict, VerdictUntrusted)
	}
	// An invalid base run (0 ms) does not drag the base median down.
	base = append(base, bad...)
	if c := Compare(base, good, CompareOptions{}); c.Regressions() != 0 || c.Rows[0].BaseN != 2 {
		t.Fatalf("an INVALID base run: %d regressions, %d base samples; want 0, 2", c.Regressions(), c.Rows[0].BaseN)
	}
	// A base with nothing trusted compares like no base.
	if c := Compare(bad, good, CompareOptions{}); c.Regressions() != 0 {
		t.Fatalf("a base of INVALID runs only: %d regressions (%+v)", c.Regressions(), c.Rows)
	}
}
