//go:build !linux

package probe

import (
	"context"
	"time"
)

// waker is a Go timer where there is no timerfd.
type waker = timerWaker

func newWaker(ctx context.Context, _ time.Duration) *waker { return newTimerWaker(ctx) }
