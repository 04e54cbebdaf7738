package plan

import (
	"fmt"
	"slices"

	"github.com/hatest/hatest/framework/health"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

// Cluster declares a cluster of your own: members running version of
// sw, started all at once, each with its own name (its hostname on
// Docker), its own data directory kept across upgrades, and its own proxy
// in front of its client port. The options are a program's (Port, Args,
// DataDir, ...) plus NamedPort and Ready; Args are templates that name
// the members (system.ClusterSpec):
//
//	nats := s.Cluster("nats", []string{"e1", "e2", "e3"}, "v2.14.10", natsServer,
//		scenario.Port("4222"), scenario.NamedPort("peer", "6222"), scenario.NamedPort("admin", "8222"),
//		scenario.Args("-n", "${NAME}", "--routes", "${OTHERS:peer:nats}", ...),
//		scenario.Ready(health.HTTP("admin", "/healthz")), scenario.DataDir())
//	s.Clients(2, nats.All(), scenario.Named("all"))
//	s.Clients(1, nats.Member("e1"), scenario.Named("e1-only"))
//	s.Step(upgrade.Rolling(nats.Names(), "v2.14.10", "v2.15.3"))
func (s *S) Cluster(name string, members []string, version string, sw runtime.Software, opts ...ProgramOption) *Cluster {
	tmpl := system.ServiceSpec{Name: name, Version: version, Software: sw}
	for _, o := range opts {
		o(&tmpl)
	}
	c := &Cluster{Name: name, spec: system.ClusterSpec{
		Name: name, Members: slices.Clone(members), Version: version, Software: sw,
		Args: tmpl.Args, Env: tmpl.Env, Port: tmpl.Port, Ports: tmpl.Ports, PortNames: tmpl.PortNames,
		DataDir: tmpl.DataDir, Ready: tmpl.Ready, ReadyTimeout: tmpl.ReadyTimeout, StopGrace: tmpl.StopGrace,
		Files: tmpl.Files,
	}}
	if c.spec.Ready == nil && tmpl.ReadyHTTP != "" {
		c.spec.Ready = health.HTTP(tmpl.Port, tmpl.ReadyHTTP)
	}
	if tmpl.HostPort != 0 {
		c.err = fmt.Errorf("cluster %s: HostPort pins one program's port; pin each member's with Cluster.Pin(member, port, host)", name)
	}
	for _, m := range members {
		c.Members = append(c.Members, &Service{Name: m, Version: version, Cluster: name})
	}
	s.clusters = append(s.clusters, c)
	return c
}

// Cluster is a declared cluster: its members, and the targets clients
// and steps can name.
type Cluster struct {
	Name    string
	Members []*Service
	spec    system.ClusterSpec
	err     error // an option the cluster cannot take
}

// Err is what is wrong with the declaration beyond what the spec can
// say (an option for programs only), or nil.
func (c *Cluster) Err() error { return c.err }

// Spec is what the runner starts.
func (c *Cluster) Spec() system.ClusterSpec { return c.spec }

// Names are the members' names, in order: for upgrade.Rolling.
func (c *Cluster) Names() []string { return Names(c.Members) }

// All is a client target that may use every member: the product's own
// client library balancing and failing over between them.
func (c *Cluster) All() *Service {
	return &Service{Name: c.Name, Version: c.spec.Version, Cluster: c.Name, Members: c.Members}
}

// Member is the member called name, as a client target that sees only
// it. A name the cluster does not have panics at declaration, naming the
// members.
func (c *Cluster) Member(name string) *Service {
	for _, m := range c.Members {
		if m.Name == name {
			return m
		}
	}
	panic(fmt.Sprintf("cluster %s has no member %q (members: %v)", c.Name, name, c.Names()))
}

// Pin pins port of member to host port on 127.0.0.1 for the whole
// scenario (see HostPort). Two members may not pin the same host port.
func (c *Cluster) Pin(member, port string, host int) *Cluster {
	if c.spec.HostPorts == nil {
		c.spec.HostPorts = map[string]map[string]int{}
	}
	if c.spec.HostPorts[member] == nil {
		c.spec.HostPorts[member] = map[string]int{}
	}
	c.spec.HostPorts[member][port] = host
	return c
}

// NamedPort is another port the program listens on (a peer or admin
// port), with a name that Args templates and Ready may use instead of its
// number: NamedPort("peer", "6222") lets "${OTHERS:peer:nats}" stand for
// "${OTHERS:6222:nats}".
func NamedPort(name, port string) ProgramOption {
	return func(c *system.ServiceSpec) {
		c.Ports = append(c.Ports, port)
		if c.PortNames == nil {
			c.PortNames = map[string]string{}
		}
		c.PortNames[name] = port
	}
}

// Ready is the readiness check (package health): TCP, HTTP with a status
// and a body predicate, or a command. It gates the start and every
// replacement. Without it a program is ready once its port accepts
// connections.
func Ready(check health.Check) ProgramOption {
	return func(c *system.ServiceSpec) { c.Ready = check }
}
