package probe

import (
	"context"
	"slices"
	"testing"
	"time"
)

type tick struct{ n, sched, start int64 }

// Every issues ticks 1, 2, 3... due exactly one interval apart, none before
// it is due, and says at the stop how many were due but not issued.
func TestEvery(t *testing.T) {
	const iv = 2 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var ticks []tick
	var stopAt int64
	begin := time.Now().UnixNano()
	issued, skipped := Every(ctx, iv, func(n, sched int64) {
		ticks = append(ticks, tick{n, sched, time.Now().UnixNano()})
		if n == 50 {
			stopAt = time.Now().UnixNano()
			cancel()
		}
	})
	returned := time.Now().UnixNano()
	if issued != 50 || len(ticks) != 50 {
		t.Fatalf("issued %d (%d calls), want 50", issued, len(ticks))
	}
	t0 := ticks[0].sched
	// The stop came from tick 50 itself, so only ticks that fell due after
	// it (tick 50 issued late, on a busy machine) may be skipped: from
	// those due at the stop to those due at the return, never fewer.
	lo := max((stopAt-t0)/int64(iv)+1-50, 0)
	hi := max((returned-t0)/int64(iv)+1-50, 0)
	if skipped < lo || skipped > hi {
		t.Errorf("skipped %d, want the %d to %d ticks due after tick 50 by the stop and the return", skipped, lo, hi)
	}
	if t0 < begin || t0 > ticks[0].start {
		t.Errorf("tick 1 due at %d, want between the call (%d) and its start (%d)", t0, begin, ticks[0].start)
	}
	var lags []int64
	for i, tk := range ticks {
		if tk.n != int64(i+1) || tk.sched != t0+int64(i)*int64(iv) {
			t.Fatalf("tick %d: n %d due %d, want n %d due t0 + %d intervals", i, tk.n, tk.sched, i+1, i)
		}
		if tk.start < tk.sched {
			t.Fatalf("tick %d issued %dns before it was due", tk.n, tk.sched-tk.start)
		}
		lags = append(lags, tk.start-tk.sched)
	}
	slices.Sort(lags)
	t.Logf("lag at %s: p50 %s, max %s", iv, time.Duration(lags[len(lags)/2]), time.Duration(lags[len(lags)-1]))
}

// A tick that could not be issued on time is issued late, never lost;
// ticks still due at the stop are counted as skipped.
func TestEveryLateAndSkipped(t *testing.T) {
	const iv = time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var ticks []tick
	var stopAt time.Time
	issued, skipped := Every(ctx, iv, func(n, sched int64) {
		ticks = append(ticks, tick{n, sched, time.Now().UnixNano()})
		switch n {
		case 5:
			time.Sleep(40 * iv) // the process is starved: ticks 6.. are late
		case 10:
			stopAt = time.Now()
			cancel()
			time.Sleep(20 * iv) // stopped while behind
		}
	})
	returned := time.Now()
	if issued != 10 {
		t.Fatalf("issued %d, want 10", issued)
	}
	for i, tk := range ticks {
		if tk.n != int64(i+1) {
			t.Fatalf("tick %d numbered %d", i+1, tk.n)
		}
	}
	if lag := time.Duration(ticks[5].start - ticks[5].sched); lag < 30*iv {
		t.Errorf("tick 6 lag %s, want the 40ms it waited", lag)
	}
	t0 := ticks[0].sched
	lo := (stopAt.UnixNano()-t0)/int64(iv) + 1
	hi := (returned.UnixNano()-t0)/int64(iv) + 1
	if issued+skipped < lo || issued+skipped > hi {
		t.Errorf("issued %d + skipped %d, want the %d to %d ticks due from the stop to the return", issued, skipped, lo, hi)
	}
	if skipped < 40 {
		t.Errorf("skipped %d, want at least the 40+ ticks due while tick 5 and 10 blocked", skipped)
	}
}

// A context that has ended issues nothing.
func TestEveryCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	issued, skipped := Every(ctx, time.Millisecond, func(n, sched int64) { t.Errorf("tick %d issued", n) })
	if issued != 0 || skipped > 1 {
		t.Errorf("issued %d skipped %d, want 0 and at most tick 1", issued, skipped)
	}
}

// The fallback timer keeps the same schedule.
func TestTimerWaker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	w := newTimerWaker(ctx)
	defer w.close()
	due := time.Now().Add(3 * time.Millisecond)
	if !w.wait(due) || time.Now().Before(due) {
		t.Errorf("woke before due")
	}
	cancel()
	if w.wait(time.Now().Add(time.Hour)) {
		t.Errorf("wait after cancel returned true")
	}
}

// BenchmarkEveryLag reports how late ticks at 1ms start: the schedule's own
// precision, with nothing else running.
func BenchmarkEveryLag(b *testing.B) {
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		lags := make([]int64, 0, 500)
		Every(ctx, time.Millisecond, func(n, sched int64) {
			lags = append(lags, time.Now().UnixNano()-sched)
			if n == 500 {
				cancel()
			}
		})
		slices.Sort(lags)
		b.ReportMetric(float64(lags[len(lags)/2])/1e3, "lag-p50-us")
		b.ReportMetric(float64(lags[len(lags)*99/100])/1e3, "lag-p99-us")
	}
}
