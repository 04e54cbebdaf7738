package calibrate

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/format"
)

// Table prints the report for a person: one line per injection with
// hatest's and the one-second sampler's measure side by side, and the
// verdict. It fits in 100 columns.
func Table(w io.Writer, r *Report) {
	fmt.Fprintf(w, "calibration on %s: hatest probes every %s, the sampler every 1 s; latency budget %s\n",
		r.Runtime, format.Millis(r.ProbeIntervalMS, 1), format.Millis(r.LatencyBudgetMS, 1))
	p := r.Probe
	lag := "lag unknown (the client writes no sched)"
	if p.LagKnown {
		lag = fmt.Sprintf("lag p99 %s, max %s", format.Millis(p.LagP99MS, 1), format.Millis(p.LagMaxMS, 1))
	}
	fmt.Fprintf(w, "hatest's probe: %d ops, %d skipped, %.0f of %.0f ops/s, %s\n", p.Ops, p.Skipped, p.AchievedPerS, p.NominalPerSec, lag)
	fmt.Fprintf(w, "target: |hatest error| <= %s (the probe interval + 2 ms)\n\n", format.Millis(r.TargetMS, 1))

	const row = "%-16s %7s %4s | %7s %7s %3s | %7s %7s | %5s  %s\n"
	fmt.Fprintf(w, "%-16s %12s | %-19s | %-15s |\n", "", "injected ms", "hatest measured", "1 s sampler")
	fmt.Fprintf(w, row, "outage", "length", "±", "ms", "error", "win", "ms", "error", "ratio", "verdict")
	fmt.Fprintln(w, strings.Repeat("-", 98))
	for _, x := range r.Rows {
		verdict := x.Verdict
		switch x.Verdict {
		case VerdictBacklog:
			verdict = fmt.Sprintf("backlog %.1f ms", x.BacklogMS)
		case VerdictInvalid:
			// The largest reason; the JSON has them all.
			switch {
			case x.LagMS >= x.EarlyMS && x.LagMS >= x.UncertaintyMS:
				verdict = fmt.Sprintf("INVALID lag %.1f", x.LagMS)
			case x.EarlyMS >= x.UncertaintyMS:
				verdict = fmt.Sprintf("INVALID early %.1f", x.EarlyMS)
			default:
				verdict = fmt.Sprintf("INVALID ± %.1f", x.UncertaintyMS)
			}
		case VerdictMiss:
			if x.Hatest.Windows == 0 {
				verdict = "MISS: no window"
			}
		}
		fmt.Fprintf(w, row, x.Method+" "+time.Duration(x.NominalMS*1e6).String(),
			fmt.Sprintf("%.1f", x.InjectedMS), fmt.Sprintf("%.1f", x.UncertaintyMS),
			fmt.Sprintf("%.1f", x.Hatest.MeasuredMS), fmt.Sprintf("%+.1f", x.Hatest.ErrorMS), fmt.Sprint(x.Hatest.Windows),
			fmt.Sprintf("%.1f", x.Sampler.MeasuredMS), fmt.Sprintf("%+.1f", x.Sampler.ErrorMS),
			fmtRatio(x.Ratio), verdict)
	}
	fmt.Fprintf(w, "\nhatest and 1 s: the length each sampler measured (the windows that overlap the outage\n"+
		"or follow on from one that does; win: how many) and its error: measured - injected. ± is how\n"+
		"well the injected length is known (half the time the calls took). ratio = |1 s error| /\n"+
		"|hatest error| (hatest's taken as at least %.1f ms). backlog: after SIGCONT the driver served\n"+
		"the requests queued while it was stopped for that long, and clients waited for it: client-\n"+
		"visible time, not a measurement error (docs/measurement.md). INVALID: the error can be\n"+
		"accounted for by the probe itself being that many ms behind its schedule when the outage\n"+
		"began or ended (lag), by the system failing that many ms before anything was injected\n"+
		"(early), or by the ± of the injection: the machine was too busy for the row to say anything.\n",
		MinError)
	for _, n := range r.NotRun {
		fmt.Fprintf(w, "not run: %s\n", n)
	}
	if r.Kept != "" {
		fmt.Fprintf(w, "op logs of the rows not plainly within the target: %s\n", r.Kept)
	}
	fmt.Fprintf(w, "\n%s\n", Verdict(r))
}

// Verdict is the report's last line. FAIL when a row is outside the
// target and nothing explains it; INVALID when the rows outside it are
// explained only by the probe's own lag or by failures before the
// injection (with or without backlog); PASS when every row is within it,
// or longer only by client-visible backlog. Calibrate exits 1 on FAIL and
// on INVALID.
func Verdict(r *Report) string {
	worst, miss, backlog, invalid := 0.0, 0, 0, 0
	for _, x := range r.Rows {
		switch x.Verdict {
		case VerdictOK:
			worst = max(worst, math.Abs(x.Hatest.ErrorMS))
		case VerdictBacklog:
			backlog++
		case VerdictInvalid:
			invalid++
		default:
			miss++
		}
	}
	switch {
	case miss > 0:
		return fmt.Sprintf("FAIL: %d of %d rows outside |error| <= %s and not explained",
			miss, len(r.Rows), format.Millis(r.TargetMS, 1))
	case invalid > 0:
		return fmt.Sprintf("INVALID: %d of %d rows outside |error| <= %s only by lag, early or ±: a busy machine",
			invalid, len(r.Rows), format.Millis(r.TargetMS, 1))
	}
	s := fmt.Sprintf("PASS: every row within |error| <= %s (worst %.1f ms)", format.Millis(r.TargetMS, 1), worst)
	if backlog > 0 {
		rows := "rows"
		if backlog == 1 {
			rows = "row"
		}
		s += fmt.Sprintf(" or longer by backlog (%d SIGSTOP %s)", backlog, rows)
	}
	return s
}

func fmtRatio(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0fx", r)
	}
	return fmt.Sprintf("%.1fx", r)
}
