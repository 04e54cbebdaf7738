// Package calibrate proves hatest's accuracy on ground truth. It injects
// outages of known length (50 ms, 200 ms, 700 ms, 1 s) into a real driver
// behind a real toxiproxy — a partition (proxy down, then up after D) and a
// stall (SIGSTOP, then SIGCONT after D) — and measures each twice in the
// same run: with hatest's open-loop probe at its interval, and with a
// one-probe-a-second sampler, the common practice. On a runtime that can
// do faults below the proxy (runtime.NetFaulter: Docker), three more rows
// cut the driver's node from its clients with an nftables rule in its
// own network namespace (MethodNetCut, NetDurations); their edges are the
// spans in which the kernel took the rule and its removal, as the sidecar
// read the clock around its netlink calls. The error of each is
// measured minus injected; each row prints both, and their ratio.
//
//	rt, err := process.New(ctx) // or docker.New
//	...
//	defer rt.Close(context.Background())
//	rep, err := calibrate.Run(ctx, rt, calibrate.Config{Interval: time.Millisecond})
//	if err != nil {
//		...
//	}
//	calibrate.Table(os.Stdout, rep) // ends with the verdict; rep.Pass says it too
//
// Example, in example_test.go, is this in full; ExampleJudge shows the
// verdicts a row can get.
//
//	framework ── disable/SIGSTOP for D ──▶ proxy / driver
//	   probe (5 ms)   ──▶ proxy ──▶ driver     windows ─┐
//	   sampler (1 s)  ──▶ proxy ──▶ driver     windows ─┴─▶ measured vs D
//
// The outage's start and end are the midpoints of the calls that began and
// ended it (± half their length). A window is the outage's when it overlaps
// it, from the start of the first call to the end of the second (an op in
// flight when the proxy closes fails too, and opens the window before the
// midpoint), or when it follows on from such a window within one probe
// interval (the backlog after a SIGSTOP can be split into several windows
// by ops on fresh connections, which are not queued behind it).
//
// Every row gets a verdict against the target |hatest error| <= interval +
// 2 ms (Judge): ok; backlog (a SIGSTOP longer only by the time the driver,
// by its own "applied" clock, took to serve what queued up while it was
// stopped: clients waited for that); INVALID (outside the target only by
// what a busy machine adds: the probe's own schedule lag, failures before
// the injection, the injection's ±); or MISS. Report.Pass is true when
// every row is ok or backlog. The op logs of every other row are written
// to Config.Keep.
package calibrate
