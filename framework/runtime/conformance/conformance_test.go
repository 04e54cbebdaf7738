//go:build linux

package conformance_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hatest/hatest/fixtures/proto"
	"github.com/hatest/hatest/fixtures/session"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/internal/rttest"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/internal/lockedbuf"
)

// termDelay is how long the main echo node takes to shut down on SIGTERM.
const termDelay = 300 * time.Millisecond

// target is one runtime under test.
type target struct {
	name string
	// open makes a runtime for one run; log receives its progress lines.
	open func(ctx context.Context, log io.Writer) (runtime.Runtime, error)
	// available fails or skips the test when the runtime cannot run here.
	available func(t *testing.T)
	// missing is a build this runtime cannot find; it must fail with an
	// error wrapping missingErr that contains missingName.
	missing     runtime.Build
	missingErr  error
	missingName string
	// remains lists what of rt's run still exists on this machine.
	remains func(t *testing.T, rt runtime.Runtime) []string
}

var targets = []target{
	{
		name: "docker",
		open: func(ctx context.Context, log io.Writer) (runtime.Runtime, error) {
			rt, err := docker.New(ctx, docker.WithLog(log), docker.WithRestartGrace(5*time.Second))
			if err != nil {
				return nil, err
			}
			return rt, nil
		},
		available:   func(t *testing.T) { rttest.NeedDocker(t, "the docker half of the conformance suite") },
		missing:     runtime.Build{Image: "hatest/does-not-exist:nope"},
		missingErr:  runtime.ErrMissingImage,
		missingName: "hatest/does-not-exist:nope",
		remains:     dockerRemains,
	},
	{
		name: "process",
		open: func(ctx context.Context, log io.Writer) (runtime.Runtime, error) {
			rt, err := process.New(ctx, process.WithLog(log), process.WithRestartGrace(5*time.Second))
			if err != nil {
				return nil, err
			}
			return rt, nil
		},
		available:   func(*testing.T) {},
		missing:     runtime.Build{Binary: "/nonexistent/echo"},
		missingErr:  runtime.ErrNoBinary,
		missingName: "/nonexistent/echo",
		remains:     processRemains,
	},
}

// dockerRemains lists the containers, networks and volumes labelled with
// the run's ID.
func dockerRemains(t *testing.T, rt runtime.Runtime) []string {
	t.Helper()
	d := rt.(*docker.Runtime)
	return rttest.DockerLeftovers(t, d.Client(), runtime.LabelRun+"="+d.ID())
}

// processRemains lists the live processes whose working directory is in
// the run's directory (every node runs in <run dir>/nodes/<name>), and the
// run directory itself.
func processRemains(t *testing.T, rt runtime.Runtime) []string {
	t.Helper()
	dir := rt.(*process.Runtime).Dir()
	var out []string
	for _, pid := range rttest.PIDs(t) {
		cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
		if err != nil || (cwd != dir && !strings.HasPrefix(cwd, dir+"/")) {
			continue
		}
		if !rttest.Alive(pid) {
			continue // gone, or a zombie: dead and holding nothing
		}
		out = append(out, fmt.Sprintf("process %d in %s", pid, cwd))
	}
	if _, err := os.Stat(dir); err == nil {
		out = append(out, "directory "+dir)
	}
	return out
}

// loopbackOnly fails t if port is bound on a non-loopback address of this
// host: a pinned port must be published on 127.0.0.1 alone, never on
// 0.0.0.0. A host with no such address says so and checks nothing.
func loopbackOnly(t *testing.T, port int) {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		ip, ok := a.(*net.IPNet)
		if !ok || ip.IP.IsLoopback() || ip.IP.To4() == nil {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(ip.IP.String(), strconv.Itoa(port)))
		if err != nil {
			t.Fatalf("port %d is taken on %s too, not only on 127.0.0.1: %v", port, ip.IP, err)
		}
		ln.Close()
		return
	}
	t.Logf("no non-loopback IPv4 address here: cannot check that port %d is on 127.0.0.1 only", port)
}

// mustTimeOut fails t unless a request to addr times out: the node holds
// the connection but never answers.
func mustTimeOut(t *testing.T, addr, why string) {
	t.Helper()
	err := rttest.MustFail(t, addr, why, 700*time.Millisecond)
	if !rttest.IsTimeout(err) {
		t.Fatalf("%s: %s: %v; want a timeout", why, addr, err)
	}
}

// conn is an open client connection that asks line by line.
type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{c: c, r: bufio.NewReader(c)}
}

func (c *conn) ask(line string, timeout time.Duration) (string, error) {
	_ = c.c.SetDeadline(time.Now().Add(timeout))
	if _, err := fmt.Fprintln(c.c, line); err != nil {
		return "", err
	}
	reply, err := c.r.ReadString('\n')
	return strings.TrimSpace(reply), err
}

// mustBreak fails t unless the open connection c fails (EOF or reset, not
// a timeout) within a few seconds.
func mustBreak(t *testing.T, c *conn, why string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := c.ask("ping", 3*time.Second)
		if err != nil {
			if rttest.IsTimeout(err) {
				t.Fatalf("%s: an open connection hung (%v) instead of breaking", why, err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: an open connection still answers %q", why, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func logs(n runtime.Node) string {
	b, _ := io.ReadAll(n.Logs())
	return string(b)
}

// TestConformance runs every check on every runtime, one runtime after the
// other so that timing checks do not compete for the CPU.
func TestConformance(t *testing.T) {
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			tg.available(t)
			began := time.Now()
			conform(t, tg)
			t.Logf("%s: all checks in %v", tg.name, time.Since(began).Round(time.Millisecond))
		})
	}
}

// conform runs the checks in order on one runtime. Most share one node
// and one proxy; the checks that end a node's life come last or use a
// node of their own.
func conform(t *testing.T, tg target) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var rlog lockedbuf.Buffer
	rt, err := tg.open(ctx, &rlog)
	if err != nil {
		t.Fatalf("new %s runtime: %v", tg.name, err)
	}
	t.Cleanup(func() {
		if err := rt.Close(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
		if t.Failed() {
			t.Logf("%s runtime log:\n%s", tg.name, rlog.String())
		}
	})
	if rt.Name() != tg.name {
		t.Fatalf("Name() = %q, want %q", rt.Name(), tg.name)
	}

	var (
		node runtime.Node
		px   runtime.Proxy
	)
	// ext is the node's address as a client on the host reaches it. It
	// stays the same across Restart (checked there); it is asked for every
	// time all the same, so a runtime that breaks that fails only once.
	ext := func() string { return node.Endpoint("7000").External }

	// 1. A node at v1 answers as v1.
	if !t.Run("start", func(t *testing.T) {
		// It takes a while to shut down: Restart must wait for it.
		spec := rttest.EchoSpec("echo", "v1", "-data", "${DATA}", "-term-delay", termDelay.String())
		spec.DataDir = true
		start := time.Now()
		n, err := rt.Start(ctx, spec)
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		node = n
		t.Logf("start (build or image cached) to ready: %v", time.Since(start).Round(time.Millisecond))
		if n.Name() != "echo" || n.Version() != "v1" {
			t.Fatalf("node %q at %q; want echo at v1", n.Name(), n.Version())
		}
		if ep := n.Endpoint("7000"); ep.Internal == "" || !strings.HasPrefix(ep.External, "127.0.0.1:") {
			t.Fatalf("endpoint %+v: want an Internal address and External on 127.0.0.1", ep)
		}
		rttest.MustAsk(t, ext(), "ping", "v1 ping")
	}) {
		t.FailNow() // every other check needs the node
	}

	// 2. A client through the proxy reaches the node.
	proxied := t.Run("proxy", func(t *testing.T) {
		p, err := rt.Proxy(ctx, "echo", node.Endpoint("7000"))
		if err != nil {
			t.Fatalf("proxy: %v", err)
		}
		px = p
		if p.Name() != "echo" {
			t.Fatalf("proxy name %q", p.Name())
		}
		if ep := p.Endpoint(); !strings.HasPrefix(ep.External, "127.0.0.1:") || ep.External == ext() {
			t.Fatalf("proxy endpoint %+v: want its own External address on 127.0.0.1", ep)
		}
		rttest.MustAsk(t, p.Endpoint().External, "via proxy", "v1 via proxy")
	})
	needProxy := func(t *testing.T) {
		t.Helper()
		if !proxied {
			t.Fatal("no proxy: the proxy check failed")
		}
	}

	// 3. A latency toxic slows the link; removing it restores it.
	t.Run("latency", func(t *testing.T) {
		needProxy(t)
		addr := px.Endpoint().External
		lat := runtime.Toxic{Name: "lat", Type: "latency", Attributes: map[string]any{"latency": 200}}
		if err := px.AddToxic(ctx, lat); err != nil {
			t.Fatalf("add toxic: %v", err)
		}
		got, d, err := rttest.Ask(addr, "slow", 10*time.Second)
		if err != nil || got != "v1 slow" {
			t.Fatalf("with a 200 ms latency toxic: %q, %v", got, err)
		}
		t.Logf("round trip with a 200 ms latency toxic: %v", d.Round(time.Millisecond))
		if d < 200*time.Millisecond {
			t.Fatalf("round trip with a 200 ms latency toxic took %v", d)
		}
		if err := px.RemoveToxic(ctx, "lat"); err != nil {
			t.Fatalf("remove toxic: %v", err)
		}
		// The best of a few, so that one hiccup of a busy machine does
		// not count; with the toxic still there every one takes 200 ms.
		best := time.Hour
		for range 5 {
			got, d, err := rttest.Ask(addr, "fast", 5*time.Second)
			if err != nil || got != "v1 fast" {
				t.Fatalf("after removing the toxic: %q, %v", got, err)
			}
			best = min(best, d)
		}
		t.Logf("best round trip without the toxic: %v", best)
		if best >= 200*time.Millisecond {
			t.Fatalf("round trip after removing the toxic still %v", best)
		}
	})

	// 4. Disabling the proxy partitions the link; enabling it heals it.
	t.Run("partition", func(t *testing.T) {
		needProxy(t)
		addr := px.Endpoint().External
		open := dial(t, addr)
		if got, err := open.ask("before", 5*time.Second); err != nil || got != "v1 before" {
			t.Fatalf("open connection through the proxy: %q, %v", got, err)
		}
		if err := px.SetEnabled(ctx, false); err != nil {
			t.Fatalf("disable: %v", err)
		}
		mustBreak(t, open, "disabled proxy")
		rttest.MustFail(t, addr, "disabled proxy", time.Second)
		rttest.MustAsk(t, ext(), "direct", "v1 direct") // only the link is cut
		if err := px.SetEnabled(ctx, true); err != nil {
			t.Fatalf("enable: %v", err)
		}
		rttest.MustAsk(t, addr, "healed", "v1 healed")
	})

	// 9. Logs hold what the program wrote to stdout and to stderr.
	t.Run("logs", func(t *testing.T) {
		got := logs(node)
		for _, want := range []string{"echo v1 starting", "echo v1 listening on ", `echo v1 data "`} {
			if !strings.Contains(got, want) {
				t.Fatalf("Logs lack %q:\n%s", want, got)
			}
		}
	})

	// 7. A stopped or paused node holds requests until it continues.
	t.Run("pause", func(t *testing.T) {
		steps := []struct {
			what        string
			stop, cont  func() error
			viaProxyToo bool
		}{
			{"SIGSTOP", func() error { return node.Signal(ctx, syscall.SIGSTOP) }, func() error { return node.Signal(ctx, syscall.SIGCONT) }, true},
			{"Pause", func() error { return node.Pause(ctx) }, func() error { return node.Resume(ctx) }, true},
		}
		for _, s := range steps {
			if err := s.stop(); err != nil {
				t.Fatalf("%s: %v", s.what, err)
			}
			mustTimeOut(t, ext(), s.what)
			if s.viaProxyToo && proxied {
				mustTimeOut(t, px.Endpoint().External, s.what+" via the proxy")
			}
			if err := s.cont(); err != nil {
				t.Fatalf("undo %s: %v", s.what, err)
			}
			rttest.MustAsk(t, ext(), "thawed", "v1 thawed")
			if proxied {
				rttest.MustAsk(t, px.Endpoint().External, "thawed", "v1 thawed")
			}
		}
	})

	// 8. Restart at v2: new version, same data, and the proxy follows.
	// The old program gets SIGTERM and the time its handler takes.
	t.Run("restart", func(t *testing.T) {
		rttest.MustAsk(t, ext(), "write marker kept-from-v1", "v1 wrote marker")
		if got, _, err := rttest.Ask(ext(), "read last-words", 5*time.Second); err != nil || !strings.Contains(got, "error") {
			t.Fatalf("before Restart, last-words is there already (%q, %v): the check would prove nothing", got, err)
		}
		before := node.Endpoint("7000")
		start := time.Now()
		if err := node.Restart(ctx, "v2"); err != nil {
			t.Fatalf("restart: %v", err)
		}
		if after := node.Endpoint("7000"); after != before {
			t.Fatalf("Endpoint after restart = %+v, was %+v: Restart must keep it", after, before)
		}
		d := time.Since(start)
		t.Logf("restart v1 -> v2: %v", d.Round(time.Millisecond))
		if d < termDelay {
			t.Fatalf("restart took %v, less than the %v the old program's SIGTERM handler takes", d, termDelay)
		}
		if node.Version() != "v2" {
			t.Fatalf("Version() after restart = %q", node.Version())
		}
		rttest.MustAsk(t, ext(), "ping", "v2 ping")
		rttest.MustAsk(t, ext(), "read marker", "v2 kept-from-v1")
		if proxied {
			rttest.MustAsk(t, px.Endpoint().External, "via proxy", "v2 via proxy")
		}
		// The v1 program's SIGTERM handler ran to its end: what it wrote
		// after its delay is in the data directory.
		rttest.MustAsk(t, ext(), "read last-words", "v2 v1 got SIGTERM")
		// Both runtimes document that Logs spans restarts.
		got := logs(node)
		for _, want := range []string{"echo v1 listening on ", "got SIGTERM", "bye", "echo v2 listening on "} {
			if !strings.Contains(got, want) {
				t.Fatalf("Logs after restart lack %q:\n%s", want, got)
			}
		}
	})

	// 5. SIGKILL: Wait returns 137 and clients see errors.
	t.Run("sigkill", func(t *testing.T) {
		open := dial(t, ext())
		if got, err := open.ask("before", 5*time.Second); err != nil || !strings.HasSuffix(got, " before") {
			t.Fatalf("open connection: %q, %v", got, err)
		}
		addr := ext()
		if err := node.Signal(ctx, syscall.SIGKILL); err != nil {
			t.Fatalf("SIGKILL: %v", err)
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		code, err := node.Wait(wctx)
		if err != nil || code != 137 {
			t.Fatalf("Wait after SIGKILL: %d, %v; want 137", code, err)
		}
		mustBreak(t, open, "killed node")
		rttest.MustFail(t, addr, "killed node", 2*time.Second)
		if proxied {
			rttest.MustFail(t, px.Endpoint().External, "killed node via the proxy", 2*time.Second)
		}
	})

	// 6. SIGTERM: the program exits 0, and what it wrote as it exited (a
	// 600 KB burst, like a client's read-back) is all delivered before
	// Wait returns.
	t.Run("sigterm", func(t *testing.T) {
		const burst = 6000
		var out, errw lockedbuf.Buffer
		spec := rttest.EchoSpec("term", "v1", "-term-burst", strconv.Itoa(burst))
		spec.Stdout, spec.Stderr = &out, &errw
		n, err := rt.Start(ctx, spec)
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		rttest.MustAsk(t, n.Endpoint("7000").External, "ping", "v1 ping")
		if err := n.Signal(ctx, syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM: %v", err)
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		code, err := n.Wait(wctx)
		if err != nil || code != 0 {
			t.Fatalf("Wait after SIGTERM: %d, %v; want 0", code, err)
		}
		if got := errw.String(); !strings.Contains(got, "got SIGTERM") {
			t.Fatalf("stderr after SIGTERM (Wait returns once output is drained):\n%s", got)
		}
		rttest.CheckBurst(t, "stdout after SIGTERM", out.String(), burst)
	})

	// 6. Stop(grace): SIGTERM, and the program exits 0 within the grace.
	t.Run("stop", func(t *testing.T) {
		n, err := rt.Start(ctx, rttest.EchoSpec("stop", "v1"))
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		const grace = 15 * time.Second
		start := time.Now()
		if err := n.Stop(ctx, grace); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		d := time.Since(start)
		t.Logf("Stop of a program that exits on SIGTERM: %v", d.Round(time.Millisecond))
		if d >= grace {
			t.Fatalf("Stop took the whole grace (%v): the program was killed, not stopped", d)
		}
		code, err := n.Wait(ctx)
		if err != nil || code != 0 {
			t.Fatalf("Wait after Stop: %d, %v; want 0", code, err)
		}
		if got := logs(n); !strings.Contains(got, "got SIGTERM") || !strings.Contains(got, "bye") {
			t.Fatalf("Logs after Stop:\n%s", got)
		}
		rttest.MustFail(t, n.Endpoint("7000").External, "stopped node", 2*time.Second)
	})

	// 10. A build the runtime cannot find fails clearly, naming it.
	t.Run("missing", func(t *testing.T) {
		spec := rttest.EchoSpec("ghost", "v1")
		spec.Software = runtime.Software{Name: "ghost", Versions: map[string]runtime.Build{"v1": tg.missing}}
		start := time.Now()
		_, err := rt.Start(ctx, spec)
		if !errors.Is(err, tg.missingErr) || !strings.Contains(err.Error(), tg.missingName) {
			t.Fatalf("missing build: %v; want an error wrapping %q naming %s", err, tg.missingErr, tg.missingName)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Fatalf("a missing build took %v to fail", d)
		}
		t.Logf("missing build: %v", err)
	})

	// 11. A spec the program could not run as meant is refused at once,
	// with the same words in every runtime (NodeSpec.Validate), and
	// nothing is started.
	t.Run("invalid", func(t *testing.T) {
		cases := map[string]func(*runtime.NodeSpec){
			"a port not in Ports":             func(s *runtime.NodeSpec) { s.Args = append(s.Args, "-peer", "${LISTEN:7001}") },
			"a port number not in Ports":      func(s *runtime.NodeSpec) { s.Args = append(s.Args, "-p", "${PORT:7001}") },
			"a host without Ports":            func(s *runtime.NodeSpec) { s.Args, s.Ports, s.Ready = []string{"-a", "${HOST}"}, nil, "" },
			"data without DataDir":            func(s *runtime.NodeSpec) { s.Args = append(s.Args, "-data", "${DATA}") },
			"a bad name":                      func(s *runtime.NodeSpec) { s.Name = "no/slash" },
			"a bad port":                      func(s *runtime.NodeSpec) { s.Ports, s.Ready = []string{"7000/tcp"}, "7000/tcp" },
			"a pinned host port out of range": func(s *runtime.NodeSpec) { s.HostPorts = map[string]int{"7000": 70000} },
			"a file name with a slash":        func(s *runtime.NodeSpec) { s.Files = map[string]string{"conf/x": ""} },
			"a file not in Files":             func(s *runtime.NodeSpec) { s.Args = append(s.Args, "-c", "${FILE:x.conf}") },
		}
		for what, change := range cases {
			spec := rttest.EchoSpec("invalid", "v1")
			change(&spec)
			// Reserve refuses what Start refuses, in the same words.
			if got, err := rt.Reserve(spec); err == nil || got != nil {
				t.Errorf("%s: Reserve = %v, %v; want an error", what, got, err)
			} else if want := fmt.Sprintf("reserve %q: %v", spec.Name, spec.Validate()); err.Error() != want {
				t.Errorf("%s: Reserve:\n got %v\nwant %s", what, err, want)
			}
			start := time.Now()
			n, err := rt.Start(ctx, spec)
			if err == nil || n != nil {
				t.Fatalf("%s: Start = %v, %v; want no node and an error", what, n, err)
			}
			if want := fmt.Sprintf("start %q: %v", spec.Name, spec.Validate()); err.Error() != want {
				t.Errorf("%s:\n got %v\nwant %s", what, err, want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s: refused after %v: it must be refused before anything starts", what, d)
			}
		}
	})

	// 12. A program that never listens: ErrNotReady with its output.
	t.Run("notready", func(t *testing.T) {
		spec := rttest.EchoSpec("mute", "v1", "-never")
		spec.ReadyTimeout = 2 * time.Second
		start := time.Now()
		n, err := rt.Start(ctx, spec)
		d := time.Since(start)
		if !errors.Is(err, runtime.ErrNotReady) {
			t.Fatalf("never-ready node: %v; want ErrNotReady", err)
		}
		for _, want := range []string{"mute", "never listening, as asked"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("never-ready error lacks %q (the node's name and its log tail):\n%v", want, err)
			}
		}
		if n == nil {
			t.Fatal("Start must return the node it created along with the error")
		}
		if d < 2*time.Second || d > 30*time.Second {
			t.Fatalf("a 2 s readiness timeout took %v", d)
		}
		t.Logf("never-ready error after %v:\n%v", d.Round(time.Millisecond), err)
	})

	// 13. A pinned host port: the node is reached there, on 127.0.0.1
	// only, before and after Restart; a taken one fails Start, naming it.
	t.Run("hostport", func(t *testing.T) {
		host := rttest.FreePort(t)
		spec := rttest.EchoSpec("pinned", "v1")
		spec.HostPorts = map[string]int{"7000": host}
		n, err := rt.Start(ctx, spec)
		if err != nil {
			t.Fatalf("start on pinned port %d: %v", host, err)
		}
		want := "127.0.0.1:" + strconv.Itoa(host)
		for _, version := range []string{"v1", "v2"} {
			if version == "v2" {
				if err := n.Restart(ctx, "v2"); err != nil {
					t.Fatalf("restart: %v", err)
				}
			}
			if got := n.Endpoint("7000").External; got != want {
				t.Fatalf("at %s the pinned endpoint is %s, want %s", version, got, want)
			}
			rttest.MustAsk(t, want, "pinned", version+" pinned")
			loopbackOnly(t, host)
		}

		busy, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer busy.Close()
		taken := busy.Addr().(*net.TCPAddr).Port
		spec = rttest.EchoSpec("squatter", "v1")
		spec.HostPorts = map[string]int{"7000": taken}
		_, err = rt.Start(ctx, spec)
		if !errors.Is(err, runtime.ErrPortInUse) || !strings.Contains(err.Error(), strconv.Itoa(taken)) {
			t.Fatalf("start on a taken port: %v; want an error wrapping %q naming %d", err, runtime.ErrPortInUse, taken)
		}
		t.Logf("taken port: %v", err)
	})

	// 14. A cluster: two drivers, each replicating from the other, whose
	// addresses are reserved before either starts and written into the
	// other's arguments; started together, each reaches the other there,
	// and again after one restarts.
	t.Run("cluster", func(t *testing.T) {
		cluster(ctx, t, rt)
	})

	// 15. Files: a node started with a file and ${FILE:..} in its
	// arguments reads it, and Restart puts it back as it was given.
	t.Run("files", func(t *testing.T) {
		files(ctx, t, rt)
	})

	// 16. Close leaves nothing of the run, and may be called again.
	t.Run("close", func(t *testing.T) {
		// A node with data, paused: the hardest kind to remove.
		spec := rttest.EchoSpec("last", "v1", "-data", "${DATA}")
		spec.DataDir = true
		last, err := rt.Start(ctx, spec)
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		if err := last.Pause(ctx); err != nil {
			t.Fatalf("pause: %v", err)
		}
		before := tg.remains(t, rt)
		if !slices.ContainsFunc(before, func(s string) bool { return strings.Contains(s, "last") }) {
			t.Fatalf("before Close the node \"last\" was not found among %q: the check would find nothing after it either", before)
		}
		t.Logf("before Close: %s", strings.Join(before, "; "))
		addrs := []string{last.Endpoint("7000").External}
		if proxied {
			addrs = append(addrs, px.Endpoint().External)
		}
		cctx, ccancel := context.WithCancel(ctx)
		ccancel() // Close must do its work on an ended context too
		start := time.Now()
		if err := rt.Close(cctx); err != nil {
			t.Fatalf("close: %v", err)
		}
		t.Logf("close: %v", time.Since(start).Round(time.Millisecond))
		if after := tg.remains(t, rt); len(after) != 0 {
			t.Fatalf("after Close: %s", strings.Join(after, "; "))
		}
		for _, a := range addrs {
			if c, err := net.DialTimeout("tcp", a, time.Second); err == nil {
				c.Close()
				t.Fatalf("%s still accepts connections after Close", a)
			}
		}
		if err := rt.Close(context.Background()); err != nil {
			t.Fatalf("second close: %v", err)
		}
	})
}

// driver is the reference system's server, which dials the address it
// is given with -replicate-from and reports in status whether it holds a
// stream from there (proto.Reply.Upstream and Synced).
func driver() runtime.Software {
	return runtime.Software{Name: "driver", Versions: map[string]runtime.Build{
		"v1": {Package: "github.com/hatest/hatest/fixtures/driver", LDFlags: "-X main.version=v1"},
	}}
}

// status asks the driver at addr for its status on a connection of its
// own.
func status(ctx context.Context, addr string) (proto.Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := session.Dial(ctx, addr, proto.Hello{Protocol: proto.AnyProtocol, Client: "conformance"})
	if err != nil {
		return proto.Reply{}, err
	}
	defer c.Close()
	return c.Do(ctx, proto.Request{Op: proto.OpStatus})
}

// cluster is the cluster check: members reserved, named in each other's
// arguments with runtime.ExpandMembers, started at once.
func cluster(ctx context.Context, t *testing.T, rt runtime.Runtime) {
	names := []string{"peer-a", "peer-b"}
	ports := []string{"7000"}
	// Each listens where its runtime says (host and port apart, as many
	// programs take them) and replicates from the other member.
	args := []string{"-listen", "${HOST}:${PORT:7000}", "-data", "${DATA}", "-name", "${NAME}",
		"-role", "secondary", "-replicate-from", "${OTHERS:7000}"}
	if err := runtime.ValidateMembers(args, names, ports); err != nil {
		t.Fatal(err)
	}
	m := runtime.Members{Names: names, Addrs: map[string]map[string]string{}}
	specs := map[string]runtime.NodeSpec{}
	for _, name := range names {
		spec := runtime.NodeSpec{Name: name, Version: "v1", Software: driver(),
			Ports: ports, Ready: "7000", DataDir: true, ReadyTimeout: time.Minute}
		addrs, err := rt.Reserve(spec)
		if err != nil {
			t.Fatalf("reserve %s: %v", name, err)
		}
		if len(addrs) != 1 || addrs["7000"] == "" {
			t.Fatalf("reserve %s: %v, want an address for port 7000", name, addrs)
		}
		if again, err := rt.Reserve(spec); err != nil || again["7000"] != addrs["7000"] {
			t.Fatalf("reserve %s again: %v, %v; want %v", name, again, err, addrs)
		}
		m.Addrs[name] = addrs
		specs[name] = spec
	}
	if a, b := m.Addrs["peer-a"]["7000"], m.Addrs["peer-b"]["7000"]; a == b {
		t.Fatalf("both members reserved %s", a)
	}
	t.Logf("reserved: %v", m.Addrs)
	other := map[string]string{"peer-a": "peer-b", "peer-b": "peer-a"}
	for _, name := range names {
		spec := specs[name]
		var err error
		if spec.Args, err = runtime.ExpandMembers(args, name, m); err != nil {
			t.Fatal(err)
		}
		if want := m.Addrs[other[name]]["7000"]; spec.Args[len(spec.Args)-1] != want {
			t.Fatalf("%s replicates from %q, want %s", name, spec.Args[len(spec.Args)-1], want)
		}
		specs[name] = spec
	}

	// Both at once: neither can wait for the other to be up.
	nodes := map[string]runtime.Node{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errs []error
	for _, name := range names {
		wg.Go(func() {
			n, err := rt.Start(ctx, specs[name])
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			nodes[name] = n
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("start: %v", err)
	}
	for _, name := range names {
		if got, want := nodes[name].Endpoint("7000").Internal, m.Addrs[name]["7000"]; got != want {
			t.Fatalf("%s: Endpoint(7000).Internal = %s, want the reserved %s", name, got, want)
		}
	}

	// synced waits until name holds a replication stream from the other
	// member's reserved address; server is the other's instance id then.
	synced := func(name string) {
		t.Helper()
		want := m.Addrs[other[name]]["7000"]
		var last string
		if !rttest.Eventually(30*time.Second, func() bool {
			r, err := status(ctx, nodes[name].Endpoint("7000").External)
			switch {
			case err != nil:
				last = err.Error()
			case !r.OK:
				last = r.Err
			default:
				last = fmt.Sprintf("upstream %q, synced %v", r.Upstream, r.Synced)
				return r.Upstream == want && r.Synced
			}
			return false
		}) {
			t.Fatalf("%s never replicated from %s (last status: %s); its log:\n%s", name, want, last, logs(nodes[name]))
		}
	}
	for _, name := range names {
		synced(name)
	}

	// One member restarts: its address is the same, and the other
	// reaches the new program there.
	a, b := nodes["peer-a"], nodes["peer-b"]
	if err := a.Restart(ctx, "v1"); err != nil {
		t.Fatalf("restart peer-a: %v", err)
	}
	if got, want := a.Endpoint("7000").Internal, m.Addrs["peer-a"]["7000"]; got != want {
		t.Fatalf("after Restart peer-a's Endpoint(7000).Internal = %s, want the reserved %s", got, want)
	}
	r, err := status(ctx, a.Endpoint("7000").External)
	if err != nil || !r.OK {
		t.Fatalf("status of the restarted peer-a: %+v, %v", r, err)
	}
	// peer-b logs "replicating from <addr> (v1 <server>): snapshot ..."
	// for each stream it gets; the restarted program has a new server id.
	line := fmt.Sprintf("replicating from %s (v1 %s)", m.Addrs["peer-a"]["7000"], r.Server)
	if !rttest.Eventually(30*time.Second, func() bool { return strings.Contains(logs(b), line) }) {
		t.Fatalf("peer-b never replicated from the restarted peer-a (%q); its log:\n%s", line, logs(b))
	}
	synced("peer-a")
}

// files is the files check. The example server replays the write log
// <-data>/kv.log at start and appends every SET to it; pointed at
// "${FILE:kv.log}/.." (Go cleans "<file>/.." to the file's directory) it
// serves what the file given says, and changes the file.
func files(ctx context.Context, t *testing.T, rt runtime.Runtime) {
	spec := runtime.NodeSpec{
		Name: "kv", Version: "v1",
		Software: runtime.Software{Name: "example-server", Versions: map[string]runtime.Build{
			"v1": {Package: "github.com/hatest/hatest/fixtures/example/server", LDFlags: "-X main.version=v1"},
		}},
		Args:  []string{"-listen", "${LISTEN:9000}", "-data", "${FILE:kv.log}/.."},
		Ports: []string{"9000"}, Ready: "9000", ReadyTimeout: time.Minute,
		Files: map[string]string{"kv.log": "7 colour blue\n"},
	}
	n, err := rt.Start(ctx, spec)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	ext := func() string { return n.Endpoint("9000").External }
	rttest.MustAsk(t, ext(), "GET colour", "OK v1 7 blue")
	if got := logs(n); !strings.Contains(got, "1 keys from ") || !strings.Contains(got, "/kv.log/..") {
		t.Fatalf("the server did not read ${FILE:kv.log}; its log:\n%s", got)
	}
	// The program changes the file; Restart puts it back as given.
	rttest.MustAsk(t, ext(), "SET colour red", "OK v1 8")
	rttest.MustAsk(t, ext(), "GET colour", "OK v1 8 red")
	if err := n.Restart(ctx, "v1"); err != nil {
		t.Fatalf("restart: %v", err)
	}
	rttest.MustAsk(t, ext(), "GET colour", "OK v1 7 blue")
	t.Logf("the server's log:\n%s", logs(n))
}
