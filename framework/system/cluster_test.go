package system_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/health"
	"github.com/hatest/hatest/framework/system"
)

func kvCluster() system.ClusterSpec {
	return system.ClusterSpec{
		Name: "kv", Members: []string{"e1", "e2", "e3"}, Version: "v1", Software: kv,
		Port: "9000", DataDir: true,
		Args: []string{"-listen", "${HOST}:${PORT:9000}", "-data", "${DATA}"},
	}
}

// Three members start at once; each is a service of its own, with its
// own data, behind its own proxy, and answers there.
func TestStartCluster(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	svcs, err := sys.StartCluster(ctx, kvCluster())
	if err != nil {
		t.Fatal(err)
	}
	if len(svcs) != 3 || strings.Join(sys.Members("kv"), ",") != "e1,e2,e3" {
		t.Fatalf("members %v, started %d", sys.Members("kv"), len(svcs))
	}
	seen := map[string]bool{}
	for i, m := range []string{"e1", "e2", "e3"} {
		v := sys.Program(m)
		if v == nil || v.Spec.Cluster != "kv" {
			t.Fatalf("member %s is not a service of cluster kv: %+v", m, v)
		}
		addr := v.ExternalAddrs()[0]
		if seen[addr] {
			t.Fatalf("two members behind one proxy %s", addr)
		}
		seen[addr] = true
		key := "k" + m
		if got := ask(t, addr, "SET "+key+" "+m); got != "OK v1 1" {
			t.Fatalf("SET on %s: %q", m, got)
		}
		// Each member keeps its own data: the others do not have the key.
		other := sys.Program([]string{"e2", "e3", "e1"}[i])
		if got := ask(t, other.ExternalAddrs()[0], "GET "+key); strings.Contains(got, m) {
			t.Fatalf("GET %s on another member: %q", key, got)
		}
	}
}

// Bad declarations fail before anything starts, in one line that names
// what is wrong.
func TestClusterSpecErrors(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	for _, c := range []struct {
		name string
		edit func(*system.ClusterSpec)
		want string
	}{
		{"unknown member", func(c *system.ClusterSpec) { c.Args = append(c.Args, "-peer", "${ADDR:e4:9000}") }, `no member e4`},
		{"unknown port", func(c *system.ClusterSpec) { c.Args = append(c.Args, "-peer", "${ADDR:e2:6222}") }, `6222`},
		{"named twice", func(c *system.ClusterSpec) { c.Members = []string{"e1", "e1"} }, "member e1 is named twice"},
		{"ready on another port", func(c *system.ClusterSpec) { c.Ready = health.HTTP("8222", "/healthz") }, "port 8222 is not one of the cluster's ports"},
		{"a pin on a port the cluster lacks", func(c *system.ClusterSpec) {
			c.HostPorts = map[string]map[string]int{"e1": {"7777": 17777}}
		}, "host port for e1 port 7777: it is not one of the cluster's ports"},
		{"one host port pinned twice", func(c *system.ClusterSpec) {
			c.HostPorts = map[string]map[string]int{"e1": {"9000": 19000}, "e2": {"9000": 19000}}
		}, "host port 19000 is pinned twice, by e1 port 9000 and by e2 port 9000"},
	} {
		spec := kvCluster()
		c.edit(&spec)
		_, err := sys.StartCluster(ctx, spec)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line containing %q", c.name, err, c.want)
		}
	}
	if len(sys.Nodes()) != 0 {
		t.Fatalf("a refused cluster started nodes: %d", len(sys.Nodes()))
	}
}

// A second cluster of one name would share its name with the first's data
// and clients: refused.
func TestClusterNamedTwice(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	if _, err := sys.StartCluster(ctx, kvCluster()); err != nil {
		t.Fatal(err)
	}
	again := kvCluster()
	again.Members = []string{"f1", "f2"}
	if _, err := sys.StartCluster(ctx, again); err == nil || !strings.Contains(err.Error(), "cluster kv: the topology already has a cluster or service of that name") {
		t.Fatalf("a second cluster kv: %v", err)
	}
}

// A member that never passes its check fails the start with its name,
// the check, what the check last saw, and the member's last log lines.
func TestClusterMemberNeverReady(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	spec := kvCluster()
	spec.Ready = health.HTTP("9000", "/healthz") // the server speaks lines, not HTTP
	spec.ReadyTimeout = time.Second
	_, err := sys.StartCluster(ctx, spec)
	if err == nil {
		t.Fatal("a cluster whose members never pass their check started")
	}
	msg := err.Error()
	for _, want := range []string{"cluster kv: member e", "not ready", spec.Ready.String(), "last check", "output"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	// The members listen where they were told: no hint that they do not.
	if strings.Contains(msg, "no argument says where to listen") {
		t.Errorf("a wrong hint:\n%s", msg)
	}
}

// The first member that fails ends the others' waits, and its error is
// the one reported: a cluster short of a member may never be ready.
func TestClusterFailsFast(t *testing.T) {
	ctx := context.Background()
	sys := newSystem(t)
	spec := kvCluster()
	// Every member listens on e2's address: one of them gets it and
	// waits for a check that never passes (30 s), the others exit at once
	// (or, when e1 or e3 took the port before e2 started, e2 cannot start:
	// the members start at once, and which comes first is a race).
	spec.Args = []string{"-listen", "${ADDR:e2:9000}", "-data", "${DATA}"}
	spec.Ready = health.HTTP("9000", "/healthz")
	began := time.Now()
	_, err := sys.StartCluster(ctx, spec)
	if err == nil || !regexp.MustCompile(`exited with code|member e2: start e2: port 9000 .* already in use`).MatchString(err.Error()) {
		t.Fatalf("want the member that failed reported: %v", err)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Fatalf("the start took %v: the others waited out their timeout", took)
	}
}
