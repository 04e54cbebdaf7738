//go:build unix

package process_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/internal/rttest"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/internal/lockedbuf"
)

func newRuntime(t testing.TB, opts ...process.Option) *process.Runtime {
	t.Helper()
	opts = append([]process.Option{process.WithTempDir(t.TempDir())}, opts...)
	rt, err := process.New(context.Background(), opts...)
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

// echoSpec is a ready-on-7000 echo node at v1 with a data directory and
// extra args.
func echoSpec(name string, args ...string) runtime.NodeSpec {
	spec := rttest.EchoSpec(name, "v1", append([]string{"-data", "${DATA}"}, args...)...)
	spec.DataDir = true
	return spec
}

func start(t testing.TB, rt *process.Runtime, spec runtime.NodeSpec) *process.Node {
	t.Helper()
	n, err := rt.Start(context.Background(), spec)
	if err != nil {
		t.Fatalf("start %s: %v", spec.Name, err)
	}
	return n.(*process.Node)
}

func waitCode(t testing.TB, n runtime.Node, within time.Duration) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	code, err := n.Wait(ctx)
	if err != nil {
		t.Fatalf("wait %s: %v", n.Name(), err)
	}
	return code
}

// groupMembers returns the live (non-zombie) pids in process group pgid.
func groupMembers(t testing.TB, pgid int) []int {
	t.Helper()
	var out []int
	for _, pid := range rttest.PIDs(t) {
		if st, g := rttest.ProcStat(pid); st != "" && st != "Z" && g == pgid {
			out = append(out, pid)
		}
	}
	return out
}

func TestStartServesOnLoopback(t *testing.T) {
	rt := newRuntime(t)
	if rt.Name() != "process" {
		t.Fatalf("Name = %q", rt.Name())
	}
	began := time.Now()
	n := start(t, rt, echoSpec("echo-0"))
	t.Logf("start to ready: %v (build cached after the first test)", time.Since(began))
	if n.Name() != "echo-0" || n.Version() != "v1" {
		t.Fatalf("node is %s %s", n.Name(), n.Version())
	}
	ep := n.Endpoint("7000")
	host, _, err := net.SplitHostPort(ep.External)
	if err != nil || host != "127.0.0.1" || ep.Internal != ep.External {
		t.Fatalf("endpoint %+v, want 127.0.0.1:<port> twice", ep)
	}
	if got := n.Endpoint("9999"); got != (runtime.Endpoint{}) {
		t.Fatalf("unknown port endpoint = %+v", got)
	}
	rttest.MustAsk(t, ep.External, "ping", "v1 ping")
	logs, _ := io.ReadAll(n.Logs())
	if !strings.Contains(string(logs), "echo v1 listening on "+ep.External) {
		t.Fatalf("logs = %q", logs)
	}
	// The node's cwd and data are in the run directory.
	if !strings.HasPrefix(n.DataDir(), rt.Dir()) {
		t.Fatalf("data dir %s is not under %s", n.DataDir(), rt.Dir())
	}
	if _, err := rt.Start(context.Background(), echoSpec("echo-0")); err == nil {
		t.Fatal("a second node called echo-0 started")
	}
}

func TestEnvAndLog(t *testing.T) {
	t.Setenv("HATEST_INHERITED", "from-parent")
	var log lockedbuf.Buffer
	rt := newRuntime(t, process.WithLog(&log))
	spec := echoSpec("echo-env")
	spec.Env = map[string]string{"HATEST_GIVEN": "from-spec", "HATEST_INHERITED": "overridden"}
	n := start(t, rt, spec)
	addr := n.Endpoint("7000").External
	rttest.MustAsk(t, addr, "env HATEST_GIVEN", "v1 from-spec")
	rttest.MustAsk(t, addr, "env HATEST_INHERITED", "v1 overridden")
	rttest.MustAsk(t, addr, "env PATH", "v1 "+os.Getenv("PATH"))
	if got := log.String(); !strings.Contains(got, "echo-env v1 ready") {
		t.Fatalf("runtime log = %q", got)
	}
}

func TestConcurrentStarts(t *testing.T) {
	rt := newRuntime(t)
	sw := rttest.Echo()
	b := sw.Versions["v1"]
	b.Extra = map[string]runtime.Build{"echo-v2": {Package: rttest.EchoPackage, LDFlags: "-X main.version=v2"}}
	sw.Versions["v1"] = b
	const count = 6
	nodes := make([]runtime.Node, count)
	errs := make([]error, count)
	var wg sync.WaitGroup
	for i := range count {
		wg.Go(func() {
			spec := echoSpec(fmt.Sprintf("echo-c%d", i))
			spec.Software = sw
			nodes[i], errs[i] = rt.Start(context.Background(), spec)
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, n := range nodes {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		addr := n.Endpoint("7000").External
		if seen[addr] {
			t.Fatalf("two nodes got %s", addr)
		}
		seen[addr] = true
		rttest.MustAsk(t, addr, "sibling echo-v2", "v1 v2")
	}
}

func TestOutputGoesToSpecWriters(t *testing.T) {
	rt := newRuntime(t)
	var buf lockedbuf.Buffer
	spec := echoSpec("echo-out")
	spec.Stdout, spec.Stderr = &buf, &buf
	n := start(t, rt, spec)
	if got := buf.String(); !strings.Contains(got, "listening on") {
		t.Fatalf("writer got %q", got)
	}
	logs, _ := io.ReadAll(n.Logs())
	if len(logs) != 0 {
		t.Fatalf("Logs kept %q although the spec took the output", logs)
	}
}

func TestProxyToxicsAndPartition(t *testing.T) {
	rt := newRuntime(t)
	n := start(t, rt, echoSpec("echo-px"))
	ctx := context.Background()
	if rt.ToxiproxyURL() != "" {
		t.Fatal("toxiproxy started before the first proxy")
	}
	began := time.Now()
	px, err := rt.Proxy(ctx, "echo-px", n.Endpoint("7000"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first proxy (server start + create): %v", time.Since(began))
	if !strings.HasPrefix(rt.ToxiproxyURL(), "http://127.0.0.1:") {
		t.Fatalf("toxiproxy API at %q", rt.ToxiproxyURL())
	}
	ep := px.Endpoint()
	if ep.Internal != ep.External || !strings.HasPrefix(ep.External, "127.0.0.1:") || ep.External == n.Endpoint("7000").External {
		t.Fatalf("proxy endpoint %+v", ep)
	}
	if px.Name() != "echo-px" {
		t.Fatalf("proxy name %q", px.Name())
	}
	rttest.MustAsk(t, ep.External, "via proxy", "v1 via proxy")

	if err := px.AddToxic(ctx, runtime.Toxic{Name: "lag", Type: "latency", Attributes: map[string]any{"latency": 200}}); err != nil {
		t.Fatal(err)
	}
	_, rtt, err := rttest.Ask(ep.External, "slow", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if rtt < 200*time.Millisecond {
		t.Fatalf("round trip with a 200 ms latency toxic took %v", rtt)
	}
	if err := px.RemoveToxic(ctx, "lag"); err != nil {
		t.Fatal(err)
	}

	if err := px.SetEnabled(ctx, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rttest.Ask(ep.External, "cut", time.Second); err == nil {
		t.Fatal("a disabled proxy passed a request")
	}
	// The node itself is untouched.
	rttest.MustAsk(t, n.Endpoint("7000").External, "direct", "v1 direct")
	if err := px.SetEnabled(ctx, true); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, ep.External, "healed", "v1 healed")

	began = time.Now()
	px2, err := rt.Proxy(ctx, "echo-px-2", n.Endpoint("7000"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second proxy: %v", time.Since(began))
	rttest.MustAsk(t, px2.Endpoint().External, "two", "v1 two")
	if _, err := rt.Proxy(ctx, "bad", runtime.Endpoint{}); err == nil {
		t.Fatal("a proxy without upstream was made")
	}
}

func TestKillIsSeenByWaitAndClients(t *testing.T) {
	rt := newRuntime(t)
	n := start(t, rt, echoSpec("echo-kill"))
	addr := n.Endpoint("7000").External
	// An open connection breaks too.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := n.Signal(context.Background(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := waitCode(t, n, 5*time.Second); code != 128+int(syscall.SIGKILL) {
		t.Fatalf("exit code %d, want 137", code)
	}
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintln(c, "x")
	if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
		t.Fatal("a connection survived SIGKILL")
	}
	if _, _, err := rttest.Ask(addr, "after", time.Second); err == nil {
		t.Fatal("a killed node answered")
	}
	err = n.Signal(context.Background(), syscall.SIGTERM)
	if !errors.Is(err, process.ErrNotRunning) {
		t.Fatalf("signal after exit: %v, want ErrNotRunning", err)
	}
}

func TestExternalGroupKillIsNoticed(t *testing.T) {
	rt := newRuntime(t)
	n := start(t, rt, echoSpec("echo-ext"))
	if err := syscall.Kill(-n.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := waitCode(t, n, 5*time.Second); code != 137 {
		t.Fatalf("exit code %d, want 137", code)
	}
}

func TestPauseAndResume(t *testing.T) {
	rt := newRuntime(t)
	n := start(t, rt, echoSpec("echo-pause", "-spawn"))
	addr := n.Endpoint("7000").External
	ctx := context.Background()
	if err := n.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rttest.Ask(addr, "frozen", 300*time.Millisecond); !rttest.IsTimeout(err) {
		t.Fatalf("paused node: err = %v, want a timeout", err)
	}
	// The whole group is stopped, the spawned child too.
	members := groupMembers(t, n.PID())
	if len(members) != 2 {
		t.Fatalf("group %d has members %v, want the node and its child", n.PID(), members)
	}
	for _, pid := range members {
		if !rttest.Eventually(2*time.Second, func() bool { return state(pid) == "T" }) {
			t.Fatalf("pid %d state %q while paused", pid, state(pid))
		}
	}
	if err := n.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, addr, "thawed", "v1 thawed")
	for _, pid := range members {
		if s := state(pid); s == "T" {
			t.Fatalf("pid %d still stopped after Resume", pid)
		}
	}
}

// state is pid's state letter, "T" while it is stopped.
func state(pid int) string {
	s, _ := rttest.ProcStat(pid)
	return s
}

func TestStopWithGrace(t *testing.T) {
	rt := newRuntime(t)
	ctx := context.Background()
	graceful := start(t, rt, echoSpec("echo-term", "-term-delay", "100ms"))
	stubborn := start(t, rt, echoSpec("echo-stubborn", "-ignore-term"))
	paused := start(t, rt, echoSpec("echo-paused", "-term-delay", "10ms"))

	began := time.Now()
	if err := graceful.Stop(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < 100*time.Millisecond || took > 5*time.Second {
		t.Fatalf("graceful stop took %v, want the program's 100 ms", took)
	}
	if code := waitCode(t, graceful, time.Second); code != 0 {
		t.Fatalf("graceful stop: exit code %d, want 0", code)
	}

	began = time.Now()
	if err := stubborn.Stop(ctx, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < 200*time.Millisecond {
		t.Fatalf("stop returned after %v, before the grace period", took)
	}
	if code := waitCode(t, stubborn, time.Second); code != 137 {
		t.Fatalf("stubborn stop: exit code %d, want 137 (SIGKILL after grace)", code)
	}

	// A paused node still gets its SIGTERM.
	if err := paused.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if err := paused.Stop(ctx, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if code := waitCode(t, paused, time.Second); code != 0 {
		t.Fatalf("paused stop: exit code %d, want 0", code)
	}
	if err := paused.Stop(ctx, time.Second); err != nil {
		t.Fatalf("stopping a stopped node: %v", err)
	}
}

func TestRestartKeepsIdentity(t *testing.T) {
	rt := newRuntime(t)
	ctx := context.Background()
	n := start(t, rt, echoSpec("echo-up", "-spawn"))
	addr := n.Endpoint("7000").External
	rttest.MustAsk(t, addr, "before", "v1 before")
	if err := os.WriteFile(filepath.Join(n.DataDir(), "marker"), []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	oldPID := n.PID()
	oldMembers := groupMembers(t, oldPID)

	began := time.Now()
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	t.Logf("restart v1 -> v2: %v", time.Since(began))
	if n.Version() != "v2" || n.PID() == oldPID {
		t.Fatalf("after restart: version %s pid %d (was %d)", n.Version(), n.PID(), oldPID)
	}
	if got := n.Endpoint("7000").External; got != addr {
		t.Fatalf("address changed from %s to %s", addr, got)
	}
	rttest.MustAsk(t, addr, "after", "v2 after")
	rttest.MustAsk(t, addr, "read marker", "v2 kept")
	for _, pid := range oldMembers {
		if rttest.Alive(pid) {
			t.Fatalf("pid %d of the old process group survived Restart", pid)
		}
	}

	// Restart after a crash: same version, same address.
	if err := n.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitCode(t, n, 5*time.Second)
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, addr, "again", "v2 again")

	// A port taken while the node was down fails the restart clearly.
	if err := n.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitCode(t, n, 5*time.Second)
	squat, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	err = n.Restart(ctx, "v2")
	squat.Close()
	if !errors.Is(err, runtime.ErrPortInUse) || !strings.Contains(err.Error(), addr) {
		t.Fatalf("restart onto a taken port: %v, want ErrPortInUse naming %s", err, addr)
	}
	if err := n.Restart(ctx, "v2"); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, addr, "back", "v2 back")

	// An unknown version fails before anything is killed.
	if err := n.Restart(ctx, "v9"); err == nil {
		t.Fatal("restart at an unknown version succeeded")
	}
	rttest.MustAsk(t, addr, "still", "v2 still")
}

func TestExtrasNextToBinary(t *testing.T) {
	rt := newRuntime(t)
	sw := rttest.Echo()
	for v, b := range sw.Versions {
		b.Extra = map[string]runtime.Build{
			"echo-v2": {Package: rttest.EchoPackage, LDFlags: "-X main.version=v2"},
			"echo-v3": {Package: rttest.EchoPackage, LDFlags: "-X main.version=v3"},
		}
		sw.Versions[v] = b
	}
	spec := echoSpec("echo-extra")
	spec.Software = sw
	n := start(t, rt, spec)
	addr := n.Endpoint("7000").External
	rttest.MustAsk(t, addr, "sibling echo-v2", "v1 v2")
	rttest.MustAsk(t, addr, "sibling echo-v3", "v1 v3")
	rttest.MustAsk(t, addr, "hello", "v1 hello")
	if err := n.Restart(context.Background(), "v3"); err != nil {
		t.Fatal(err)
	}
	rttest.MustAsk(t, addr, "hello", "v3 hello")
	rttest.MustAsk(t, addr, "sibling echo-v2", "v3 v2")
}

func TestBuildErrors(t *testing.T) {
	rt := newRuntime(t)
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "no-such-binary")
	spec := echoSpec("echo-missing")
	spec.Software = runtime.Software{Name: "echo", Versions: map[string]runtime.Build{"v1": {Binary: missing}}}
	n, err := rt.Start(ctx, spec)
	if !errors.Is(err, runtime.ErrNoBinary) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing binary: %v, want ErrNoBinary naming %s", err, missing)
	}
	if n != nil {
		t.Fatalf("missing binary returned node %v", n)
	}
	spec.Software.Versions["v1"] = runtime.Build{Image: "hatest/echo:v1"}
	if _, err := rt.Start(ctx, spec); !errors.Is(err, process.ErrDockerOnly) {
		t.Fatalf("image build: %v, want ErrDockerOnly", err)
	}
	spec.Version = "v7"
	if _, err := rt.Start(ctx, spec); err == nil || !strings.Contains(err.Error(), `"v7"`) {
		t.Fatalf("unknown version: %v", err)
	}
	// A failed start leaves the name free.
	start(t, rt, echoSpec("echo-missing"))
}

func TestNotReadyWhenExited(t *testing.T) {
	rt := newRuntime(t)
	spec := echoSpec("echo-exits", "-crash")
	n, err := rt.Start(context.Background(), spec)
	if !errors.Is(err, runtime.ErrNotReady) {
		t.Fatalf("err = %v, want ErrNotReady", err)
	}
	msg := err.Error()
	for _, want := range []string{"echo-exits", "exited with code 3", "boom 30", "boom 11"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "boom 10") {
		t.Errorf("error quotes more than the last 20 lines:\n%s", msg)
	}
	if n == nil {
		t.Fatal("no node returned with the error")
	}
	if code := waitCode(t, n, time.Second); code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
	// Wait returns once the output is drained: all of it is in Logs.
	logs, _ := io.ReadAll(n.Logs())
	if !strings.HasPrefix(string(logs), "boom 01\n") || !strings.HasSuffix(string(logs), "boom 30\n") {
		t.Fatalf("Logs = %q, want boom 01 to boom 30", logs)
	}
}

func TestNotReadyTimeout(t *testing.T) {
	rt := newRuntime(t)
	spec := echoSpec("echo-hangs", "-never")
	spec.ReadyTimeout = 300 * time.Millisecond
	began := time.Now()
	n, err := rt.Start(context.Background(), spec)
	took := time.Since(began)
	if !errors.Is(err, runtime.ErrNotReady) || !strings.Contains(err.Error(), "echo-hangs") ||
		!strings.Contains(err.Error(), "never listening, as asked") {
		t.Fatalf("err = %v, want ErrNotReady naming the node with its output", err)
	}
	if took < 300*time.Millisecond || took > 10*time.Second {
		t.Fatalf("gave up after %v, want the 300 ms ready timeout", took)
	}
	if n == nil || n.(*process.Node).PID() == 0 {
		t.Fatal("no node returned with the error")
	}
	// A cancelled context also ends the wait, and says so.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	spec.Name, spec.ReadyTimeout = "echo-hangs-2", 0
	_, err = rt.Start(ctx, spec)
	if !errors.Is(err, runtime.ErrNotReady) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled start: %v", err)
	}
}

func TestReadyHTTPWaitsFor200(t *testing.T) {
	rt := newRuntime(t)
	spec := echoSpec("echo-http", "-http", "${LISTEN:8080}", "-http-ready-after", "400ms")
	spec.Ports = []string{"7000", "8080"}
	spec.Ready, spec.ReadyHTTP = "8080", "/healthz"
	began := time.Now()
	n := start(t, rt, spec)
	if took := time.Since(began); took < 400*time.Millisecond {
		t.Fatalf("ready after %v, before /healthz answered 200", took)
	}
	resp, err := http.Get("http://" + n.Endpoint("8080").External + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
}

func TestPinnedPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	freePort := rttest.FreePort(t)
	busyPort := busy.Addr().(*net.TCPAddr).Port

	rt := newRuntime(t)
	pinned := func(name string, host int) runtime.NodeSpec {
		spec := echoSpec(name)
		spec.HostPorts = map[string]int{"7000": host}
		return spec
	}
	_, err = rt.Start(context.Background(), pinned("echo-busy", busyPort))
	if !errors.Is(err, runtime.ErrPortInUse) || !strings.Contains(err.Error(), strconv.Itoa(busyPort)) {
		t.Fatalf("busy pinned port: %v, want ErrPortInUse naming %d", err, busyPort)
	}
	n := start(t, rt, pinned("echo-pinned", freePort))
	want := "127.0.0.1:" + strconv.Itoa(freePort)
	if got := n.Endpoint("7000").External; got != want {
		t.Fatalf("pinned endpoint %s, want %s", got, want)
	}
	rttest.MustAsk(t, want, "pinned", "v1 pinned")
	// A second node of the run cannot have the same port.
	_, err = rt.Start(context.Background(), pinned("echo-twice", freePort))
	if !errors.Is(err, runtime.ErrPortInUse) {
		t.Fatalf("a port pinned twice in one run: %v, want ErrPortInUse", err)
	}
	// A pin must name a port of the node, and a real port number.
	for _, bad := range []map[string]int{{"7001": freePort}, {"7000": 70000}, {"7000": 0}} {
		spec := echoSpec("echo-bad")
		spec.HostPorts = bad
		if _, err := rt.Start(context.Background(), spec); err == nil || errors.Is(err, runtime.ErrPortInUse) {
			t.Fatalf("HostPorts %v: %v, want an error about the pin", bad, err)
		}
	}
}

func TestMainExitKillsItsGroup(t *testing.T) {
	rt := newRuntime(t)
	n := start(t, rt, echoSpec("echo-orphan", "-spawn"))
	members := groupMembers(t, n.PID())
	if len(members) != 2 {
		t.Fatalf("group members %v, want 2", members)
	}
	// Kill only the main process, as a crash would end it.
	if err := syscall.Kill(n.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitCode(t, n, 5*time.Second)
	for _, pid := range members {
		if !rttest.Eventually(2*time.Second, func() bool { return !rttest.Alive(pid) }) {
			t.Fatalf("pid %d outlived the node's main process", pid)
		}
	}
}

func TestCloseLeavesNothing(t *testing.T) {
	rt, err := process.New(context.Background(), process.WithTempDir(t.TempDir()), process.WithRunID("close-test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	if !strings.Contains(filepath.Base(rt.Dir()), "close-test") {
		t.Fatalf("run dir %s does not carry the run ID", rt.Dir())
	}
	var pids []int
	for i, extra := range [][]string{{"-spawn"}, {"-ignore-term"}, {}} {
		n := start(t, rt, echoSpec(fmt.Sprintf("echo-%d", i), extra...))
		pids = append(pids, groupMembers(t, n.PID())...)
		if i == 2 {
			if err := n.Pause(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	never := echoSpec("echo-never", "-never")
	never.ReadyTimeout = 200 * time.Millisecond
	nr, _ := rt.Start(context.Background(), never)
	pids = append(pids, nr.(*process.Node).PID())
	if len(pids) != 5 {
		t.Fatalf("pids %v, want 5", pids)
	}
	n0 := start(t, rt, echoSpec("echo-px"))
	px, err := rt.Proxy(context.Background(), "px", n0.Endpoint("7000"))
	if err != nil {
		t.Fatal(err)
	}
	pids = append(pids, n0.PID())
	api := strings.TrimPrefix(rt.ToxiproxyURL(), "http://")

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Close must finish its work anyway.
	if err := rt.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if rttest.Alive(pid) {
			t.Errorf("pid %d survived Close", pid)
		}
		if m := groupMembers(t, pid); len(m) > 0 {
			t.Errorf("process group %d still has %v", pid, m)
		}
	}
	if _, err := os.Stat(rt.Dir()); !os.IsNotExist(err) {
		t.Errorf("run dir %s: %v, want it gone", rt.Dir(), err)
	}
	for _, addr := range []string{api, px.Endpoint().External} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", addr)
		}
	}
	if err := rt.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := rt.Start(context.Background(), echoSpec("late")); !errors.Is(err, process.ErrClosed) {
		t.Fatalf("start after close: %v", err)
	}
	if _, err := rt.Proxy(context.Background(), "late", n0.Endpoint("7000")); !errors.Is(err, process.ErrClosed) {
		t.Fatalf("proxy after close: %v", err)
	}
}

// TestChildDiesWithFramework SIGKILLs a framework process (this test
// binary run as a helper) and expects its node to die with it.
func TestChildDiesWithFramework(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+t.TempDir())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "pid ")))
	if err != nil {
		t.Fatalf("helper said %q", line)
	}
	if !rttest.Alive(pid) {
		t.Fatalf("node %d is not running", pid)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !rttest.Eventually(5*time.Second, func() bool { return !rttest.Alive(pid) }) {
		syscall.Kill(-pid, syscall.SIGKILL)
		t.Fatalf("node %d outlived its SIGKILLed framework", pid)
	}
}

const helperEnv = "HATEST_PROCESS_TEST_HELPER"

// helper starts a node, prints its pid and waits to be killed.
func helper(dir string) {
	rt, err := process.New(context.Background(), process.WithTempDir(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	n, err := rt.Start(context.Background(), echoSpec("echo-helper"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("pid %d\n", n.(*process.Node).PID())
	select {}
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		helper(dir)
	}
	os.Exit(m.Run())
}

func BenchmarkStartReady(b *testing.B) {
	rt := newRuntime(b)
	ctx := context.Background()
	start(b, rt, echoSpec("warm")) // build outside the timing
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := start(b, rt, echoSpec(fmt.Sprintf("echo-%d", i)))
		b.StopTimer()
		_ = n.Stop(ctx, 0)
		b.StartTimer()
	}
}

func BenchmarkProxyCreate(b *testing.B) {
	rt := newRuntime(b)
	ctx := context.Background()
	n := start(b, rt, echoSpec("echo"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := rt.Proxy(ctx, fmt.Sprintf("px-%d", i), n.Endpoint("7000")); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestart(b *testing.B) {
	rt := newRuntime(b)
	ctx := context.Background()
	n := start(b, rt, echoSpec("echo"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := n.Restart(ctx, []string{"v1", "v2"}[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}
