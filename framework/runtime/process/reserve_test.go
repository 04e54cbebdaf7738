//go:build unix

package process_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/internal/rttest"
	"github.com/hatest/hatest/framework/runtime/process"
)

// A reserved port is where the node listens, from Start through Restart,
// and reserving again gives the same address.
func TestReserveThenStart(t *testing.T) {
	rt := newRuntime(t)
	ctx := context.Background()
	spec := echoSpec("member")
	got, err := rt.Reserve(spec)
	if err != nil {
		t.Fatalf("reserve: %v", err)
	}
	addr := got["7000"]
	if len(got) != 1 || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("reserve: %v, want one 127.0.0.1 address for port 7000", got)
	}
	again, err := rt.Reserve(spec)
	if err != nil || again["7000"] != addr {
		t.Fatalf("reserve again: %v, %v; want %s", again, err, addr)
	}
	// Another node of the run never gets it.
	other := start(t, rt, echoSpec("other"))
	if other.Endpoint("7000").Internal == addr {
		t.Fatalf("another node got the reserved %s", addr)
	}
	n := start(t, rt, spec)
	for _, version := range []string{"v1", "v2"} {
		if version == "v2" {
			if err := n.Restart(ctx, "v2"); err != nil {
				t.Fatalf("restart: %v", err)
			}
		}
		if ep := n.Endpoint("7000"); ep.Internal != addr || ep.External != addr {
			t.Fatalf("at %s the endpoint is %+v, want %s as reserved", version, ep, addr)
		}
		rttest.MustAsk(t, addr, "ping", version+" ping")
	}
	// Reserving a started node gives its address; a port it lacks is an error.
	if again, err := rt.Reserve(spec); err != nil || again["7000"] != addr {
		t.Fatalf("reserve a started node: %v, %v; want %s", again, err, addr)
	}
	spec.Ports = append(spec.Ports, "7001")
	if _, err := rt.Reserve(spec); err == nil || err.Error() != "reserve member: port 7001: member is started already, without it" {
		t.Fatalf("reserve a new port of a started node: %v", err)
	}
}

// A node pinned to a host port that another node reserved, pinned or
// holds, or a reservation of such a port, fails naming both nodes.
func TestReserveDuplicatePort(t *testing.T) {
	rt := newRuntime(t)
	ctx := context.Background()
	pinned := func(name string, host int) runtime.NodeSpec {
		spec := echoSpec(name)
		spec.HostPorts = map[string]int{"7000": host}
		return spec
	}
	host := rttest.FreePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(host)
	got, err := rt.Reserve(pinned("e1", host))
	if err != nil || got["7000"] != addr {
		t.Fatalf("reserve on pinned %d: %v, %v", host, got, err)
	}
	check := func(what string, err error, want string) {
		t.Helper()
		if !errors.Is(err, runtime.ErrPortInUse) || err.Error() != want {
			t.Fatalf("%s:\n got %v\nwant %s (wrapping ErrPortInUse)", what, err, want)
		}
	}
	want := func(node string) string {
		return "reserve " + node + ": port 7000 (" + addr + ") is e1's port 7000 in this run: port already in use; pin another host port"
	}
	_, err = rt.Reserve(pinned("e2", host))
	check("a second reservation of the port", err, want("e2"))
	_, err = rt.Start(ctx, pinned("e3", host))
	check("a node pinned to a reserved port", err, strings.Replace(want("e3"), "reserve", "start", 1))

	// A free port reserved for one node is not free for a pin of another.
	free, err := rt.Reserve(echoSpec("e4"))
	if err != nil {
		t.Fatal(err)
	}
	_, p, _ := net.SplitHostPort(free["7000"])
	fp, _ := strconv.Atoi(p)
	_, err = rt.Start(ctx, pinned("e5", fp))
	check("a node pinned to a port reserved free", err,
		"start e5: port 7000 ("+free["7000"]+") is e4's port 7000 in this run: port already in use; pin another host port")

	// The owner starts there, pin or not, and keeps its port.
	n := start(t, rt, echoSpec("e1"))
	if got := n.Endpoint("7000").Internal; got != addr {
		t.Fatalf("e1 listens on %s, want its reserved %s", got, addr)
	}
	_, err = rt.Reserve(pinned("e6", host))
	check("a reservation of a port a node holds", err, want("e6"))

	// A pin other than the one reserved is an error, not a second port.
	other := rttest.FreePort(t)
	_, err = rt.Start(ctx, pinned("e4", other))
	wantMsg := "start e4: port 7000 has " + free["7000"] + " already, not the pinned 127.0.0.1:" + strconv.Itoa(other) + ": pin it when it is first reserved"
	if err == nil || err.Error() != wantMsg {
		t.Fatalf("a pin that differs from the reservation:\n got %v\nwant %s", err, wantMsg)
	}

	// Close releases every reservation; the runtime takes no more.
	if err := rt.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Reserve(pinned("e7", host)); !errors.Is(err, process.ErrClosed) {
		t.Fatalf("reserve after Close: %v, want ErrClosed", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("after Close %s is still taken: %v", addr, err)
	}
	ln.Close()
}

// A reserved port that something outside the run took before the node
// started fails Start, naming it, before the program runs.
func TestReservedPortTakenBeforeStart(t *testing.T) {
	rt := newRuntime(t)
	spec := echoSpec("late")
	got, err := rt.Reserve(spec)
	if err != nil {
		t.Fatal(err)
	}
	squatter, err := net.Listen("tcp", got["7000"])
	if err != nil {
		t.Fatalf("take %s: %v", got["7000"], err)
	}
	defer squatter.Close()
	_, port, _ := net.SplitHostPort(got["7000"])
	n, err := rt.Start(context.Background(), spec)
	if n != nil || !errors.Is(err, runtime.ErrPortInUse) || !strings.Contains(err.Error(), port) {
		t.Fatalf("start on a reserved port taken since: %v, %v; want no node and ErrPortInUse naming %s", n, err, port)
	}
	// Once it is free again the node starts there.
	squatter.Close()
	if n := start(t, rt, spec); n.Endpoint("7000").Internal != got["7000"] {
		t.Fatalf("endpoint %s, want the reserved %s", n.Endpoint("7000").Internal, got["7000"])
	}
}

// Reserve refuses what Start would, with the same words.
func TestReserveInvalid(t *testing.T) {
	rt := newRuntime(t)
	spec := echoSpec("bad/name")
	_, err := rt.Reserve(spec)
	if want := `reserve "bad/name": ` + spec.Validate().Error(); err == nil || err.Error() != want {
		t.Fatalf("reserve an invalid spec: %v, want %s", err, want)
	}
}

// A port the run chooses lies below the kernel's ephemeral range, where
// no outgoing connection takes its local port between the choice and the
// node's bind.
func TestReservedPortsBelowTheEphemeralRange(t *testing.T) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		t.Skipf("no ephemeral range to stay below: %v", err)
	}
	lo, err := strconv.Atoi(strings.Fields(string(b))[0])
	if err != nil || lo < 12000 {
		t.Skipf("ephemeral range from %s: too little room below it", strings.TrimSpace(string(b)))
	}
	rt := newRuntime(t)
	for i := range 40 {
		got, err := rt.Reserve(echoSpec("n" + strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(got["7000"])
		if n, _ := strconv.Atoi(port); n >= lo || n < 10000 {
			t.Fatalf("reserved %s, in the ephemeral range from %d (or below 10000)", got["7000"], lo)
		}
	}
}
