package system_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hatest/hatest/fixtures/reference"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// kv is the example server of docs/your-own-system.md at two versions.
var kv = runtime.Software{Name: "example-server", Versions: map[string]runtime.Build{
	"v1": {Package: "github.com/hatest/hatest/fixtures/example/server", LDFlags: "-X main.version=v1"},
	"v2": {Package: "github.com/hatest/hatest/fixtures/example/server", LDFlags: "-X main.version=v2"},
}}

func kvSpec() system.ServiceSpec {
	return system.ServiceSpec{
		Name: "kv", Version: "v1", Software: kv, Port: "9000", DataDir: true,
		Args: []string{"-listen", "${LISTEN:9000}", "-data", "${DATA}"},
	}
}

func newSystem(t *testing.T) *system.System {
	t.Helper()
	ctx := context.Background()
	rt, err := process.New(ctx, process.WithLog(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	sys := system.New(rt, nil)
	t.Cleanup(sys.StopWatching) // cleanups run last first: before rt.Close
	return sys
}

// ask sends one request line to addr and returns the reply line.
func ask(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("%s: %v", req, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintln(c, req)
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("%s: %v", req, err)
	}
	return strings.TrimSpace(line)
}

func TestServiceUpgradeKeepsData(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	svc, err := sys.StartService(ctx, kvSpec())
	if err != nil {
		t.Fatal(err)
	}
	if sys.Service("kv") != svc || len(sys.Services()) != 1 || sys.Service("nope") != nil {
		t.Fatalf("the system does not find the service by name")
	}
	if sys.Proxy("kv") != svc.Proxy {
		t.Fatalf("System.Proxy does not find the service's proxy: network faults would miss it")
	}
	addr := svc.ExternalAddrs()[0]
	if got := ask(t, addr, "SET k1 one"); got != "OK v1 1" {
		t.Fatalf("SET through the proxy: %q", got)
	}

	evs, err := svc.Upgrade(ctx, "v2", system.Replacement{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ask(t, addr, "GET k1"); got != "OK v2 1 one" {
		t.Fatalf("after the upgrade, at the same address: %q, want the write made at v1, served by v2", got)
	}
	h := svc.History()
	if len(h) != 2 || h[0].Version != "v1" || h[1].Version != "v2" || h[1].Since <= h[0].Since {
		t.Fatalf("history %+v", h)
	}
	if e := evs[len(evs)-1]; e.ID != "kv-ready-2" || e.Kind != timeline.KindSystem || e.Phase != timeline.PhaseReady || e.Start != h[1].Since {
		t.Fatalf("ready event %+v", e)
	}

	// A version without a build fails before anything is stopped.
	if _, err := svc.Upgrade(ctx, "v9", system.Replacement{}); err == nil || !strings.Contains(err.Error(), `no build for version "v9"`) {
		t.Fatalf("upgrade to v9: %v", err)
	}
	if got := ask(t, addr, "GET k1"); got != "OK v2 1 one" || svc.Node.Version() != "v2" {
		t.Fatalf("after a failed upgrade the service should still serve v2: %q", got)
	}

	if _, err := sys.StartService(ctx, kvSpec()); err == nil || !strings.Contains(err.Error(), "already has a service") {
		t.Fatalf("a second service named kv: %v", err)
	}
}

func TestServiceSpecErrors(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	spec := kvSpec()
	spec.Port = ""
	if _, err := sys.StartService(ctx, spec); err == nil || !strings.Contains(err.Error(), "no port") {
		t.Fatalf("no port: %v", err)
	}
	// A program that is not told where to listen never answers on the
	// port hatest gave it; the error says how to tell it. (Port 1, not
	// 0: a port the kernel picks can be the very one hatest gave, just
	// released.)
	spec = kvSpec()
	spec.Args = []string{"-listen", "127.0.0.1:1"}
	spec.ReadyTimeout = 500 * time.Millisecond
	_, err := sys.StartService(ctx, spec)
	if err == nil || !strings.Contains(err.Error(), `pass "${LISTEN:9000}" in Args`) {
		t.Fatalf("no listen address: %v", err)
	}
	if sys.Service("kv") != nil {
		t.Fatalf("a service that never became ready is registered")
	}
}

// HostPort pins the program's port on the host, across an upgrade.
func TestServiceHostPort(t *testing.T) {
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	sys := newSystem(t)
	spec := kvSpec()
	spec.HostPort = port
	svc, err := sys.StartService(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("127.0.0.1:%d", port)
	if got := svc.Node.Endpoint("9000").External; got != want {
		t.Fatalf("pinned node at %s, want %s", got, want)
	}
	if got := ask(t, want, "SET k1 one"); got != "OK v1 1" {
		t.Fatalf("SET on the pinned port: %q", got)
	}
	if _, err := svc.Upgrade(ctx, "v2", system.Replacement{}); err != nil {
		t.Fatal(err)
	}
	if got := ask(t, want, "GET k1"); got != "OK v2 1 one" {
		t.Fatalf("GET on the pinned port after the upgrade: %q", got)
	}
}

// Every kind of service lives in one map: a program cannot take the name
// of a driver, and the map answers for both through one interface.
func TestOneMapOfServices(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	drv, err := sys.StartDriver(ctx, "kv", "v1", reference.DriverSoftware())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.StartService(ctx, kvSpec()); err == nil || !strings.Contains(err.Error(), "already has a service") {
		t.Fatalf("a program named like a driver: %v", err)
	}
	spec := kvSpec()
	spec.Name = "kv2"
	if _, err := sys.StartService(ctx, spec); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range sys.Services() {
		names = append(names, v.Name())
	}
	if strings.Join(names, ",") != "kv,kv2" || sys.Service("kv") != system.Service(drv) || sys.Program("kv") != nil || sys.Program("kv2") == nil {
		t.Fatalf("services %v; kv is the driver, kv2 the program", names)
	}
	if sys.Proxy("kv") != drv.Proxy || sys.Proxy("kv2") != sys.Program("kv2").Proxy {
		t.Fatal("Proxy does not find each kind's proxy by name")
	}
}

// A drain signals the program with its proxy open and closes the proxy
// only once the program has exited; the phases say so, in order.
func TestReplaceDrain(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	svc, err := sys.StartService(ctx, kvSpec())
	if err != nil {
		t.Fatal(err)
	}
	ph, err := svc.Replace(ctx, "v2", system.Replacement{Drain: true, Signal: syscall.SIGTERM, Grace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if inOrder := ph.Stop > 0 && ph.Stop <= ph.Exited && ph.Exited <= ph.Closed && ph.Closed <= ph.Started && ph.Started <= ph.Healthy; !inOrder {
		t.Fatalf("phases out of order: %+v (want stop <= exited <= closed <= started <= healthy)", ph)
	}
	var phases []string
	for _, e := range svc.PhaseEvents(ph, "v2") {
		phases = append(phases, e.Phase+":"+e.Desc)
	}
	if len(phases) != 5 || !strings.Contains(phases[2], "proxy kv closed after the drain") {
		t.Fatalf("events %q: want stop, exited, the proxy closed, started, ready", phases)
	}
	// Without a drain the proxy closes first: no such event.
	ph, err = svc.Replace(ctx, "v1", system.Replacement{})
	if err != nil || ph.Closed != 0 {
		t.Fatalf("plain replace: %+v, %v", ph, err)
	}
	if got := ask(t, svc.ExternalAddrs()[0], "GET k"); !strings.HasSuffix(got, " v1") && !strings.Contains(got, " v1 ") {
		t.Fatalf("after the replacements: %q", got)
	}
}

// A replacement whose new version never passes its check fails with the
// check and the new program's last lines; the proxy is open again (no
// partition outlives the step), the history keeps the old version, and
// the phases stop at "started": no ready event claims otherwise.
func TestReplaceToAVersionThatNeverServes(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	spec := kvSpec()
	spec.Software = runtime.Software{Name: "kv-or-mute", Versions: map[string]runtime.Build{
		"v1": kv.Versions["v1"],
		"v2": {Package: "github.com/hatest/hatest/cmd/hatest/testdata/setup/mute", LDFlags: "-X main.version=v2"},
	}}
	spec.ReadyTimeout = time.Second
	svc, err := sys.StartService(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := svc.Upgrade(ctx, "v2", system.Replacement{})
	if err == nil || !strings.Contains(err.Error(), "not ready after 1s") || !strings.Contains(err.Error(), "mute v2: up, and never listening") {
		t.Fatalf("want the check and the new program's output in the error: %v", err)
	}
	var phases []string
	for _, e := range evs {
		phases = append(phases, e.Phase)
	}
	if strings.Join(phases, ",") != "stop,exited,started" {
		t.Fatalf("phases %v, want stop, exited, started and no ready", phases)
	}
	if h := svc.History(); len(h) != 1 || h[0].Version != "v1" {
		t.Fatalf("history %+v, want v1 only", h)
	}
	// The proxy is open again: it dials the node (which does not answer),
	// rather than refusing as a closed proxy does.
	c, err := net.DialTimeout("tcp", svc.ExternalAddrs()[0], time.Second)
	if err != nil {
		t.Fatalf("the proxy stayed closed after the failed replacement: %v", err)
	}
	c.Close()
}
