package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

// Program declares your own server: a node running version of sw, behind
// a toxiproxy proxy named name that clients go through. Say which port
// its clients use and how to start it:
//
//	kv := scenario.GoSoftware("kv", "example.com/kv/cmd/server", "v1", "v2")
//	svc := s.Program("kv", "v1", kv,
//		scenario.Port("9000"),
//		scenario.Args("-listen", "${LISTEN:9000}", "-data", "${DATA}"),
//		scenario.DataDir(),
//	)
//	s.Clients(2, svc, scenario.ClientSoftware(kvClient))
//	s.Step(upgrade.Replace("kv", "v1", "v2"))
//
// The node is ready once Port accepts connections (or ReadyHTTP answers
// 200). upgrade.Replace upgrades it; fault.Node(name) and fault.Down(name)
// reach it like any other node and link. docs/your-own-system.md has the
// whole story.
func (s *S) Program(name, version string, sw runtime.Software, opts ...ProgramOption) *Service {
	spec := system.ServiceSpec{Name: name, Version: version, Software: sw}
	for _, o := range opts {
		o(&spec)
	}
	addProgram(s, spec)
	return &Service{Name: name, Version: version}
}

// ProgramOption adjusts a declared program.
type ProgramOption func(*system.ServiceSpec)

// Port is the port the program serves its clients on ("9000").
func Port(port string) ProgramOption { return func(c *system.ServiceSpec) { c.Port = port } }

// HostPort pins the program's client port (Port) to 127.0.0.1:port on
// this host, for the whole scenario, upgrades included: the Docker runtime
// publishes it there, a process listens there. Clients still go through
// the proxy; the pin is for what reaches the program from outside hatest
// (a dashboard, a debugger, a fixed firewall rule). A port that is taken
// fails the scenario's start with an environment error naming it.
func HostPort(port int) ProgramOption { return func(c *system.ServiceSpec) { c.HostPort = port } }

// Args are the program's arguments. "${LISTEN:9000}" stands for the
// address it must listen on for port 9000, "${DATA}" for its data
// directory (see DataDir).
func Args(args ...string) ProgramOption {
	return func(c *system.ServiceSpec) { c.Args = append(c.Args, args...) }
}

// Env sets an environment variable of the program.
func Env(key, value string) ProgramOption {
	return func(c *system.ServiceSpec) {
		if c.Env == nil {
			c.Env = map[string]string{}
		}
		c.Env[key] = value
	}
}

// ReadyHTTP is the program's health check: a path on its port that
// answers 200 once it is ready ("/healthz"). Without it the program is
// ready once its port accepts connections.
func ReadyHTTP(path string) ProgramOption {
	return func(c *system.ServiceSpec) { c.ReadyHTTP = path }
}

// ReadyTimeout is how long the program may take to become ready, at start
// and after each upgrade (default 30 s).
func ReadyTimeout(d time.Duration) ProgramOption {
	return func(c *system.ServiceSpec) { c.ReadyTimeout = d }
}

// StopGrace is how long the program may take to exit after SIGTERM when
// it is replaced, before it is killed (default 10 s).
func StopGrace(d time.Duration) ProgramOption {
	return func(c *system.ServiceSpec) { c.StopGrace = d }
}

// DataDir gives the program a directory, "${DATA}" in its Args, that
// survives upgrades: where it must keep its state.
func DataDir() ProgramOption { return func(c *system.ServiceSpec) { c.DataDir = true } }

// ClientArgs passes extra flags to the clients, after the ones every
// client gets (-name, -addr, -interval, -timeout, -mode): for your own
// client's settings.
func ClientArgs(args ...string) ClientOption {
	return func(c *system.ClientSpec) { c.Args = append(c.Args, args...) }
}

// GoSoftware is a Go program at several versions: each is the main
// package pkg (an import path, or a path relative to the module root such
// as "./cmd/server") built as a static binary with
// -ldflags "-X main.version=<version>". The Docker runtime puts each in an
// image FROM scratch; the process runtime runs it as it is.
func GoSoftware(name, pkg string, versions ...string) runtime.Software {
	sw := runtime.Software{Name: name, Versions: map[string]runtime.Build{}}
	for _, v := range versions {
		sw.Versions[v] = runtime.Build{Package: pkg, LDFlags: "-X main.version=" + v}
	}
	return sw
}

func addProgram(s *S, spec system.ServiceSpec) { s.programs = append(s.programs, spec) }

// programsOf returns the programs s declared, in order.
func programsOf(s *S) []system.ServiceSpec { return s.programs }

// The runner's side of programs: startTopology, Plan, keepArtifacts and
// versions call these.

// startPrograms starts every declared program, after the overlords and
// before the clients.
func (r *runState) startPrograms(ctx context.Context) error {
	for _, spec := range programsOf(r.s) {
		if _, err := r.sys.StartService(ctx, spec); err != nil {
			return err
		}
	}
	return nil
}

// clientAddrs is where clients of target send: through its proxies.
func (r *runState) clientAddrs(target *Service) ([]string, error) {
	if v := r.sys.Service(target.Name); v != nil {
		return v.Addrs(), nil
	}
	if o := r.sys.Overlord(target.Name); o != nil {
		return o.Addrs(), nil
	}
	return nil, fmt.Errorf("clients send to %q, which is not a service of this scenario", target.Name)
}

// pathOf is what a client of target depends on: the service (its node
// and proxy share its name) and, for a standby pair, the secondary's
// proxy and the replication link. Steps and faults name the same parts in
// their Targets.
func (r *runState) pathOf(target *Service) []string {
	path := []string{target.Name}
	if o := r.sys.Overlord(target.Name); o != nil && o.Spec.Standby {
		path = append(path, target.Name+"-secondary", system.ReplicationLink(target.Name))
	}
	return path
}

// programPlan is the plan's lines for the declared programs, numbered on
// from top.sub.
func (s *S) programPlan(top int, sub *int) []string {
	var lines []string
	for _, p := range programsOf(s) {
		*sub++
		line := fmt.Sprintf("   %d.%d program %q running %s %s, behind proxy %q to port %s",
			top, *sub, p.Name, or(p.Software.Name, "its software"), p.Version, p.Name, p.Port)
		if p.HostPort != 0 {
			line += fmt.Sprintf(" (pinned to 127.0.0.1:%d)", p.HostPort)
		}
		lines = append(lines, line)
	}
	return lines
}

// keepProgramLogs saves each program's node log, even of one that never
// became ready.
func (r *runState) keepProgramLogs(save func(name string, data []byte)) {
	ps := map[string]bool{}
	for _, p := range programsOf(r.s) {
		ps[p.Name] = true
	}
	for _, n := range r.sys.Nodes() {
		if ps[n.Name()] {
			if b, err := readAll(n); err == nil {
				save(n.Name()+".log", b)
			}
		}
	}
}

// programVersions is the version lane of the programs: a span per version
// each ran, from the moment it was ready at it.
func (r *runState) programVersions(ms func(int64) float64, end time.Time) []result.Version {
	var out []result.Version
	for _, p := range programsOf(r.s) {
		v := r.sys.Service(p.Name)
		if v == nil {
			continue
		}
		h := v.History()
		for i, sp := range h {
			until := end.UnixNano()
			if i+1 < len(h) {
				until = h[i+1].Since
			}
			out = append(out, result.Version{Node: p.Name, Version: sp.Version, StartMS: ms(sp.Since), EndMS: ms(until)})
		}
	}
	return out
}
