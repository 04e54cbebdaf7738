package plan

import (
	"time"

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
	s.programs = append(s.programs, spec)
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
