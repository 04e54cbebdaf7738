package timeline

import (
	"cmp"
	"slices"
	"time"
)

// ScheduleStats is how well one client kept its open-loop schedule. A
// client that writes "sched" on its op lines (Known) is measured exactly:
// lag is Start - Sched of each op. Without it, only the achieved rate can
// be estimated, from the ops' start times, and the lags are zero.
type ScheduleStats struct {
	Known    bool          // every op carries Sched
	Interval time.Duration // the schedule: one op every Interval
	Ops      int           // ops issued (op lines)
	Skipped  int64         // due ticks the client says it never issued
	// NominalRate is what the schedule asks for, in ops/s: 1/Interval.
	NominalRate float64
	// AchievedRate is ops issued per second over the span the schedule
	// covered. With Sched: from the first op's due time to the last one's
	// plus one interval, plus one interval per skipped tick (the skipped
	// ticks are due after the last issued one, and count as not issued).
	// Without Sched: from the first start to the last start plus one
	// interval, so that a client that silently drops ticks (a time.Ticker
	// does when its reader is late) shows a rate under the nominal one.
	AchievedRate float64
	// Lag percentiles (nearest rank) and maximum of Start - Sched; a start
	// before its due time counts as no lag. Zero when not Known.
	LagP50, LagP99, LagMax time.Duration
}

// Schedule measures the schedule of ONE client from its op lines. interval
// is the schedule the client was given (or says in its summary); when it is
// zero it is estimated: the smallest gap between two due times when the ops
// carry Sched, else the median gap between starts. skipped is the number of
// due ticks the client says it never issued (its summary's "skipped").
func Schedule(ops []Op, interval time.Duration, skipped int64) ScheduleStats {
	st := ScheduleStats{Ops: len(ops), Skipped: max(skipped, 0)}
	if len(ops) == 0 {
		st.Interval = max(interval, 0)
		if st.Interval > 0 {
			st.NominalRate = float64(time.Second) / float64(st.Interval)
		}
		return st
	}
	st.Known = true
	for _, op := range ops {
		if op.Sched == 0 {
			st.Known = false
			break
		}
	}
	times := make([]int64, len(ops))
	for i, op := range ops {
		if st.Known {
			times[i] = op.Sched
		} else {
			times[i] = op.Start
		}
	}
	slices.Sort(times)
	if interval <= 0 {
		interval = estimateInterval(times, st.Known)
	}
	st.Interval = interval
	if interval > 0 {
		st.NominalRate = float64(time.Second) / float64(interval)
	}
	span := times[len(times)-1] - times[0] + int64(interval)*(1+st.Skipped)
	if span > 0 {
		st.AchievedRate = float64(len(ops)) * float64(time.Second) / float64(span)
	}
	if !st.Known {
		return st
	}
	lags := make([]int64, len(ops))
	for i, op := range ops {
		lags[i] = max(op.Start-op.Sched, 0)
	}
	slices.Sort(lags)
	st.LagP50 = time.Duration(Percentile(lags, 0.50))
	st.LagP99 = time.Duration(Percentile(lags, 0.99))
	st.LagMax = time.Duration(lags[len(lags)-1])
	return st
}

// estimateInterval guesses a schedule from sorted times: due times are
// exact multiples of the interval, so the smallest positive gap is one;
// start times jitter, so their median gap is the better guess.
func estimateInterval(sorted []int64, due bool) time.Duration {
	gaps := make([]int64, 0, len(sorted))
	for i := 1; i < len(sorted); i++ {
		if g := sorted[i] - sorted[i-1]; g > 0 {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	if due {
		return time.Duration(slices.Min(gaps))
	}
	slices.Sort(gaps)
	return time.Duration(gaps[(len(gaps)-1)/2])
}

// MarkProbeLag marks the windows that the client's own schedule lag
// explains, in place. intervals gives each client's schedule by name; a
// client without an entry (or with zero) has it estimated from its due
// times, as Schedule does.
//
// The rule: a window of client C is probe lag when some op of C (of any
// class: the lag is the client's, not the class's) whose wait from due to
// start reaches into [w.Start, w.End] (due inside it, or due before it and
// started in it) started late by at least max(interval, half the window's
// length). A client that was not running on time for that long
// cannot tell what the system did, so the window is its own, not the
// system's: ProbeLag is set, Causes becomes []string{CauseProbeLag} and
// Expected false. A short lag spike inside a long real outage (6 ms of
// lag in a 50 ms window at 5 ms) is not enough, and the window keeps its
// causes. Ops without Sched never explain a window. See
// docs/measurement.md, "Probe schedule and lag".
func MarkProbeLag(ws []Window, ops []Op, intervals map[string]time.Duration) {
	if len(ws) == 0 || len(ops) == 0 {
		return
	}
	// Per client, the ops that carry Sched, sorted by it.
	type due struct{ sched, lag int64 }
	byClient := map[string][]due{}
	for _, op := range ops {
		if op.Sched == 0 {
			continue
		}
		byClient[op.Client] = append(byClient[op.Client], due{op.Sched, op.Start - op.Sched})
	}
	iv := map[string]int64{}
	maxLag := map[string]int64{}
	for c, ds := range byClient {
		for _, x := range ds {
			maxLag[c] = max(maxLag[c], x.lag)
		}
		slices.SortFunc(ds, func(a, b due) int { return cmp.Compare(a.sched, b.sched) })
		d := intervals[c]
		if d <= 0 {
			times := make([]int64, len(ds))
			for i, x := range ds {
				times[i] = x.sched
			}
			d = estimateInterval(times, true)
		}
		iv[c] = int64(d)
	}
	for i := range ws {
		w := &ws[i]
		ds := byClient[w.Client]
		if len(ds) == 0 {
			continue
		}
		need := max(iv[w.Client], (w.End-w.Start)/2, 1)
		// An op counts when the time it waited, from due to start, reaches
		// into the window: due inside it, or due before it and started in
		// it (the catch-up burst of a client that stalled). None is due
		// earlier than the client's largest lag before the window.
		from, _ := slices.BinarySearchFunc(ds, w.Start-maxLag[w.Client], func(x due, t int64) int { return cmp.Compare(x.sched, t) })
		for _, x := range ds[from:] {
			if x.sched > w.End {
				break
			}
			if x.sched+x.lag >= w.Start && x.lag >= need {
				w.ProbeLag = true
				w.Causes = []string{CauseProbeLag}
				w.Expected = false
				break
			}
		}
	}
}
