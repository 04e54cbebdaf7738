package shrink

import (
	"context"
	"math"
	"testing"
)

// holdFails is a plan of one fault with a 2 s hold that fails when the
// hold is at least threshold.
func holdFails(threshold int64) Config {
	return Config{
		Items: []Item{{Name: "1: kill the primary", Knobs: []Knob{{Name: "hold_ms", Value: 2000, Min: 0}}}},
		Run: func(_ context.Context, c Candidate) (Run, error) {
			return Run{Same: c.Values[0][0] >= threshold}, nil
		},
	}
}

// Three candidates find the threshold of a 2 s hold within one step of
// the log-scale search, a factor of 2000^(1/8) = 2.59, and never above
// the hold: 300 ms is found as 300 ms, 1500 ms as 2 s.
func TestKnobThreshold(t *testing.T) {
	step := math.Pow(2000, 1.0/8)
	for th := int64(1); th <= 2000; th++ {
		out, err := Reduce(context.Background(), holdFails(th))
		if err != nil {
			t.Fatal(err)
		}
		v := out.Best.Values[0][0]
		if v < th || float64(v) > float64(th)*step {
			t.Errorf("threshold %d: hold lowered to %d, want in [%d, %.0f]", th, v, th, float64(th)*step)
		}
		// One candidate with the knob at its Min, then at most three.
		if out.Candidates > 1+probes {
			t.Errorf("threshold %d: %d candidates, want at most %d", th, out.Candidates, 1+probes)
		}
	}
	for th, want := range map[int64]int64{300: 300, 1500: 2000, 0: 0} {
		out, _ := Reduce(context.Background(), holdFails(th))
		if got := out.Best.Values[0][0]; got != want {
			t.Errorf("threshold %d: hold lowered to %d, want %d", th, got, want)
		}
	}
}

// When every knob at its Min still fails, that is the one candidate of
// the phase.
func TestKnobsAllAtMin(t *testing.T) {
	items := []Item{
		{Name: "0: latency", Knobs: []Knob{{Name: "latency_ms", Value: 400, Min: 10}, {Name: "hold_ms", Value: 900, Min: 100}}},
		{Name: "1: wait", Knobs: []Knob{{Name: "wait_ms", Value: 700}}},
	}
	out, err := Reduce(context.Background(), Config{Items: items, Run: allOf(0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int64{{10, 100}, {0}}
	for i := range want {
		for j := range want[i] {
			if out.Best.Values[i][j] != want[i][j] {
				t.Errorf("values %v, want %v", out.Best.Values, want)
			}
		}
	}
	var knobs []Tried
	for _, tr := range out.Tried {
		if tr.Phase == phaseKnobs {
			knobs = append(knobs, tr)
		}
	}
	if len(knobs) != 1 || knobs[0].Change != "all 3 knobs at their lowest" || !knobs[0].Reproduced {
		t.Errorf("knob phase tried %+v, want one candidate, every knob at its Min", knobs)
	}
}

// Two items kept, three knobs: only the hold matters. Each knob is
// searched in turn, none is ever raised, and the knobs of items removed
// are left as drawn.
func TestKnobsEach(t *testing.T) {
	items := []Item{
		{Name: "0: kill the primary", Knobs: []Knob{{Name: "hold_ms", Value: 2000, Min: 50}}},
		{Name: "1: wait", Knobs: []Knob{{Name: "wait_ms", Value: 1000}}},
		{Name: "2: latency", Knobs: []Knob{{Name: "latency_ms", Value: 300, Min: 1}, {Name: "jitter_ms", Value: 40}}},
	}
	var seen []Candidate
	run := func(_ context.Context, c Candidate) (Run, error) {
		seen = append(seen, c)
		return Run{Same: c.Keep[0] && c.Keep[2] && c.Values[0][0] >= 450}, nil
	}
	out, err := Reduce(context.Background(), Config{Items: items, Run: run})
	if err != nil {
		t.Fatal(err)
	}
	if got := kept(out.Best); len(got) != 2 || got[0] != 0 || got[1] != 2 {
		t.Fatalf("best keeps %v, want [0 2]", got)
	}
	step := math.Pow(2000.0/50, 1.0/8)
	if v := out.Best.Values[0][0]; v < 450 || float64(v) > 450*step {
		t.Errorf("hold lowered to %d, want in [450, %.0f]", v, 450*step)
	}
	if v := out.Best.Values[2]; v[0] > 2 || v[1] > 1 {
		t.Errorf("latency and jitter lowered to %v, want each at most one above its Min", v)
	}
	if v := out.Best.Values[1][0]; v != 1000 {
		t.Errorf("wait of the removed item changed to %d", v)
	}
	knobRuns := 0
	for _, tr := range out.Tried {
		if tr.Phase == phaseKnobs {
			knobRuns++
		}
	}
	if knobRuns > 1+3*probes {
		t.Errorf("%d knob candidates, want at most 1 + 3 per knob", knobRuns)
	}
	for _, c := range seen {
		for i := range items {
			for j, kn := range items[i].Knobs {
				if c.Values[i][j] > kn.Value || c.Values[i][j] < kn.Min {
					t.Errorf("ran item %d knob %s at %d: outside [Min, Value]", i, kn.Name, c.Values[i][j])
				}
			}
		}
	}
}

func TestKnobsOff(t *testing.T) {
	c := holdFails(300)
	c.NoKnobs = true
	out, err := Reduce(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if out.Runs != 0 || out.Best.Values[0][0] != 2000 {
		t.Errorf("NoKnobs: %d runs, hold %d; want none, 2000", out.Runs, out.Best.Values[0][0])
	}
}

func TestBetween(t *testing.T) {
	for _, tc := range []struct{ lo, hi, want int64 }{
		{0, 2000, 44},
		{45, 2000, 300},
		{0, 1, 0},
		{5, 6, 5},
		{10, 1000, 100},
	} {
		if got := between(tc.lo, tc.hi); got != tc.want {
			t.Errorf("between(%d, %d) = %d, want %d", tc.lo, tc.hi, got, tc.want)
		}
	}
}
