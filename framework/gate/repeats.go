package gate

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// Percentiles are nearest-rank percentiles: Pk is the smallest sample with
// at least k% of the samples at or below it, sorted[ceil(k/100·n)-1]. They
// are always values that were measured; with fewer than 20 samples P95 and
// P99 are the maximum.
type Percentiles struct {
	P50, P95, P99 float64
}

func percentiles(xs []float64) Percentiles {
	s := slices.Clone(xs)
	slices.Sort(s)
	return Percentiles{P50: nearestRank(s, 50), P95: nearestRank(s, 95), P99: nearestRank(s, 99)}
}

// FailureCount is one way a scenario failed and in how many runs.
type FailureCount struct {
	// Assertion is the name of the failed assertion, or the scenario's
	// failure message when it failed without a failed assertion.
	Assertion string
	Runs      int
}

// RepeatStat is one scenario across repeated runs.
type RepeatStat struct {
	Scenario string
	Slug     string
	Runs     int     // runs the scenario was in
	Passed   int     // runs it passed in
	PassRate float64 // Passed / Runs
	// Flaky is true when the scenario neither always passed nor always
	// failed.
	Flaky bool

	MaxWindowMS   Percentiles // the longest window
	TotalOutageMS Percentiles // the worst client's time in windows (check.TotalOutageMS)
	ErrorRate     Percentiles // fractions of ops

	// Failures are what failed, most frequent first; each failed assertion
	// counts once per run.
	Failures []FailureCount
}

// Repeats sums up each scenario (matched by Slug) across runs, in the order
// the scenarios first appear.
func Repeats(runs []result.Run) []RepeatStat {
	type acc struct {
		stat             RepeatStat
		max, total, rate []float64
		failures         map[string]int
	}
	var order []string
	accs := map[string]*acc{}
	for _, r := range runs {
		for _, s := range r.Scenarios {
			k := key(s)
			a := accs[k]
			if a == nil {
				a = &acc{stat: RepeatStat{Scenario: s.Scenario, Slug: s.Slug}, failures: map[string]int{}}
				accs[k] = a
				order = append(order, k)
			}
			a.stat.Runs++
			if s.Passed {
				a.stat.Passed++
			}
			a.max = append(a.max, s.Summary.MaxWindowMS)
			a.total = append(a.total, check.TotalOutageMS(s.Windows))
			a.rate = append(a.rate, s.Summary.ErrorRate)
			for _, f := range failuresOf(s) {
				a.failures[f]++
			}
		}
	}
	out := make([]RepeatStat, 0, len(order))
	for _, k := range order {
		a := accs[k]
		st := a.stat
		st.PassRate = float64(st.Passed) / float64(st.Runs)
		st.Flaky = st.Passed > 0 && st.Passed < st.Runs
		st.MaxWindowMS = percentiles(a.max)
		st.TotalOutageMS = percentiles(a.total)
		st.ErrorRate = percentiles(a.rate)
		for name, n := range a.failures {
			st.Failures = append(st.Failures, FailureCount{Assertion: name, Runs: n})
		}
		slices.SortFunc(st.Failures, func(x, y FailureCount) int {
			return cmp.Or(cmp.Compare(y.Runs, x.Runs), strings.Compare(x.Assertion, y.Assertion))
		})
		out = append(out, st)
	}
	return out
}

// failuresOf is the distinct names of the assertions s did not pass (an
// invalid one marked so), or its failure message when it failed without
// one.
func failuresOf(s result.Scenario) []string {
	var out []string
	for _, a := range s.Assertions {
		name := a.Name
		if a.Invalid {
			name += " (invalid)"
		}
		if !a.Passed && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 && !s.Passed {
		msg := strings.TrimSpace(s.Failure)
		if first, _, _ := strings.Cut(msg, "\n"); first != "" {
			msg = first
		}
		if msg == "" {
			msg = "failed (no message)"
		}
		out = append(out, msg)
	}
	return out
}

// RepeatTable prints rs as an aligned table (scenario, passed runs, flaky,
// and p50/p95/p99 of max window, total outage and error rate), then, for
// each scenario that ever failed, what failed in how many runs.
func RepeatTable(w io.Writer, rs []RepeatStat) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tpassed\tflaky\tmax window p50/p95/p99\ttotal outage p50/p95/p99\terror rate p50/p95/p99")
	for _, r := range rs {
		flaky := ""
		if r.Flaky {
			flaky = "FLAKY"
		}
		fmt.Fprintf(tw, "%s\t%d/%d (%s)\t%s\t%s\t%s\t%s\n", oneLine(r.Scenario), r.Passed, r.Runs, format.Rate(r.PassRate), flaky,
			triple(r.MaxWindowMS, format.Duration), triple(r.TotalOutageMS, format.Duration), triple(r.ErrorRate, format.Rate))
	}
	tw.Flush()
	for _, r := range rs {
		if len(r.Failures) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s failed:\n", oneLine(r.Scenario))
		for _, f := range r.Failures {
			fmt.Fprintf(w, "  %s in %d/%d runs\n", oneLine(f.Assertion), f.Runs, r.Runs)
		}
	}
}

func triple(p Percentiles, f func(float64) string) string {
	return f(p.P50) + " / " + f(p.P95) + " / " + f(p.P99)
}
