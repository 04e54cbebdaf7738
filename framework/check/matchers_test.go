package check

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/hatest/hatest/framework/result"
)

// base is a passing scenario: two expected windows caused by an upgrade,
// clean integrity, all clients on v2.
func base() *result.Scenario {
	return &result.Scenario{
		Scenario: "overlord upgrade",
		Steps: []result.Step{
			{ID: "step-1", Desc: "warm up", Kind: "step"},
			{ID: "step-2", Desc: "upgrade driver v1 -> v2 via overlord", Kind: "step", ExpectOutage: true},
			{ID: "fault-1", Desc: "kill driver", Kind: "fault", ExpectOutage: true},
		},
		Windows: []result.Window{
			{Client: "c1", Class: "read", StartMS: 1200, EndMS: 1500, DurationMS: 300, Failed: 30,
				Reasons: []string{"dial: connection refused"}, Causes: []string{"step-2"}, Expected: true},
			{Client: "c3", Class: "write", StartMS: 1204.5, EndMS: 1604.5, DurationMS: 400, Failed: 40,
				Reasons: []string{"dial: connection refused", "eof"}, Causes: []string{"step-2"}, Expected: true},
			{Client: "c3", Class: "read", StartMS: 1300, EndMS: 1500, DurationMS: 200, Failed: 20,
				Reasons: []string{"eof"}, Causes: []string{"step-2"}, Expected: true},
			{Client: "c1", Class: "read", StartMS: 5000, EndMS: 5100, DurationMS: 100, Failed: 10,
				Reasons: []string{"eof"}, Causes: []string{"fault-1"}, Expected: true},
		},
		Summary: result.Summary{Ops: 10000, FailedOps: 100, ErrorRate: 0.01},
		Clients: []result.Client{
			{Name: "c1", LastVersion: "v2", LastOKMS: 9000},
			{Name: "c3", LastVersion: "v2", LastOKMS: 9001},
		},
		Integrity: result.Integrity{AckedWrites: 1200, ReadBack: 1200, Indeterminate: 31, Checked: true,
			Lost: []result.LostWrite{}, SplitBrain: []string{}},
	}
}

func TestMatchers(t *testing.T) {
	tests := []struct {
		name    string
		m       Rule
		mutate  func(s *result.Scenario)
		pass    bool
		invalid bool
		message string // exact, or a prefix when it ends in "..."
	}{
		{
			name: "max outage below: passes", m: MaxOutageBelow(2 * time.Second), pass: true,
			message: "max outage 400.0ms ≤ budget 2000ms: client c3 write window at 1204.5ms for 400.0ms, caused by step-2 (upgrade driver v1 -> v2 via overlord), reasons: dial: connection refused; eof",
		},
		{
			name: "max outage below: fails naming the worst window",
			m:    MaxOutageBelow(2 * time.Second),
			mutate: func(s *result.Scenario) {
				s.Windows[1].DurationMS, s.Windows[1].EndMS = 2314.2, 1204.5+2314.2
				s.Windows[1].Reasons = []string{"dial: connection refused"}
			},
			message: "max outage 2314.2ms > budget 2000ms: client c3 write window at 1204.5ms for 2314.2ms, caused by step-2 (upgrade driver v1 -> v2 via overlord), reasons: dial: connection refused",
		},
		{
			name: "max outage below: equal is within the budget", m: MaxOutageBelow(400 * time.Millisecond), pass: true,
			message: "max outage 400.0ms ≤ budget 400ms: ...",
		},
		{
			name: "max outage below: an open window fails however short",
			m:    MaxOutageBelow(2 * time.Second),
			mutate: func(s *result.Scenario) {
				s.Windows = append(s.Windows, result.Window{Client: "c2", Class: "read", StartMS: 9000, EndMS: 9010, DurationMS: 10, Open: true, Reasons: []string{"eof"}})
			},
			message: "outage never ended (budget 2000ms): client c2 read window at 9000.0ms for 10.0ms (never ended: no good answer before the run ended), caused by nothing on the timeline, reasons: eof",
		},
		{
			name: "max outage below: no windows", m: MaxOutageBelow(time.Millisecond), pass: true,
			mutate: func(s *result.Scenario) { s.Windows = nil }, message: "no outage window",
		},
		{
			name: "total outage below: per client, overlaps once", m: TotalOutageBelow(600 * time.Millisecond), pass: true,
			// c1: 300 + 100 = 400; c3: write 1204.5-1604.5 and read 1300-1500 overlap: 400.
			message: "total outage 400.0ms ≤ budget 600ms for client c1 (2 windows; longest: client c1 read window at 1200.0ms for 300.0ms, ...",
		},
		{
			name: "total outage below: fails on the worst client", m: TotalOutageBelow(400 * time.Millisecond),
			mutate:  func(s *result.Scenario) { s.Windows[3].EndMS, s.Windows[3].DurationMS = 5150, 150 },
			message: "total outage 450.0ms > budget 400ms for client c1 (2 windows; longest: client c1 read window at 1200.0ms for 300.0ms, caused by step-2 (upgrade driver v1 -> v2 via overlord), reasons: dial: connection refused)",
		},
		{
			name: "for step: only the step's windows", m: ForStep(StepID("fault-1")).MaxOutageBelow(150 * time.Millisecond), pass: true,
			message: "max outage 100.0ms ≤ budget 150ms: client c1 read window at 5000.0ms for 100.0ms, caused by fault-1 (kill driver), reasons: eof",
		},
		{
			name: "for step: max fails", m: ForStep(StepID("step-2")).MaxOutageBelow(350 * time.Millisecond),
			message: "max outage 400.0ms > budget 350ms: client c3 write window at 1204.5ms...",
		},
		{
			name: "for step: total", m: ForStep(StepID("step-2")).TotalOutageBelow(350 * time.Millisecond),
			message: "total outage 400.0ms > budget 350ms for client c3 (2 windows; longest: client c3 write window at 1204.5ms...",
		},
		{
			name: "for step: total passes", m: ForStep(StepID("fault-1")).TotalOutageBelow(350 * time.Millisecond), pass: true,
			message: "total outage 100.0ms ≤ budget 350ms for client c1 (1 window; longest: client c1 read window at 5000.0ms for 100.0ms, caused by fault-1 (kill driver), reasons: eof)",
		},
		{
			name: "for step: a step that caused nothing", m: ForStep(StepID("step-1")).MaxOutageBelow(time.Millisecond), pass: true,
			message: "no outage window caused by step-1",
		},
		{
			name: "for step: an unknown step fails", m: ForStep(StepID("step-9")).MaxOutageBelow(time.Hour),
			message: "no step step-9 in this scenario (steps: step-1, step-2, fault-1)",
		},
		{
			name: "no unexpected outage: passes", m: NoUnexpectedOutage(), pass: true,
			message: "no unexpected outage (4 expected windows)",
		},
		{
			name: "no unexpected outage: fails naming the longest unexpected window", m: NoUnexpectedOutage(),
			mutate: func(s *result.Scenario) {
				s.Windows = append(s.Windows,
					result.Window{Client: "c2", Class: "read", StartMS: 7000, EndMS: 7050, DurationMS: 50, Causes: []string{"step-1"}, Reasons: []string{"eof"}},
					result.Window{Client: "c2", Class: "write", StartMS: 8000, EndMS: 8020, DurationMS: 20, Reasons: []string{"eof"}})
			},
			message: "2 unexpected outage windows, longest: client c2 read window at 7000.0ms for 50.0ms, caused by step-1 (warm up), reasons: eof",
		},
		{
			name: "outage ends: passes", m: OutageEnds(), pass: true, message: "every outage window ended (4 windows)",
		},
		{
			name: "outage ends: fails on an open window", m: OutageEnds(),
			mutate: func(s *result.Scenario) {
				s.Windows = append(s.Windows, result.Window{Client: "c2", Class: "read", StartMS: 5000, EndMS: 9000, DurationMS: 4000, Open: true, Causes: []string{"fault-1"}, Reasons: []string{"eof"}})
			},
			message: "1 outage window never ended, longest: client c2 read window at 5000.0ms for 4000.0ms (never ended: no good answer before the run ended), caused by fault-1 (kill driver), reasons: eof",
		},
		{
			name: "no lost writes: passes", m: NoLostWrites(), pass: true,
			message: "all 1200 acknowledged writes found (31 failed writes indeterminate)",
		},
		{
			name: "no lost writes: nothing written passes", m: NoLostWrites(), pass: true,
			mutate:  func(s *result.Scenario) { s.Integrity = result.Integrity{Checked: true} },
			message: "no acknowledged writes to check (0 failed writes indeterminate)",
		},
		{
			name: "no lost writes: fails naming the writes", m: NoLostWrites(),
			mutate: func(s *result.Scenario) {
				for i := range 5 {
					s.Integrity.Lost = append(s.Integrity.Lost, result.LostWrite{Client: "c1", Key: "c1-00001" + string(rune('0'+i)), Seq: uint64(10 + i), AckMS: 1204.5, Found: "missing"})
				}
				s.Integrity.Lost[1].Found = "seq 3"
			},
			message: "5 of 1200 acknowledged writes lost: client c1 key c1-000010 seq 10 acknowledged at 1204.5ms, found missing; client c1 key c1-000011 seq 11 acknowledged at 1204.5ms, found seq 3; client c1 key c1-000012 seq 12 acknowledged at 1204.5ms, found missing; and 2 more",
		},
		{
			name: "no lost writes: not checked is invalid", m: NoLostWrites(), invalid: true,
			mutate:  func(s *result.Scenario) { s.Integrity.Checked, s.Integrity.ReadBack = false, 0 },
			message: "1200 acknowledged writes were never read back; unchecked, not lost (0 of 1200 found)",
		},
		{
			name: "no lost writes: a never-computed integrity is invalid", m: NoLostWrites(), invalid: true,
			mutate:  func(s *result.Scenario) { s.Integrity = result.Integrity{} },
			message: "0 acknowledged writes were never read back; unchecked, not lost (0 of 0 found)",
		},
		{
			name: "no split brain: passes", m: NoSplitBrain(), pass: true,
			message: "at most one primary acknowledged writes at a time",
		},
		{
			name: "no split brain: fails with the lines", m: NoSplitBrain(),
			mutate:  func(s *result.Scenario) { s.Integrity.SplitBrain = []string{"split brain: a", "split brain: b"} },
			message: "split brain: a; split brain: b",
		},
		{
			name: "error rate below: passes", m: ErrorRateBelow(0.02), pass: true,
			message: "error rate 1% (100 of 10000 ops) ≤ 2%",
		},
		{
			name: "error rate below: equal is within the budget", m: ErrorRateBelow(0.01), pass: true,
			message: "error rate 1% (100 of 10000 ops) ≤ 1%",
		},
		{
			name: "error rate below: fails above", m: ErrorRateBelow(0.005),
			message: "error rate 1% (100 of 10000 ops) > 0.5%",
		},
		{
			name: "error rate below: no ops is invalid", m: ErrorRateBelow(0.5), invalid: true,
			mutate: func(s *result.Scenario) { s.Summary = result.Summary{} }, message: "no ops recorded: nothing was measured",
		},
		{
			name: "last served by: passes", m: LastServedBy("v2"), pass: true, message: "all 2 clients last served by v2",
		},
		{
			name: "last served by: fails naming the clients", m: LastServedBy("v2"),
			mutate: func(s *result.Scenario) {
				s.Clients = append(s.Clients, result.Client{Name: "c4", LastVersion: "v1", LastOKMS: 1100}, result.Client{Name: "c5"})
			},
			message: "2 of 4 clients not last served by v2: c4 (last served by v1 at 1100.0ms), c5 (never answered)",
		},
		{
			name: "last served by: no clients is invalid", m: LastServedBy("v2"), invalid: true,
			mutate: func(s *result.Scenario) { s.Clients = nil }, message: "no clients: nothing was measured",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			if tt.mutate != nil {
				tt.mutate(s)
			}
			want := Fail
			switch {
			case tt.pass:
				want = Pass
			case tt.invalid:
				want = Invalid
			}
			if o, _ := tt.m.Verdict(s); o != want {
				t.Errorf("Verdict = %v, want %v", o, want)
			}
			ok, err := tt.m.Match(s)
			var inv *InvalidError
			if (err != nil) != (want == Invalid) || (err != nil && !errors.As(err, &inv)) {
				t.Fatalf("Match error %v; want an *InvalidError only for an invalid verdict", err)
			}
			if ok != tt.pass {
				t.Errorf("Match = %v, want %v", ok, tt.pass)
			}
			if len(s.Assertions) != 1 {
				t.Fatalf("Match recorded %d assertions, want 1", len(s.Assertions))
			}
			a := s.Assertions[0]
			if a.Passed != ok || a.Invalid != (want == Invalid) || a.Name != nameOf(tt.m) || a.Name == "" {
				t.Errorf("assertion = %+v", a)
			}
			if prefix, ok := strings.CutSuffix(tt.message, "..."); ok {
				if !strings.HasPrefix(a.Message, prefix) {
					t.Errorf("message\n got %q\nwant prefix %q", a.Message, prefix)
				}
			} else if a.Message != tt.message {
				t.Errorf("message\n got %q\nwant %q", a.Message, tt.message)
			}
			if fm := tt.m.FailureMessage(s); fm != a.Message {
				t.Errorf("FailureMessage %q differs from the recorded message %q", fm, a.Message)
			}
			if nm := tt.m.NegatedFailureMessage(s); !strings.Contains(nm, a.Message) {
				t.Errorf("NegatedFailureMessage %q lacks the message", nm)
			}
		})
	}
}

type holder struct{ s *result.Scenario }

func (h holder) Result() *result.Scenario { return h.s }

func TestMatcherActuals(t *testing.T) {
	s := base()
	if ok, err := MaxOutageBelow(time.Second).Match(holder{s}); !ok || err != nil || len(s.Assertions) != 1 {
		t.Errorf("Match(Resulter) = %v, %v; assertions %d", ok, err, len(s.Assertions))
	}
	var nilScenario *result.Scenario
	for _, bad := range []any{nil, *s, "x", nilScenario, holder{}} {
		ok, err := NoSplitBrain().Match(bad)
		if ok || !errors.Is(err, ErrNoScenario) {
			t.Errorf("Match(%T) = %v, %v; want false, ErrNoScenario", bad, ok, err)
		}
	}
}

// TestWithGomega runs the matchers through Gomega as a scenario would.
func TestWithGomega(t *testing.T) {
	var failure string
	g := gomega.NewGomega(func(message string, _ ...int) { failure = message })
	s := base()
	g.Expect(s).To(MaxOutageBelow(time.Second))
	if failure != "" {
		t.Fatalf("unexpected failure: %s", failure)
	}
	g.Expect(s).To(ForStep(StepID("step-2")).MaxOutageBelow(100 * time.Millisecond))
	if !strings.HasPrefix(failure, "max outage 400.0ms > budget 100ms: client c3 write window at 1204.5ms") {
		t.Errorf("failure = %q", failure)
	}
	failure = ""
	g.Expect(s).NotTo(NoSplitBrain())
	if !strings.Contains(failure, `expected "no split brain" to fail`) {
		t.Errorf("negated failure = %q", failure)
	}
	if len(s.Assertions) != 3 {
		t.Errorf("%d assertions recorded, want 3", len(s.Assertions))
	}
}

// erring is a foreign matcher whose Match fails with an error.
type erring struct{}

func (erring) Match(any) (bool, error)          { return false, errors.New("cannot judge") }
func (erring) FailureMessage(any) string        { return "unused" }
func (erring) NegatedFailureMessage(any) string { return "unused" }
func (erring) String() string                   { return "erring check" }

func TestEvaluate(t *testing.T) {
	s := base()
	s.Windows[1].DurationMS = 2314.2
	err := Evaluate(s,
		MaxOutageBelow(2*time.Second), // fails
		NoLostWrites(),                // passes
		gomega.BeNil(),                // foreign, fails, records nothing itself
		gomega.Not(gomega.BeNil()),    // foreign, passes
		erring{},                      // foreign, errors
		LastServedBy("v2"),            // passes
	)
	if err == nil {
		t.Fatal("Evaluate = nil, want the failures")
	}
	msgs := strings.Split(err.Error(), "\n")
	if len(msgs) < 3 || !strings.HasPrefix(msgs[0], "max outage 2314.2ms > budget 2000ms: client c3 write window") ||
		!strings.Contains(err.Error(), "Expected\n") || msgs[len(msgs)-1] != "cannot judge" {
		t.Errorf("Evaluate error:\n%v", err)
	}
	want := []struct {
		name   string
		passed bool
	}{
		{"max outage ≤ 2000ms", false}, {"no lost writes", true}, {"*matchers.BeNilMatcher", false},
		{"*matchers.NotMatcher", true}, {"erring check", false}, {"last served by v2", true},
	}
	if len(s.Assertions) != len(want) {
		t.Fatalf("assertions: %+v", s.Assertions)
	}
	for i, w := range want {
		if a := s.Assertions[i]; a.Name != w.name || a.Passed != w.passed || a.Message == "" {
			t.Errorf("assertion %d = %+v, want %s passed=%v", i, a, w.name, w.passed)
		}
	}
	if err := Evaluate(base(), MaxOutageBelow(time.Second), NoSplitBrain()); err != nil {
		t.Errorf("Evaluate on a passing scenario = %v", err)
	}
	if err := Evaluate(nil, NoSplitBrain()); !errors.Is(err, ErrNoScenario) {
		t.Errorf("Evaluate(nil) = %v", err)
	}
}

func TestRefusedWith(t *testing.T) {
	refused := &result.Scenario{
		Summary: result.Summary{Ops: 10, FailedOps: 10},
		Windows: []result.Window{{Client: "c1", Class: "read", Reasons: []string{"handshake: incompatible protocol: driver v3 speaks protocol 2, client v1 speaks protocol 1"}}},
	}
	other := &result.Scenario{
		Summary: result.Summary{Ops: 10, FailedOps: 10},
		Windows: []result.Window{{Client: "c1", Class: "read", Reasons: []string{"dial: connection refused"}}},
	}
	half := &result.Scenario{Summary: result.Summary{Ops: 10, FailedOps: 4}}
	for _, c := range []struct {
		s    *result.Scenario
		pass bool
		want string
	}{
		{refused, true, "all 10 ops refused"},
		{other, false, `failed with "dial: connection refused"`},
		{half, false, "6 of 10 ops succeeded"},
		{&result.Scenario{}, false, "no ops recorded"},
	} {
		err := Evaluate(c.s, RefusedWith("incompatible protocol"))
		if (err == nil) != c.pass {
			t.Fatalf("pass=%v, err %v", c.pass, err)
		}
		a := c.s.Assertions[len(c.s.Assertions)-1]
		if !strings.Contains(a.Message, c.want) {
			t.Fatalf("message %q does not say %q", a.Message, c.want)
		}
	}
}
