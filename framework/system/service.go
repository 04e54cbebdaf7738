package system

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

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
	// proxy forwards to it, and the node is ready once it accepts
	// connections.
	Port string
	// HostPort, if not zero, pins Port to 127.0.0.1:HostPort on the host
	// (runtime.NodeSpec.HostPorts), for the node's whole life: the address
	// a tool outside hatest can reach it at. Start fails with
	// runtime.ErrPortInUse if the port is taken.
	HostPort int
	// ReadyHTTP, if set, is a path on Port that must answer 200 before the
	// node counts as ready ("/healthz"): the service's own health check.
	ReadyHTTP    string
	ReadyTimeout time.Duration // zero means 30 s
	// DataDir gives the program a directory, "${DATA}", that the node
	// keeps when it is replaced: where its state must live to survive an
	// upgrade.
	DataDir bool
	// StopGrace is how long the old node may take to exit after SIGTERM
	// when it is replaced, before it is killed; zero means
	// runtime.DefaultRestartGrace (10 s).
	StopGrace time.Duration
}

// Service is a running ServiceSpec: its node and the proxy in front of it.
// Clients reach the node only through the proxy, so that network faults
// (fault.Down, fault.Latency) can be put between them.
type Service struct {
	Spec  ServiceSpec
	Node  runtime.Node
	Proxy runtime.Proxy

	// build makes a version's build ready (compiles it, makes its image).
	// It holds the runtime, never the System: see services.
	build func(ctx context.Context, version string) error

	mu      sync.Mutex
	history []Span
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
func (s *System) StartService(ctx context.Context, spec ServiceSpec) (*Service, error) {
	switch {
	case spec.Name == "":
		return nil, errors.New("start service: no name")
	case spec.Port == "":
		return nil, fmt.Errorf("start service %s: no port: say which port its clients use", spec.Name)
	case s.Service(spec.Name) != nil || s.Proxy(spec.Name) != nil:
		return nil, fmt.Errorf("start service %s: the topology already has a service of that name", spec.Name)
	}
	svc := &Service{Spec: spec, build: builder(s.Runtime, spec.Software)}
	var pins map[string]int
	if spec.HostPort != 0 {
		pins = map[string]int{spec.Port: spec.HostPort}
	}
	node, err := s.start(ctx, runtime.NodeSpec{
		Name: spec.Name, Version: spec.Version, Software: spec.Software,
		Args: spec.Args, Env: spec.Env, Ports: []string{spec.Port}, HostPorts: pins,
		Ready: spec.Port, ReadyHTTP: spec.ReadyHTTP, ReadyTimeout: spec.ReadyTimeout,
		DataDir: spec.DataDir,
	})
	svc.Node = node
	if err != nil {
		if errors.Is(err, runtime.ErrNotReady) && !listens(spec) {
			err = fmt.Errorf("%w\n(no argument says where to listen: pass \"${LISTEN:%s}\" in Args and serve on that address)", err, spec.Port)
		}
		return svc, err
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
	if err := s.addService(svc); err != nil {
		return svc, err
	}
	s.logf("started service %s at %s, behind proxy %s", spec.Name, spec.Version, px.Endpoint().Internal)
	return svc, nil
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
		case b.Package != "":
			_, err = build.Binary(ctx, b.Package, b.LDFlags)
		}
		return err
	}
}

// listens reports whether spec tells its program where to listen.
func listens(spec ServiceSpec) bool {
	for _, a := range spec.Args {
		if strings.Contains(a, "${LISTEN:"+spec.Port+"}") {
			return true
		}
	}
	return false
}

// Addrs is the service's address as its clients' network sees it: the
// proxy's.
func (v *Service) Addrs() []string { return []string{v.Proxy.Endpoint().Internal} }

// ExternalAddrs is the same address as the framework on the host reaches
// it.
func (v *Service) ExternalAddrs() []string { return []string{v.Proxy.Endpoint().External} }

// Upgrade replaces the service's node with one at version, keeping its
// identity: the same name and address, the same flags, the same data. It
// is the plain way to deploy a single node:
//
//  1. build version (a build that fails stops the upgrade here, with
//     nothing stopped);
//  2. take the node out of the path: its proxy closes every connection
//     and refuses new ones, as an empty load balancer would;
//  3. stop the node: SIGTERM, and SIGKILL after Spec.StopGrace;
//  4. start version on the same data and wait until it is ready;
//  5. put it back: the proxy accepts connections again.
//
// Clients keep their address throughout and see the outage as closed
// and refused connections, from 2 to 5. Step 2 keeps the measurement
// honest on Docker: a stopped container's address does not refuse
// connections, it swallows them, and toxiproxy, which dials upstream in
// its accept loop, would queue every client connection behind a dial
// that hangs for seconds, a queue that outlives the outage. The proxy is
// enabled again even when the upgrade fails, which also ends a partition
// of the link (fault.Down) held at the same time.
func (v *Service) Upgrade(ctx context.Context, version string) (err error) {
	fail := func(err error) error { return fmt.Errorf("upgrade %s to %s: %w", v.Spec.Name, version, err) }
	if err := v.build(ctx, version); err != nil {
		return fail(err)
	}
	if err := v.Proxy.SetEnabled(ctx, false); err != nil {
		return fail(err)
	}
	defer func() {
		if perr := v.Proxy.SetEnabled(context.WithoutCancel(ctx), true); perr != nil && err == nil {
			err = fail(perr)
		}
		if err == nil {
			v.mu.Lock()
			v.history = append(v.history, Span{Version: version, Since: now()})
			v.mu.Unlock()
		}
	}()
	grace := v.Spec.StopGrace
	if grace <= 0 {
		grace = runtime.DefaultRestartGrace
	}
	if err := v.Node.Stop(ctx, grace); err != nil {
		return fail(err)
	}
	if err := v.Node.Restart(ctx, version); err != nil {
		return fail(err)
	}
	return nil
}

// History is every version the service ran, oldest first.
func (v *Service) History() []Span {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]Span(nil), v.history...)
}

// ReadyEvent is the system event that says the service became ready at its
// latest version: the end of the restart phase of the outage an upgrade
// caused, on the scenario's timeline.
func (v *Service) ReadyEvent() timeline.Event {
	h := v.History()
	last := h[len(h)-1]
	return timeline.Event{
		ID: fmt.Sprintf("%s-ready-%d", v.Spec.Name, len(h)), Kind: timeline.KindSystem,
		Desc:  fmt.Sprintf("service %s ready at %s", v.Spec.Name, last.Version),
		Start: last.Since, End: last.Since, Phase: timeline.PhaseReady,
		Targets: []string{v.Spec.Name},
	}
}

// Service returns the service named name, or nil.
func (s *System) Service(name string) *Service {
	for _, v := range s.Services() {
		if v.Spec.Name == name {
			return v
		}
	}
	return nil
}

// Services returns every service started so far, in start order.
func (s *System) Services() []*Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Service(nil), s.services...)
}

func (s *System) addService(v *Service) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.services {
		if o.Spec.Name == v.Spec.Name {
			return fmt.Errorf("start service %s: the topology already has a service of that name", v.Spec.Name)
		}
	}
	s.services = append(s.services, v)
	return nil
}
