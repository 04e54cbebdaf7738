package gate

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/result"
)

// upgradeScenario is a scenario with two windows: a short one during the
// upgrade step and a long one with no cause.
func upgradeScenario(maxMS, totalMS, errRate float64) result.Scenario {
	return result.Scenario{
		Scenario: "overlord in-service upgrade v1 to v2",
		Slug:     "overlord-in-service-upgrade-v1-to-v2",
		Labels:   []string{"gate", "upgrade"},
		Steps: []result.Step{
			{ID: "1", Desc: "start 3 nodes at v1", Kind: "step"},
			{ID: "2.1", Desc: "upgrade node-1 to v2", Kind: "step"},
			{ID: "f1", Desc: "proxy down driver for 500ms", Kind: "fault"},
		},
		Windows: []result.Window{
			{Client: "w1", Class: "write", StartMS: 1200, DurationMS: 150, Failed: 40, Causes: []string{"2.1"}},
			{Client: "r1", Class: "read", StartMS: 3400, DurationMS: maxMS, Failed: 3},
			{Client: "w2", Class: "write", StartMS: 5000, DurationMS: 20, Failed: 1, Causes: []string{"f1", "2.1"}},
		},
		Summary: result.Summary{MaxWindowMS: maxMS, TotalWindowMS: totalMS, ErrorRate: errRate},
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
			want: []string{`overlord in-service upgrade v1 to v2: max window 1.2 s over budget 300 ms (scenario); worst window r1 read at 3.4 s for 1.2 s, cause: ` + NoCause},
		},
		{
			name: "every limit, from scenario and defaults", b: b, s: upgradeScenario(4000, 6000, 0.034),
			want: []string{
				`overlord in-service upgrade v1 to v2: max window 4 s over budget 300 ms (scenario); worst window r1 read at 3.4 s for 4 s, cause: ` + NoCause,
				`overlord in-service upgrade v1 to v2: total outage 6 s over budget 5 s (defaults); worst window r1 read at 3.4 s for 4 s, cause: ` + NoCause,
				`overlord in-service upgrade v1 to v2: error rate 3.4% over budget 1% (scenario); worst window w1 write at 1.2 s for 150 ms, cause: upgrade node-1 to v2`,
			},
		},
		{
			name: "defaults for a scenario without an entry", b: b, s: other,
			want: nil, // 1.8 s < 2 s
		},
		{
			name: "label budget", b: b, s: func() result.Scenario { s := other; s.Labels = []string{"gate"}; return s }(),
			want: []string{`overlord kill primary: max window 1.8 s over budget 1 s (label "gate"); worst window r1 read at 3.4 s for 1.8 s, cause: ` + NoCause},
		},
		{
			name: "no windows: no worst window", b: b,
			s:    func() result.Scenario { s := upgradeScenario(0, 0, 0.5); s.Windows = nil; return s }(),
			want: []string{`overlord in-service upgrade v1 to v2: error rate 50% over budget 1% (scenario)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.b.Check(tt.s)
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

func TestCheckCause(t *testing.T) {
	lim := &Budgets{Defaults: Limits{MaxWindow: dur(10 * time.Millisecond)}}
	tests := []struct {
		name   string
		causes []string
		want   string
	}{
		{"step description", []string{"2.1"}, "upgrade node-1 to v2"},
		{"first cause wins", []string{"f1", "2.1"}, "proxy down driver for 500ms"},
		{"no cause", nil, NoCause},
		{"cause not on the timeline", []string{"9.9"}, "9.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := upgradeScenario(100, 100, 0)
			s.Windows = []result.Window{{Client: "c", StartMS: 10, DurationMS: 100, Causes: tt.causes}}
			bs := lim.Check(s)
			if len(bs) != 1 || bs[0].Worst == nil {
				t.Fatalf("Check = %v, want one breach with a window", bs)
			}
			if bs[0].Cause != tt.want {
				t.Errorf("cause = %q, want %q", bs[0].Cause, tt.want)
			}
			if w := *bs[0].Worst; w != (WindowRef{Client: "c", StartMS: 10, DurationMS: 100}) {
				t.Errorf("worst = %+v", w)
			}
		})
	}
}

func TestCheckRun(t *testing.T) {
	b, err := ParseBudgets("budgets.yaml", []byte(exampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	ok := upgradeScenario(100, 100, 0)
	ok.Scenario = "fine"
	run := result.Run{Scenarios: []result.Scenario{ok, upgradeScenario(400, 400, 0)}}
	bs := b.CheckRun(run)
	if len(bs) != 1 || bs[0].Scenario != "overlord in-service upgrade v1 to v2" || bs[0].Limit != LimitMaxWindow {
		t.Errorf("CheckRun = %v, want one max window breach of the upgrade", bs)
	}
}

func TestBreachTable(t *testing.T) {
	b, err := ParseBudgets("budgets.yaml", []byte(exampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	bs := b.Check(upgradeScenario(4000, 6000, 0.034))
	var buf bytes.Buffer
	BreachTable(&buf, bs)
	out := buf.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("table has %d lines, want a header and 3 rows:\n%s", len(lines), out)
	}
	for _, want := range []string{
		"overlord in-service upgrade v1 to v2",
		"300 ms (scenario)", "5 s (defaults)", "1% (scenario)", // budgets and where they came from
		"4 s", "6 s", "3.4%", // measured
		"r1 read at 3.4 s for 4 s",      // worst window
		"upgrade node-1 to v2", NoCause, // causes
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Aligned: each column starts at the same offset on every line.
	header := lines[0]
	for _, col := range []string{"limit", "budget", "measured", "worst window", "cause"} {
		at := strings.Index(header, col)
		for _, l := range lines[1:] {
			if at >= len(l) || l[at-2:at] != "  " || l[at] == ' ' {
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
