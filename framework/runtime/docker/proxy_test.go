package docker_test

import (
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

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
