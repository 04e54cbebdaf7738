package docker_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/build"
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/internal/rttest"
	"github.com/hatest/hatest/internal/lockedbuf"
)

// These tests need a Docker engine. Without one they fail, unless
// HATEST_SKIP_DOCKER=1 says to skip them.

func engine(t *testing.T) {
	t.Helper()
	rttest.NeedDocker(t, "the docker runtime tests")
}

// tlog sends the runtime's progress lines to the test log.
type tlog struct{ t *testing.T }

func (w tlog) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func newRuntime(t *testing.T) *docker.Runtime {
	t.Helper()
	engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rt, err := docker.New(ctx, docker.WithLog(tlog{t}), docker.WithRestartGrace(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rt.Close(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return rt
}

func TestNodeAndProxy(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out, errw lockedbuf.Buffer
	spec := rttest.EchoSpec("echo", "v1", "-data", "${DATA}")
	spec.DataDir = true
	spec.Stdout, spec.Stderr = &out, &errw
	start := time.Now()
	n, err := rt.Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("echo ready in %v", time.Since(start))
	ep := n.Endpoint("7000")
	if ep.Internal != "echo:7000" || !strings.HasPrefix(ep.External, "127.0.0.1:") {
		t.Fatalf("endpoint %+v", ep)
	}
	if n.Name() != "echo" || n.Version() != "v1" {
		t.Fatalf("name %q version %q", n.Name(), n.Version())
	}
	rttest.MustAsk(t, ep.External, "ping", "v1 ping")
	if got, _, err := rttest.Ask(ep.External, "boots", 3*time.Second); err != nil || got != "v1 boots=1" {
		t.Fatalf("boots: %q, %v", got, err)
	}
	// Output streams while the node runs.
	if !rttest.Eventually(10*time.Second, func() bool { return strings.Contains(out.String(), "echo v1 listening on :7000") }) {
		t.Fatalf("timed out waiting for stdout; it has %q", out.String())
	}

	// The program runs with docker-init, unprivileged, in its sandbox's
	// network namespace; the sandbox, with no capability, is on the run
	// network only and publishes on 127.0.0.1 only.
	ins, err := rt.Client().ContainerInspect(ctx, "hatest-"+rt.ID()+"-echo", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sb, err := rt.Client().ContainerInspect(ctx, "hatest-sandbox-"+rt.ID()+"-echo", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hc := ins.Container.HostConfig
	if hc.Init == nil || !*hc.Init || hc.Privileged || hc.NetworkMode != container.NetworkMode("container:"+sb.Container.ID) {
		t.Fatalf("host config: init %v privileged %v network %q", hc.Init, hc.Privileged, hc.NetworkMode)
	}
	if len(hc.PortBindings) != 0 {
		t.Fatalf("the program's container publishes %v; its sandbox should", hc.PortBindings)
	}
	shc := sb.Container.HostConfig
	if shc.Privileged || shc.NetworkMode.IsHost() || !slices.Equal(shc.CapDrop, []string{"ALL"}) || !sb.Container.State.Running {
		t.Fatalf("sandbox: privileged %v network %q cap drop %v running %v", shc.Privileged, shc.NetworkMode, shc.CapDrop, sb.Container.State.Running)
	}
	if nets := sb.Container.NetworkSettings.Networks; len(nets) != 1 || nets[rt.Network()] == nil || !slices.Contains(nets[rt.Network()].Aliases, "echo") {
		t.Fatalf("sandbox networks %v; want only %s, with the alias echo", nets, rt.Network())
	}
	if len(sb.Container.NetworkSettings.Ports) == 0 {
		t.Fatal("the sandbox publishes no port")
	}
	for port, bs := range sb.Container.NetworkSettings.Ports {
		for _, b := range bs {
			if b.HostIP.String() != "127.0.0.1" {
				t.Fatalf("port %v published on %v", port, b.HostIP)
			}
		}
	}

	// A proxy in front of it.
	p, err := rt.Proxy(ctx, "echo", ep)
	if err != nil {
		t.Fatal(err)
	}
	pep := p.Endpoint()
	if pep.Internal != "toxiproxy:8000" || !strings.HasPrefix(pep.External, "127.0.0.1:") {
		t.Fatalf("proxy endpoint %+v", pep)
	}
	rttest.MustAsk(t, pep.External, "ping", "v1 ping")
	if err := p.AddToxic(ctx, runtime.Toxic{Name: "lat", Type: "latency", Attributes: map[string]any{"latency": 200}}); err != nil {
		t.Fatal(err)
	}
	_, d, err := rttest.Ask(pep.External, "ping", 5*time.Second)
	if err != nil || d < 200*time.Millisecond {
		t.Fatalf("with a 200 ms latency toxic: %v, %v", d, err)
	}
	t.Logf("round trip with a 200 ms latency toxic: %v", d)
	if err := p.RemoveToxic(ctx, "lat"); err != nil {
		t.Fatal(err)
	}
	if err := p.SetEnabled(ctx, false); err != nil {
		t.Fatal(err)
	}
	rttest.MustFail(t, pep.External, "disabled proxy", time.Second)
	if err := p.SetEnabled(ctx, true); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, pep.External, "ping", "v1 ping")
	p2, err := rt.Proxy(ctx, "echo2", ep)
	if err != nil || p2.Endpoint().Internal != "toxiproxy:8001" {
		t.Fatalf("second proxy: %v, %v", p2, err)
	}

	// Pause freezes; Resume thaws. SIGSTOP/SIGCONT do the same.
	if err := n.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rttest.MustFail(t, ep.External, "paused node", time.Second); !rttest.IsTimeout(err) {
		t.Fatalf("paused node: want a timeout, got %v", err)
	}
	if err := n.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, ep.External, "ping", "v1 ping")
	if err := n.Signal(ctx, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	if err := rttest.MustFail(t, pep.External, "stopped node via proxy", time.Second); !rttest.IsTimeout(err) {
		t.Fatalf("stopped node: want a timeout, got %v", err)
	}
	if err := n.Signal(ctx, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, pep.External, "ping", "v1 ping")

	// Restart at v2 keeps name, alias, volume and flags; the proxy
	// reaches the new container through the alias.
	start = time.Now()
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	t.Logf("restart v1 -> v2 in %v", time.Since(start))
	if n.Version() != "v2" {
		t.Fatalf("version after restart: %q", n.Version())
	}
	rttest.MustAsk(t, n.Endpoint("7000").External, "ping", "v2 ping")
	rttest.MustAsk(t, pep.External, "ping", "v2 ping")
	if got, _, err := rttest.Ask(n.Endpoint("7000").External, "boots", 3*time.Second); err != nil || got != "v2 boots=2" {
		t.Fatalf("boots after restart (the volume must survive): %q, %v", got, err)
	}
	// The first container's SIGTERM handling reached the writers before
	// it was removed.
	if !strings.Contains(errw.String(), "got SIGTERM") || !strings.Contains(out.String(), "bye") {
		t.Fatalf("output of the replaced container: stdout %q stderr %q", out.String(), errw.String())
	}
	if got := readAll(n.Logs()); got != "" {
		t.Fatalf("Logs with Stdout and Stderr taken: %q", got)
	}

	// SIGKILL: Wait returns 137 and connections fail.
	if err := n.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	code, err := n.Wait(ctx)
	if err != nil || code != 137 {
		t.Fatalf("wait after SIGKILL: %d, %v", code, err)
	}
	rttest.MustFail(t, n.Endpoint("7000").External, "killed node", time.Second)
	rttest.MustFail(t, pep.External, "killed node via proxy", time.Second)
}

func readAll(r io.Reader) string {
	b, _ := io.ReadAll(r)
	return string(b)
}

func TestStop(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// A node that exits on SIGTERM: Stop returns before the grace ends,
	// Wait gives its exit code and all of its output is in Logs.
	polite, err := rt.Start(ctx, rttest.EchoSpec("polite", "v1"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := polite.Stop(ctx, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d >= 5*time.Second {
		t.Fatalf("stop of a node that exits on SIGTERM took %v: the whole grace", d)
	}
	if code, err := polite.Wait(ctx); err != nil || code != 0 {
		t.Fatalf("wait: %d, %v", code, err)
	}
	logs := readAll(polite.Logs())
	for _, want := range []string{"echo v1 starting", "got SIGTERM", "bye"} {
		if !strings.Contains(logs, want) {
			t.Fatalf("logs lack %q:\n%s", want, logs)
		}
	}
	if err := polite.Stop(ctx, time.Second); err != nil {
		t.Fatalf("stopping a stopped node: %v", err)
	}

	// A node that ignores SIGTERM for 30 s: SIGKILL after a sub-second
	// grace (docker stop would round it to whole seconds).
	stubborn, err := rt.Start(ctx, rttest.EchoSpec("stubborn", "v1", "-term-delay", "30s"))
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := stubborn.Stop(ctx, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("stop with a 300 ms grace took %v", d)
	if d < 300*time.Millisecond || d > 10*time.Second {
		t.Fatalf("stop with a 300 ms grace took %v", d)
	}
	if code, err := stubborn.Wait(ctx); err != nil || code != 137 {
		t.Fatalf("wait: %d, %v; want 137 (SIGKILL)", code, err)
	}

	// A paused node is thawed so it can handle SIGTERM.
	frozen, err := rt.Start(ctx, rttest.EchoSpec("frozen", "v1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := frozen.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if err := frozen.Stop(ctx, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if code, err := frozen.Wait(ctx); err != nil || code != 0 {
		t.Fatalf("wait after stopping a paused node: %d, %v", code, err)
	}
	// Restart brings a stopped node back.
	if err := frozen.Restart(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, frozen.Endpoint("7000").External, "ping", "v1 ping")
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Ready only once the program listens, not when Docker publishes the
	// port: the echo waits a second before listening.
	spec := rttest.EchoSpec("slow", "v1", "-delay", "1s")
	start := time.Now()
	n, err := rt.Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("ready after %v, before the program listened", d)
	}
	rttest.MustAsk(t, n.Endpoint("7000").External, "ping", "v1 ping")

	// ReadyHTTP.
	spec = rttest.EchoSpec("web", "v1", "-http", ":8080", "-delay", "500ms")
	spec.Ports = []string{"7000", "8080"}
	spec.Ready, spec.ReadyHTTP = "8080", "/healthz"
	if _, err := rt.Start(ctx, spec); err != nil {
		t.Fatal(err)
	}

	// A node that never listens: ErrNotReady naming it, with its log.
	spec = rttest.EchoSpec("never", "v1", "-never")
	spec.ReadyTimeout = 2 * time.Second
	start = time.Now()
	n, err = rt.Start(ctx, spec)
	if !errors.Is(err, runtime.ErrNotReady) || !strings.Contains(err.Error(), "never") || !strings.Contains(err.Error(), "never listening, as asked") {
		t.Fatalf("never-ready node: %v", err)
	}
	if n == nil {
		t.Fatal("a node that did not become ready must still be returned")
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("readiness timeout of 2 s took %v", d)
	}
	t.Logf("never-ready error:\n%v", err)

	// A node that exits at once fails fast, with its exit code and log.
	spec = rttest.EchoSpec("crash", "v1", "-no-such-flag")
	start = time.Now()
	_, err = rt.Start(ctx, spec)
	if !errors.Is(err, runtime.ErrNotReady) || !strings.Contains(err.Error(), "exited with code 2") || !strings.Contains(err.Error(), "flag provided but not defined") {
		t.Fatalf("crashing node: %v", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("a crashing node took %v to fail (not before the 30 s readiness timeout?)", d)
	}

	// Nodes start concurrently; their image is built or found once.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	nodes := make([]runtime.Node, 3)
	for i := range 3 {
		wg.Go(func() { nodes[i], errs[i] = rt.Start(ctx, rttest.EchoSpec("many"+strconv.Itoa(i), "v2")) })
	}
	wg.Wait()
	for i := range 3 {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		rttest.MustAsk(t, nodes[i].Endpoint("7000").External, "ping", "v2 ping")
	}

	// Duplicate names are refused.
	if _, err := rt.Start(ctx, rttest.EchoSpec("slow", "v1")); err == nil {
		t.Fatal("a second node called slow started")
	}
}

func TestMissingImage(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sw := runtime.Software{Name: "ghost", Versions: map[string]runtime.Build{"v1": {Image: "hatest/does-not-exist:nope"}}}
	start := time.Now()
	n, err := rt.Start(ctx, runtime.NodeSpec{Name: "ghost", Version: "v1", Software: sw})
	if !errors.Is(err, runtime.ErrMissingImage) || !strings.Contains(err.Error(), "hatest/does-not-exist:nope") || n != nil {
		t.Fatalf("missing image: %v, %v", n, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("missing image took %v (a pull attempt?)", d)
	}
	t.Logf("missing image error: %v", err)
	if _, err := rt.Start(ctx, runtime.NodeSpec{Name: "nover", Version: "v9", Software: rttest.Echo()}); err == nil || !strings.Contains(err.Error(), "v9") {
		t.Fatalf("unknown version: %v", err)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt, err := docker.New(ctx, docker.WithLog(tlog{t}))
	if err != nil {
		t.Fatal(err)
	}
	label := runtime.LabelRun + "=" + rt.ID()
	spec := rttest.EchoSpec("data", "v1", "-data", "${DATA}")
	spec.DataDir = true
	n, err := rt.Start(ctx, spec)
	if err != nil {
		rt.Close(ctx)
		t.Fatal(err)
	}
	if err := n.Pause(ctx); err != nil { // a frozen container must go too
		t.Fatal(err)
	}
	if _, err := rt.Proxy(ctx, "p", n.Endpoint("7000")); err != nil {
		t.Fatal(err)
	}
	if got := rttest.DockerLeftovers(t, rt.Client(), label); len(got) != 5 {
		t.Fatalf("before close: %v; want 3 containers (the node's, its sandbox, toxiproxy), the network and the volume", got)
	}
	// Close works on a cancelled context, and twice.
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	if err := rt.Close(cctx); err != nil {
		t.Fatal(err)
	}
	if err := rt.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rttest.DockerLeftovers(t, rt.Client(), label); len(got) != 0 {
		t.Fatalf("after close: %v", got)
	}
	if _, err := rt.Start(ctx, rttest.EchoSpec("late", "v1")); err == nil {
		t.Fatal("Start after Close worked")
	}
}

func TestSweep(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli := rt.Client()

	// A PID that no longer runs.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := cmd.Process.Pid
	labels := func(run string, pid int) map[string]string {
		l := docker.Labels(run)
		l[runtime.LabelPID] = strconv.Itoa(pid)
		return l
	}
	img, err := rt.Image(ctx, rttest.Echo(), "v1")
	if err != nil {
		t.Fatal(err)
	}
	deadRun, liveRun := "sweep-dead-"+rt.ID(), "sweep-live-"+rt.ID()
	for _, x := range []struct {
		run string
		pid int
	}{{deadRun, dead}, {liveRun, os.Getpid()}} {
		name := "hatest-" + x.run
		if _, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name, Config: &container.Config{Image: img, Labels: labels(x.run, x.pid)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := cli.NetworkCreate(ctx, name, client.NetworkCreateOptions{Labels: labels(x.run, x.pid)}); err != nil {
			t.Fatal(err)
		}
		if _, err := cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: labels(x.run, x.pid)}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		cli.ContainerRemove(context.Background(), "hatest-"+liveRun, client.ContainerRemoveOptions{Force: true})
		cli.NetworkRemove(context.Background(), "hatest-"+liveRun, client.NetworkRemoveOptions{})
		cli.VolumeRemove(context.Background(), "hatest-"+liveRun, client.VolumeRemoveOptions{Force: true})
	})
	removed, err := docker.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Another test process's New may have swept them first; either way
	// they must be gone.
	t.Logf("sweep removed %d resources", removed)
	if got := rttest.DockerLeftovers(t, cli, runtime.LabelRun+"="+deadRun); len(got) != 0 {
		t.Fatalf("after sweep, the dead run left %v", got)
	}
	if got := rttest.DockerLeftovers(t, cli, runtime.LabelRun+"="+liveRun); len(got) != 3 {
		t.Fatalf("sweep touched a live process's resources: %v left", got)
	}
	if got := rttest.DockerLeftovers(t, cli, runtime.LabelRun+"="+rt.ID()); len(got) != 1 {
		t.Fatalf("sweep touched this run: %v left", got)
	}
}

func TestNoEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	start := time.Now()
	err := docker.Available(context.Background(), time.Second)
	if !errors.Is(err, runtime.ErrNoEngine) || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "unix:///nonexistent/docker.sock") || !strings.Contains(err.Error(), "--runtime process") {
		t.Fatalf("Available without an engine: %v", err)
	}
	if _, err := docker.New(context.Background(), docker.WithPingTimeout(time.Second)); !errors.Is(err, runtime.ErrNoEngine) {
		t.Fatalf("New without an engine: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	t.Logf("no engine: %v", err)
}

func TestImages(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// A Package image carries its Extra binaries next to the main one.
	bundle := runtime.Software{Name: "bundle", Versions: map[string]runtime.Build{
		"v1": {Package: rttest.EchoPackage, LDFlags: "-X main.version=v1", Extra: map[string]runtime.Build{
			"echo-v2": {Package: rttest.EchoPackage, LDFlags: "-X main.version=v2"},
		}},
		"bad": {Package: rttest.EchoPackage, Extra: map[string]runtime.Build{"a/b": {Package: rttest.EchoPackage}}},
	}}
	spec := rttest.EchoSpec("bundle", "v1")
	spec.Software = bundle
	if _, err := rt.Start(ctx, spec); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"/bundle", "/echo-v2"} {
		st, err := rt.Client().ContainerStatPath(ctx, "hatest-"+rt.ID()+"-bundle", client.ContainerStatPathOptions{Path: f})
		if err != nil || st.Stat.Mode.Perm()&0o111 == 0 {
			t.Fatalf("%s in the image: %+v, %v", f, st.Stat, err)
		}
	}
	if _, err := rt.Image(ctx, bundle, "bad"); err == nil || !strings.Contains(err.Error(), "a/b") {
		t.Fatalf("an extra with a path for a name: %v", err)
	}

	// A Dir build: its Dockerfile, tagged by a hash of its content.
	bin, err := build.Binary(ctx, rttest.EchoPackage, "-X main.version=dir")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "echo"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY echo /echo\nENTRYPOINT [\"/echo\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fromDir := runtime.Software{Name: "fromdir", Versions: map[string]runtime.Build{"v1": {Dir: dir}}}
	start := time.Now()
	tag, err := rt.Image(ctx, fromDir, "v1")
	if err != nil || !strings.HasPrefix(tag, "hatest/fromdir:v1-") {
		t.Fatalf("dir image: %q, %v", tag, err)
	}
	t.Logf("dir image %s in %v", tag, time.Since(start))
	spec = rttest.EchoSpec("fromdir", "v1")
	spec.Software = fromDir
	n, err := rt.Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, n.Endpoint("7000").External, "ping", "dir ping")

	// An image removed behind the runtime's back is built again, not pulled.
	if _, err := rt.Client().ImageRemove(ctx, tag, client.ImageRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := rt.Image(ctx, fromDir, "v1"); err != nil || got != tag {
		t.Fatalf("rebuilding a removed image: %q, %v", got, err)
	}
	if _, err := rt.Client().ImageInspect(ctx, tag); err != nil {
		t.Fatalf("the rebuilt image is not there: %v", err)
	}

	// A Ready port must be published.
	spec = rttest.EchoSpec("noport", "v1")
	spec.Ports = nil
	if _, err := rt.Start(ctx, spec); err == nil || !strings.Contains(err.Error(), "ready port") {
		t.Fatalf("ready port not in Ports: %v", err)
	}

	// An Image build uses a local tag as it is.
	local := runtime.Software{Name: "local", Versions: map[string]runtime.Build{"v1": {Image: tag}}}
	if got, err := rt.Image(ctx, local, "v1"); err != nil || got != tag {
		t.Fatalf("local image: %q, %v", got, err)
	}
}

// Nodes that write a burst of output as they exit (a client writing its
// read-back on SIGTERM): every line reaches NodeSpec.Stdout before Wait
// returns, and before Stop does. The follow stream of Docker's container
// log ends at the container's exit and, with a few containers exiting at
// once, often before the last of their output was delivered (seen: 2 to 4
// of 16 containers short by 3 to 300 KB).
func TestOutputAtExit(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const (
		nodes = 16
		lines = 6000 // 600 KB each
	)
	for round := range 3 {
		var wg sync.WaitGroup
		for i := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				how := "signal and wait"
				if i%2 == 1 {
					how = "stop"
				}
				burstAtExit(ctx, t, rt, fmt.Sprintf("burst-%d-%d", round, i), how, lines)
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
	}
}

// A node that writes more at exit than the engine keeps in one log file
// (engines rotate at their log-opts max-size, often 10 MB): every line
// arrives, in order. A follow stream across a rotation skipped a whole
// file (seen on engine 20.10 with max-size 10m and max-file 3, every time).
func TestOutputPastRotation(t *testing.T) {
	t.Parallel()
	rt := newRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	burstAtExit(ctx, t, rt, "big-burst", "signal and wait", 250_000) // 25 MB, 42 MB of JSON log
}

// burstAtExit starts a node that prints lines 100-byte lines on SIGTERM,
// ends it how ("stop", or "signal and wait") and checks that all of its
// output arrived by the time Wait returned.
func burstAtExit(ctx context.Context, t *testing.T, rt *docker.Runtime, name, how string, lines int) {
	var out, errw lockedbuf.Buffer
	spec := rttest.EchoSpec(name, "v1", "-term-burst", strconv.Itoa(lines))
	spec.Stdout, spec.Stderr = &out, &errw
	n, err := rt.Start(ctx, spec)
	if err != nil {
		t.Error(err)
		return
	}
	if how == "stop" {
		err = n.Stop(ctx, 20*time.Second)
	} else {
		err = n.Signal(ctx, syscall.SIGTERM)
	}
	if err != nil {
		t.Errorf("%s: %s: %v", name, how, err)
		return
	}
	if code, err := n.Wait(ctx); err != nil || code != 0 {
		t.Errorf("%s: wait: %d, %v", name, code, err)
		return
	}
	rttest.CheckBurst(t, name+" ("+how+")", out.String(), lines)
	if !strings.Contains(errw.String(), "got SIGTERM") {
		t.Errorf("%s: stderr lacks \"got SIGTERM\": %q", name, errw.String())
	}
	if logs := readAll(n.Logs()); logs != "" {
		t.Errorf("%s: notes about its output: %s", name, logs)
	}
}

// A pinned host port is the sandbox's, so it holds across Restart; a pin
// on a port something else holds fails with runtime.ErrPortInUse naming
// it, and Close removes what the failed start made (its sandbox).
func TestHostPorts(t *testing.T) {
	t.Parallel()
	engine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rt, err := docker.New(ctx, docker.WithLog(tlog{t}), docker.WithRestartGrace(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())

	pin := rttest.FreePort(t)
	spec := rttest.EchoSpec("pinned", "v1")
	spec.HostPorts = map[string]int{"7000": pin}
	n, err := rt.Start(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	want := "127.0.0.1:" + strconv.Itoa(pin)
	if got := n.Endpoint("7000").External; got != want {
		t.Fatalf("pinned endpoint %s; want %s", got, want)
	}
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, want, "ping", "v2 ping")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().(*net.TCPAddr).Port
	spec = rttest.EchoSpec("busy", "v1")
	spec.HostPorts = map[string]int{"7000": busy}
	if _, err := rt.Start(ctx, spec); !errors.Is(err, runtime.ErrPortInUse) || !strings.Contains(err.Error(), strconv.Itoa(busy)) {
		t.Fatalf("pin on a busy port: %v; want ErrPortInUse naming %d", err, busy)
	}
	if err := rt.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rttest.DockerLeftovers(t, rt.Client(), runtime.LabelRun+"="+rt.ID()); len(got) != 0 {
		t.Fatalf("after close: %v", got)
	}
}
