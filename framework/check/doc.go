// Package check turns a scenario's result into verdicts. It holds the
// integrity check (acknowledged writes against the read-back, two
// primaries at once) and the Gomega matchers a scenario declares it
// expects. Every matcher, when it runs, appends a result.Assertion (name,
// verdict, message) to the scenario, so the report lists every verdict,
// passed or failed; its failure message names the worst window or write.
//
//	op log records ──▶ Integrity(records, start) ──▶ result.Integrity
//	                                                        │
//	timeline windows, summary, clients ──▶ result.Scenario ◀┘
//	                                             │
//	        MaxOutageBelow, NoLostWrites, ... ──▶ Evaluate ──▶ s.Assertions + one joined error
//
// In a scenario:
//
//	s.Expect(
//		check.MaxOutageBelow(2*time.Second),
//		check.ForStep("step-2").MaxOutageBelow(500*time.Millisecond),
//		check.NoUnexpectedOutage(),
//		check.LastServedBy("v2"),
//		check.NoLostWrites(),
//	)
//
// or directly, on a result:
//
//	if err := check.Evaluate(&res, check.MaxOutageBelow(2*time.Second), check.NoSplitBrain()); err != nil {
//		// err: "max outage 2314.2ms > budget 2000ms: client c3 write window at 1204.5ms
//		// for 2314.2ms, caused by step-2 (upgrade driver v1 -> v2 via overlord),
//		// reasons: dial: connection refused"
//	}
//
// The matchers accept a *result.Scenario or any value with a
// Result() *result.Scenario method. They hold no state and may be shared;
// Match appends one assertion each time it runs. The definitions behind
// the numbers are in docs/measurement.md.
package check
