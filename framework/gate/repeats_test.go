package gate

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/result"
)

// rep is one scenario's outcome in one run.
type rep struct {
	passed     bool
	max, total float64
	rate       float64
	failed     []string // failed assertion names
	failure    string
}

func repeatRuns(byScenario map[string][]rep, order []string) []result.Run {
	n := 0
	for _, rs := range byScenario {
		n = max(n, len(rs))
	}
	out := make([]result.Run, n)
	for i := range out {
		for _, name := range order {
			if i >= len(byScenario[name]) {
				continue
			}
			r := byScenario[name][i]
			s := result.Scenario{
				Scenario: "scenario " + name, Slug: name, Passed: r.passed, Failure: r.failure,
				Summary:    result.Summary{MaxWindowMS: r.max, TotalWindowMS: r.total, ErrorRate: r.rate},
				Windows:    []result.Window{{Client: "c1", StartMS: 100, EndMS: 100 + r.total, DurationMS: r.total}},
				Assertions: []result.Assertion{{Name: "integrity", Passed: true}},
			}
			for _, f := range r.failed {
				s.Assertions = append(s.Assertions, result.Assertion{Name: f, Passed: false, Message: f + " failed"})
			}
			out[i].Scenarios = append(out[i].Scenarios, s)
		}
	}
	return out
}

func TestPercentiles(t *testing.T) {
	seq := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(n - i) // descending: Repeats must sort
		}
		return out
	}
	tests := []struct {
		name string
		xs   []float64
		want Percentiles
	}{
		{"one", []float64{7}, Percentiles{7, 7, 7}},
		// ranks ceil(2.5)=3, ceil(4.75)=5, ceil(4.95)=5
		{"five", []float64{50, 10, 40, 20, 30}, Percentiles{30, 50, 50}},
		// even count: nearest rank is a measured value, no averaging
		{"four", []float64{4, 1, 3, 2}, Percentiles{2, 4, 4}},
		// 1..12: ranks 6, ceil(11.4)=12, ceil(11.88)=12
		{"twelve", seq(12), Percentiles{6, 12, 12}},
		// 1..20: ranks 10, 19, 20
		{"twenty", seq(20), Percentiles{10, 19, 20}},
		// 1..100: ranks 50, 95, 99
		{"hundred", seq(100), Percentiles{50, 95, 99}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentiles(tt.xs); got != tt.want {
				t.Errorf("percentiles = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRepeats(t *testing.T) {
	ok := func(max float64) rep { return rep{passed: true, max: max, total: 2 * max, rate: max / 10000} }
	bad := func(max float64, failed ...string) rep {
		return rep{passed: false, max: max, total: 2 * max, rate: max / 10000, failed: failed}
	}
	runs := repeatRuns(map[string][]rep{
		"steady": {ok(100), ok(120), ok(110), ok(90), ok(130)},
		"flaky":  {ok(100), bad(900, "max window"), ok(120), bad(950, "max window", "integrity reads"), ok(80)},
		"broken": {bad(10, "versions"), {passed: false, failure: "setup: node-1 did not start\nlog: ..."}, bad(30, "versions")},
	}, []string{"steady", "flaky", "broken"})

	got := Repeats(runs)
	if len(got) != 3 {
		t.Fatalf("%d stats, want 3", len(got))
	}
	want := []RepeatStat{
		{
			Scenario: "scenario steady", Slug: "steady", Runs: 5, Passed: 5, PassRate: 1,
			MaxWindowMS:   Percentiles{110, 130, 130},
			TotalOutageMS: Percentiles{220, 260, 260},
			ErrorRate:     Percentiles{0.011, 0.013, 0.013},
		},
		{
			Scenario: "scenario flaky", Slug: "flaky", Runs: 5, Passed: 3, PassRate: 0.6, Flaky: true,
			MaxWindowMS:   Percentiles{120, 950, 950},
			TotalOutageMS: Percentiles{240, 1900, 1900},
			ErrorRate:     Percentiles{0.012, 0.095, 0.095},
			Failures:      []FailureCount{{"max window", 2}, {"integrity reads", 1}},
		},
		{
			Scenario: "scenario broken", Slug: "broken", Runs: 3, Passed: 0, PassRate: 0,
			MaxWindowMS:   Percentiles{10, 30, 30},
			TotalOutageMS: Percentiles{20, 60, 60},
			ErrorRate:     Percentiles{0.001, 0.003, 0.003},
			Failures:      []FailureCount{{"versions", 2}, {"setup: node-1 did not start", 1}},
		},
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("stat %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}

	var buf bytes.Buffer
	RepeatTable(&buf, got)
	out := buf.String()
	for _, w := range []string{
		"scenario steady  5/5 (100%)",
		"scenario flaky   3/5 (60%)   FLAKY  120 ms / 950 ms / 950 ms",
		"scenario broken  0/3 (0%)",
		"1.2% / 9.5% / 9.5%",
		"scenario flaky failed:\n  max window in 2/5 runs\n  integrity reads in 1/5 runs\n",
		"  setup: node-1 did not start in 1/3 runs\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("table lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "scenario steady failed") {
		t.Errorf("table lists failures of a scenario that never failed:\n%s", out)
	}
	if len(Repeats(nil)) != 0 {
		t.Errorf("Repeats(nil) should be empty")
	}
}
