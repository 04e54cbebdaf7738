package probe

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// waker wakes Every at its ticks. Go's timers are only as exact as its
// network poller's sleep, which is whole milliseconds on Linux: a 1 ms
// schedule on them starts ops 0 to 1 ms late, uniformly, and its lag p99
// is a whole interval. A timerfd firing at every tick (CLOCK_MONOTONIC,
// the clock of Go's monotonic time) wakes the poller through its file
// descriptor instead, within tens of microseconds.
type waker struct {
	ctx   context.Context
	f     *os.File
	raw   syscall.RawConn
	stop  func() bool
	timer *timerWaker // the fallback when no timerfd can be made
	buf   [8]byte
	err   error // of the last read
	read  func(fd uintptr) bool
}

func newWaker(ctx context.Context, interval time.Duration) *waker {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return &waker{ctx: ctx, timer: newTimerWaker(ctx)}
	}
	var now unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &now); err != nil {
		unix.Close(fd)
		return &waker{ctx: ctx, timer: newTimerWaker(ctx)}
	}
	// Tick n+1 is due n intervals after t0. now was read just after t0,
	// so the timer fires at every tick a few hundred nanoseconds after it
	// is due, never before.
	first := now.Nano() + int64(interval)
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(first), Interval: unix.NsecToTimespec(int64(interval))}
	if err := unix.TimerfdSettime(fd, unix.TFD_TIMER_ABSTIME, &spec, nil); err != nil {
		unix.Close(fd)
		return &waker{ctx: ctx, timer: newTimerWaker(ctx)}
	}
	f := os.NewFile(uintptr(fd), "timerfd")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return &waker{ctx: ctx, timer: newTimerWaker(ctx)}
	}
	w := &waker{ctx: ctx, f: f, raw: raw}
	w.read = w.readTimer
	// Ending ctx ends a read that waits for the timer.
	w.stop = context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(time.Unix(1, 0)) }) // f, not w.f: the fallback below clears w.f
	return w
}

// readTimer is the RawConn read function: it reads the expiration count
// with a raw system call. The timerfd never blocks, and a plain system
// call would wake Go's sysmon thread from its sleep, one more context
// switch per tick. EAGAIN: not fired yet, wait in the poller.
func (w *waker) readTimer(fd uintptr) bool {
	for {
		_, _, errno := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&w.buf[0])), uintptr(len(w.buf)))
		switch errno {
		case 0:
			w.err = nil
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // not fired yet: wait in the poller
		}
		w.err = errno
		return true
	}
}

// wait sleeps until the timer fires (it fires at every tick, so at due at
// the latest) or ctx ends (false).
func (w *waker) wait(due time.Time) bool {
	if w.timer != nil {
		return w.timer.wait(due)
	}
	err := w.raw.Read(w.read)
	if err == nil {
		err = w.err
	}
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, os.ErrClosed) {
		return false
	}
	if err != nil {
		// Not expected from a timerfd; fall back to a Go timer rather than
		// spin on the error.
		w.stop()
		w.f.Close()
		w.f, w.stop = nil, nil
		w.timer = newTimerWaker(w.ctx)
		return w.timer.wait(due)
	}
	return true
}

func (w *waker) close() {
	if w.stop != nil {
		w.stop()
	}
	if w.f != nil {
		w.f.Close()
	}
	if w.timer != nil {
		w.timer.close()
	}
}
