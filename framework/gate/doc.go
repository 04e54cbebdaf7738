// Package gate holds the release-gate decisions the hatest CLI makes on
// runs: the outage budgets a run must keep, whether it regressed against a
// baseline, and how a scenario behaves across repeats. It is pure: it reads
// result data and writes tables, and its only I/O is LoadBudgets reading
// one file.
//
//	budgets.yaml ──LoadBudgets──► *Budgets ──Rules(name, labels)──► []check.Rule ──► the suite judges them
//	results.json ─┬─ Breaches(run) ──► []Breach ──BreachTable
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
//	  total_outage: 5s   # the worst client's time in windows
//	  error_rate: 0.05   # failed ops / ops, a fraction (or "5%")
//	labels:
//	  gate: { max_window: 1s }
//	scenarios:
//	  "overlord in-service upgrade v1 to v2": { max_window: 300ms, error_rate: 0.01 }
//
// Durations are Go duration strings ("300ms") or numbers of milliseconds.
// Each limit is chosen on its own: the scenario's entry, else the strictest
// of its labels' entries, else the defaults. Unknown fields, bad values and
// negative numbers are errors naming the file, line and field; Validate
// adds scenario names and labels the suite does not have.
//
// A budget is not judged here: Rules turns the limits that apply to a
// scenario into rules of package check (check.MaxOutageBelow,
// TotalOutageBelow, ErrorRateBelow), which the suite evaluates with the
// scenario's own expectations, so a word means what the rule means (see
// check's documentation) and every report carries the same verdict.
// Breaches reads the verdicts back from a run's assertions.
//
// # Compare
//
// Scenarios are matched by slug. Each of max window and total outage (the
// worst client's, check.TotalOutageMS) is a regression when the new median
// exceeds base × 1.25 + 50 ms (CompareOptions: a nil tolerance takes the
// default, a zero one means none) and, with at least 5 runs a side, a
// one-sided Mann–Whitney U test gives p < 0.05
// (exact without ties up to ExactLimit a side, else the normal
// approximation with tie correction). With fewer runs the medians alone
// decide.
//
// # Example
//
// Example and ExampleCompare, in example_test.go, run the budgets and the
// compare parts of this:
//
//	b, err := gate.LoadBudgets("budgets.yaml")
//	if err != nil {
//		return err
//	}
//	if err := b.Validate(names, labels); err != nil {
//		return err
//	}
//	// in the suite, for each scenario:
//	for _, r := range b.Rules(name, labels) {
//		s.Expect(r)
//	}
//	// after the run:
//	breaches := gate.Breaches(run)
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
