package gate

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/result"
)

// Limits is one set of outage budgets. A nil field sets no limit; a zero
// one allows no outage at all.
type Limits struct {
	MaxWindow   *time.Duration // the longest outage window: check.MaxOutageBelow
	TotalOutage *time.Duration // the worst client's time in windows: check.TotalOutageBelow
	ErrorRate   *float64       // failed ops / ops, a fraction 0..1: check.ErrorRateBelow
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

	lines      map[string]int // line of each scenario entry, for Validate
	labelLines map[string]int // line of each label entry, for Validate
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

// BudgetPrefix starts the name of every budget rule, and so of every
// assertion a budget made: "budget: max outage ≤ 300ms (scenario)".
const BudgetPrefix = "budget: "

// Rules are the budgets that apply to the scenario with this name and
// these labels, as rules of package check: the same rules a scenario
// expects (check.MaxOutageBelow for max_window, check.TotalOutageBelow for
// total_outage, check.ErrorRateBelow for error_rate), so a budget means
// what the rule means. Each is named BudgetPrefix + the rule's name + where
// the limit came from. None when b is nil or sets no limit for the
// scenario. The suite appends them to each scenario's expectations, so
// budgets are judged with every other verdict, before any report is
// written.
func (b *Budgets) Rules(name string, labels []string) []check.Rule {
	lim, from := b.resolve(name, labels)
	var out []check.Rule
	add := func(r check.Rule, from origin) {
		r.Name = BudgetPrefix + r.Name + " (" + from + ")"
		out = append(out, r)
	}
	if lim.MaxWindow != nil {
		add(check.MaxOutageBelow(*lim.MaxWindow), from[0])
	}
	if lim.TotalOutage != nil {
		add(check.TotalOutageBelow(*lim.TotalOutage), from[1])
	}
	if lim.ErrorRate != nil {
		add(check.ErrorRateBelow(*lim.ErrorRate), from[2])
	}
	return out
}

// Breach is one budget a scenario did not keep: a budget rule that failed,
// or that could not judge (Invalid: nothing was measured).
type Breach struct {
	Scenario string
	Slug     string
	Budget   string // the rule's name: "budget: max outage ≤ 300ms (scenario)"
	Message  string // its verdict: "max outage 1200.0ms > budget 300ms: client r1 read window at ..."
	Invalid  bool   // the budget could not be judged; not a breach, not a pass either
}

// String is the breach on one line.
func (b Breach) String() string {
	msg := b.Message
	if b.Invalid {
		msg = "INVALID: " + msg
	}
	return fmt.Sprintf("%s: %s: %s", b.Scenario, strings.TrimPrefix(b.Budget, BudgetPrefix), msg)
}

// Check judges s against the budgets that apply to it, without recording
// anything in s, and returns those it did not keep; none when b is nil or
// sets no limit for s. In a run the suite has judged the budgets already:
// read the verdicts with Breaches.
func (b *Budgets) Check(s result.Scenario) []Breach {
	var out []Breach
	for _, r := range b.Rules(s.Scenario, s.Labels) {
		if o, msg := r.Verdict(&s); o != check.Pass {
			out = append(out, Breach{Scenario: s.Scenario, Slug: s.Slug, Budget: r.Name, Message: msg, Invalid: o == check.Invalid})
		}
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

// Breaches are the budgets the scenarios of r did not keep, as the suite
// judged and recorded them: every assertion named with BudgetPrefix that
// did not pass, in order.
func Breaches(r result.Run) []Breach {
	var out []Breach
	for _, s := range r.Scenarios {
		for _, a := range s.Assertions {
			if strings.HasPrefix(a.Name, BudgetPrefix) && !a.Passed {
				out = append(out, Breach{Scenario: s.Scenario, Slug: s.Slug, Budget: a.Name, Message: a.Message, Invalid: a.Invalid})
			}
		}
	}
	return out
}

// Judged counts the budget verdicts recorded in r, kept or not.
func Judged(r result.Run) int {
	n := 0
	for _, s := range r.Scenarios {
		for _, a := range s.Assertions {
			if strings.HasPrefix(a.Name, BudgetPrefix) {
				n++
			}
		}
	}
	return n
}

// BreachTable prints the breaches as an aligned table: scenario, budget
// (with where it came from), verdict (the measurement, the worst window
// and its cause). With no breach it prints one line saying so.
func BreachTable(w io.Writer, bs []Breach) {
	if len(bs) == 0 {
		fmt.Fprintln(w, "no budget breached")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tbudget\tverdict")
	for _, b := range bs {
		msg := b.Message
		if b.Invalid {
			msg = "INVALID: " + msg
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", oneLine(b.Scenario), oneLine(strings.TrimPrefix(b.Budget, BudgetPrefix)), oneLine(msg))
	}
	tw.Flush()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

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
