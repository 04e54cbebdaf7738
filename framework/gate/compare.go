package gate

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// The metrics Compare judges, as they appear in a Row.
const (
	MetricMaxWindow   = "max window"   // the longest window, Summary.MaxWindowMS
	MetricTotalOutage = "total outage" // the worst client's time in windows, check.TotalOutageMS
)

// Verdict is what Compare concluded about one scenario and metric.
type Verdict string

// The verdicts.
const (
	VerdictOK         Verdict = "ok"
	VerdictRegression Verdict = "regression"
	VerdictImproved   Verdict = "improved"
	VerdictNew        Verdict = "new"  // the scenario is only in the new runs
	VerdictGone       Verdict = "gone" // the scenario is only in the base runs
	// VerdictUntrusted: some new run of the scenario was INVALID or could
	// not start, so its numbers cannot be vouched for; it counts with the
	// regressions, since a gate must not pass on numbers it cannot vouch
	// for. Base runs like that are left out of the base samples.
	VerdictUntrusted Verdict = "untrusted"
)

// The CompareOptions defaults.
const (
	DefaultMinRepeats   = 5
	DefaultTolerance    = 0.25
	DefaultAbsTolerance = 50 * time.Millisecond
	DefaultAlpha        = 0.05
)

// CompareOptions tunes Compare. A zero MinRepeats or Alpha takes its
// default. A nil Tolerance or AbsTolerance takes its default; a zero one
// means none, exactly zero (new(0.0) for Tolerance, new(time.Duration(0))
// for AbsTolerance); a negative one means none too.
type CompareOptions struct {
	// MinRepeats is the number of samples each side needs for the
	// Mann–Whitney test (default 5). With fewer, or when so few that the
	// test could not reach Alpha, the medians are compared directly.
	MinRepeats int
	// Tolerance and AbsTolerance are the noise floor: the new median is
	// worse only when it exceeds base × (1+Tolerance) + AbsTolerance
	// (defaults 0.25 and 50 ms).
	Tolerance    *float64
	AbsTolerance *time.Duration
	// Alpha is the significance level of the test (default 0.05).
	Alpha float64
}

// tolerances are the noise floor as used: defaults filled in, negative
// ones as zero.
func (o CompareOptions) tolerances() (rel float64, abs time.Duration) {
	rel, abs = DefaultTolerance, DefaultAbsTolerance
	if o.Tolerance != nil {
		rel = max(*o.Tolerance, 0)
	}
	if o.AbsTolerance != nil {
		abs = max(*o.AbsTolerance, 0)
	}
	return rel, abs
}

func (o CompareOptions) withDefaults() CompareOptions {
	if o.MinRepeats <= 0 {
		o.MinRepeats = DefaultMinRepeats
	}
	rel, abs := o.tolerances()
	o.Tolerance, o.AbsTolerance = &rel, &abs
	if o.Alpha <= 0 {
		o.Alpha = DefaultAlpha
	}
	return o
}

// Row is one scenario and metric, base against new.
type Row struct {
	Scenario    string
	Slug        string
	Metric      string  // MetricMaxWindow or MetricTotalOutage
	BaseMS      float64 // median of the base samples; NaN when none
	NewMS       float64 // median of the new samples; NaN when none
	ChangePct   float64 // (new-base)/base in percent; +Inf from a zero base; NaN when a side is missing
	P           float64 // one-sided Mann–Whitney p-value in the direction the median moved; NaN when not tested
	BaseN, NewN int     // samples on each side
	Verdict     Verdict
}

// Comparison is Compare's answer.
type Comparison struct {
	Rows    []Row
	Options CompareOptions // as used: defaults filled in (never nil), negative tolerances as 0
}

// Regressions is the number of scenarios with at least one regressed
// metric, or new runs that cannot be vouched for (VerdictUntrusted). A
// release gate fails when it is not zero.
func (c Comparison) Regressions() int {
	seen := map[string]bool{}
	for _, r := range c.Rows {
		if r.Verdict == VerdictRegression || r.Verdict == VerdictUntrusted {
			seen[r.Slug] = true
		}
	}
	return len(seen)
}

// Compare judges new runs against base runs, scenario by scenario (matched
// by Slug) and metric by metric. Each side is one run or several repeats.
//
// With at least opt.MinRepeats samples on each side, a metric regressed
// when a one-sided Mann–Whitney U test (see MannWhitney) gives p < Alpha
// AND the new median is worse than base × (1+Tolerance) + AbsTolerance, so
// a consistent but tiny shift does not fail a gate. Improved is the same
// in the other direction. With fewer samples (or so few that no outcome of
// the test could reach Alpha) there is no test: the medians alone decide,
// by the same tolerance, and P is NaN.
//
// A scenario in only one side gets the verdict new or gone, which is not a
// regression. Rows follow the base runs' scenario order, then the new
// scenarios in the new runs' order.
func Compare(base, next []result.Run, opt CompareOptions) Comparison {
	opt = opt.withDefaults()
	bs, order := samples(base, nil)
	ns, order := samples(next, order)
	c := Comparison{Options: opt}
	for _, key := range order {
		b, n := bs[key], ns[key]
		ref := b
		if ref == nil {
			ref = n
		}
		for _, m := range []struct {
			name   string
			values func(*sampleSet) []float64
		}{
			{MetricMaxWindow, func(s *sampleSet) []float64 { return s.max }},
			{MetricTotalOutage, func(s *sampleSet) []float64 { return s.total }},
		} {
			row := Row{Scenario: ref.name, Slug: ref.slug, Metric: m.name, BaseMS: math.NaN(), NewMS: math.NaN(), ChangePct: math.NaN(), P: math.NaN()}
			var bv, nv []float64
			if b != nil {
				bv = m.values(b)
				row.BaseN, row.BaseMS = len(bv), median(bv)
			}
			if n != nil {
				nv = m.values(n)
				row.NewN, row.NewMS = len(nv), median(nv)
			}
			switch {
			case n != nil && n.untrusted > 0:
				row.Verdict = VerdictUntrusted
			case b == nil:
				row.Verdict = VerdictNew
			case n == nil:
				row.Verdict = VerdictGone
			default:
				row.ChangePct = change(row.BaseMS, row.NewMS)
				row.P, row.Verdict = judge(bv, nv, row.BaseMS, row.NewMS, opt)
			}
			c.Rows = append(c.Rows, row)
		}
	}
	return c
}

// sampleSet is one scenario's samples on one side.
type sampleSet struct {
	name, slug string
	max, total []float64
	untrusted  int // runs left out: INVALID, or could not start
}

// samples gathers each scenario's metrics across runs, by key, and appends
// keys not yet in order to it.
func samples(runs []result.Run, order []string) (map[string]*sampleSet, []string) {
	known := map[string]bool{}
	for _, k := range order {
		known[k] = true
	}
	out := map[string]*sampleSet{}
	for _, r := range runs {
		for _, s := range r.Scenarios {
			k := key(s)
			set := out[k]
			if set == nil {
				set = &sampleSet{name: s.Scenario, slug: s.Slug}
				out[k] = set
				if !known[k] {
					known[k] = true
					order = append(order, k)
				}
			}
			if s.Status == result.StatusInvalid || s.SetupError != "" {
				set.untrusted++
				continue
			}
			set.max = append(set.max, s.Summary.MaxWindowMS)
			set.total = append(set.total, check.TotalOutageMS(s.Windows))
		}
	}
	return out, order
}

// key identifies a scenario across runs: its slug, or its name when it
// has none.
func key(s result.Scenario) string {
	if s.Slug != "" {
		return s.Slug
	}
	return "name:" + s.Scenario
}

// change is the relative change from base to next, in percent.
func change(base, next float64) float64 {
	switch base {
	case next:
		return 0
	case 0:
		return math.Copysign(math.Inf(1), next)
	}
	return (next - base) / math.Abs(base) * 100
}

// judge decides one metric with both sides present.
func judge(bv, nv []float64, bm, nm float64, opt CompareOptions) (p float64, v Verdict) {
	rel, absd := opt.tolerances()
	abs := ms(absd)
	worse := func(from, to float64) bool { return to > from*(1+rel)+abs }
	tested := len(bv) >= opt.MinRepeats && len(nv) >= opt.MinRepeats && minP(len(bv), len(nv)) < opt.Alpha
	if !tested {
		switch {
		case worse(bm, nm):
			return math.NaN(), VerdictRegression
		case worse(nm, bm):
			return math.NaN(), VerdictImproved
		}
		return math.NaN(), VerdictOK
	}
	if nm >= bm {
		p = MannWhitney(bv, nv).P
		if p < opt.Alpha && worse(bm, nm) {
			return p, VerdictRegression
		}
		return p, VerdictOK
	}
	p = MannWhitney(nv, bv).P
	if p < opt.Alpha && worse(nm, bm) {
		return p, VerdictImproved
	}
	return p, VerdictOK
}

// CompareTable prints c as an aligned table (scenario, metric, base and new
// medians, change, p-value, samples a side, verdict) and a line with the
// number of regressed scenarios and the rule that judged them.
func CompareTable(w io.Writer, c Comparison) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tmetric\tbase\tnew\tchange\tp\truns\tverdict")
	for _, r := range c.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%s\n",
			oneLine(r.Scenario), r.Metric, format.Duration(r.BaseMS), format.Duration(r.NewMS), fmtChange(r.ChangePct), fmtP(r.P), r.BaseN, r.NewN, r.Verdict)
	}
	tw.Flush()
	o := c.Options.withDefaults()
	rel, abs := o.tolerances()
	rule := fmt.Sprintf("worse than base × %s + %s; with %d+ runs a side also p < %s",
		format.Num(1+rel, 2), format.Duration(ms(abs)), o.MinRepeats, strconv.FormatFloat(o.Alpha, 'g', -1, 64))
	switch n := c.Regressions(); n {
	case 0:
		fmt.Fprintf(w, "\nno regression (%s)\n", rule)
	case 1:
		fmt.Fprintf(w, "\n1 scenario regressed (%s)\n", rule)
	default:
		fmt.Fprintf(w, "\n%d scenarios regressed (%s)\n", n, rule)
	}
}
