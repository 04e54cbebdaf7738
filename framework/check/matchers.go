package check

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
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

// measured makes a rule INVALID on a run that recorded no op: nothing was
// measured, so there is nothing to judge.
func measured(judge func(s *result.Scenario) (Outcome, string)) func(s *result.Scenario) (Outcome, string) {
	return func(s *result.Scenario) (Outcome, string) {
		if s.Summary.Ops == 0 {
			return Invalid, "no ops recorded: nothing was measured"
		}
		return judge(s)
	}
}

// MaxOutageBelow passes when no outage window is longer than d: a window
// of exactly d is within the budget. A window that never ended (Open)
// fails it whatever its length: the client did not recover before the run
// ended.
func MaxOutageBelow(d time.Duration) Rule {
	return maxOutage("max outage ≤ "+budget(d), d, nil, nil)
}

// TotalOutageBelow passes when no client spent more than d in total inside
// outage windows (of any class, overlaps counted once): the worst client's
// total, see TotalOutageMS. An open window fails it.
func TotalOutageBelow(d time.Duration) Rule {
	return totalOutage("total outage per client ≤ "+budget(d), d, nil, nil)
}

// Scope holds the outage checks on some of the windows: those one step
// or fault caused (ForStep), or those of some clients (ForClients).
type Scope struct {
	label func() string // for names: "step-2: ", "clients w1, w2: "
	scope func() string // for messages: " caused by step-2"
	pick  windowsOf
}

// StepRef names a step of the plan: a handle from s.Step or scenario.Track
// (which knows its place once the plan is built), or a positional ID as
// the report shows it, StepID("step-4.2").
type StepRef interface {
	// StepIDs are the IDs of the timeline events the step became: its
	// own, or for a group every step in it.
	StepIDs() []string
}

// StepID is a step's positional ID as the report shows it ("step-4.2").
// Prefer a handle: a positional ID targets another step once a step is
// inserted before it.
type StepID string

// StepIDs is the ID itself.
func (id StepID) StepIDs() []string { return []string{string(id)} }

// ForStep restricts the outage checks to the windows the step caused:
// whose Causes include one of its IDs. A check on a step that is not in
// the scenario's plan fails.
func ForStep(ref StepRef) Scope {
	name := func() string {
		ids := ref.StepIDs()
		switch len(ids) {
		case 0:
			return "a step not in the plan"
		case 1:
			return ids[0]
		}
		return strings.Join(ids, "+")
	}
	return Scope{label: func() string { return name() + ": " }, scope: func() string { return " caused by " + name() }, pick: func(s *result.Scenario) ([]result.Window, error) {
		want := ref.StepIDs()
		var ids []string
		found := false
		for _, st := range s.Steps {
			if slices.Contains(want, st.ID) {
				found = true
			}
			ids = append(ids, st.ID)
		}
		if !found {
			return nil, fmt.Errorf("no step %s in this scenario (steps: %s)", name(), orNone(strings.Join(ids, ", ")))
		}
		var out []result.Window
		for _, w := range s.Windows {
			if slices.ContainsFunc(w.Causes, func(c string) bool { return slices.Contains(want, c) }) {
				out = append(out, w)
			}
		}
		return out, nil
	}}
}

// ForClients restricts the outage checks to the windows of the named
// clients: a budget for one group of clients. A check naming a client the
// scenario does not have fails.
func ForClients(names ...string) Scope {
	list := strings.Join(names, ", ")
	return Scope{label: func() string { return "clients " + list + ": " }, scope: func() string { return " of clients " + list }, pick: func(s *result.Scenario) ([]result.Window, error) {
		var all []string
		for _, c := range s.Clients {
			all = append(all, c.Name)
		}
		for _, n := range names {
			if !slices.Contains(all, n) {
				return nil, fmt.Errorf("no client %s in this scenario (clients: %s)", n, orNone(strings.Join(all, ", ")))
			}
		}
		var out []result.Window
		for _, w := range s.Windows {
			if slices.Contains(names, w.Client) {
				out = append(out, w)
			}
		}
		return out, nil
	}}
}

// ForGroup restricts the outage checks to the windows of the clients of
// the group the scenario named name (scenario.Named): a budget for the
// clients that use every member, another for those that see one. A check
// naming a group the scenario does not have fails.
func ForGroup(name string) Scope {
	return Scope{label: func() string { return "group " + name + ": " }, scope: func() string { return " of group " + name }, pick: func(s *result.Scenario) ([]result.Window, error) {
		var groups, members []string
		for _, c := range s.Clients {
			if c.Group != "" && !slices.Contains(groups, c.Group) {
				groups = append(groups, c.Group)
			}
			if c.Group == name {
				members = append(members, c.Name)
			}
		}
		if len(members) == 0 {
			return nil, fmt.Errorf("no client group %s in this scenario (groups: %s)", name, orNone(strings.Join(groups, ", ")))
		}
		var out []result.Window
		for _, w := range s.Windows {
			if slices.Contains(members, w.Client) {
				out = append(out, w)
			}
		}
		return out, nil
	}}
}

// MaxOutageBelow is MaxOutageBelow over the scope's windows.
func (c Scope) MaxOutageBelow(d time.Duration) Rule {
	r := maxOutage("max outage ≤ "+budget(d), d, c.scope, c.pick)
	r.named = func() string { return c.label() + "max outage ≤ " + budget(d) }
	return r
}

// TotalOutageBelow is TotalOutageBelow over the scope's windows.
func (c Scope) TotalOutageBelow(d time.Duration) Rule {
	r := totalOutage("total outage per client ≤ "+budget(d), d, c.scope, c.pick)
	r.named = func() string { return c.label() + "total outage per client ≤ " + budget(d) }
	return r
}

type windowsOf func(s *result.Scenario) ([]result.Window, error)

func allWindows(s *result.Scenario) ([]result.Window, error) { return s.Windows, nil }

// outageRule is what the outage budgets share: INVALID without ops, pick
// the windows, pass when there are none, fail on a window that never ended
// (whatever the budget), and otherwise let judge decide on the closed
// windows.
func outageRule(name string, d time.Duration, scope func() string, of windowsOf, judge func(*result.Scenario, []result.Window) (Outcome, string)) Rule {
	if of == nil {
		of = allWindows
	}
	if scope == nil {
		scope = func() string { return "" }
	}
	return Rule{Name: name, Judge: measured(func(s *result.Scenario) (Outcome, string) {
		ws, err := of(s)
		if err != nil {
			return Fail, err.Error()
		}
		if len(ws) == 0 {
			return Pass, "no outage window" + scope()
		}
		if open := openWindows(ws); len(open) > 0 {
			w := longest(open)
			return Fail, fmt.Sprintf("outage never ended (budget %s): %s", budget(d), describe(s, w))
		}
		return judge(s, ws)
	})}
}

func maxOutage(name string, d time.Duration, scope func() string, of windowsOf) Rule {
	return outageRule(name, d, scope, of, func(s *result.Scenario, ws []result.Window) (Outcome, string) {
		w := longest(ws)
		o, word := within(w.DurationMS, ms(d))
		return o, fmt.Sprintf("max outage %s %s budget %s: %s", format.MS(w.DurationMS), word, budget(d), describe(s, w))
	})
}

func totalOutage(name string, d time.Duration, scope func() string, of windowsOf) Rule {
	return outageRule(name, d, scope, of, func(s *result.Scenario, ws []result.Window) (Outcome, string) {
		worst, total := worstClient(ws)
		var cw []result.Window
		for _, w := range ws {
			if w.Client == worst {
				cw = append(cw, w)
			}
		}
		o, word := within(total, ms(d))
		return o, fmt.Sprintf("total outage %s %s budget %s for client %s (%d %s; longest: %s)",
			format.MS(total), word, budget(d), worst, len(cw), plural(len(cw), "window", "windows"), describe(s, longest(cw)))
	})
}

// within is the one budget rule: a measurement at most its budget passes.
func within(v, budget float64) (Outcome, string) {
	if v <= budget {
		return Pass, "≤"
	}
	return Fail, ">"
}

// TotalOutageMS is what "total outage" means everywhere in hatest (the
// TotalOutageBelow rules, the total_outage budget, hatest compare): the
// time the worst client spent inside outage windows, of any class, with
// overlapping windows counted once.
func TotalOutageMS(ws []result.Window) float64 {
	_, t := worstClient(ws)
	return t
}

// worstClient is the client with the most time inside windows (the first
// by name of equals) and that time; "" and 0 without windows.
func worstClient(ws []result.Window) (string, float64) {
	per := map[string][]result.Window{}
	for _, w := range ws {
		per[w.Client] = append(per[w.Client], w)
	}
	worst, total := "", 0.0
	for c, cw := range per {
		if t := unionMS(cw); worst == "" || t > total || (t == total && c < worst) {
			worst, total = c, t
		}
	}
	return worst, total
}

// NoUnexpectedOutage passes when every window has a cause that declared
// it expects an outage.
func NoUnexpectedOutage() Rule {
	return Rule{Name: "no unexpected outage", Judge: measured(func(s *result.Scenario) (Outcome, string) {
		var bad []result.Window
		for _, w := range s.Windows {
			if !w.Expected {
				bad = append(bad, w)
			}
		}
		if len(bad) == 0 {
			return Pass, fmt.Sprintf("no unexpected outage (%d expected %s)", len(s.Windows), plural(len(s.Windows), "window", "windows"))
		}
		return Fail, fmt.Sprintf("%d unexpected outage %s, longest: %s", len(bad), plural(len(bad), "window", "windows"), describe(s, longest(bad)))
	})}
}

// OutageEnds passes when every outage window ended with a good answer
// before the run did (no Open window): the negative control for a client
// that never reconnects.
func OutageEnds() Rule {
	return Rule{Name: "every outage ends", Judge: measured(func(s *result.Scenario) (Outcome, string) {
		open := openWindows(s.Windows)
		if len(open) == 0 {
			return Pass, fmt.Sprintf("every outage window ended (%d %s)", len(s.Windows), plural(len(s.Windows), "window", "windows"))
		}
		return Fail, fmt.Sprintf("%d outage %s never ended, longest: %s", len(open), plural(len(open), "window", "windows"), describe(s, longest(open)))
	})}
}

// NoLostWrites passes when the read-back found every acknowledged write.
// It fails when a write was lost: the read-back found it missing or older;
// each example names the version that acknowledged it.
// Otherwise it is INVALID when some acknowledged writes were never read
// back (Integrity.Unchecked, or no read-back at all for a client with
// acknowledged writes, Checked false): they are unchecked, not lost.
func NoLostWrites() Rule {
	return Rule{Name: "no lost writes", Judge: measured(func(s *result.Scenario) (Outcome, string) {
		in := s.Integrity
		unchecked := in.Unchecked
		if !in.Checked && unchecked == 0 {
			unchecked = max(in.AckedWrites-in.ReadBack-len(in.Lost), 0)
		}
		if n := len(in.Lost); n > 0 {
			var ex []string
			for _, l := range in.Lost[:min(n, 3)] {
				by := ""
				if l.Version != "" {
					by = " by " + l.Version
				}
				ex = append(ex, fmt.Sprintf("client %s key %s seq %d acknowledged%s at %s, found %s", l.Client, l.Key, l.Seq, by, format.MS(l.AckMS), l.Found))
			}
			more := ""
			if n > 3 {
				more = fmt.Sprintf("; and %d more", n-3)
			}
			msg := fmt.Sprintf("%d of %d acknowledged writes lost: %s%s", n, in.AckedWrites, strings.Join(ex, "; "), more)
			if unchecked > 0 {
				msg += fmt.Sprintf(" (and %d never read back: unchecked, not lost)", unchecked)
			}
			return Fail, msg
		}
		if unchecked > 0 || !in.Checked {
			return Invalid, fmt.Sprintf("%d acknowledged %s never read back; unchecked, not lost (%d of %d found)",
				unchecked, plural(unchecked, "write was", "writes were"), in.ReadBack, in.AckedWrites)
		}
		applied := ""
		if in.AppliedFailed > 0 {
			applied = fmt.Sprintf(", %d of them applied anyway", in.AppliedFailed)
		}
		if in.AckedWrites == 0 {
			return Pass, fmt.Sprintf("no acknowledged writes to check (%d failed writes indeterminate%s)", in.Indeterminate, applied)
		}
		return Pass, fmt.Sprintf("all %d acknowledged writes found (%d failed writes indeterminate%s)", in.AckedWrites, in.Indeterminate, applied)
	})}
}

// NoSplitBrain passes when no two servers acknowledged writes as primary
// at the same time.
func NoSplitBrain() Rule {
	return Rule{Name: "no split brain", Judge: measured(func(s *result.Scenario) (Outcome, string) {
		if sb := s.Integrity.SplitBrain; len(sb) > 0 {
			return Fail, strings.Join(sb, "; ")
		}
		return Pass, "at most one primary acknowledged writes at a time"
	})}
}

// ErrorRateBelow passes when the fraction of failed ops (latency budget
// included) is at most f.
func ErrorRateBelow(f float64) Rule {
	limit := format.Percent(f)
	return Rule{Name: "error rate ≤ " + limit, Judge: measured(func(s *result.Scenario) (Outcome, string) {
		sm := s.Summary
		o, word := within(sm.ErrorRate, f)
		return o, fmt.Sprintf("error rate %s (%d of %d ops) %s %s", format.Rate(sm.ErrorRate), sm.FailedOps, sm.Ops, word, limit)
	})}
}

// LastServedBy passes when every client's last successful op was served
// by version. A client that never got an answer fails it.
func LastServedBy(version string) Rule {
	return Rule{Name: "last served by " + version, Judge: measured(func(s *result.Scenario) (Outcome, string) {
		if len(s.Clients) == 0 {
			return Invalid, "no clients: nothing was measured"
		}
		var bad []string
		for _, c := range s.Clients {
			switch c.LastVersion {
			case version:
			case "":
				bad = append(bad, fmt.Sprintf("%s (never answered)", c.Name))
			default:
				bad = append(bad, fmt.Sprintf("%s (last served by %s at %s)", c.Name, c.LastVersion, format.MS(c.LastOKMS)))
			}
		}
		if len(bad) > 0 {
			return Fail, fmt.Sprintf("%d of %d clients not last served by %s: %s", len(bad), len(s.Clients), version, strings.Join(bad, ", "))
		}
		return Pass, fmt.Sprintf("all %d clients last served by %s", len(s.Clients), version)
	})}
}

// describe names a window for a person: client, class, start, length,
// causes with their descriptions, reasons.
func describe(s *result.Scenario, w result.Window) string {
	var b strings.Builder
	fmt.Fprintf(&b, "client %s %s window at %s for %s", w.Client, w.Class, format.MS(w.StartMS), format.MS(w.DurationMS))
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
	ivs := make([]timeline.Interval, len(ws))
	for i, w := range ws {
		ivs[i] = timeline.Interval{Start: msToNS(w.StartMS), End: msToNS(w.EndMS)}
	}
	return ms(timeline.Total(timeline.Union(ivs)))
}

// msToNS is a time in milliseconds in whole nanoseconds.
func msToNS(v float64) int64 { return int64(math.Round(v * 1e6)) }

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// budget is a configured length as it was given: "2000ms", "2.5ms".
func budget(d time.Duration) string { return format.ExactMS(ms(d)) }

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
func RefusedWith(reason string) Rule {
	return Rule{Name: fmt.Sprintf("every op refused with %q", reason), Judge: measured(func(s *result.Scenario) (Outcome, string) {
		sm := s.Summary
		if sm.FailedOps != sm.Ops {
			return Fail, fmt.Sprintf("%d of %d ops succeeded; an incompatible pair must be refused every time", sm.Ops-sm.FailedOps, sm.Ops)
		}
		for _, w := range s.Windows {
			for _, r := range w.Reasons {
				if !strings.Contains(r, reason) {
					return Fail, fmt.Sprintf("client %s %s failed with %q, not with %q", w.Client, w.Class, r, reason)
				}
			}
		}
		return Pass, fmt.Sprintf("all %d ops refused with %q", sm.Ops, reason)
	})}
}
