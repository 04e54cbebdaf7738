// Package gate holds the release-gate decisions the hatest CLI makes on
// finished runs: whether a run kept within its outage budgets, whether it
// regressed against a baseline, and how a scenario behaves across repeats.
// It is pure: it reads result data and writes tables, and its only I/O is
// LoadBudgets reading one file.
//
//	budgets.yaml ──LoadBudgets──► *Budgets ──Check(scenario)──► []Breach ──BreachTable
//	results.json ─┬──────────────────────────────────────────────┘
//	              ├─ base runs + new runs ──Compare──► Comparison ──CompareTable
//	              └─ N repeated runs ───────Repeats──► []RepeatStat ──RepeatTable
//
// # Budgets
//
// A budgets file is YAML or JSON (by its extension, .yaml, .yml or .json,
// else by its content):
//
//	defaults:            # optional, applies to every scenario
//	  max_window: 2s     # longest outage window
//	  total_outage: 5s   # sum of the windows
//	  error_rate: 0.05   # failed ops / ops, a fraction (or "5%")
//	labels:
//	  gate: { max_window: 1s }
//	scenarios:
//	  "overlord in-service upgrade v1 to v2": { max_window: 300ms, error_rate: 0.01 }
//
// Durations are Go duration strings ("300ms") or numbers of milliseconds.
// Each limit is chosen on its own: the scenario's entry, else the strictest
// of its labels' entries, else the defaults. Unknown fields, bad values and
// negative numbers are errors naming the file, line and field.
//
// # Compare
//
// Scenarios are matched by slug. Each of max window and total outage is a
// regression when the new median exceeds base × 1.25 + 50 ms and, with at
// least 5 runs a side, a one-sided Mann–Whitney U test gives p < 0.05
// (exact without ties up to ExactLimit a side, else the normal
// approximation with tie correction). With fewer runs the medians alone
// decide.
//
// # Example
//
//	b, err := gate.LoadBudgets("budgets.yaml")
//	if err != nil {
//		return err
//	}
//	if err := b.Validate(names); err != nil {
//		return err
//	}
//	breaches := b.CheckRun(run)
//	gate.BreachTable(os.Stdout, breaches)
//
//	c := gate.Compare(baseRuns, newRuns, gate.CompareOptions{})
//	gate.CompareTable(os.Stdout, c)
//	if len(breaches) > 0 || c.Regressions() > 0 {
//		os.Exit(1)
//	}
//
//	gate.RepeatTable(os.Stdout, gate.Repeats(repeatedRuns))
package gate
