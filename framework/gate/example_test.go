package gate_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hatest/hatest/framework/gate"
	"github.com/hatest/hatest/framework/result"
)

// A budgets file, and the rules it gives two scenarios of a suite.
func Example() {
	dir, err := os.MkdirTemp("", "gate-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "budgets.yaml")
	err = os.WriteFile(path, []byte(`
defaults:
  max_window: 2s
  error_rate: 5%
labels:
  gate: { max_window: 1s }
scenarios:
  "overlord in-service upgrade v1 to v2": { max_window: 300ms, error_rate: 0.01 }
`), 0o644)
	if err != nil {
		fmt.Println(err)
		return
	}

	b, err := gate.LoadBudgets(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	names := []string{"overlord in-service upgrade v1 to v2", "overlord kill primary"}
	if err := b.Validate(names, []string{"gate"}); err != nil {
		fmt.Println(err)
		return
	}
	// In the suite, for each scenario: s.Expect(r) for every rule.
	for _, name := range names {
		for _, r := range b.Rules(name, []string{"gate"}) {
			fmt.Printf("%s: %s\n", name, r.Name)
		}
	}
	// Output:
	// overlord in-service upgrade v1 to v2: budget: max outage ≤ 300ms (scenario)
	// overlord in-service upgrade v1 to v2: budget: error rate ≤ 1% (scenario)
	// overlord kill primary: budget: max outage ≤ 1000ms (label "gate")
	// overlord kill primary: budget: error rate ≤ 5% (defaults)
}

// Two runs against one baseline run: a single run a side, so the medians
// alone decide.
func ExampleCompare() {
	run := func(maxMS float64) result.Run {
		return result.Run{Scenarios: []result.Scenario{{
			Scenario: "overlord kill primary", Slug: "overlord-kill-primary",
			Summary: result.Summary{MaxWindowMS: maxMS, TotalWindowMS: maxMS},
			Windows: []result.Window{{Client: "c1", StartMS: 1000, EndMS: 1000 + maxMS, DurationMS: maxMS}},
		}}}
	}
	c := gate.Compare([]result.Run{run(300)}, []result.Run{run(930)}, gate.CompareOptions{})
	gate.CompareTable(os.Stdout, c)
	fmt.Println("regressions:", c.Regressions())
	// Output:
	// scenario               metric        base    new     change  p  runs  verdict
	// overlord kill primary  max window    300 ms  930 ms  +210%   –  1/1   regression
	// overlord kill primary  total outage  300 ms  930 ms  +210%   –  1/1   regression
	//
	// 1 scenario regressed (worse than base × 1.25 + 50 ms; with 5+ runs a side also p < 0.05)
	// regressions: 1
}
