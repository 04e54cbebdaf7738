package probe

import (
	"context"
	"time"
)

// Every runs an open-loop schedule: it calls issue for tick n (from 1)
// when it is due, at t0 + (n-1)·interval, where t0 is when Every was
// called, until ctx ends. issue gets n and the tick's due time (Unix ns,
// the op line's "sched"); it runs on Every's goroutine and must not block:
// start the operation in a goroutine of its own, so that a slow or lost
// answer never delays the next tick.
//
// The schedule is absolute, not a ticker's: a tick that cannot be issued on
// time (the process was starved of CPU or stopped) is issued late, as soon
// as Every runs again, and its lag shows as start - sched; every tick in
// between is issued, none is dropped. When ctx ends, the ticks already due
// but not yet issued are returned as skipped, so that issued + skipped is
// every tick due from t0 to the stop.
//
// On Linux the wake-up is a timerfd, exact to the kernel's timer slack;
// elsewhere it is a Go timer, which the runtime may fire up to a
// millisecond late (its poller sleeps in whole milliseconds).
func Every(ctx context.Context, interval time.Duration, issue func(n, sched int64)) (issued, skipped int64) {
	if interval <= 0 {
		panic("probe.Every: interval must be positive")
	}
	t0 := time.Now()
	wall := t0.UnixNano()
	w := newWaker(ctx, interval)
	defer w.close()
	for n := int64(1); ; n++ {
		due := t0.Add(time.Duration(n-1) * interval)
		for time.Now().Before(due) {
			if !w.wait(due) {
				return n - 1, skippedAt(t0, interval, n-1)
			}
		}
		if ctx.Err() != nil {
			return n - 1, skippedAt(t0, interval, n-1)
		}
		issue(n, wall+(n-1)*int64(interval))
	}
}

// skippedAt is how many ticks from t0 are due by now beyond the issued ones.
func skippedAt(t0 time.Time, interval time.Duration, issued int64) int64 {
	due := int64(time.Since(t0)/interval) + 1
	return max(due-issued, 0)
}

// timerWaker wakes with a Go timer: the portable fallback.
type timerWaker struct {
	ctx   context.Context
	timer *time.Timer
}

func newTimerWaker(ctx context.Context) *timerWaker {
	return &timerWaker{ctx: ctx, timer: time.NewTimer(time.Hour)}
}

// wait sleeps until due or until ctx ends (false).
func (w *timerWaker) wait(due time.Time) bool {
	w.timer.Reset(time.Until(due))
	select {
	case <-w.ctx.Done():
		return false
	case <-w.timer.C:
		return true
	}
}

func (w *timerWaker) close() { w.timer.Stop() }
