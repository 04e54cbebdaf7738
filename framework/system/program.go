package system

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/health"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/build"
	"github.com/hatest/hatest/framework/timeline"
)

// ServiceSpec declares your own server: one node running your program,
// behind a toxiproxy proxy that its clients go through. It is upgraded by
// replacing the node (Service.Upgrade), the way a service without an HA
// manager of its own is upgraded.
//
//	sys.StartService(ctx, system.ServiceSpec{
//		Name: "kv", Version: "v1", Software: kv,
//		Args: []string{"-listen", "${LISTEN:9000}", "-data", "${DATA}"},
//		Port: "9000", DataDir: true,
//	})
type ServiceSpec struct {
	Name     string           // the service's name; also its node's and its proxy's
	Version  string           // the version it starts at: a key of Software.Versions
	Software runtime.Software // the program, one build per version
	// Args are the program's arguments. "${LISTEN:9000}" is replaced by the
	// address it must listen on for port 9000 (":9000" in a container,
	// "127.0.0.1:<free port>" for a process) and "${DATA}" by its data
	// directory. The node is replaced with the same Args.
	Args []string
	Env  map[string]string
	// Port is the port the program serves its clients on ("9000"). The
	// proxy forwards to it, and without Ready the node is ready once it
	// accepts connections.
	Port string
	// Ports are the other ports the program listens on (a cluster's peer
	// and admin ports): "${LISTEN:6222}" and "${PORT:6222}" may name them,
	// and so may a Ready check.
	Ports []string
	// PortNames names ports ("peer": "6222"), for a cluster's templates
	// and its Ready check.
	PortNames map[string]string
	// Ready is the readiness check, run from the host: at start and after
	// each replacement the node counts as ready, and goes back into its
	// clients' path, only once it passes. Nil means health.HTTP(Port,
	// ReadyHTTP) when ReadyHTTP is set, else health.TCP(Port).
	Ready health.Check
	// HostPort, if not zero, pins Port to 127.0.0.1:HostPort on the host
	// (runtime.NodeSpec.HostPorts), for the node's whole life: the address
	// a tool outside hatest can reach it at. Start fails with
	// runtime.ErrPortInUse if the port is taken.
	HostPort int
	// ReadyHTTP, if set and Ready is not, is a path on Port that must
	// answer 200 before the node counts as ready ("/healthz").
	ReadyHTTP    string
	ReadyTimeout time.Duration // zero means 30 s
	// DataDir gives the program a directory, "${DATA}", that the node
	// keeps when it is replaced: where its state must live to survive an
	// upgrade.
	DataDir bool
	// Files are small files the program reads (a configuration file):
	// name -> content, "${FILE:<name>}" in Args (runtime.NodeSpec.Files).
	// Every replacement gets them again as given.
	Files map[string]string
	// StopGrace is how long the old node may take to exit after SIGTERM
	// when it is replaced, before it is killed; zero means
	// runtime.DefaultRestartGrace (10 s).
	StopGrace time.Duration
	// Cluster is the cluster the service is a member of (StartCluster),
	// or "" for a program of its own.
	Cluster string
}

// check is the spec's readiness check.
func (spec ServiceSpec) check() health.Check {
	switch {
	case spec.Ready != nil:
		return spec.Ready
	case spec.ReadyHTTP != "":
		return health.HTTP(spec.Port, spec.ReadyHTTP)
	}
	return health.TCP(spec.Port)
}

// ports is every port the program listens on, the client port first.
func (spec ServiceSpec) ports() []string {
	out := []string{spec.Port}
	for _, p := range spec.Ports {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// Program is a running ServiceSpec, a program or a cluster member of
// your own: its node and the proxy in front of it. Clients reach the node
// only through the proxy, so that network faults (fault.Down,
// fault.Latency) can be put between them.
type Program struct {
	Spec  ServiceSpec
	Node  runtime.Node
	Proxy runtime.Proxy

	// build makes a version's build ready (compiles it, makes its image).
	// It holds the runtime, never the System: see services.
	build func(ctx context.Context, version string) error

	peers []string // the other members of its cluster

	mu       sync.Mutex
	history  []Span
	replaced int // Replace calls so far
}

// Span is one version a service ran, from the moment its node was ready
// at that version (Unix ns).
type Span struct {
	Version string
	Since   int64
}

// StartService starts spec's node and its proxy, and registers the
// service under its name, for Service, Proxy and the steps that act on
// it. It returns what it started even on error, so that its logs can be
// read.
func (s *System) StartService(ctx context.Context, spec ServiceSpec) (*Program, error) {
	if err := s.checkNew(spec); err != nil {
		return nil, err
	}
	svc, err := s.startService(ctx, spec, nil)
	if err != nil {
		return svc, err
	}
	s.logf("started service %s at %s, behind proxy %s", spec.Name, spec.Version, svc.Proxy.Endpoint().Internal)
	return svc, nil
}

// checkNew refuses a spec without a name or a port, or with a name the
// topology already has.
func (s *System) checkNew(spec ServiceSpec) error {
	switch {
	case spec.Name == "":
		return errors.New("start service: no name")
	case spec.Port == "":
		return fmt.Errorf("start service %s: no port: say which port its clients use", spec.Name)
	case s.Service(spec.Name) != nil || s.Proxy(spec.Name) != nil:
		return fmt.Errorf("start service %s: the topology already has a service of that name", spec.Name)
	}
	return nil
}

// startService starts the node (with pins as its host ports, if any),
// waits until it passes its readiness check, builds its other versions,
// puts a proxy in front of its client port and registers it.
func (s *System) startService(ctx context.Context, spec ServiceSpec, pins map[string]int) (*Program, error) {
	svc := &Program{Spec: spec, build: builder(s.Runtime, spec.Software)}
	if spec.HostPort != 0 {
		pins = maps.Clone(pins)
		if pins == nil {
			pins = map[string]int{}
		}
		pins[spec.Port] = spec.HostPort
	}
	node, err := s.start(ctx, runtime.NodeSpec{
		Name: spec.Name, Version: spec.Version, Software: spec.Software,
		Args: spec.Args, Env: spec.Env, Ports: spec.ports(), HostPorts: pins,
		DataDir: spec.DataDir, Files: spec.Files,
	}, true)
	svc.Node = node
	if err != nil {
		return svc, err
	}
	if err := svc.waitReady(ctx); err != nil {
		if spec.Ready == nil && !listens(spec) {
			err = fmt.Errorf("%w\n(no argument says where to listen: pass \"${LISTEN:%s}\" in Args and serve on that address)", err, spec.Port)
		}
		return svc, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	svc.history = []Span{{Version: spec.Version, Since: now()}}
	// Build every version now, as releases are built before they are
	// deployed: an upgrade's outage is then the restart alone, not a
	// compile or an image build in the middle of it.
	for _, v := range slices.Sorted(maps.Keys(spec.Software.Versions)) {
		if err := svc.build(ctx, v); err != nil {
			s.logf("%s %s cannot be built: %v; an upgrade to it will fail", spec.Name, v, err)
		}
	}
	px, err := s.Runtime.Proxy(ctx, spec.Name, node.Endpoint(spec.Port))
	if err != nil {
		return svc, fmt.Errorf("proxy %s: %w", spec.Name, err)
	}
	svc.Proxy = px
	if err := s.add(svc); err != nil {
		return svc, err
	}
	return svc, nil
}

// waitReady waits until the node passes its readiness check, within
// Spec.ReadyTimeout (30 s unless set). A node that exits meanwhile fails
// at once. The error names the check, what it last saw and the node's
// last log lines.
func (v *Program) waitReady(ctx context.Context) error {
	check := v.Spec.check()
	wctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		if code, err := v.Node.Wait(wctx); err == nil {
			cancel(fmt.Errorf("it exited with code %d", code))
		}
	}()
	at := func(port string) string { return v.Node.Endpoint(port).External }
	err := health.Wait(wctx, check, at, v.Spec.ReadyTimeout, 0)
	if err == nil {
		return nil
	}
	if cause := context.Cause(wctx); cause != nil && ctx.Err() == nil && !errors.Is(cause, context.Canceled) {
		err = fmt.Errorf("%w: %s (waiting for %s)", runtime.ErrNotReady, cause, check)
	} else {
		err = fmt.Errorf("%w: %w", runtime.ErrNotReady, err)
	}
	return fmt.Errorf("%w%s", err, lastLines(v.Node, 20))
}

// lastLines is the node's last count lines of output, as a suffix for
// an error, or "; no output".
func lastLines(n runtime.Node, count int) string {
	lines := tail(n, count)
	if len(lines) == 0 {
		return "; no output"
	}
	return fmt.Sprintf("; its last %d lines of output:\n\t%s", len(lines), strings.Join(lines, "\n\t"))
}

// tail is the node's last count non-empty lines of output.
func tail(n runtime.Node, count int) []string {
	b, err := io.ReadAll(n.Logs())
	if err != nil {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimRight(l, " \t\r"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines[max(0, len(lines)-count):]
}

// builder returns the function that makes the build of a version of sw
// ready on rt, ahead of its use: the Docker runtime's image (which builds
// the binary too), or for processes the binary of a Package build. Both
// runtimes keep what was built, so the start that follows finds it.
func builder(rt runtime.Runtime, sw runtime.Software) func(context.Context, string) error {
	images, _ := rt.(interface {
		Image(ctx context.Context, sw runtime.Software, version string) (string, error)
	})
	return func(ctx context.Context, version string) error {
		b, ok := sw.Versions[version]
		if !ok {
			return fmt.Errorf("%s has no build for version %q", sw.Name, version)
		}
		var err error
		switch {
		case images != nil:
			_, err = images.Image(ctx, sw, version)
		case b.Module != "":
			_, err = build.Module(ctx, b.Module, b.ModuleVersion, b.Package)
		case b.Package != "":
			_, err = build.Binary(ctx, b.Package, b.LDFlags)
		}
		return err
	}
}

// listens reports whether spec tells its program where to listen for its
// client port. Without it, a program that never accepts connections there
// most likely listens elsewhere: the error says how to tell it.
func listens(spec ServiceSpec) bool {
	for _, a := range spec.Args {
		if strings.Contains(a, "${LISTEN:"+spec.Port+"}") || strings.Contains(a, "${PORT:"+spec.Port+"}") {
			return true
		}
	}
	return false
}

// Addrs is the service's address as its clients' network sees it: the
// proxy's.
func (v *Program) Addrs() []string { return []string{v.Proxy.Endpoint().Internal} }

// ExternalAddrs is the same address as the framework on the host reaches
// it.
func (v *Program) ExternalAddrs() []string { return []string{v.Proxy.Endpoint().External} }

// Replacement says how Upgrade stops the old program.
type Replacement struct {
	// Drain stops the program while it is still in its clients' path:
	// Signal goes out with the proxy open, so that the program's own
	// graceful drain (NATS's lame-duck mode) moves its clients elsewhere;
	// the proxy closes once the program has exited or Grace has passed.
	// Without Drain the proxy closes first, as an empty load balancer
	// would, and then Signal goes out.
	Drain bool
	// Signal asks the program to stop: SIGTERM unless set (SIGUSR2 puts
	// NATS into lame-duck mode).
	Signal syscall.Signal
	// Grace is how long the program may take to exit after Signal before
	// it is killed; zero means Spec.StopGrace.
	Grace time.Duration
}

// Phases are the moments of one replacement (Unix ns; 0 when not
// reached): the stop began, the old program exited (or was killed), the
// new one started, and it passed its readiness check.
type Phases struct {
	N                              int // the service's replacement count, from 1
	Stop, Exited, Started, Healthy int64
	// Closed is when the proxy closed, in a drain (it closes before Stop
	// otherwise): on the timeline, the gap after Exited is the runtime's,
	// not the program's.
	Closed int64
}

// Replace replaces the program's node with one at version, keeping its
// identity: the same name and address, the same flags, the same data. It
// is the plain way to deploy a single node or one member of a cluster:
//
//  1. build version (a build that fails stops the upgrade here, with
//     nothing stopped);
//  2. take the node out of the path: its proxy closes every connection
//     and refuses new ones, as an empty load balancer would (with
//     how.Drain, after step 3 instead);
//  3. stop the node: how.Signal (SIGTERM), and SIGKILL after the grace;
//  4. start version on the same data and wait until it passes its
//     readiness check (Spec.Ready);
//  5. put it back: the proxy accepts connections again.
//
// Clients keep their address throughout and see the outage as closed
// and refused connections, from 2 to 5: an empty load balancer's answer,
// the same on both runtimes (on Docker the node's network sandbox
// outlives its program, so a stopped program's port refuses too). The
// proxy is enabled again even when the upgrade fails, which also ends a
// partition of the link (fault.Down) held at the same time. Phases says
// when each part happened, also on error.
func (v *Program) Replace(ctx context.Context, version string, how Replacement) (ph Phases, err error) {
	fail := func(err error) error { return fmt.Errorf("upgrade %s to %s: %w", v.Spec.Name, version, err) }
	v.mu.Lock()
	v.replaced++
	ph.N = v.replaced
	v.mu.Unlock()
	if err := v.build(ctx, version); err != nil {
		return ph, fail(err)
	}
	if how.Signal == 0 {
		how.Signal = syscall.SIGTERM
	}
	if how.Grace <= 0 {
		how.Grace = v.Spec.StopGrace
	}
	if how.Grace <= 0 {
		how.Grace = runtime.DefaultRestartGrace
	}
	defer func() {
		if perr := v.Proxy.SetEnabled(context.WithoutCancel(ctx), true); perr != nil && err == nil {
			err = fail(perr)
		}
		if err == nil {
			v.mu.Lock()
			v.history = append(v.history, Span{Version: version, Since: ph.Healthy})
			v.mu.Unlock()
		}
	}()
	// The stop begins when the clients lose the program: at the signal in
	// a drain, else when the proxy closes in front of it.
	ph.Stop = now()
	if !how.Drain {
		if err := v.Proxy.SetEnabled(ctx, false); err != nil {
			return ph, fail(err)
		}
	}
	if err := v.stop(ctx, how); err != nil {
		return ph, fail(err)
	}
	ph.Exited = now()
	if how.Drain {
		if err := v.Proxy.SetEnabled(ctx, false); err != nil {
			return ph, fail(err)
		}
		ph.Closed = now()
	}
	if err := v.Node.Restart(ctx, version); err != nil {
		return ph, fail(err)
	}
	ph.Started = now()
	if err := v.waitReady(ctx); err != nil {
		return ph, fail(err)
	}
	ph.Healthy = now()
	return ph, nil
}

// stop sends how.Signal and waits up to how.Grace for the program to
// exit, then kills it. A program that is not running (killed by a fault)
// is already stopped. Without a drain, and with SIGTERM, it is the
// runtime's own Stop, which on Docker also turns away the proxies' dials
// before the container goes; a drain never asks the runtime to stop the
// node until the program has had its grace, so that its clients can still
// reach it meanwhile.
func (v *Program) stop(ctx context.Context, how Replacement) error {
	if how.Signal == syscall.SIGTERM && !how.Drain {
		return v.Node.Stop(ctx, how.Grace)
	}
	if err := v.Node.Signal(ctx, how.Signal); err != nil {
		return v.Node.Stop(ctx, how.Grace)
	}
	wctx, cancel := context.WithTimeout(ctx, how.Grace)
	defer cancel()
	if _, err := v.Node.Wait(wctx); err == nil {
		return nil
	}
	return v.Node.Stop(ctx, 0)
}

// History is every version the service ran, oldest first.
func (v *Program) History() []Span {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]Span(nil), v.history...)
}

// PhaseEvents are the timeline's events of one replacement of the
// service to version: one instant per phase reached, the readiness one
// last: it ends the restart phase of the outage, on the timeline.
func (v *Program) PhaseEvents(ph Phases, version string) []timeline.Event {
	n, name := ph.N, v.Spec.Name
	var out []timeline.Event
	add := func(t int64, phase, desc string) {
		if t == 0 {
			return
		}
		out = append(out, timeline.Event{
			ID: fmt.Sprintf("%s-%s-%d", name, phase, n), Kind: timeline.KindSystem, Desc: desc,
			Start: t, End: t, Phase: phase, Targets: []string{name},
		})
	}
	add(ph.Stop, timeline.PhaseStop, name+" asked to stop")
	add(ph.Exited, timeline.PhaseExited, name+" exited")
	if ph.Closed != 0 {
		out = append(out, timeline.Event{
			ID: fmt.Sprintf("%s-closed-%d", name, n), Kind: timeline.KindSystem, Desc: "proxy " + name + " closed after the drain",
			Start: ph.Closed, End: ph.Closed, Targets: []string{name},
		})
	}
	add(ph.Started, timeline.PhaseStarted, fmt.Sprintf("%s started at %s", name, version))
	if ph.Healthy != 0 {
		out = append(out, timeline.Event{
			ID: fmt.Sprintf("%s-ready-%d", name, n+1), Kind: timeline.KindSystem,
			Desc:  fmt.Sprintf("service %s ready at %s", name, version),
			Start: ph.Healthy, End: ph.Healthy, Phase: timeline.PhaseReady, Targets: []string{name},
		})
	}
	return out
}

// Program returns the program or cluster member named name, or nil.
func (s *System) Program(name string) *Program {
	v, _ := s.Service(name).(*Program)
	return v
}

// Name is the program's name: its node's and its proxy's.
func (v *Program) Name() string { return v.Spec.Name }

// Links is the proxy in front of the program.
func (v *Program) Links() []runtime.Proxy { return []runtime.Proxy{v.Proxy} }

// Nodes is the program's node.
func (v *Program) Nodes() []runtime.Node { return []runtime.Node{v.Node} }

// Path is the program and, for a cluster member, the other members: a
// member serves its clients only with a quorum of the others.
func (v *Program) Path() []string { return append([]string{v.Spec.Name}, v.peers...) }

// Upgrade replaces the program's node with one at version (Replace) and
// returns the phases as timeline events.
func (v *Program) Upgrade(ctx context.Context, version string, how Replacement) ([]timeline.Event, error) {
	ph, err := v.Replace(ctx, version, how)
	return v.PhaseEvents(ph, version), err
}

// String is the replacement as the plan says it: "drain: SIGUSR2, proxy
// open for up to 10s" or "proxy closed, then SIGTERM".
func (r Replacement) String() string {
	sig := r.Signal
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	name := signalName(sig)
	if !r.Drain {
		return "proxy closed, then " + name
	}
	if r.Grace > 0 {
		return fmt.Sprintf("drain: %s with the proxy open, for up to %s", name, r.Grace)
	}
	return "drain: " + name + " with the proxy open"
}

// signalName is "SIGTERM" for syscall.SIGTERM.
func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGUSR1:
		return "SIGUSR1"
	case syscall.SIGUSR2:
		return "SIGUSR2"
	case syscall.SIGQUIT:
		return "SIGQUIT"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return fmt.Sprintf("signal %d", int(sig))
}
