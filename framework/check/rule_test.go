package check

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	gtypes "github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/result"
)

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{Pass: result.StatusPassed, Fail: result.StatusFailed, Invalid: result.StatusInvalid, 7: "Outcome(7)"} {
		if o.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(o), o.String(), want)
		}
	}
}

// TestRuleOutcomes runs one custom rule per outcome through Match, Gomega
// and Evaluate.
func TestRuleOutcomes(t *testing.T) {
	rule := func(o Outcome) Rule {
		return Rule{Name: "custom " + o.String(), Judge: func(*result.Scenario) (Outcome, string) { return o, "said " + o.String() }}
	}
	for _, c := range []struct {
		o               Outcome
		to, notTo, eval bool // whether Expect(s).To, Expect(s).NotTo and Evaluate pass
	}{
		{Pass, true, false, true},
		{Fail, false, true, false},
		// An invalid rule passes neither way: no verdict on bad numbers.
		{Invalid, false, false, false},
	} {
		t.Run(c.o.String(), func(t *testing.T) {
			s := base()
			var failures []string
			g := gomega.NewGomega(func(message string, _ ...int) { failures = append(failures, message) })
			if got := g.Expect(s).To(rule(c.o)); got != c.to {
				t.Errorf("To = %v, want %v (%v)", got, c.to, failures)
			}
			if got := g.Expect(s).NotTo(rule(c.o)); got != c.notTo {
				t.Errorf("NotTo = %v, want %v (%v)", got, c.notTo, failures)
			}
			if c.o == Invalid && (len(failures) != 2 || !strings.Contains(failures[0], "invalid: said invalid")) {
				t.Errorf("Gomega failures of an invalid rule: %q", failures)
			}
			err := Evaluate(s, rule(c.o))
			if (err == nil) != c.eval {
				t.Errorf("Evaluate = %v, want passing %v", err, c.eval)
			}
			if c.o == Invalid && (err == nil || err.Error() != "invalid: said invalid") {
				t.Errorf("Evaluate error %v, want %q", err, "invalid: said invalid")
			}
			if len(s.Assertions) != 3 {
				t.Fatalf("%d assertions, want 3 (one per run)", len(s.Assertions))
			}
			for _, a := range s.Assertions {
				want := result.Assertion{Name: "custom " + c.o.String(), Passed: c.o == Pass, Invalid: c.o == Invalid, Message: "said " + c.o.String()}
				if a != want {
					t.Errorf("assertion %+v, want %+v", a, want)
				}
			}
		})
	}
	s := base()
	if o, msg := (Rule{Name: "empty"}).Verdict(s); o != Invalid || msg != "rule empty has no judge" {
		t.Errorf("a rule without a judge: %v %q", o, msg)
	}
}

// wrapped hides a rule inside a foreign matcher that records nothing.
type wrapped struct{ Rule }

func (w wrapped) Match(actual any) (bool, error) {
	s := &result.Scenario{Summary: actual.(*result.Scenario).Summary} // judged on a copy: records nothing
	return w.Rule.Match(s)
}

func TestEvaluateForeignInvalid(t *testing.T) {
	s := base()
	s.Summary.Ops = 0
	err := Evaluate(s, wrapped{ErrorRateBelow(0.1)}, gomega.BeNil())
	if err == nil || !strings.HasPrefix(err.Error(), "invalid: no ops recorded") {
		t.Fatalf("Evaluate = %v", err)
	}
	if len(s.Assertions) != 2 || !s.Assertions[0].Invalid || s.Assertions[0].Passed || s.Assertions[1].Invalid {
		t.Fatalf("assertions %+v: want the wrapped rule invalid, BeNil failed", s.Assertions)
	}
}

func TestStatus(t *testing.T) {
	pass := result.Assertion{Name: "a", Passed: true}
	fail := result.Assertion{Name: "b", Message: "too long"}
	inv := result.Assertion{Name: "probe kept its schedule", Invalid: true, Message: "fell behind"}
	for _, c := range []struct {
		name  string
		as    []result.Assertion
		other bool
		want  string
	}{
		{"no assertions", nil, false, result.StatusPassed},
		{"all passed", []result.Assertion{pass, pass}, false, result.StatusPassed},
		{"one failed", []result.Assertion{pass, fail}, false, result.StatusFailed},
		{"invalid beats failed", []result.Assertion{fail, inv}, false, result.StatusInvalid},
		{"a step error beats invalid", []result.Assertion{inv}, true, result.StatusFailed},
		{"a step error alone", nil, true, result.StatusFailed},
	} {
		if got := Status(c.as, c.other); got != c.want {
			t.Errorf("%s: Status = %q, want %q", c.name, got, c.want)
		}
	}
	noOps := result.Assertion{Name: "error rate ≤ 1%", Invalid: true, Message: "no ops recorded: nothing was measured"}
	noOps2 := noOps
	noOps2.Name = "max outage ≤ 1ms"
	if got := Invalidity([]result.Assertion{pass, inv, fail, noOps, {Name: "op log complete", Invalid: true, Message: "gap"}, noOps2}); got != "fell behind; no ops recorded: nothing was measured; gap" {
		t.Errorf("Invalidity = %q", got)
	}
	if got := Invalidity([]result.Assertion{pass, fail}); got != "" {
		t.Errorf("Invalidity without invalid assertions = %q", got)
	}
}

// TestNothingMeasured: every rule on a run without ops is INVALID.
func TestNothingMeasured(t *testing.T) {
	for _, m := range []Rule{
		MaxOutageBelow(time.Second), TotalOutageBelow(time.Second), ForStep(StepID("step-2")).MaxOutageBelow(time.Second),
		ForClients("c1").TotalOutageBelow(time.Second), NoUnexpectedOutage(), OutageEnds(), NoLostWrites(),
		NoSplitBrain(), ErrorRateBelow(0.5), LastServedBy("v2"), RefusedWith("x"),
	} {
		s := base()
		s.Summary = result.Summary{}
		if o, msg := m.Verdict(s); o != Invalid || msg != "no ops recorded: nothing was measured" {
			t.Errorf("%s on no ops: %v %q, want invalid", m.Name, o, msg)
		}
	}
}

// TestOpenWindowFails: an open window fails every outage budget, however
// short, and however generous the budget.
func TestOpenWindowFails(t *testing.T) {
	for _, m := range []Rule{
		MaxOutageBelow(time.Hour), TotalOutageBelow(time.Hour), ForClients("c1").MaxOutageBelow(time.Hour), OutageEnds(),
	} {
		s := base()
		s.Windows = append(s.Windows, result.Window{Client: "c1", Class: "read", StartMS: 9000, EndMS: 9001, DurationMS: 1, Open: true})
		if o, msg := m.Verdict(s); o != Fail || !strings.Contains(msg, "never ended") {
			t.Errorf("%s with an open window: %v %q, want a failure", m.Name, o, msg)
		}
	}
}

func TestTotalOutageMS(t *testing.T) {
	ws := []result.Window{
		{Client: "a", StartMS: 0, EndMS: 100},
		{Client: "a", StartMS: 50, EndMS: 150}, // overlaps: a has 150
		{Client: "b", StartMS: 0, EndMS: 120},
		{Client: "b", StartMS: 200, EndMS: 240}, // b has 160: the worst
	}
	if got := TotalOutageMS(ws); got != 160 {
		t.Errorf("TotalOutageMS = %v, want 160 (the worst client, overlaps once; not the sum 370)", got)
	}
	if got := TotalOutageMS(nil); got != 0 {
		t.Errorf("TotalOutageMS(nil) = %v", got)
	}
}

func TestForClients(t *testing.T) {
	s := base()
	// c1: 300 ms and 100 ms windows; c3: 400 ms.
	if o, msg := ForClients("c1").MaxOutageBelow(300 * time.Millisecond).Verdict(s); o != Pass || !strings.HasPrefix(msg, "max outage 300.0ms ≤ budget 300ms: client c1") {
		t.Errorf("c1 only: %v %q", o, msg)
	}
	r := ForClients("c1", "c3").MaxOutageBelow(300 * time.Millisecond)
	if o, msg := r.Verdict(s); o != Fail || !strings.HasPrefix(msg, "max outage 400.0ms > budget 300ms: client c3") {
		t.Errorf("c1 and c3: %v %q", o, msg)
	}
	if r.String() != "clients c1, c3: max outage ≤ 300ms" {
		t.Errorf("name %q", r.String())
	}
	if o, msg := ForClients("c9").MaxOutageBelow(time.Hour).Verdict(s); o != Fail || msg != "no client c9 in this scenario (clients: c1, c3)" {
		t.Errorf("unknown client: %v %q", o, msg)
	}
	s.Windows = s.Windows[:0]
	if o, msg := ForClients("c1").TotalOutageBelow(0).Verdict(s); o != Pass || msg != "no outage window of clients c1" {
		t.Errorf("no windows: %v %q", o, msg)
	}
}

// A group's budget sees its own clients' windows only: the balanced
// clients' 300 ms, not the single-member client's 400 ms.
func TestForGroup(t *testing.T) {
	s := base()
	s.Clients[0].Group = "all" // c1: 300 ms and 100 ms windows
	s.Clients[1].Group = "e1-only"
	if o, msg := ForGroup("all").MaxOutageBelow(300 * time.Millisecond).Verdict(s); o != Pass || !strings.HasPrefix(msg, "max outage 300.0ms ≤ budget 300ms: client c1") {
		t.Errorf("group all: %v %q", o, msg)
	}
	r := ForGroup("e1-only").MaxOutageBelow(300 * time.Millisecond)
	if o, msg := r.Verdict(s); o != Fail || !strings.HasPrefix(msg, "max outage 400.0ms > budget 300ms: client c3") {
		t.Errorf("group e1-only: %v %q", o, msg)
	}
	if r.String() != "group e1-only: max outage ≤ 300ms" {
		t.Errorf("name %q", r.String())
	}
	if o, msg := ForGroup("e9").MaxOutageBelow(time.Hour).Verdict(s); o != Fail || msg != "no client group e9 in this scenario (groups: all, e1-only)" {
		t.Errorf("unknown group: %v %q", o, msg)
	}
}

func TestNoLostWritesOutcomes(t *testing.T) {
	for _, c := range []struct {
		name string
		in   result.Integrity
		want Outcome
		msg  string
	}{
		{"all found, some failed writes applied", result.Integrity{AckedWrites: 10, ReadBack: 10, Indeterminate: 4, AppliedFailed: 3, Checked: true},
			Pass, "all 10 acknowledged writes found (4 failed writes indeterminate, 3 of them applied anyway)"},
		{"unchecked is not lost", result.Integrity{AckedWrites: 2548, ReadBack: 10, Unchecked: 2538, Checked: true},
			Invalid, "2538 acknowledged writes were never read back; unchecked, not lost (10 of 2548 found)"},
		{"one unchecked", result.Integrity{AckedWrites: 2, ReadBack: 1, Unchecked: 1, Checked: true},
			Invalid, "1 acknowledged write was never read back; unchecked, not lost (1 of 2 found)"},
		{"a client never read back", result.Integrity{AckedWrites: 20, ReadBack: 12, Checked: false},
			Invalid, "8 acknowledged writes were never read back; unchecked, not lost (12 of 20 found)"},
		{"lost beats unchecked", result.Integrity{AckedWrites: 20, ReadBack: 10, Unchecked: 9, Checked: true,
			Lost: []result.LostWrite{{Client: "c1", Key: "k", Seq: 3, AckMS: 5, Found: "missing"}}},
			Fail, "1 of 20 acknowledged writes lost: client c1 key k seq 3 acknowledged at 5.0ms, found missing (and 9 never read back: unchecked, not lost)"},
		{"the version that acknowledged a lost write", result.Integrity{AckedWrites: 500, ReadBack: 496, Checked: true,
			Lost: []result.LostWrite{
				{Client: "c1", Key: "c1-000123", Seq: 41, AckMS: 3200, Found: "missing", Version: "v2-lazy"},
				{Client: "c1", Key: "c1-000124", Seq: 42, AckMS: 3210, Found: "seq 40", Version: "v2-lazy"},
				{Client: "c2", Key: "c2-000007", Seq: 9, AckMS: 3300, Found: "missing"},
				{Client: "c2", Key: "c2-000008", Seq: 10, AckMS: 3400, Found: "missing", Version: "v1"},
			}},
			Fail, "4 of 500 acknowledged writes lost: client c1 key c1-000123 seq 41 acknowledged by v2-lazy at 3200.0ms, found missing; " +
				"client c1 key c1-000124 seq 42 acknowledged by v2-lazy at 3210.0ms, found seq 40; " +
				"client c2 key c2-000007 seq 9 acknowledged at 3300.0ms, found missing; and 1 more"},
	} {
		s := base()
		s.Integrity = c.in
		if o, msg := NoLostWrites().Verdict(s); o != c.want || msg != c.msg {
			t.Errorf("%s:\n got %v %q\nwant %v %q", c.name, o, msg, c.want, c.msg)
		}
	}
}

func TestOpLogComplete(t *testing.T) {
	for _, c := range []struct {
		name    string
		clients []result.Client
		want    Outcome
		msg     string
	}{
		{"complete", []result.Client{{Name: "c1", Ops: 10, Reported: 10}, {Name: "c2", Reported: 0}}, Pass, "all 2 clients' op logs are complete"},
		{"fewer recorded than sent", []result.Client{{Name: "c1", Ops: 10, Reported: 10}, {Name: "c2", Ops: 7, Reported: 9}},
			Invalid, "op log incomplete: client c2 says it sent 9 ops but 7 were recorded"},
		{"never reported", []result.Client{{Name: "c1", Ops: 10, Reported: -1}}, Invalid, "op log incomplete: client c1 never reported its totals (recorded 10 ops)"},
		{"unreadable line", []result.Client{{Name: "c1", Ops: 3, Reported: 3, BadLines: []string{"line 4: {oops"}}},
			Invalid, "op log incomplete: client c1 wrote 1 op-log lines hatest could not read, first: line 4: {oops"},
	} {
		s := &result.Scenario{Clients: c.clients}
		if o, msg := OpLogComplete().Verdict(s); o != c.want || msg != c.msg {
			t.Errorf("%s:\n got %v %q\nwant %v %q", c.name, o, msg, c.want, c.msg)
		}
	}
}

func TestProbeKeptSchedule(t *testing.T) {
	onTime := result.Schedule{Known: true, IntervalMS: 1, NominalRate: 1000, AchievedRate: 999.5, LagP50MS: 0.05, LagP99MS: 0.4, LagMaxMS: 2}
	slow := onTime
	slow.AchievedRate = 812.3
	late := onTime
	late.LagP99MS = 12.5
	noSched := result.Schedule{IntervalMS: 5, AchievedRate: 150} // nominal 200 from the interval
	for _, c := range []struct {
		name    string
		clients map[string]result.Schedule
		lag     bool // a window is the probe's own lag
		want    Outcome
		msg     string // a prefix when it ends in "..."
	}{
		{"every client on time", map[string]result.Schedule{"c1": onTime, "c2": onTime}, false, Pass,
			"2 of 2 clients kept their schedule; worst client c1: nominal 1,000 ops/s, achieved 999.5 ops/s (99.95%), lag p99 0.4ms against an interval of 1ms"},
		{"no schedule known", map[string]result.Schedule{"c1": {}}, false, Pass, "no client reports its interval: schedule not judged"},
		{"under 99% of nominal", map[string]result.Schedule{"c1": onTime, "c2": slow}, false, Invalid,
			"1 of 2 clients fell behind their schedule; worst client c2: nominal 1,000 ops/s, achieved 812.3 ops/s (81.23%), lag p99 0.4ms against an interval of 1ms"},
		{"lag p99 over one interval", map[string]result.Schedule{"c1": late, "c2": onTime}, false, Invalid,
			"1 of 2 clients fell behind their schedule; worst client c1: nominal 1,000 ops/s, achieved 999.5 ops/s (99.95%), lag p99 12.5ms against an interval of 1ms"},
		{"the worst of two behind", map[string]result.Schedule{"c1": late, "c2": slow}, false, Invalid,
			"2 of 2 clients fell behind their schedule; worst client c2: ..."},
		{"no sched, but the interval: rate only", map[string]result.Schedule{"c1": noSched}, false, Invalid,
			"1 of 1 clients fell behind their schedule; worst client c1: nominal 200 ops/s, achieved 150 ops/s (75%), interval 5ms, lag unknown (no sched in its op lines)"},
		{"a probe-lag window", map[string]result.Schedule{"c1": onTime}, true, Invalid,
			"1 window is the probe's own lag, longest: client c1 read window at 1200.0ms for 300.0ms..."},
	} {
		s := base()
		s.Clients = nil
		for _, name := range []string{"c1", "c2"} {
			if sc, ok := c.clients[name]; ok {
				s.Clients = append(s.Clients, result.Client{Name: name, Schedule: sc})
			}
		}
		s.Windows[0].ProbeLag = c.lag
		o, msg := ProbeKeptSchedule().Verdict(s)
		prefix, isPrefix := strings.CutSuffix(c.msg, "...")
		if o != c.want || (isPrefix && !strings.HasPrefix(msg, prefix)) || (!isPrefix && msg != c.msg) {
			t.Errorf("%s:\n got %v %q\nwant %v %q", c.name, o, msg, c.want, c.msg)
		}
	}
	// Exactly 99% of nominal and a lag p99 of exactly one interval keep it.
	edge := result.Schedule{Known: true, IntervalMS: 5, NominalRate: 200, AchievedRate: 198, LagP99MS: 5}
	if o, msg := ProbeKeptSchedule().Verdict(&result.Scenario{Clients: []result.Client{{Name: "c1", Schedule: edge}}}); o != Pass {
		t.Errorf("at the limits: %v %q, want a pass", o, msg)
	}
	if got := len(Builtins()); got != 2 {
		t.Errorf("Builtins has %d rules", got)
	}
}

func TestMatchRecordsInvalid(t *testing.T) {
	s := base()
	s.Clients[0].Reported = -1
	ok, err := OpLogComplete().Match(s)
	var inv *InvalidError
	if ok || !errors.As(err, &inv) || inv.Rule != OpLogComplete().Name {
		t.Fatalf("Match = %v, %v", ok, err)
	}
	if a := s.Assertions[0]; !a.Invalid || a.Passed {
		t.Fatalf("assertion %+v", a)
	}
}

// A wrapped rule (gomega.Not, Or, And) is one expectation: it gets one
// assertion, with the wrapper's verdict, never the verdicts of the rules
// inside it, so the status agrees with what Evaluate returned.
func TestWrappedRulesHaveTheWrappersVerdict(t *testing.T) {
	base := func() *result.Scenario {
		return &result.Scenario{Summary: result.Summary{Ops: 100}, Windows: []result.Window{{Client: "c1", Class: "read", StartMS: 10, EndMS: 20, DurationMS: 10, Open: true}}}
	}
	for _, tc := range []struct {
		name   string
		m      gtypes.GomegaMatcher
		passed bool
	}{
		{"not of a failing rule passes", gomega.Not(OutageEnds()), true},
		{"not of a passing rule fails", gomega.Not(NoSplitBrain()), false},
		{"or of a failing and a passing rule passes", gomega.Or(OutageEnds(), NoSplitBrain()), true},
		{"and of a failing and a passing rule fails", gomega.And(NoSplitBrain(), OutageEnds()), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			err := Evaluate(s, tc.m)
			if (err == nil) != tc.passed {
				t.Fatalf("Evaluate: %v; want passed %v", err, tc.passed)
			}
			if len(s.Assertions) != 1 || s.Assertions[0].Passed != tc.passed {
				t.Fatalf("assertions %+v; want one, passed %v", s.Assertions, tc.passed)
			}
			want := result.StatusFailed
			if tc.passed {
				want = result.StatusPassed
			}
			if got := Status(s.Assertions, false); got != want {
				t.Fatalf("status %s, want %s (assertion %q)", got, want, s.Assertions[0].Name)
			}
		})
	}
}
