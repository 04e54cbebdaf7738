package fault

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

// Blackhole drops a link's packets below toxiproxy, in its container:
// the connections through the link stall, where Down closes them. It is
// a NetCut on runtime.ProxyHost of the TCP packets to and from the ports
// the link's proxies listen on.
func Blackhole(link string) Fault { return blackhole{link} }

type blackhole struct{ link string }

func (b blackhole) Name() string {
	return "blackhole link " + b.link + " (its packets dropped below toxiproxy)"
}

// Targets is the link.
func (b blackhole) Targets() []string { return []string{b.link} }

// NetKinds: a blackhole is a NetCut.
func (b blackhole) NetKinds() []runtime.NetKind { return []runtime.NetKind{runtime.NetCut} }

// Check refuses a link the topology does not have.
func (b blackhole) Check(t Topology) error {
	if !slices.Contains(t.Links, b.link) {
		return fmt.Errorf("%s: no link %s in this scenario (links: %s)", b.Name(), b.link, strings.Join(t.Links, ", "))
	}
	return nil
}

func (b blackhole) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	nf, err := netFaulter(b.Name(), sys.Runtime)
	if err != nil {
		return nil, err
	}
	px := sys.Proxy(b.link)
	if px == nil {
		return nil, fmt.Errorf("no link named %q", b.link)
	}
	ports, err := listenPorts(px)
	if err != nil {
		return nil, err
	}
	return apply(ctx, nf, []onNode{{runtime.ProxyHost, runtime.NetFault{Kind: runtime.NetCut, Ports: ports}}})
}

// listenPorts is the ports toxiproxy listens on for the link px: each of
// its proxies' (a replication link has one in front of each driver).
func listenPorts(px runtime.Proxy) ([]int, error) {
	ps := []runtime.Proxy{px}
	if l, ok := px.(interface{ Proxies() []runtime.Proxy }); ok {
		ps = l.Proxies()
	}
	var out []int
	for _, p := range ps {
		addr := p.Endpoint().Internal
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("link %s listens at %q: %w", px.Name(), addr, err)
		}
		if host != runtime.ProxyHost {
			return nil, fmt.Errorf("link %s listens at %s, not in the run's toxiproxy container (%s)", px.Name(), addr, runtime.ProxyHost)
		}
		n, err := strconv.Atoi(port)
		if err != nil {
			return nil, fmt.Errorf("link %s listens at %s: %w", px.Name(), addr, err)
		}
		out = append(out, n)
	}
	return out, nil
}
