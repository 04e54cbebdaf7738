// Package check turns a scenario's result into verdicts. It holds the
// integrity check (acknowledged writes against the read-back, two
// primaries at once) and the rules a scenario is judged by. It is the one
// verdict engine of hatest: the Gomega matchers a scenario expects, the
// built-in rules every scenario gets, and the budgets of a budgets file
// (gate.Budgets.Rules) are all a Rule, judged in the suite before any
// report is written.
//
//	op log records ──▶ Integrity(records, start) ──▶ result.Integrity
//	                                                        │
//	timeline windows, summary, clients ──▶ result.Scenario ◀┘
//	                                             │
//	Builtins(), s.Expect(...), budgets ──▶ Evaluate ──▶ s.Assertions ──▶ Status
//
// # Outcomes
//
// A rule's verdict is Pass, Fail or Invalid. Invalid means the rule could
// not judge: the numbers cannot be vouched for. Match records each verdict
// as a result.Assertion (Passed, or Invalid, with the message that
// explains it: the worst window, client or write). Status makes the
// scenario's status from its assertions: a step or setup error fails it;
// else any invalid assertion makes it invalid; else any failed one fails
// it; else it passed. hatest run exits 1 for a failed and for an invalid
// scenario alike.
//
// # What the words mean
//
// Each rule is defined here once; the budgets of a budgets file use the
// same rules, so a word means one thing everywhere.
//
//   - Within a budget: a measurement at most its budget is within it; one
//     above it fails. A window of exactly 300ms keeps a 300ms budget, and
//     an error rate of exactly 1% keeps a 1% budget. A zero budget allows
//     nothing.
//   - Max outage (MaxOutageBelow, budget max_window): the longest outage
//     window of any client and class.
//   - Total outage (TotalOutageBelow, budget total_outage, hatest compare):
//     the time the worst client spent inside outage windows, of any class,
//     with overlapping windows counted once (TotalOutageMS). It is not the
//     sum over clients.
//   - Error rate (ErrorRateBelow, budget error_rate): failed ops / ops,
//     the latency budget included.
//   - Open windows: a window that never ended (the client had no good
//     answer before the run ended) fails every outage rule, whatever the
//     budget, and OutageEnds.
//   - Nothing measured: on a run that recorded no op, every rule of this
//     package but the built-ins is Invalid, and so is every budget.
//   - Lost and unchecked writes: an acknowledged write the read-back found
//     missing or older is lost, and fails NoLostWrites; one that was never
//     read back is unchecked, not lost, and makes NoLostWrites Invalid.
//   - The built-ins (Builtins): OpLogComplete is Invalid when a client's op
//     log has a gap; ProbeKeptSchedule is Invalid when a client issued under
//     99% of its nominal rate, or its schedule lag p99 is over one interval,
//     or a window is the probe's own lag.
//
// # Use
//
// In a scenario:
//
//	s.Expect(
//		check.MaxOutageBelow(2*time.Second),
//		check.ForStep(upgrade).MaxOutageBelow(500*time.Millisecond),
//		check.ForClients("w1", "w2").TotalOutageBelow(time.Second),
//		check.NoUnexpectedOutage(),
//		check.LastServedBy("v2"),
//		check.NoLostWrites(),
//	)
//
// (upgrade is the handle s.Step returned.) A custom verdict is a Rule; it
// never appends an assertion itself:
//
//	s.Expect(check.Rule{Name: "no write window over 2 s", Judge: func(s *result.Scenario) (check.Outcome, string) {
//		for _, w := range s.Windows {
//			if w.Class == "write" && w.DurationMS > 2000 {
//				return check.Fail, fmt.Sprintf("client %s write window at %.1fms for %.1fms", w.Client, w.StartMS, w.DurationMS)
//			}
//		}
//		return check.Pass, "every write window under 2 s"
//	}})
//
// or directly, on a result (ExampleEvaluate and ExampleRule, in
// example_test.go):
//
//	err := check.Evaluate(&res, check.MaxOutageBelow(2*time.Second), check.LastServedBy("v2"))
//	// err: max outage 2314.2ms > budget 2000ms: client c3 write window at 1204.5ms
//	// for 2314.2ms, caused by step-2 (upgrade driver v1 -> v2 via overlord),
//	// reasons: dial: connection refused
//	res.Status = check.Status(res.Assertions, false) // "failed"
//
// The rules accept a *result.Scenario or any value with a
// Result() *result.Scenario method. They hold no state and may be shared;
// Match appends one assertion each time it runs. The definitions behind
// the numbers are in docs/measurement.md.
package check
