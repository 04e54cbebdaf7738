package gate

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/result"
)

// upgradeScenario is a scenario whose longest window, of maxMS, is client
// r1's, with no cause; client w1 has a short window during the upgrade
// step and, when totalMS is larger than maxMS, windows after 6 s (each
// shorter than maxMS) that make its total outage totalMS.
func upgradeScenario(maxMS, totalMS, errRate float64) result.Scenario {
	s := result.Scenario{
		Scenario: "overlord in-service upgrade v1 to v2",
		Slug:     "overlord-in-service-upgrade-v1-to-v2",
		Labels:   []string{"gate", "upgrade"},
		Steps: []result.Step{
			{ID: "1", Desc: "start 3 nodes at v1", Kind: "step"},
			{ID: "2.1", Desc: "upgrade node-1 to v2", Kind: "step"},
			{ID: "f1", Desc: "proxy down driver for 500ms", Kind: "fault"},
		},
		Windows: []result.Window{
			{Client: "w1", Class: "write", StartMS: 1200, EndMS: 1350, DurationMS: 150, Failed: 40, Causes: []string{"2.1"}},
			{Client: "r1", Class: "read", StartMS: 3400, EndMS: 3400 + maxMS, DurationMS: maxMS, Failed: 3},
			{Client: "w2", Class: "write", StartMS: 5000, EndMS: 5020, DurationMS: 20, Failed: 1, Causes: []string{"f1", "2.1"}},
		},
		Summary: result.Summary{Ops: 4000, FailedOps: int64(errRate * 4000), MaxWindowMS: maxMS, TotalWindowMS: totalMS, ErrorRate: errRate},
	}
	at := 6000.0
	for left := totalMS - 150; left > 0 && totalMS > maxMS; {
		d := min(left, maxMS-1)
		s.Windows = append(s.Windows, result.Window{Client: "w1", Class: "read", StartMS: at, EndMS: at + d, DurationMS: d, Failed: 1})
		at, left = at+d+100, left-d
	}
	return s
}

func TestRules(t *testing.T) {
	b, err := ParseBudgets("budgets.yaml", []byte(exampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	names := func(rs []check.Rule) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}
	got := names(b.Rules("overlord in-service upgrade v1 to v2", []string{"gate"}))
	want := []string{"budget: max outage ≤ 300ms (scenario)", "budget: total outage per client ≤ 5000ms (defaults)", "budget: error rate ≤ 1% (scenario)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Rules =\n%q\nwant\n%q", got, want)
	}
	got = names(b.Rules("other", []string{"upgrade", "gate"}))
	want = []string{`budget: max outage ≤ 1000ms (label "gate")`, "budget: total outage per client ≤ 5000ms (defaults)", "budget: error rate ≤ 5% (defaults)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Rules =\n%q\nwant\n%q", got, want)
	}
	var nilBudgets *Budgets
	if rs := nilBudgets.Rules("x", nil); len(rs) != 0 {
		t.Errorf("nil budgets: %d rules", len(rs))
	}
}

func TestCheck(t *testing.T) {
	b, err := ParseBudgets("budgets.yaml", []byte(exampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	other := upgradeScenario(1800, 1970, 0.01)
	other.Scenario, other.Slug, other.Labels = "overlord kill primary", "overlord-kill-primary", nil

	tests := []struct {
		name string
		b    *Budgets
		s    result.Scenario
		want []string // Breach.String() of each
	}{
		{name: "within every budget", b: b, s: upgradeScenario(250, 420, 0.004)},
		{name: "exactly at the budget is within it", b: b, s: upgradeScenario(300, 5000, 0.01)},
		{name: "nil budgets", b: nil, s: upgradeScenario(9000, 9000, 1)},
		{
			name: "max window over the scenario's budget", b: b, s: upgradeScenario(1200, 1370, 0.004),
			want: []string{`overlord in-service upgrade v1 to v2: max outage ≤ 300ms (scenario): max outage 1200.0ms > budget 300ms: client r1 read window at 3400.0ms for 1200.0ms, caused by nothing on the timeline`},
		},
		{
			name: "every limit, from scenario and defaults", b: b, s: upgradeScenario(4000, 6000, 0.034),
			want: []string{
				`overlord in-service upgrade v1 to v2: max outage ≤ 300ms (scenario): max outage 4000.0ms > budget 300ms: client r1 read window at 3400.0ms for 4000.0ms, caused by nothing on the timeline`,
				`overlord in-service upgrade v1 to v2: total outage per client ≤ 5000ms (defaults): total outage 6000.0ms > budget 5000ms for client w1 (3 windows; longest: client w1 read window at 6000.0ms for 3999.0ms, caused by nothing on the timeline)`,
				`overlord in-service upgrade v1 to v2: error rate ≤ 1% (scenario): error rate 3.4% (136 of 4000 ops) > 1%`,
			},
		},
		{
			name: "defaults for a scenario without an entry", b: b, s: other,
			want: nil, // 1.8 s < 2 s
		},
		{
			name: "label budget", b: b, s: func() result.Scenario { s := other; s.Labels = []string{"gate"}; return s }(),
			want: []string{`overlord kill primary: max outage ≤ 1000ms (label "gate"): max outage 1800.0ms > budget 1000ms: client r1 read window at 3400.0ms for 1800.0ms, caused by nothing on the timeline`},
		},
		{
			// One meaning of total outage: the worst client's, overlaps
			// once; not the sum over clients (here 150+400+400+20).
			name: "total outage is the worst client's, not the sum", b: &Budgets{Defaults: Limits{TotalOutage: dur(450 * time.Millisecond)}},
			s: func() result.Scenario {
				s := upgradeScenario(400, 400, 0)
				s.Summary.TotalWindowMS = 570 // the sum: not what total outage means
				return s
			}(),
		},
		{
			name: "an open window fails any budget", b: &Budgets{Defaults: Limits{MaxWindow: dur(time.Hour)}},
			s: func() result.Scenario {
				s := upgradeScenario(10, 10, 0)
				s.Windows[1].Open = true
				return s
			}(),
			want: []string{`overlord in-service upgrade v1 to v2: max outage ≤ 3600000ms (defaults): outage never ended (budget 3600000ms): client r1 read window at 3400.0ms for 10.0ms (never ended: no good answer before the run ended), caused by nothing on the timeline`},
		},
		{
			name: "no ops: invalid, not a pass", b: &Budgets{Defaults: Limits{MaxWindow: dur(time.Hour), ErrorRate: rate(1)}},
			s: func() result.Scenario {
				s := upgradeScenario(0, 0, 0)
				s.Windows, s.Summary = nil, result.Summary{}
				return s
			}(),
			want: []string{
				`overlord in-service upgrade v1 to v2: max outage ≤ 3600000ms (defaults): INVALID: no ops recorded: nothing was measured`,
				`overlord in-service upgrade v1 to v2: error rate ≤ 100% (defaults): INVALID: no ops recorded: nothing was measured`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(tt.s.Assertions)
			got := tt.b.Check(tt.s)
			if len(tt.s.Assertions) != before {
				t.Errorf("Check recorded assertions in the scenario")
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Check = %d breaches %v, want %d", len(got), got, len(tt.want))
			}
			for i, br := range got {
				if br.String() != tt.want[i] {
					t.Errorf("breach %d:\n got %s\nwant %s", i, br, tt.want[i])
				}
				if br.Slug != tt.s.Slug {
					t.Errorf("breach %d slug %q, want %q", i, br.Slug, tt.s.Slug)
				}
			}
		})
	}
}

// TestBreaches reads the budgets' verdicts back from the assertions the
// suite recorded, as hatest run does, and agrees with Check.
func TestBreaches(t *testing.T) {
	b, err := ParseBudgets("budgets.yaml", []byte(exampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	ok := upgradeScenario(100, 100, 0)
	ok.Scenario, ok.Slug = "fine", "fine"
	bad := upgradeScenario(400, 400, 0)
	var run result.Run
	for _, s := range []result.Scenario{ok, bad} {
		var ms []check.Rule
		ms = append(ms, check.NoSplitBrain()) // not a budget: never a breach
		ms = append(ms, b.Rules(s.Scenario, s.Labels)...)
		s.Integrity.SplitBrain = []string{"split"}
		_ = check.Evaluate(&s, toMatchers(ms)...)
		run.Scenarios = append(run.Scenarios, s)
	}
	bs := Breaches(run)
	if len(bs) != 1 || bs[0].Scenario != bad.Scenario || bs[0].Budget != "budget: max outage ≤ 300ms (scenario)" ||
		!strings.HasPrefix(bs[0].Message, "max outage 400.0ms > budget 300ms") {
		t.Fatalf("Breaches = %v, want the max window of the upgrade", bs)
	}
	if want := b.CheckRun(run); len(want) != 1 || want[0] != bs[0] {
		t.Errorf("CheckRun = %v, differs from the recorded %v", want, bs)
	}
	if n := Judged(run); n != 6 {
		t.Errorf("Judged = %d, want 3 budgets × 2 scenarios", n)
	}
}

func toMatchers(rs []check.Rule) []types.GomegaMatcher {
	out := make([]types.GomegaMatcher, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

func TestBreachTable(t *testing.T) {
	b, err := ParseBudgets("budgets.yaml", []byte(exampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	bs := b.Check(upgradeScenario(4000, 6000, 0.034))
	bs = append(bs, Breach{Scenario: "empty", Budget: "budget: max outage ≤ 1000ms (defaults)", Message: "no ops recorded: nothing was measured", Invalid: true})
	var buf bytes.Buffer
	BreachTable(&buf, bs)
	out := buf.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("table has %d lines, want a header and 4 rows:\n%s", len(lines), out)
	}
	for _, want := range []string{
		"overlord in-service upgrade v1 to v2",
		"max outage ≤ 300ms (scenario)", "total outage per client ≤ 5000ms (defaults)", "error rate ≤ 1% (scenario)", // budgets and where they came from
		"max outage 4000.0ms > budget 300ms", "total outage 6000.0ms > budget 5000ms", "error rate 3.4%", // measured
		"client r1 read window at 3400.0ms for 4000.0ms", // worst window
		"caused by nothing on the timeline",              // cause
		"INVALID: no ops recorded",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Aligned: each column starts at the same offset (in runes: "≤" is
	// one) on every line.
	header := lines[0]
	for _, col := range []string{"budget", "verdict"} {
		at := len([]rune(header[:strings.Index(header, col)]))
		for _, l := range lines[1:] {
			r := []rune(l)
			if at >= len(r) || string(r[at-2:at]) != "  " || r[at] == ' ' {
				t.Errorf("column %q (offset %d) not aligned in %q", col, at, l)
			}
		}
	}

	buf.Reset()
	BreachTable(&buf, nil)
	if buf.String() != "no budget breached\n" {
		t.Errorf("BreachTable(nil) = %q", buf.String())
	}
}
