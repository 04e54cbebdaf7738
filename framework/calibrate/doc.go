// Package calibrate proves hatest's accuracy on ground truth. It injects
// outages of known length into a real driver behind a real toxiproxy —
// a partition (proxy down, then up after D) and a stall (SIGSTOP, then
// SIGCONT after D) — and measures each twice in the same run: with hatest's
// open-loop probe at its interval, and with a one-probe-a-second sampler,
// the common practice. The error of each is measured minus injected.
//
//	rows, err := calibrate.Run(ctx, rt, calibrate.Config{})
//	calibrate.Table(os.Stdout, rep)
//
//	framework ── disable/SIGSTOP for D ──▶ proxy / driver
//	   probe (5 ms)   ──▶ proxy ──▶ driver     windows ─┐
//	   sampler (1 s)  ──▶ proxy ──▶ driver     windows ─┴─▶ measured vs D
package calibrate
