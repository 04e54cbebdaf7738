package fault

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

// Target is what a process fault hits. Two kinds exist:
//
//   - Driver("driver") is the primary driver process inside an overlord
//     service (Driver("driver", "secondary") its secondary). The fault goes
//     through the overlord's /signal endpoint, because a scratch image has
//     no shell and the driver is the overlord's child. The overlord sees
//     the fault as it would in production.
//   - Node("driver") is a whole node: a container, or a process group. A
//     killed node stays dead until healed; nothing restarts it.
type Target interface {
	String() string
	// part is the name of what the target is part of, as faults list it
	// in Targets: the overlord service, or the node.
	part() string
	signal(ctx context.Context, sys *system.System, sig syscall.Signal) error
}

// Driver targets a driver process inside the overlord service named
// service: "primary" (default) or "secondary".
func Driver(service string, slot ...string) Target {
	s := "primary"
	if len(slot) > 0 {
		s = slot[0]
	}
	return driverTarget{service, s}
}

type driverTarget struct{ service, slot string }

func (d driverTarget) String() string { return fmt.Sprintf("%s driver of %s", d.slot, d.service) }

// part is the service: both drivers are on its clients' path.
func (d driverTarget) part() string { return d.service }

func (d driverTarget) signal(ctx context.Context, sys *system.System, sig syscall.Signal) error {
	o := sys.Overlord(d.service)
	if o == nil {
		return fmt.Errorf("no overlord service named %q", d.service)
	}
	return o.Signal(ctx, d.slot, sigName(sig))
}

// Node targets a whole node by name.
func Node(name string) Target { return nodeTarget{name} }

type nodeTarget struct{ name string }

func (n nodeTarget) String() string { return "node " + n.name }

func (n nodeTarget) part() string { return n.name }

func (n nodeTarget) node(sys *system.System) (runtime.Node, error) {
	for _, nd := range sys.Nodes() {
		if nd.Name() == n.name {
			return nd, nil
		}
	}
	return nil, fmt.Errorf("no node named %q", n.name)
}

func (n nodeTarget) signal(ctx context.Context, sys *system.System, sig syscall.Signal) error {
	nd, err := n.node(sys)
	if err != nil {
		return err
	}
	return nd.Signal(ctx, sig)
}

// sigName is the signal as the overlord's /signal takes it: "KILL".
func sigName(sig syscall.Signal) string {
	if s := unix.SignalName(sig); s != "" {
		return strings.TrimPrefix(s, "SIG")
	}
	return fmt.Sprint(int(sig))
}

// Kill sends SIGKILL. There is nothing to heal: recovery is the system's
// job (the overlord restarts a driver); a killed Node stays down.
func Kill(t Target) Fault { return signalFault{t, syscall.SIGKILL, "SIGKILL"} }

// Term sends SIGTERM: a graceful stop the program may handle.
func Term(t Target) Fault { return signalFault{t, syscall.SIGTERM, "SIGTERM"} }

type signalFault struct {
	t    Target
	sig  syscall.Signal
	name string
}

func (f signalFault) Name() string { return f.name + " " + f.t.String() }

// Targets is the service or node the signal goes to.
func (f signalFault) Targets() []string { return []string{f.t.part()} }

func (f signalFault) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	return noHeal, f.t.signal(ctx, sys, f.sig)
}

func noHeal(context.Context) error { return nil }

// Stop freezes the target with SIGSTOP; the heal sends SIGCONT. A stopped
// driver holds its connections open and answers nothing: a hang, which the
// overlord can only find by missed heartbeats.
func Stop(t Target) Fault { return stopFault{t} }

type stopFault struct{ t Target }

func (f stopFault) Name() string { return "SIGSTOP " + f.t.String() }

// Targets is the service or node that is stopped.
func (f stopFault) Targets() []string { return []string{f.t.part()} }

func (f stopFault) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	if err := f.t.signal(ctx, sys, syscall.SIGSTOP); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error { return f.t.signal(ctx, sys, syscall.SIGCONT) }, nil
}

// Pause freezes every process of a node (Docker's freezer; SIGSTOP to the
// process group for processes); the heal resumes it.
func Pause(node string) Fault { return pauseFault{nodeTarget{node}} }

type pauseFault struct{ n nodeTarget }

func (f pauseFault) Name() string { return "pause " + f.n.String() }

// Targets is the node.
func (f pauseFault) Targets() []string { return []string{f.n.name} }

func (f pauseFault) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	nd, err := f.n.node(sys)
	if err != nil {
		return nil, err
	}
	if err := nd.Pause(ctx); err != nil {
		return nil, err
	}
	return nd.Resume, nil
}

// Restart replaces a node with a fresh one at the same version, keeping
// its identity and data. It is instantaneous: hold it for 0.
func Restart(node string) Fault { return restartFault{nodeTarget{node}} }

type restartFault struct{ n nodeTarget }

func (f restartFault) Name() string { return "restart " + f.n.String() }

// Targets is the node.
func (f restartFault) Targets() []string { return []string{f.n.name} }

func (f restartFault) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	nd, err := f.n.node(sys)
	if err != nil {
		return nil, err
	}
	return noHeal, nd.Restart(ctx, nd.Version())
}

// CrashLoop kills the target every interval for as long as the fault is
// held: a driver that keeps dying, which an overlord must survive.
func CrashLoop(t Target, every time.Duration) Fault { return crashLoop{t, every} }

type crashLoop struct {
	t     Target
	every time.Duration
}

func (f crashLoop) Name() string { return fmt.Sprintf("crash loop: SIGKILL %s every %s", f.t, f.every) }

// Targets is the service or node killed again and again.
func (f crashLoop) Targets() []string { return []string{f.t.part()} }

func (f crashLoop) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	if err := f.t.signal(ctx, sys, syscall.SIGKILL); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() {
		tick := time.NewTicker(f.every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				done <- nil
				return
			case <-tick.C:
				// A kill that lands while the driver is down fails; that is
				// the loop working, not an error.
				_ = f.t.signal(ctx, sys, syscall.SIGKILL)
			}
		}
	}()
	return func(context.Context) error { cancel(); return <-done }, nil
}
