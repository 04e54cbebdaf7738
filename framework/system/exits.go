package system

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/timeline"
)

// watched is a node of the system under test (a service, a program, a
// cluster member, a bare driver, an overlord) whose exits are watched. The
// framework reaches the node only through it, so every exit the framework
// asks for passes here first: Stop, Restart, and any signal but the two
// that pause and resume. An exit that none of them asked for is a crash,
// and goes on the timeline as an Unexpected event naming the node, its
// exit code and its last log lines.
//
//	ask (Signal SIGKILL, Stop, Restart) ──▶ gen++
//	watcher: gen0 := gen; Wait() ──▶ exited: gen == gen0? ──▶ Unexpected event
//
// A Restart starts a new watcher for the new program once the runtime has
// started it; a node killed and left down is watched no more.
type watched struct {
	runtime.Node
	s *System

	mu  sync.Mutex
	gen int // the asks so far
}

// watch wraps n and starts watching it.
func (s *System) watch(n runtime.Node) runtime.Node {
	w := &watched{Node: n, s: s}
	w.follow()
	return w
}

// follow waits, in the background, for the program running now to exit.
func (w *watched) follow() {
	w.mu.Lock()
	gen := w.gen
	w.mu.Unlock()
	ctx := w.s.watching
	go func() {
		code, err := w.Wait(ctx)
		if err != nil || ctx.Err() != nil {
			return // the run is ending, or the node is gone
		}
		w.mu.Lock()
		asked := w.gen != gen
		w.mu.Unlock()
		if asked {
			return
		}
		w.s.unexpected(w.Node, code)
	}()
}

// ask records that the framework is about to make the program exit.
func (w *watched) ask() {
	w.mu.Lock()
	w.gen++
	w.mu.Unlock()
}

// Signal asks for the exit a signal may cause: every signal but SIGSTOP
// and SIGCONT, which pause and resume. A drain signal (NATS's lame duck
// is SIGUSR2) ends the program as surely as SIGTERM.
func (w *watched) Signal(ctx context.Context, sig syscall.Signal) error {
	if sig == syscall.SIGSTOP || sig == syscall.SIGCONT {
		return w.Node.Signal(ctx, sig)
	}
	w.ask()
	err := w.Node.Signal(ctx, sig)
	if err != nil {
		// Not sent: it asked for nothing, and a later exit is a crash.
		w.mu.Lock()
		w.gen--
		w.mu.Unlock()
	}
	return err
}

func (w *watched) Stop(ctx context.Context, grace time.Duration) error {
	w.ask()
	return w.Node.Stop(ctx, grace)
}

// Restart asks for the old program's exit and watches the new one.
func (w *watched) Restart(ctx context.Context, version string) error {
	w.ask()
	err := w.Node.Restart(ctx, version)
	if err == nil {
		w.follow()
	}
	return err
}

// unexpected puts an exit nothing asked for on the timeline.
func (s *System) unexpected(n runtime.Node, code int) {
	at := now()
	s.mu.Lock()
	s.exits++
	id := fmt.Sprintf("exit-%d", s.exits)
	s.mu.Unlock()
	desc := fmt.Sprintf("%s (%s) exited with code %d, which no step asked for%s", n.Name(), n.Version(), code, lastLog(n, 3))
	s.Events.Add(timeline.Event{
		ID: id, Kind: timeline.KindSystem, Desc: desc, Start: at, End: at,
		Targets: []string{n.Name()}, Unexpected: true,
	})
	s.logf("%s", desc)
}

// StopWatching ends the watch on every node: the run is over, and the
// exits of its teardown are asked for by the runtime, not by a step.
func (s *System) StopWatching() { s.stopWatching() }

// lastLog is "; last log: a | b | c", the node's last count non-empty
// lines of output, or "" when it wrote none.
func lastLog(n runtime.Node, count int) string {
	lines := tail(n, count)
	if len(lines) == 0 {
		return ""
	}
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return "; last log: " + strings.Join(lines, " | ")
}

// Unwrap is the runtime's own node: what a test uses to make the
// program exit behind the framework's back, as a crash would.
func (w *watched) Unwrap() runtime.Node { return w.Node }
