// Package timeline turns what a scenario recorded — client operations and
// the events of the run (steps, faults, what the system under test
// reported) — into client-visible outage windows, attributes each window to
// the events active when it began that touch its client's own path
// (Config.Paths, Event.Targets), marks the windows the client's own lag
// explains (MarkProbeLag), measures how well each client kept its schedule
// (Schedule), and computes the statistics of a run. It is pure: data in,
// data out, no I/O, no clock.
//
//	ops (per client, open loop)           events (steps, faults, system)
//	  c1 read  ok ok ✗ ✗ ✗ ok ok            step-2  |======= upgrade =======|
//	  c1 write ok ✗ ✗ ✗ ✗ ok                fault-1        |== kill ==|
//	        │                                      │
//	        ▼                                      ▼
//	   Outages(ops, events, cfg) ──▶ []Window{client, class, [Start, End), Causes, Expected}
//	        │
//	        ├──▶ AnyDown / AllDown ──▶ []Interval ──▶ Total
//	        ├──▶ Summarize(ops, windows) ──▶ Stats
//	        ├──▶ Buckets(ops, from, to, n) ──▶ []Bucket (latency plot)
//	        └──▶ Failovers(events, windows) ──▶ []Failover (detect, restart, recover)
//
// A window runs from the Start of the first failed op of a maximal run of
// failed ops (of one client and class) to the first good answer after it:
// the earliest End among the successful ops that follow the run. An op that
// succeeded but took longer than Config.LatencyBudget counts as failed. The
// exact definition, its reasoning and its limits are in
// docs/measurement.md.
//
//	cfg := timeline.Config{LatencyBudget: 100 * time.Millisecond}
//	ws := timeline.Outages(ops, events, cfg)
//	for _, w := range ws {
//		fmt.Printf("%s %s down %v, caused by %v: %v\n", w.Client, w.Class, w.Duration(), w.Causes, w.Reasons)
//	}
//	st := timeline.Summarize(ops, ws, cfg)
//	fmt.Println("max outage", st.MaxWindow, "any client down", timeline.Total(timeline.AnyDown(ws)))
//
// Example, in example_test.go, runs this on the ops of a kill and a stall.
//
// All times are Unix nanoseconds from one host clock.
package timeline
