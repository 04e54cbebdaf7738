package docker_test

import (
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/internal/rttest"
)

// A proxy in front of a node whose container the runtime stops or kills
// must refuse at once while the node is down, never hold a client on the
// vanished container's address, and reach the new container after
// Restart. A client keeps asking through the proxy all the while; no ask
// may take anywhere near its 3 s timeout.
func TestProxyFollowsItsNode(t *testing.T) {
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	n, err := rt.Start(ctx, rttest.EchoSpec("svc", "v1"))
	if err != nil {
		t.Fatal(err)
	}
	px, err := rt.Proxy(ctx, "svc", n.Endpoint("7000"))
	if err != nil {
		t.Fatal(err)
	}
	addr := px.Endpoint().External
	rttest.MustAsk(t, addr, "ping", "v1 ping")

	var (
		mu      sync.Mutex
		slowest time.Duration
		refused int
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			_, _, err := rttest.Ask(addr, "ping", 3*time.Second)
			d := time.Since(start)
			mu.Lock()
			slowest = max(slowest, d)
			if err != nil {
				refused++
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	})
	// SIGKILL, then Restart at v2 while the client keeps asking.
	if err := n.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, addr, "ping", "v2 ping")
	// And a graceful Restart at v3.
	if err := n.Restart(ctx, "v3"); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, addr, "ping", "v3 ping")
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	t.Logf("client: %d failed asks while the node was down; slowest ask %v", refused, slowest)
	if refused == 0 {
		t.Errorf("no ask failed while the node was down: the client never saw the outage")
	}
	if slowest > time.Second {
		t.Errorf("an ask through the proxy took %v: it waited on a vanished container", slowest)
	}
}

// A node's address is its sandbox's, which outlives the program: when the
// program exits by itself (here on a SIGTERM it handles, as a server
// finishing a drain does), a client dialling through the proxy in front
// of it is turned away at once, not held on an address that vanished,
// and the proxy's API answers at once. Restart brings the node back on
// the same address and the same published port.
func TestProxyAfterProgramExits(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	kv := runtime.Software{Name: "kv", Versions: map[string]runtime.Build{
		"v1": {Package: "github.com/hatest/hatest/fixtures/example/server"},
	}}
	n, err := rt.Start(ctx, runtime.NodeSpec{
		Name: "kv", Version: "v1", Software: kv,
		Args:  []string{"-listen", "${LISTEN:9000}", "-data", "${DATA}"},
		Ports: []string{"9000"}, Ready: "9000", DataDir: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	px, err := rt.Proxy(ctx, "kv", n.Endpoint("9000"))
	if err != nil {
		t.Fatal(err)
	}
	addr := px.Endpoint().External
	rttest.MustAsk(t, addr, "SET k 1", "OK v1 1")
	ep := n.Endpoint("9000")
	ip := sandboxIP(ctx, t, rt, "kv")

	// The program's container has no network of its own: it is in the
	// sandbox's namespace.
	ins, err := rt.Client().ContainerInspect(ctx, n.(interface{ ID() string }).ID(), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if mode := ins.Container.HostConfig.NetworkMode; !mode.IsContainer() {
		t.Fatalf("program's network mode %q; want the sandbox's namespace", mode)
	}

	if err := n.Signal(ctx, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code, err := n.Wait(ctx); err != nil || code != 0 {
		t.Fatalf("wait after SIGTERM: %d, %v", code, err)
	}
	for i := range 3 {
		start := time.Now()
		_, _, err := rttest.Ask(addr, "GET k", 2*time.Second)
		d := time.Since(start)
		t.Logf("ask %d through the proxy after the exit: %v in %v", i, err, d.Round(time.Millisecond))
		if err == nil {
			t.Fatal("the exited node answered through the proxy")
		}
		if d > 500*time.Millisecond {
			t.Fatalf("ask %d through the proxy took %v to fail (%v): it waited on a vanished address", i, d, err)
		}
	}
	start := time.Now()
	if err := px.SetEnabled(ctx, false); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("disabling the proxy took %v: a dial upstream held it", d)
	}
	if err := px.SetEnabled(ctx, true); err != nil {
		t.Fatal(err)
	}

	if err := n.Restart(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	if got := n.Endpoint("9000"); got != ep {
		t.Fatalf("endpoint after restart %+v; was %+v", got, ep)
	}
	if got := sandboxIP(ctx, t, rt, "kv"); got != ip {
		t.Fatalf("address after restart %s; was %s", got, ip)
	}
	rttest.MustAsk(t, addr, "GET k", "OK v1 1 1")
	rttest.MustAsk(t, ep.External, "GET k", "OK v1 1 1")
}

// sandboxIP returns the address of node name's sandbox on the run network.
func sandboxIP(ctx context.Context, t *testing.T, rt *docker.Runtime, name string) string {
	t.Helper()
	ins, err := rt.Client().ContainerInspect(ctx, "hatest-sandbox-"+rt.ID()+"-"+name, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	es := ins.Container.NetworkSettings.Networks[rt.Network()]
	if es == nil || !es.IPAddress.IsValid() {
		t.Fatalf("sandbox of %s has no address on %s", name, rt.Network())
	}
	return es.IPAddress.String()
}
