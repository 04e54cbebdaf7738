package gate

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hatest/hatest/framework/result"
)

// The limits a budget can set, as they appear in a Breach.
const (
	LimitMaxWindow   = "max window"
	LimitTotalOutage = "total outage"
	LimitErrorRate   = "error rate"
)

// Limits is one set of outage budgets. A nil field sets no limit; a zero
// one allows no outage at all.
type Limits struct {
	MaxWindow   *time.Duration // longest single outage window (Summary.MaxWindowMS)
	TotalOutage *time.Duration // sum of all windows (Summary.TotalWindowMS)
	ErrorRate   *float64       // failed ops / ops, a fraction 0..1 (Summary.ErrorRate)
}

// empty reports whether l sets no limit.
func (l Limits) empty() bool {
	return l.MaxWindow == nil && l.TotalOutage == nil && l.ErrorRate == nil
}

// Budgets is a parsed budgets file. The limit that applies to a scenario is
// chosen field by field: the scenario's own entry, else the strictest of the
// entries of the labels it carries, else the defaults. A nil *Budgets sets
// no limit.
type Budgets struct {
	File      string            // the name the budgets were parsed under, for messages
	Defaults  Limits            // applies to every scenario
	Labels    map[string]Limits // by label
	Scenarios map[string]Limits // by scenario name (result.Scenario.Scenario)

	lines map[string]int // line of each scenario entry, for Validate
}

// origin says where a resolved limit came from: "scenario",
// `label "gate"` or "defaults".
type origin = string

// resolve picks each limit for a scenario, with where it came from.
func (b *Budgets) resolve(name string, labels []string) (Limits, [3]origin) {
	var out Limits
	var from [3]origin
	if b == nil {
		return out, from
	}
	out.MaxWindow, from[0] = pick(b, name, labels, func(l Limits) *time.Duration { return l.MaxWindow })
	out.TotalOutage, from[1] = pick(b, name, labels, func(l Limits) *time.Duration { return l.TotalOutage })
	out.ErrorRate, from[2] = pick(b, name, labels, func(l Limits) *float64 { return l.ErrorRate })
	return out, from
}

// pick is one field's limit: the scenario's own, else the smallest of the
// scenario's labels' (the first label of equals), else the default.
func pick[T cmp.Ordered](b *Budgets, name string, labels []string, get func(Limits) *T) (*T, origin) {
	if v := get(b.Scenarios[name]); v != nil {
		return v, "scenario"
	}
	var best *T
	var from origin
	for _, lb := range labels {
		if v := get(b.Labels[lb]); v != nil && (best == nil || *v < *best) {
			best, from = v, "label "+strconv.Quote(lb)
		}
	}
	if best != nil {
		return best, from
	}
	if v := get(b.Defaults); v != nil {
		return v, "defaults"
	}
	return nil, ""
}

// For is the limits that apply to the scenario with this name and these
// labels. The pointers are shared with b; do not modify through them.
func (b *Budgets) For(name string, labels []string) Limits {
	l, _ := b.resolve(name, labels)
	return l
}

// WindowRef names one outage window.
type WindowRef struct {
	Client     string
	Class      string
	StartMS    float64 // from the scenario's start
	DurationMS float64
}

// String is "w1 write at 1.25 s for 450 ms".
func (w WindowRef) String() string {
	who := w.Client
	if w.Class != "" {
		who += " " + w.Class
	}
	return fmt.Sprintf("%s at %s for %s", who, fmtMS(w.StartMS), fmtMS(w.DurationMS))
}

// Breach is one limit a scenario went over. The numbers are formatted for
// people.
type Breach struct {
	Scenario string
	Slug     string
	Limit    string // LimitMaxWindow, LimitTotalOutage or LimitErrorRate
	Budget   string // "300 ms", "1%"
	Measured string // "1.2 s", "4.5%"
	From     string // where the budget came from: "scenario", `label "gate"`, "defaults"
	// Worst is the window most to blame: the longest for the time limits,
	// the one with the most failed ops for the error rate. Nil when the
	// scenario had no window.
	Worst *WindowRef
	// Cause is what Worst began under: the description of the step or
	// fault named by its first cause, or NoCause. Empty when Worst is nil.
	Cause string
}

// NoCause is the Breach.Cause of a window that began while no step or fault
// was active.
const NoCause = "no step or fault (unexpected)"

// String is the breach on one line, for a failure message.
func (b Breach) String() string {
	s := fmt.Sprintf("%s: %s %s over budget %s (%s)", b.Scenario, b.Limit, b.Measured, b.Budget, b.From)
	if b.Worst != nil {
		s += fmt.Sprintf("; worst window %s, cause: %s", b.Worst, b.Cause)
	}
	return s
}

// Check is every limit s went over; none when b is nil or sets no limit
// for s. A measurement equal to its budget is within it.
func (b *Budgets) Check(s result.Scenario) []Breach {
	lim, from := b.resolve(s.Scenario, s.Labels)
	var out []Breach
	add := func(limit, budget, measured, from string, worst int) {
		br := Breach{Scenario: s.Scenario, Slug: s.Slug, Limit: limit, Budget: budget, Measured: measured, From: from}
		if worst >= 0 {
			w := s.Windows[worst]
			br.Worst = &WindowRef{Client: w.Client, Class: w.Class, StartMS: w.StartMS, DurationMS: w.DurationMS}
			br.Cause = causeOf(s, w)
		}
		out = append(out, br)
	}
	if lim.MaxWindow != nil && s.Summary.MaxWindowMS > ms(*lim.MaxWindow) {
		add(LimitMaxWindow, fmtMS(ms(*lim.MaxWindow)), fmtMS(s.Summary.MaxWindowMS), from[0], longest(s.Windows))
	}
	if lim.TotalOutage != nil && s.Summary.TotalWindowMS > ms(*lim.TotalOutage) {
		add(LimitTotalOutage, fmtMS(ms(*lim.TotalOutage)), fmtMS(s.Summary.TotalWindowMS), from[1], longest(s.Windows))
	}
	if lim.ErrorRate != nil && s.Summary.ErrorRate > *lim.ErrorRate {
		add(LimitErrorRate, fmtRate(*lim.ErrorRate), fmtRate(s.Summary.ErrorRate), from[2], mostFailed(s.Windows))
	}
	return out
}

// CheckRun is Check of every scenario of r, in order.
func (b *Budgets) CheckRun(r result.Run) []Breach {
	var out []Breach
	for _, s := range r.Scenarios {
		out = append(out, b.Check(s)...)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// longest is the index of the longest window (the earliest of equals), or
// -1 for none.
func longest(ws []result.Window) int {
	best := -1
	for i, w := range ws {
		if best < 0 || w.DurationMS > ws[best].DurationMS {
			best = i
		}
	}
	return best
}

// mostFailed is the index of the window with the most failed ops, the
// longest of equals, or -1 for none.
func mostFailed(ws []result.Window) int {
	best := -1
	for i, w := range ws {
		if best < 0 || w.Failed > ws[best].Failed ||
			(w.Failed == ws[best].Failed && w.DurationMS > ws[best].DurationMS) {
			best = i
		}
	}
	return best
}

// causeOf is the description of the step or fault w began under.
func causeOf(s result.Scenario, w result.Window) string {
	if len(w.Causes) == 0 || w.Causes[0] == "" {
		return NoCause
	}
	id := w.Causes[0]
	if i := slices.IndexFunc(s.Steps, func(st result.Step) bool { return st.ID == id }); i >= 0 && s.Steps[i].Desc != "" {
		return s.Steps[i].Desc
	}
	return id // not on the timeline: the ID is the best there is
}

// BreachTable prints the breaches as an aligned table: scenario, limit,
// budget (and where it came from), measured, worst window, cause. With no
// breach it prints one line saying so.
func BreachTable(w io.Writer, bs []Breach) {
	if len(bs) == 0 {
		fmt.Fprintln(w, "no budget breached")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tlimit\tbudget\tmeasured\tworst window\tcause")
	for _, b := range bs {
		worst, cause := "-", "-"
		if b.Worst != nil {
			worst, cause = b.Worst.String(), b.Cause
		}
		budget := b.Budget
		if b.From != "" {
			budget += " (" + b.From + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", oneLine(b.Scenario), b.Limit, budget, b.Measured, oneLine(worst), oneLine(cause))
	}
	tw.Flush()
}

// oneLine keeps a table cell on one line and free of tabs.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// finite reports whether v is a usable number.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
