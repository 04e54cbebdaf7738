// Package check turns a scenario's result into verdicts. It holds the
// integrity check (acknowledged writes against the read-back, two
// primaries at once), the summary of the read-back rounds (each write
// read again through the route and every member, during the run and on
// stop) and the rules a scenario is judged by. It is the one
// verdict engine of hatest: the Gomega matchers a scenario expects, the
// built-in rules every scenario gets, and the budgets of a budgets file
// (gate.Budgets.Rules) are all a Rule, judged in the suite before any
// report is written.
//
//	op log records ──▶ Integrity(records, start) ──────────▶ result.Integrity
//	      │                                                         │
//	      └──┬──▶ ReadBack(records, start, events) ──▶ result.ReadBack
//	timeline events ("readback-N" label the rounds)                 │
//	timeline windows, summary, clients, steps ──▶ result.Scenario ◀┘
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
//     package but the built-ins and NoUnexpectedExit is Invalid, and so
//     is every budget.
//   - Lost and unchecked writes: an acknowledged write the read-back found
//     missing or older is lost, and fails NoLostWrites; one that was never
//     read back is unchecked, not lost, and makes NoLostWrites Invalid.
//   - Read-back rounds (ReadBack): on each SIGUSR1 a client reads back
//     every key it wrote so far (round N, from 1), and once more on stop
//     (round 0), through its own route and through each member it was
//     given. The step that signals it puts an event "readback-N" on the
//     timeline, described "read-back round N: <label>"; the label names
//     the round in every message. An acknowledged write is checked in
//     each read that began after it was acknowledged. A read is wrong when
//     it found nothing, an older seq (or a newer one of a key written
//     once), or another value; values are
//     compared only where the seqs (or, without seqs, a key written once)
//     show the read is of that write, and only when both lines say one.
//   - Lag: a member may not have a write acknowledged just before the
//     read. EveryMemberHolds(lag) and ReplyParity(lag) excuse the wrong
//     reads of writes at most lag old; the result keeps the ages of the
//     young wrong reads (up to AgeHorizon, at most MaxYoung of them), so
//     that a lag up to AgeHorizon gives an exact count (past MaxYoung
//     young wrong reads, maybe an "at least" one).
//   - RoundTrip fails on a wrong read through the route, in any round or
//     on stop; EveryMemberHolds on one through a member, past the lag;
//     ReplyParity on two members of different versions answering one read
//     differently, past the lag. Each is Invalid when it cannot judge: the
//     clients say no value (or, for RoundTrip, read back in no round
//     during the run; for the other two, through no member); acknowledged
//     writes were not read in a round (unread: unchecked, not lost); for
//     ReplyParity, no round was taken while members ran different
//     versions. None is ever a silent pass.
//   - NoUnexpectedExit fails on every program exit nothing asked for
//     (result.Step.Unexpected), naming each; it judges the timeline, so
//     it is not Invalid on a run that measured nothing.
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
//		check.RoundTrip(),                                  // every write reads back as written, in every round
//		check.EveryMemberHolds(500*time.Millisecond),       // through every member, past 500ms of lag
//		check.ReplyParity(500*time.Millisecond),            // old and new members answer alike
//		check.NoUnexpectedExit(),                           // no member crashed
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
