package check

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/result"
)

// ErrNoScenario is the error of a matcher given something that is neither
// a *result.Scenario nor has a Result() *result.Scenario method.
var ErrNoScenario = errors.New("check: actual is not a scenario result")

// Resulter is anything that can give its scenario result.
type Resulter interface {
	Result() *result.Scenario
}

func scenarioOf(actual any) (*result.Scenario, error) {
	switch a := actual.(type) {
	case *result.Scenario:
		if a != nil {
			return a, nil
		}
	case Resulter:
		if s := a.Result(); s != nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%w: got %T", ErrNoScenario, actual)
}

// matcher is every check: a name and a pure verdict. Match records the
// verdict in the scenario's Assertions; FailureMessage recomputes it, so a
// matcher holds no state and can be shared.
type matcher struct {
	name    string
	verdict func(s *result.Scenario) (bool, string)
}

func (m matcher) String() string { return m.name }

// Match computes the verdict and appends it to the scenario's Assertions.
func (m matcher) Match(actual any) (bool, error) {
	s, err := scenarioOf(actual)
	if err != nil {
		return false, fmt.Errorf("%s: %w", m.name, err)
	}
	ok, msg := m.verdict(s)
	s.Assertions = append(s.Assertions, result.Assertion{Name: m.name, Passed: ok, Message: msg})
	return ok, nil
}

func (m matcher) FailureMessage(actual any) string {
	s, err := scenarioOf(actual)
	if err != nil {
		return fmt.Sprintf("%s: %v", m.name, err)
	}
	_, msg := m.verdict(s)
	return msg
}

func (m matcher) NegatedFailureMessage(actual any) string {
	s, err := scenarioOf(actual)
	if err != nil {
		return fmt.Sprintf("%s: %v", m.name, err)
	}
	_, msg := m.verdict(s)
	return fmt.Sprintf("expected %q to fail, but: %s", m.name, msg)
}

// MaxOutageBelow passes when every outage window is shorter than d. A
// window that never ended (Open) fails it whatever its length: the client
// did not recover before the run ended.
func MaxOutageBelow(d time.Duration) types.GomegaMatcher {
	return maxOutage("max outage < "+fmtBudget(d), d, "", nil)
}

// TotalOutageBelow passes when every client spent less than d in total
// inside outage windows (of any class, overlaps counted once). An open
// window fails it.
func TotalOutageBelow(d time.Duration) types.GomegaMatcher {
	return totalOutage("total outage per client < "+fmtBudget(d), d, "", nil)
}

// StepCheck holds checks on the windows one step or fault caused.
type StepCheck struct{ id string }

// ForStep restricts the outage checks to windows whose Causes include id.
// A check on an id that is not among the scenario's steps fails.
func ForStep(id string) StepCheck { return StepCheck{id} }

// MaxOutageBelow is MaxOutageBelow over the windows the step caused.
func (c StepCheck) MaxOutageBelow(d time.Duration) types.GomegaMatcher {
	return maxOutage(c.id+": max outage < "+fmtBudget(d), d, c.id, c.windows)
}

// TotalOutageBelow is TotalOutageBelow over the windows the step caused.
func (c StepCheck) TotalOutageBelow(d time.Duration) types.GomegaMatcher {
	return totalOutage(c.id+": total outage per client < "+fmtBudget(d), d, c.id, c.windows)
}

func (c StepCheck) windows(s *result.Scenario) ([]result.Window, error) {
	var ids []string
	for _, st := range s.Steps {
		if st.ID == c.id {
			var out []result.Window
			for _, w := range s.Windows {
				if slices.Contains(w.Causes, c.id) {
					out = append(out, w)
				}
			}
			return out, nil
		}
		ids = append(ids, st.ID)
	}
	return nil, fmt.Errorf("no step %s in this scenario (steps: %s)", c.id, orNone(strings.Join(ids, ", ")))
}

type windowsOf func(s *result.Scenario) ([]result.Window, error)

func allWindows(s *result.Scenario) ([]result.Window, error) { return s.Windows, nil }

func scope(id string) string {
	if id == "" {
		return ""
	}
	return " caused by " + id
}

// outageMatcher is what the outage budgets share: pick the windows, pass
// when there are none, fail on a window that never ended (whatever the
// budget), and otherwise let judge decide on the closed windows.
func outageMatcher(name string, d time.Duration, id string, of windowsOf, judge func(*result.Scenario, []result.Window) (bool, string)) types.GomegaMatcher {
	if of == nil {
		of = allWindows
	}
	return matcher{name, func(s *result.Scenario) (bool, string) {
		ws, err := of(s)
		if err != nil {
			return false, err.Error()
		}
		if len(ws) == 0 {
			return true, "no outage window" + scope(id)
		}
		if open := openWindows(ws); len(open) > 0 {
			w := longest(open)
			return false, fmt.Sprintf("outage never ended (budget %s): %s", fmtBudget(d), describe(s, w))
		}
		return judge(s, ws)
	}}
}

func maxOutage(name string, d time.Duration, id string, of windowsOf) types.GomegaMatcher {
	return outageMatcher(name, d, id, of, func(s *result.Scenario, ws []result.Window) (bool, string) {
		w := longest(ws)
		if w.DurationMS < ms(d) {
			return true, fmt.Sprintf("max outage %s < budget %s: %s", fmtMS(w.DurationMS), fmtBudget(d), describe(s, w))
		}
		return false, fmt.Sprintf("max outage %s %s budget %s: %s", fmtMS(w.DurationMS), over(w.DurationMS, d), fmtBudget(d), describe(s, w))
	})
}

func totalOutage(name string, d time.Duration, id string, of windowsOf) types.GomegaMatcher {
	return outageMatcher(name, d, id, of, func(s *result.Scenario, ws []result.Window) (bool, string) {
		per := map[string][]result.Window{}
		for _, w := range ws {
			per[w.Client] = append(per[w.Client], w)
		}
		worst, total := "", -1.0
		for c, cw := range per {
			if t := unionMS(cw); t > total || (t == total && c < worst) {
				worst, total = c, t
			}
		}
		cw := per[worst]
		word := "<"
		if total >= ms(d) {
			word = over(total, d)
		}
		msg := fmt.Sprintf("total outage %s %s budget %s for client %s (%d %s; longest: %s)",
			fmtMS(total), word, fmtBudget(d), worst, len(cw), plural(len(cw), "window", "windows"), describe(s, longest(cw)))
		return total < ms(d), msg
	})
}

// NoUnexpectedOutage passes when every window has a cause that declared
// it expects an outage.
func NoUnexpectedOutage() types.GomegaMatcher {
	return matcher{"no unexpected outage", func(s *result.Scenario) (bool, string) {
		var bad []result.Window
		for _, w := range s.Windows {
			if !w.Expected {
				bad = append(bad, w)
			}
		}
		if len(bad) == 0 {
			return true, fmt.Sprintf("no unexpected outage (%d expected %s)", len(s.Windows), plural(len(s.Windows), "window", "windows"))
		}
		return false, fmt.Sprintf("%d unexpected outage %s, longest: %s", len(bad), plural(len(bad), "window", "windows"), describe(s, longest(bad)))
	}}
}

// OutageEnds passes when every outage window ended with a good answer
// before the run did (no Open window): the negative control for a client
// that never reconnects.
func OutageEnds() types.GomegaMatcher {
	return matcher{"every outage ends", func(s *result.Scenario) (bool, string) {
		open := openWindows(s.Windows)
		if len(open) == 0 {
			return true, fmt.Sprintf("every outage window ended (%d %s)", len(s.Windows), plural(len(s.Windows), "window", "windows"))
		}
		return false, fmt.Sprintf("%d outage %s never ended, longest: %s", len(open), plural(len(open), "window", "windows"), describe(s, longest(open)))
	}}
}

// NoLostWrites passes when the read-back found every acknowledged write.
// It fails when the read-back was not done for a client that has
// acknowledged writes (Integrity.Checked is false).
func NoLostWrites() types.GomegaMatcher {
	return matcher{"no lost writes", func(s *result.Scenario) (bool, string) {
		in := s.Integrity
		var parts []string
		if !in.Checked {
			parts = append(parts, fmt.Sprintf("integrity not checked: %d acknowledged writes, but a client with acknowledged writes wrote no read-back lines", in.AckedWrites))
		}
		if n := len(in.Lost); n > 0 {
			var ex []string
			for _, l := range in.Lost[:min(n, 3)] {
				ex = append(ex, fmt.Sprintf("client %s key %s seq %d acknowledged at %s, found %s", l.Client, l.Key, l.Seq, fmtMS(l.AckMS), l.Found))
			}
			more := ""
			if n > 3 {
				more = fmt.Sprintf("; and %d more", n-3)
			}
			parts = append(parts, fmt.Sprintf("%d of %d acknowledged writes lost: %s%s", n, in.AckedWrites, strings.Join(ex, "; "), more))
		}
		if len(parts) > 0 {
			return false, strings.Join(parts, "; ")
		}
		if in.AckedWrites == 0 {
			return true, fmt.Sprintf("no acknowledged writes to check (%d failed writes indeterminate)", in.Indeterminate)
		}
		return true, fmt.Sprintf("all %d acknowledged writes found (%d failed writes indeterminate)", in.AckedWrites, in.Indeterminate)
	}}
}

// NoSplitBrain passes when no two servers acknowledged writes as primary
// at the same time.
func NoSplitBrain() types.GomegaMatcher {
	return matcher{"no split brain", func(s *result.Scenario) (bool, string) {
		if sb := s.Integrity.SplitBrain; len(sb) > 0 {
			return false, strings.Join(sb, "; ")
		}
		return true, "at most one primary acknowledged writes at a time"
	}}
}

// ErrorRateBelow passes when the fraction of failed ops (latency budget
// included) is below f. A run without ops fails: there is nothing to rate.
func ErrorRateBelow(f float64) types.GomegaMatcher {
	budget := fmtPct(f)
	return matcher{"error rate < " + budget, func(s *result.Scenario) (bool, string) {
		sm := s.Summary
		if sm.Ops == 0 {
			return false, "no ops recorded"
		}
		if sm.ErrorRate < f {
			return true, fmt.Sprintf("error rate %s (%d of %d ops) < %s", fmtRate(sm.ErrorRate), sm.FailedOps, sm.Ops, budget)
		}
		return false, fmt.Sprintf("error rate %s (%d of %d ops) >= %s", fmtRate(sm.ErrorRate), sm.FailedOps, sm.Ops, budget)
	}}
}

// LastServedBy passes when every client's last successful op was served
// by version. A client that never got an answer, or a run without
// clients, fails it.
func LastServedBy(version string) types.GomegaMatcher {
	return matcher{"last served by " + version, func(s *result.Scenario) (bool, string) {
		if len(s.Clients) == 0 {
			return false, "no clients"
		}
		var bad []string
		for _, c := range s.Clients {
			switch c.LastVersion {
			case version:
			case "":
				bad = append(bad, fmt.Sprintf("%s (never answered)", c.Name))
			default:
				bad = append(bad, fmt.Sprintf("%s (last served by %s at %s)", c.Name, c.LastVersion, fmtMS(c.LastOKMS)))
			}
		}
		if len(bad) > 0 {
			return false, fmt.Sprintf("%d of %d clients not last served by %s: %s", len(bad), len(s.Clients), version, strings.Join(bad, ", "))
		}
		return true, fmt.Sprintf("all %d clients last served by %s", len(s.Clients), version)
	}}
}

// Evaluate runs every matcher on s, so that every verdict is recorded in
// s.Assertions (a matcher of another package that records nothing gets an
// assertion here), and returns the failure messages joined, or nil when
// all passed.
func Evaluate(s *result.Scenario, ms ...types.GomegaMatcher) error {
	if s == nil {
		return fmt.Errorf("evaluate: %w: got nil", ErrNoScenario)
	}
	var errs []error
	for _, m := range ms {
		before := len(s.Assertions)
		ok, err := m.Match(s)
		msg := "passed"
		switch {
		case err != nil:
			msg = err.Error()
		case !ok:
			msg = m.FailureMessage(s)
		}
		passed := ok && err == nil
		if len(s.Assertions) == before {
			s.Assertions = append(s.Assertions, result.Assertion{Name: nameOf(m), Passed: passed, Message: msg})
		}
		if !passed {
			errs = append(errs, errors.New(msg))
		}
	}
	return errors.Join(errs...)
}

func nameOf(m types.GomegaMatcher) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", m)
}

// describe names a window for a person: client, class, start, length,
// causes with their descriptions, reasons.
func describe(s *result.Scenario, w result.Window) string {
	var b strings.Builder
	fmt.Fprintf(&b, "client %s %s window at %s for %s", w.Client, w.Class, fmtMS(w.StartMS), fmtMS(w.DurationMS))
	if w.Open {
		b.WriteString(" (never ended: no good answer before the run ended)")
	}
	if len(w.Causes) == 0 {
		b.WriteString(", caused by nothing on the timeline")
	} else {
		desc := map[string]string{}
		for _, st := range s.Steps {
			desc[st.ID] = st.Desc
		}
		var cs []string
		for _, c := range w.Causes {
			if d := desc[c]; d != "" {
				cs = append(cs, fmt.Sprintf("%s (%s)", c, d))
			} else {
				cs = append(cs, c)
			}
		}
		b.WriteString(", caused by " + strings.Join(cs, ", "))
	}
	if len(w.Reasons) > 0 {
		b.WriteString(", reasons: " + strings.Join(w.Reasons, "; "))
	}
	return b.String()
}

// longest is the longest window, the earliest among equals.
func longest(ws []result.Window) result.Window {
	return slices.MaxFunc(ws, func(a, b result.Window) int {
		return cmp.Or(cmp.Compare(a.DurationMS, b.DurationMS), cmp.Compare(b.StartMS, a.StartMS))
	})
}

func openWindows(ws []result.Window) []result.Window {
	var out []result.Window
	for _, w := range ws {
		if w.Open {
			out = append(out, w)
		}
	}
	return out
}

// unionMS is the time covered by ws, overlaps counted once.
func unionMS(ws []result.Window) float64 {
	ws = slices.Clone(ws)
	slices.SortFunc(ws, func(a, b result.Window) int { return cmp.Compare(a.StartMS, b.StartMS) })
	var total, s, e float64
	started := false
	for _, w := range ws {
		if started && w.StartMS <= e {
			e = max(e, w.EndMS)
			continue
		}
		if started {
			total += e - s
		}
		s, e, started = w.StartMS, w.EndMS, true
	}
	if started {
		total += e - s
	}
	return total
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func over(v float64, d time.Duration) string {
	if v == ms(d) {
		return "="
	}
	return ">"
}

func fmtMS(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "ms" }

// fmtBudget formats a budget without a needless decimal: "2000ms", "2.5ms".
func fmtBudget(d time.Duration) string { return strconv.FormatFloat(ms(d), 'f', -1, 64) + "ms" }

// fmtPct formats a budget fraction as a percentage: 0.01 is "1%", 0.07
// is "7%" (not 7.000000000000001%).
func fmtPct(f float64) string { return fmt.Sprintf("%.4g%%", f*100) }

// fmtRate formats a measured fraction as a percentage with two decimals.
func fmtRate(f float64) string { return fmt.Sprintf("%.2f%%", f*100) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// RefusedWith passes when the service refused every op, each for a reason
// that contains reason: the expected result of an incompatible client and
// driver pair ("incompatible protocol"). A pair that half works, or fails
// for any other reason, fails it: an incompatibility must be clear.
func RefusedWith(reason string) types.GomegaMatcher {
	return matcher{fmt.Sprintf("every op refused with %q", reason), func(s *result.Scenario) (bool, string) {
		sm := s.Summary
		if sm.Ops == 0 {
			return false, "no ops recorded"
		}
		if sm.FailedOps != sm.Ops {
			return false, fmt.Sprintf("%d of %d ops succeeded; an incompatible pair must be refused every time", sm.Ops-sm.FailedOps, sm.Ops)
		}
		for _, w := range s.Windows {
			for _, r := range w.Reasons {
				if !strings.Contains(r, reason) {
					return false, fmt.Sprintf("client %s %s failed with %q, not with %q", w.Client, w.Class, r, reason)
				}
			}
		}
		return true, fmt.Sprintf("all %d ops refused with %q", sm.Ops, reason)
	}}
}
