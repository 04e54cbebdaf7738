package system_test

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// unexpected are the Unexpected events recorded so far.
func unexpected(sys *system.System) []timeline.Event {
	var out []timeline.Event
	for _, e := range sys.Events.Events() {
		if e.Unexpected {
			out = append(out, e)
		}
	}
	return out
}

// waitUnexpected waits up to 10 s for n Unexpected events.
func waitUnexpected(t *testing.T, sys *system.System, n int) []timeline.Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs := unexpected(sys)
		if len(evs) >= n || time.Now().After(deadline) {
			return evs
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A program that exits behind the framework's back is an unexpected exit
// on the timeline, named with its exit code; one the framework killed, or
// replaced, is not; and a replaced program is watched again.
func TestUnexpectedExits(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	svc, err := sys.StartService(ctx, kvSpec())
	if err != nil {
		t.Fatal(err)
	}
	// An upgrade stops the program on purpose.
	if _, err := svc.Replace(ctx, "v2", system.Replacement{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if evs := unexpected(sys); len(evs) != 0 {
		t.Fatalf("an upgrade's stop was taken for a crash: %+v", evs)
	}
	// A crash of the new program: a SIGKILL the framework did not send.
	raw := svc.Node.(interface{ Unwrap() runtime.Node }).Unwrap()
	if err := raw.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	evs := waitUnexpected(t, sys, 1)
	if len(evs) != 1 {
		t.Fatalf("the crash was not seen: %d unexpected exits", len(evs))
	}
	if e := evs[0]; !strings.Contains(e.Desc, "kv (v2) exited with code 137, which no step asked for") || len(e.Targets) != 1 || e.Targets[0] != "kv" {
		t.Errorf("unexpected exit event: %+v", e)
	}
	// Brought back and killed by a fault (through the system): asked.
	if err := svc.Node.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Node.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killCtx, cancelKill := context.WithTimeout(ctx, 10*time.Second)
	defer cancelKill()
	if _, err := svc.Node.Wait(killCtx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if evs := unexpected(sys); len(evs) != 1 {
		t.Errorf("a kill the framework sent was taken for a crash: %+v", evs)
	}
	// A drain signal other than SIGTERM (NATS's lame duck is SIGUSR2)
	// asks for the exit that follows it. The example server ignores
	// SIGUSR2 once its runtime is up, so the test ends it afterwards
	// behind the framework's back, as a drain's own exit would come.
	if err := svc.Node.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Node.Signal(ctx, syscall.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	raw = svc.Node.(interface{ Unwrap() runtime.Node }).Unwrap()
	if err := raw.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := svc.Node.Wait(waitCtx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if evs := unexpected(sys); len(evs) != 1 {
		t.Errorf("an exit on a drain signal the framework sent was taken for a crash: %+v", evs)
	}
}

// Once the run is over, the teardown's exits are nobody's crash.
func TestStopWatching(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	svc, err := sys.StartService(ctx, kvSpec())
	if err != nil {
		t.Fatal(err)
	}
	sys.StopWatching()
	raw := svc.Node.(interface{ Unwrap() runtime.Node }).Unwrap()
	if err := raw.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if evs := unexpected(sys); len(evs) != 0 {
		t.Errorf("an exit after StopWatching was recorded: %+v", evs)
	}
}
