package system

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hatest/hatest/framework/health"
	"github.com/hatest/hatest/framework/runtime"
)

// ClusterSpec declares a cluster of your own: Members running one
// program, each with a stable identity. A member's name is its node's
// name, its hostname and network alias on Docker, and the name of the
// proxy in front of its client port; its data directory is kept when it
// is replaced. Every member is a Service of the topology, so that
// upgrade.Replace, upgrade.Rolling and the faults reach it by name.
//
//	sys.StartCluster(ctx, system.ClusterSpec{
//		Name: "nats", Members: []string{"e1", "e2", "e3"}, Version: "v2.14.10", Software: nats,
//		Port: "4222", Ports: []string{"6222", "8222"},
//		Args: []string{"-n", "${NAME}", "-a", "${HOST}", "-p", "${PORT:4222}",
//			"--cluster", "nats://${LISTEN:6222}", "--routes", "${OTHERS:6222:nats}", "-m", "${PORT:8222}",
//			"-js", "-sd", "${DATA}"},
//		DataDir: true, Ready: health.HTTP("8222", "/healthz"),
//	})
//
// Args are templates, expanded for each member: runtime.ExpandMembers
// names the others (${NAME}, ${ADDR:e2:6222}, ${PEERS:6222},
// ${PEERS:6222:nats}, ${OTHERS:6222}) and runtime.NodeSpec.ExpandArgs the
// member itself (${LISTEN:6222}, ${PORT:6222}, ${HOST}, ${DATA}). A port
// may be named by a name of PortNames instead of its number.
type ClusterSpec struct {
	Name     string   // the cluster's name: what its clients' writes are checked against
	Members  []string // the members' names, in order
	Version  string   // the version every member starts at
	Software runtime.Software
	Args     []string
	Env      map[string]string
	// Port is the members' client port; Ports their other ports (peer,
	// admin). PortNames names them ("peer": "6222") for Args and Ready.
	Port      string
	Ports     []string
	PortNames map[string]string
	// HostPorts pins ports of members to host ports: {"e1": {"4222":
	// 14222}}. Two members may not pin the same host port.
	HostPorts map[string]map[string]int
	DataDir   bool
	Files     map[string]string // every member's; see ServiceSpec.Files
	// Ready is each member's readiness check (nil: its client port
	// accepts connections). The members start all at once and the
	// cluster is ready when every member passes it, within ReadyTimeout
	// (30 s unless set); it gates each replacement too.
	Ready        health.Check
	ReadyTimeout time.Duration
	StopGrace    time.Duration // see ServiceSpec.StopGrace
}

// namedPort is a placeholder's inner text: "${...}".
var namedPort = regexp.MustCompile(`\$\{([^}]*)\}`)

// numbered is args with every port name of names (PortNames) inside a
// placeholder replaced by its number: "${ADDR:e2:peer}" becomes
// "${ADDR:e2:6222}".
func numbered(args []string, names map[string]string) []string {
	if len(names) == 0 {
		return args
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = namedPort.ReplaceAllStringFunc(a, func(m string) string {
			parts := strings.Split(m[2:len(m)-1], ":")
			at := 1 // ${PEERS:peer}, ${OTHERS:peer:nats}, ${LISTEN:peer}, ${PORT:peer}
			switch parts[0] {
			case "ADDR":
				at = 2 // ${ADDR:e2:peer}
			case "FILE", "NAME", "HOST", "DATA":
				return m // no port in them
			}
			if at < len(parts) {
				if n, ok := names[parts[at]]; ok {
					parts[at] = n
				}
			}
			return "${" + strings.Join(parts, ":") + "}"
		})
	}
	return out
}

// portsOf is the cluster's ports, the client port first.
func (c ClusterSpec) portsOf() []string {
	return ServiceSpec{Port: c.Port, Ports: c.Ports}.ports()
}

// Validate reports the first thing wrong with c, in one line that says
// what to fix: no name, members or port; a member named twice; a
// template naming a member or port the cluster does not have; a Ready
// check on a port it does not have; two members pinning one host port.
func (c ClusterSpec) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("cluster %s: %s", c.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Name == "":
		return errors.New("cluster: no name: give the cluster a name")
	case len(c.Members) == 0:
		return fail("no members: name them, as in e1, e2, e3")
	case c.Port == "":
		return fail("no client port: say which port its clients use")
	}
	seen := map[string]bool{}
	for _, m := range c.Members {
		if seen[m] {
			return fail("member %s is named twice: give each member its own name", m)
		}
		seen[m] = true
	}
	for m := range c.HostPorts {
		if !seen[m] {
			return fail("host ports for %s: no member %s (members: %s)", m, m, strings.Join(c.Members, ", "))
		}
	}
	ports := c.portsOf()
	if err := runtime.ValidateMembers(numbered(c.Args, c.PortNames), c.Members, ports); err != nil {
		return fail("%v", err)
	}
	if c.Ready != nil {
		for _, p := range c.Ready.Ports() {
			if n, ok := c.PortNames[p]; ok {
				p = n
			}
			if !slices.Contains(ports, p) {
				return fail("readiness check %s: port %s is not one of the cluster's ports %v: add it to Ports", c.Ready, p, ports)
			}
		}
	}
	pinned := map[int]string{}
	for _, m := range c.Members {
		for _, p := range slices.Sorted(maps.Keys(c.HostPorts[m])) {
			h := c.HostPorts[m][p]
			if n, ok := c.PortNames[p]; ok {
				p = n
			}
			if !slices.Contains(ports, p) {
				return fail("host port for %s port %s: it is not one of the cluster's ports %v", m, p, ports)
			}
			if other, ok := pinned[h]; ok {
				return fail("host port %d is pinned twice, by %s and by %s port %s: pin each to its own host port", h, other, m, p)
			}
			pinned[h] = fmt.Sprintf("%s port %s", m, p)
		}
	}
	return nil
}

// pins is member's host ports by port number, names resolved.
func (c ClusterSpec) pins(member string) map[string]int {
	if len(c.HostPorts[member]) == 0 {
		return nil
	}
	out := map[string]int{}
	for p, h := range c.HostPorts[member] {
		if n, ok := c.PortNames[p]; ok {
			p = n
		}
		out[p] = h
	}
	return out
}

// ready is the readiness check with port names resolved.
func (c ClusterSpec) ready() health.Check {
	if c.Ready == nil || len(c.PortNames) == 0 {
		return c.Ready
	}
	return namedCheck{c.Ready, c.PortNames}
}

// namedCheck resolves port names before asking for an address.
type namedCheck struct {
	health.Check
	names map[string]string
}

func (n namedCheck) Probe(ctx context.Context, at health.Addresser) error {
	return n.Check.Probe(ctx, func(port string) string {
		if p, ok := n.names[port]; ok {
			port = p
		}
		return at(port)
	})
}

// StartCluster starts every member of spec at once and returns when all
// of them pass the readiness check: a member that is healthy only once a
// quorum runs can become ready. Each member gets a proxy in front of its
// client port, named after it. It returns the members that started even
// on error, so that their logs can be kept; an error names the member,
// its check and its last log lines.
func (s *System) StartCluster(ctx context.Context, spec ClusterSpec) ([]*Program, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	_, taken := s.clusters[spec.Name]
	s.mu.Unlock()
	if taken || s.Service(spec.Name) != nil {
		return nil, fmt.Errorf("cluster %s: the topology already has a cluster or service of that name: give each its own", spec.Name)
	}
	for _, m := range spec.Members {
		if err := s.checkNew(ServiceSpec{Name: m, Port: spec.Port}); err != nil {
			return nil, fmt.Errorf("cluster %s: %w", spec.Name, err)
		}
	}
	ports := spec.portsOf()
	members := runtime.Members{Names: spec.Members, Addrs: map[string]map[string]string{}}
	for _, m := range spec.Members {
		addrs, err := s.Runtime.Reserve(runtime.NodeSpec{Name: m, Ports: ports, HostPorts: spec.pins(m)})
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", spec.Name, err)
		}
		members.Addrs[m] = addrs
	}
	started := time.Now()
	svcs := make([]*Program, len(spec.Members))
	errs := make([]error, len(spec.Members))
	// The first member that fails (exits, or is never ready) ends the
	// others' waits: a cluster short of a member may never be ready, and
	// its error is the one to report.
	mctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first = -1
	)
	args := make([][]string, len(spec.Members))
	for i, m := range spec.Members {
		a, err := runtime.ExpandMembers(numbered(spec.Args, spec.PortNames), m, members)
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", spec.Name, err)
		}
		args[i] = a
	}
	for i, m := range spec.Members {
		ss := ServiceSpec{
			Name: m, Version: spec.Version, Software: spec.Software, Args: args[i], Env: spec.Env,
			Port: spec.Port, Ports: spec.Ports, Ready: spec.ready(), ReadyTimeout: spec.ReadyTimeout,
			DataDir: spec.DataDir, Files: spec.Files, StopGrace: spec.StopGrace, Cluster: spec.Name,
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			svcs[i], errs[i] = s.startService(mctx, ss, spec.pins(m))
			if errs[i] != nil && mctx.Err() == nil {
				once.Do(func() { first = i })
				cancel(errs[i])
			}
		}()
	}
	wg.Wait()
	var out []*Program
	for _, v := range svcs {
		if v != nil {
			v.peers = slices.DeleteFunc(slices.Clone(spec.Members), func(m string) bool { return m == v.Spec.Name })
			out = append(out, v)
		}
	}
	if first >= 0 {
		return out, fmt.Errorf("cluster %s: member %s: %w", spec.Name, spec.Members[first], errs[first])
	}
	for i, err := range errs {
		if err != nil {
			return out, fmt.Errorf("cluster %s: member %s: %w", spec.Name, spec.Members[i], err)
		}
	}
	s.mu.Lock()
	if s.clusters == nil {
		s.clusters = map[string][]string{}
	}
	s.clusters[spec.Name] = append([]string(nil), spec.Members...)
	s.mu.Unlock()
	s.logf("started cluster %s (%s) at %s in %v", spec.Name, strings.Join(spec.Members, ", "), spec.Version, time.Since(started).Round(time.Millisecond))
	return out, nil
}

// Members is the member names of the cluster called name, in order, or
// nil.
func (s *System) Members(cluster string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.clusters[cluster]...)
}
