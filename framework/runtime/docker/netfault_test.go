package docker_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/internal/rttest"
)

// noNetem is the line a fault that needs the kernel's sch_netem fails
// with where the kernel has none (this machine's).
const noNetem = "this kernel has no sch_netem (tc qdisc kind netem is unknown)"

// Faults below the proxy on two echo nodes, a and b, and on toxiproxy.
// Traffic from inside a node is made by the sidecar's dial diagnostic,
// which runs in the node's network namespace: "ping" to a peer's echo.
func TestNetFault(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	nodes := map[string]runtime.Node{}
	var mu sync.Mutex
	for _, name := range []string{"a", "b"} {
		wg.Go(func() {
			n, err := rt.Start(ctx, rttest.EchoSpec(name, "v1"))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			nodes[name] = n
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	a := nodes["a"]

	// dial pings to's echo from inside from's namespace.
	dial := func(from, to string, timeout time.Duration) (string, time.Duration, error) {
		start := time.Now()
		out, err := rt.NetfaultExec(ctx, from, "dial", to+":7000", timeout.String())
		return strings.TrimSpace(out), time.Since(start), err
	}
	mustDial := func(from, to, want string) {
		t.Helper()
		if got, _, err := dial(from, to, 3*time.Second); err != nil || got != want {
			t.Fatalf("%s -> %s: %q, %v; want %q", from, to, got, err, want)
		}
	}
	// mustNotDial fails t unless a ping from -> to fails with an error
	// that contains want, and returns how long the attempt took.
	mustNotDial := func(from, to string, timeout time.Duration, want string) time.Duration {
		t.Helper()
		got, d, err := dial(from, to, timeout)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s -> %s: %q, %v; want an error with %q", from, to, got, err, want)
		}
		t.Logf("%s -> %s: %v (exec %v)", from, to, err, d.Round(time.Millisecond))
		return d
	}
	var applies, heals []time.Duration
	apply := func(node string, f runtime.NetFault) runtime.Applied {
		t.Helper()
		start := time.Now()
		ap, err := rt.NetFault(ctx, node, f)
		d := time.Since(start)
		if err != nil {
			t.Fatalf("%s on %s: %v", f.Kind, node, err)
		}
		if ap.Sent.Before(start) || ap.Acked.Before(ap.Sent) || ap.Acked.After(time.Now()) {
			t.Fatalf("%s on %s: span %v–%v is not within the call (%v, %v)", f.Kind, node, ap.Sent, ap.Acked, start, d)
		}
		applies = append(applies, d)
		return ap
	}
	heal := func(ap runtime.Applied) {
		t.Helper()
		start := time.Now()
		at, err := ap.Heal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if at.Sent.Before(start) || at.Acked.Before(at.Sent) || at.Acked.After(time.Now()) {
			t.Fatalf("heal: span %v–%v is not within the call", at.Sent, at.Acked)
		}
		heals = append(heals, time.Since(start))
		if again, err := ap.Heal(ctx); err != nil || again != at {
			t.Fatalf("a second heal: %v, %v; want %v, nil", again, err, at)
		}
	}
	external := func(n runtime.Node) string { return n.Endpoint("7000").External }

	mustDial("a", "b", "v1 ping")
	mustDial("b", "a", "v1 ping")

	// A cut a <-> b drops both ways; a still answers the host. It holds
	// across a Restart of a's program: the sidecar is in the sandbox's
	// namespace.
	cut := apply("a", runtime.NetFault{Kind: runtime.NetCut, Peers: []string{"b"}})
	mustNotDial("a", "b", time.Second, "i/o timeout")
	mustNotDial("b", "a", time.Second, "i/o timeout")
	rttest.MustAsk(t, external(a), "ping", "v1 ping")
	checkCapabilities(ctx, t, rt)
	if err := a.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	mustNotDial("a", "b", time.Second, "i/o timeout")
	rttest.MustAsk(t, external(a), "ping", "v2 ping")

	// Faults on one node add up and heal one by one: a 100 % loss of a's
	// packets to b outlasts the cut.
	loss := apply("a", runtime.NetFault{Kind: runtime.NetLoss, Percent: 100, Peers: []string{"b"}, Out: true})
	heal(cut)
	mustNotDial("a", "b", time.Second, "i/o timeout")
	rttest.MustAsk(t, external(a), "ping", "v2 ping")
	heal(loss)
	mustDial("a", "b", "v1 ping")
	mustDial("b", "a", "v2 ping")

	// A refusing cut refuses at once, both ways: a's resets reach b.
	reject := apply("a", runtime.NetFault{Kind: runtime.NetCut, Peers: []string{"b"}, Reject: true})
	for _, p := range [][2]string{{"a", "b"}, {"b", "a"}} {
		if d := mustNotDial(p[0], p[1], 5*time.Second, "connection refused"); d > time.Second {
			t.Fatalf("a refused dial %s -> %s took %v", p[0], p[1], d)
		}
	}
	heal(reject)
	mustDial("a", "b", "v1 ping")

	// AllBut: a keeps b and loses everyone else, the host included.
	allBut := apply("a", runtime.NetFault{Kind: runtime.NetCut, Peers: []string{"b"}, AllBut: true, In: true})
	rttest.MustFail(t, external(a), "a cut from all but b", time.Second)
	mustDial("b", "a", "v2 ping")
	heal(allBut)
	rttest.MustAsk(t, external(a), "ping", "v2 ping")

	// A rate limit on a's egress: a's echo of a 384 KiB line takes about
	// 3 s at 128 KiB/s, and a blink without it.
	const rate, size = 128 << 10, 384 << 10
	line := strings.Repeat("x", size)
	echo := func(what string) time.Duration {
		t.Helper()
		got, d, err := rttest.Ask(external(a), line, 30*time.Second)
		if err != nil || got != "v2 "+line {
			t.Fatalf("%s: the echo of %d bytes: %d bytes, %v", what, size, len(got), err)
		}
		t.Logf("%s: the echo of %d bytes took %v", what, size, d.Round(time.Millisecond))
		return d
	}
	limited := apply("a", runtime.NetFault{Kind: runtime.NetRate, Rate: rate})
	if _, err := rt.NetFault(ctx, "a", runtime.NetFault{Kind: runtime.NetRate, Rate: rate}); err == nil || !strings.Contains(err.Error(), "already has a root qdisc") {
		t.Fatalf("a second rate limit on a: %v", err)
	}
	if d := echo("limited"); d < size/rate*time.Second/2 || d > 20*time.Second {
		t.Fatalf("at %d bytes/s the echo of %d bytes took %v", rate, size, d)
	}
	heal(limited)
	if d := echo("healed"); d > 1500*time.Millisecond {
		t.Fatalf("with the limit healed the echo of %d bytes took %v", size, d)
	}

	// Netem: where the kernel has no sch_netem, the probe and the fault
	// say so, and nothing is applied.
	if err := rt.NetProbe(ctx, runtime.NetCut); err != nil {
		t.Fatalf("probe of a cut: %v", err)
	}
	start := time.Now()
	perr := rt.NetProbe(ctx, runtime.NetDelay)
	t.Logf("netem probe: %v (in %v)", perr, time.Since(start).Round(time.Millisecond))
	delay := runtime.NetFault{Kind: runtime.NetDelay, Delay: 50 * time.Millisecond}
	if perr == nil {
		t.Log("this kernel has sch_netem")
		heal(apply("a", delay))
	} else {
		if !errors.Is(perr, runtime.ErrUnsupported) || !strings.Contains(perr.Error(), noNetem) {
			t.Fatalf("probe of a delay: %v; want ErrUnsupported and %q", perr, noNetem)
		}
		_, err := rt.NetFault(ctx, "b", delay)
		if !errors.Is(err, runtime.ErrUnsupported) || !strings.Contains(err.Error(), noNetem) || !strings.Contains(err.Error(), "delay on b") {
			t.Fatalf("a delay on b: %v; want ErrUnsupported and %q", err, noNetem)
		}
		t.Logf("fault: %v", err)
		// The sidecar's own apply, in b's namespace, answers the same.
		_, err = rt.NetfaultExec(ctx, "b", "apply", `{"Kind":"delay","Delay":50000000,"Self":"127.0.0.1"}`)
		if !errors.Is(err, runtime.ErrUnsupported) || err.Error() != noNetem {
			t.Fatalf("netfault apply of a delay in b's sidecar: %v; want ErrUnsupported and %q", err, noNetem)
		}
		for _, k := range []runtime.NetKind{runtime.NetReorder, runtime.NetDuplicate} {
			if err := rt.NetProbe(ctx, k); !errors.Is(err, runtime.ErrUnsupported) {
				t.Fatalf("probe of %s: %v", k, err)
			}
		}
	}

	// Bad input, refused before anything starts.
	for _, c := range []struct {
		node string
		f    runtime.NetFault
		want string
	}{
		{"a", runtime.NetFault{Kind: runtime.NetCut, Peers: []string{"nobody"}}, `peer "nobody"`},
		{"ghost", runtime.NetFault{Kind: runtime.NetCut}, `no node named "ghost"`},
		{"a", runtime.NetFault{Kind: runtime.NetLoss}, "percentage"},
		{runtime.ProxyHost, runtime.NetFault{Kind: runtime.NetCut}, "no toxiproxy runs"},
	} {
		if _, err := rt.NetFault(ctx, c.node, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s on %s: %v; want an error with %q", c.f.Kind, c.node, err, c.want)
		}
	}

	// Below toxiproxy: its proxy's port, cut in toxiproxy's namespace.
	p, err := rt.Proxy(ctx, "b", nodes["b"].Endpoint("7000"))
	if err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, p.Endpoint().External, "ping", "v1 ping")
	blackhole := apply(runtime.ProxyHost, runtime.NetFault{Kind: runtime.NetCut, In: true, Ports: []int{8000}})
	rttest.MustFail(t, p.Endpoint().External, "the proxy's port cut below toxiproxy", time.Second)
	heal(blackhole)
	rttest.MustAsk(t, p.Endpoint().External, "ping", "v1 ping")

	t.Logf("NetFault calls: %v; heals: %v", applies, heals)

	// Close removes the sidecars with the rest.
	if err := rt.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rttest.DockerLeftovers(t, rt.Client(), runtime.LabelRun+"="+rt.ID()); len(got) != 0 {
		t.Fatalf("after close: %v", got)
	}
}

// checkCapabilities checks that a's sidecar joins a's sandbox, that
// every sidecar has NET_ADMIN and nothing more, and that no other
// container of the run has any capability added.
func checkCapabilities(ctx context.Context, t *testing.T, rt *docker.Runtime) {
	t.Helper()
	cli := rt.Client()
	sb, err := cli.ContainerInspect(ctx, "hatest-sandbox-"+rt.ID()+"-a", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", runtime.LabelRun+"="+rt.ID())})
	if err != nil {
		t.Fatal(err)
	}
	sidecars := 0
	for _, c := range cs.Items {
		ins, err := cli.ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		hc := ins.Container.HostConfig
		if c.Labels["hatest.netfault"] != "true" {
			if len(hc.CapAdd) != 0 || hc.Privileged || hc.NetworkMode.IsHost() {
				t.Fatalf("%v: CapAdd %v Privileged %v NetworkMode %s", c.Names, hc.CapAdd, hc.Privileged, hc.NetworkMode)
			}
			continue
		}
		sidecars++
		t.Logf("sidecar %s: CapAdd %v CapDrop %v Privileged %v NetworkMode %s ReadonlyRootfs %v SecurityOpt %v",
			ins.Container.Name, hc.CapAdd, hc.CapDrop, hc.Privileged, hc.NetworkMode, hc.ReadonlyRootfs, hc.SecurityOpt)
		// The engine may name it with its CAP_ prefix.
		if len(hc.CapAdd) != 1 || strings.TrimPrefix(hc.CapAdd[0], "CAP_") != "NET_ADMIN" || !slices.Equal(hc.CapDrop, []string{"ALL"}) || hc.Privileged ||
			!hc.NetworkMode.IsContainer() || !hc.ReadonlyRootfs || !slices.Contains(hc.SecurityOpt, "no-new-privileges") {
			t.Fatalf("sidecar %s is not confined as it should be", ins.Container.Name)
		}
		if ins.Container.Name == "/hatest-netfault-"+rt.ID()+"-a" && hc.NetworkMode != container.NetworkMode("container:"+sb.Container.ID) {
			t.Fatalf("the sidecar of a is in %s, not in a's sandbox %s", hc.NetworkMode, sb.Container.ID)
		}
	}
	if sidecars != 2 {
		t.Fatalf("%d sidecars; want a's and b's", sidecars)
	}
}
