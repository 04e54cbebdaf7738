package docker

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/toxi"
)

// The toxiproxy container: its API port and the ports its proxies listen
// on, all published on 127.0.0.1.
const (
	proxyAlias     = "toxiproxy"
	proxyAPIPort   = "8474"
	proxyFirstPort = 8000
	// ProxyPorts is how many proxies one run can have.
	ProxyPorts = 16
)

var toxiproxySoftware = builtin(proxyAlias, toxiproxyPackage)

// Proxy creates a toxiproxy proxy called name in front of upstream.Internal.
// When that is a node of this run ("driver:7000"), toxiproxy is given the
// node's address on the run network instead of its alias: toxiproxy dials
// its upstream for every connection, and a name lookup there puts Docker's
// embedded DNS in the data path, where under load one lost packet costs
// the resolver's 5 s timeout, an outage no system under test caused. The
// address is the node's sandbox's, the same for the node's whole life:
// across Restart, and while no program runs, when it refuses at once.
// The first call starts the run's toxiproxy container (alias "toxiproxy",
// image hatest/toxiproxy:<sha12> built from the toxiproxy module's
// cmd/server); each proxy listens on the next of its ports 8000..8015.
// Endpoint: Internal "toxiproxy:80xx", External "127.0.0.1:<published>".
func (r *Runtime) Proxy(ctx context.Context, name string, upstream runtime.Endpoint) (runtime.Proxy, error) {
	if upstream.Internal == "" {
		return nil, fmt.Errorf("proxy %s: upstream has no internal address", name)
	}
	r.proxyMu.Lock()
	defer r.proxyMu.Unlock()
	srv, err := r.proxyServerLocked(ctx)
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", name, err)
	}
	if srv.next >= ProxyPorts {
		return nil, fmt.Errorf("proxy %s: all %d proxy ports of the run are taken", name, ProxyPorts)
	}
	port := strconv.Itoa(proxyFirstPort + srv.next)
	p, err := srv.api.CreateProxy(ctx, name, "0.0.0.0:"+port, r.upstreamOf(upstream.Internal))
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", name, err)
	}
	srv.next++
	p.SetEndpoint(runtime.Endpoint{Internal: proxyAlias + ":" + port, External: srv.node.Endpoint(port).External})
	r.logf("proxy %s: %s -> %s", name, p.Endpoint().External, upstream.Internal)
	return p, nil
}

// StartProxies starts the run's toxiproxy container now, if it has not
// started: the runner calls it beside the first nodes' starts, so that
// the container is up when their proxies are made (runtime.ProxyStarter).
func (r *Runtime) StartProxies(ctx context.Context) error {
	_, err := r.ProxyAPI(ctx)
	return err
}

// ProxyAPI returns the run's toxiproxy API client, starting the container
// if needed.
func (r *Runtime) ProxyAPI(ctx context.Context) (*toxi.Server, error) {
	r.proxyMu.Lock()
	defer r.proxyMu.Unlock()
	srv, err := r.proxyServerLocked(ctx)
	if err != nil {
		return nil, err
	}
	return srv.api, nil
}

func (r *Runtime) proxyServerLocked(ctx context.Context) (*proxyServer, error) {
	if r.proxySrv != nil {
		return r.proxySrv, nil
	}
	tag, err := r.Image(ctx, toxiproxySoftware, "")
	if err != nil {
		return nil, fmt.Errorf("toxiproxy: %w", err)
	}
	ports := []string{proxyAPIPort}
	for i := range ProxyPorts {
		ports = append(ports, strconv.Itoa(proxyFirstPort+i))
	}
	spec := runtime.NodeSpec{
		Name:     proxyAlias,
		Software: toxiproxySoftware,
		Args:     []string{"-host=0.0.0.0", "-port", proxyAPIPort},
		// At its default level toxiproxy logs every connection. Clients
		// that redial every few milliseconds through an outage make that
		// thousands of lines a second, and writing them through Docker's
		// log pipeline stalls the proxy itself: measured as ops queueing
		// for hundreds of milliseconds after every upgrade.
		Env:   map[string]string{"LOG_LEVEL": "error"},
		Ports: ports,
		Ready: proxyAPIPort,
	}
	n, err := r.startNode(ctx, spec, tag, true)
	if err != nil {
		return nil, fmt.Errorf("toxiproxy: %w", err)
	}
	api := toxi.New("http://" + n.Endpoint(proxyAPIPort).External)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := api.WaitReady(wctx); err != nil {
		return nil, fmt.Errorf("toxiproxy: %w", err)
	}
	r.proxySrv = &proxyServer{node: n, api: api}
	return r.proxySrv, nil
}

// upstreamOf returns the address toxiproxy should dial for an upstream
// address: the IP and port of the node it names by its alias (its
// sandbox's IP, which the node keeps for its whole life), or addr as it is
// when it names no node of this run.
func (r *Runtime) upstreamOf(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	r.mu.Lock()
	n := r.nodes[host]
	r.mu.Unlock()
	if n == nil || n.internal {
		return addr
	}
	ip := n.addr()
	if ip == "" {
		return addr
	}
	return net.JoinHostPort(ip, port)
}
