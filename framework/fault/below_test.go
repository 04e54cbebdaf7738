package fault_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// topo is a scenario with a cluster of three, one of two, a standby pair
// and a program.
var topo = fault.Topology{
	Clusters: map[string][]string{"nats": {"e1", "e2", "e3"}, "pair": {"p1", "p2"}},
	Nodes:    []string{"db", "kv", "e1", "e2", "e3", "p1", "p2"},
	Links:    []string{"db", "db-secondary", "db-replication", "kv", "e1", "e2", "e3", "p1", "p2"},
}

// asks is a leader hook; the checks never call it.
func asks(context.Context, *system.System) (string, error) { return "", errors.New("asked") }

const noQuorum = " (no member reaches a majority); call WithoutQuorum() if that is what the scenario tests"

// Every fault below the proxy is refused before anything starts, in one
// line that says what is wrong and what to do.
func TestCheck(t *testing.T) {
	tests := []struct {
		f    fault.Fault
		want string // the whole line; "" for none
	}{
		{fault.Partition([]string{"e1"}, []string{"e2", "e3"}), ""},
		{fault.Partition([]string{"e1", "kv"}, []string{"db"}), ""},
		{fault.Partition([]string{"e1"}, []string{"e4"}),
			"partition e1 from e4: e4 is not a node of this scenario (nodes: db, kv, e1, e2, e3, p1, p2): name a cluster member, a program or a service"},
		{fault.Partition([]string{"e1"}, nil), "partition e1 from : a side names no node: name the nodes on each side"},
		{fault.Partition([]string{"e1", "e2"}, []string{"e2"}), "partition e1, e2 from e2: e2 is on both sides: put it on one"},
		{fault.Partition([]string{"p1"}, []string{"p2"}), "partition p1 from p2 leaves no quorum of p1 p2" + noQuorum},
		{fault.Partition([]string{"p1"}, []string{"p2"}).OneWay(), "partition p1 from p2 (one way) leaves no quorum of p1 p2" + noQuorum},
		{fault.Partition([]string{"p1"}, []string{"p2"}).WithoutQuorum(), ""},
		{fault.Partition([]string{"e1"}, []string{"e2"}).Reject(), ""},
		{fault.Isolate("nats", "e2"), ""},
		{fault.Isolate("nats", ""), "partition  from the other members of cluster nats: no member named: name one of cluster nats (members: e1, e2, e3)"},
		{fault.Isolate("nats", "e4"), "partition e4 from the other members of cluster nats: e4 is not a member of cluster nats (members: e1, e2, e3)"},
		{fault.Isolate("natz", "e1"), "partition e1 from the other members of cluster natz: no cluster natz in this scenario (clusters: nats, pair): name one it declares"},
		{fault.Isolate("pair", "p1"), "partition p1 from the other members of cluster pair leaves no quorum of p1 p2" + noQuorum},
		{fault.IsolateLeader("nats", asks), ""},
		{fault.IsolateLeader("nats", nil), "partition the leader of cluster nats from the other members: no function asks which member leads: give IsolateLeader one"},
		{fault.IsolateLeader("pair", asks).WithoutQuorum(), ""},
		{fault.IsolateLeader("pair", asks), "partition the leader of cluster pair from the other members leaves no quorum of p1 p2" + noQuorum},
		{fault.Bridge("nats", "e2"), ""},
		{fault.Bridge("pair", "p1"), "partition cluster pair in two halves that only p1 bridges: cluster pair has 2 members (p1, p2); a bridge between two halves needs at least 3"},
		{fault.Ring("nats"), "partition cluster nats into a ring, each member reaching only its two neighbours: cluster nats has 3 members (e1, e2, e3); a ring needs at least 4"},
		{fault.Ring("pair"), "partition cluster pair into a ring, each member reaching only its two neighbours: cluster pair has 2 members (p1, p2); a ring needs at least 4"},
		{fault.CutClients("pair", "p1"), ""},
		{fault.CutClients("nats", "kv"), "cut kv from its clients, not from its peers in cluster nats: kv is not a member of cluster nats (members: e1, e2, e3)"},
		{fault.Loss("e1", 20), ""},
		{fault.Loss("e1", 100).To("e2", "e3"), ""},
		{fault.Loss("e1", 150), "drop 150% of the packets e1 sends: loss of 150%: give a percentage above 0 and at most 100"},
		{fault.Loss("e1", 0), "drop 0% of the packets e1 sends: loss of 0%: give a percentage above 0 and at most 100"},
		{fault.Loss("e1", 5).To("e9"), "drop 5% of the packets e1 sends to e9: e9 is not a node of this scenario (nodes: db, kv, e1, e2, e3, p1, p2): name a cluster member, a program or a service"},
		{fault.Loss("e1", 5).To("e1"), "drop 5% of the packets e1 sends to e1: e1 is among its own peers: name the others"},
		{fault.RateLimit("kv", 1<<20), ""},
		{fault.RateLimit("kv", 0), "limit what kv sends to 0 bytes/s: rate limit of 0 bytes/s: give a rate above 0"},
		{fault.Delay("db", 50*time.Millisecond, 10*time.Millisecond), ""},
		{fault.Delay("db", 0, 0), "delay the packets db sends by 0s: delay of 0s ± 0s: give a delay above 0 and a jitter of 0 or more"},
		{fault.Reorder("e3", 25), ""},
		{fault.Reorder("e3", -1), "reorder -1% of the packets e3 sends: reorder of -1%: give a percentage above 0 and at most 100"},
		{fault.Duplicate("nobody", 5), "duplicate 5% of the packets nobody sends: nobody is not a node of this scenario (nodes: db, kv, e1, e2, e3, p1, p2): name a cluster member, a program or a service"},
		{fault.Blackhole("db-replication"), ""},
		{fault.Blackhole("db-primary"), "blackhole link db-primary (its packets dropped below toxiproxy): no link db-primary in this scenario (links: db, db-secondary, db-replication, kv, e1, e2, e3, p1, p2)"},
	}
	for _, tt := range tests {
		c, ok := tt.f.(fault.Checked)
		if !ok {
			t.Errorf("%s: not a fault.Checked", tt.f.Name())
			continue
		}
		err := c.Check(topo)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.f.Name(), err)
		case tt.want != "" && (err == nil || err.Error() != tt.want):
			t.Errorf("%s:\n got %v\nwant %s", tt.f.Name(), err, tt.want)
		}
	}
}

// Each fault's line in the plan says what it does, and Targets what it
// acts on; the kinds are what the runner probes the machine for.
func TestBelowNames(t *testing.T) {
	leader := func(context.Context, *system.System) (string, error) { return "e2", nil }
	tests := []struct {
		f       fault.Fault
		name    string
		targets []string
		kinds   []runtime.NetKind
	}{
		{fault.Partition([]string{"e1", "e2"}, []string{"e2", "e3"}), "partition e1, e2 from e2, e3", []string{"e1", "e2", "e3"}, []runtime.NetKind{runtime.NetCut}},
		{fault.Partition([]string{"e1"}, []string{"e2"}).OneWay().Reject().WithoutQuorum(), "partition e1 from e2 (one way, refused, no quorum, on purpose)", []string{"e1", "e2"}, []runtime.NetKind{runtime.NetCut}},
		{fault.Isolate("nats", "e1"), "partition e1 from the other members of cluster nats", []string{"e1"}, []runtime.NetKind{runtime.NetCut}},
		{fault.Bridge("nats", "e2"), "partition cluster nats in two halves that only e2 bridges", []string{"e2"}, []runtime.NetKind{runtime.NetCut}},
		{fault.Ring("nats"), "partition cluster nats into a ring, each member reaching only its two neighbours", nil, []runtime.NetKind{runtime.NetCut}},
		{fault.IsolateLeader("nats", leader), "partition the leader of cluster nats from the other members", nil, []runtime.NetKind{runtime.NetCut}},
		{fault.CutClients("nats", "e3"), "cut e3 from its clients, not from its peers in cluster nats", []string{"e3"}, []runtime.NetKind{runtime.NetCut}},
		{fault.Loss("e1", 12.5), "drop 12.5% of the packets e1 sends", []string{"e1"}, []runtime.NetKind{runtime.NetLoss}},
		{fault.Loss("e1", 30).To("e2").To("e3"), "drop 30% of the packets e1 sends to e2, e3", []string{"e1", "e2", "e3"}, []runtime.NetKind{runtime.NetLoss}},
		{fault.RateLimit("kv", 125000), "limit what kv sends to 125000 bytes/s", []string{"kv"}, []runtime.NetKind{runtime.NetRate}},
		{fault.Delay("kv", 80*time.Millisecond, 0), "delay the packets kv sends by 80ms", []string{"kv"}, []runtime.NetKind{runtime.NetDelay}},
		{fault.Delay("kv", 80*time.Millisecond, 20*time.Millisecond), "delay the packets kv sends by 80ms ± 20ms", []string{"kv"}, []runtime.NetKind{runtime.NetDelay}},
		{fault.Reorder("kv", 25), "reorder 25% of the packets kv sends", []string{"kv"}, []runtime.NetKind{runtime.NetReorder}},
		{fault.Duplicate("kv", 5), "duplicate 5% of the packets kv sends", []string{"kv"}, []runtime.NetKind{runtime.NetDuplicate}},
		{fault.Blackhole("db-replication"), "blackhole link db-replication (its packets dropped below toxiproxy)", []string{"db-replication"}, []runtime.NetKind{runtime.NetCut}},
	}
	for _, tt := range tests {
		st := fault.For(tt.f, time.Second)
		if got := tt.f.Name(); got != tt.name {
			t.Errorf("name %q, want %q", got, tt.name)
		}
		if got := st.Meta().Targets; !slices.Equal(got, tt.targets) {
			t.Errorf("%s: targets %v, want %v", tt.name, got, tt.targets)
		}
		b, ok := tt.f.(fault.Below)
		if !ok || !slices.Equal(b.NetKinds(), tt.kinds) {
			t.Errorf("%s: below the proxy %v, kinds %v; want %v", tt.name, ok, b, tt.kinds)
		}
	}
	// The modifiers change a copy.
	p := fault.Partition([]string{"e1"}, []string{"e2"})
	p.OneWay().Reject().WithoutQuorum()
	if p.Name() != "partition e1 from e2" {
		t.Errorf("a modifier changed the cut it was called on: %s", p.Name())
	}
	l := fault.Loss("e1", 5)
	l.To("e2")
	if l.Name() != "drop 5% of the packets e1 sends" {
		t.Errorf("To changed the loss it was called on: %s", l.Name())
	}
}

// netRT is a runtime that applies NetFaults in name only: it keeps those
// in force, by node, and fails on the nodes of fail.
type netRT struct {
	stubRT
	mu     sync.Mutex
	n      int
	force  map[int]applied
	fail   map[string]error
	probed []runtime.NetKind
}

type applied struct {
	node string
	f    runtime.NetFault
}

func newNetRT() *netRT {
	return &netRT{stubRT: stubRT{"fake"}, force: map[int]applied{}, fail: map[string]error{}}
}

// stubRT is a runtime that starts nothing.
type stubRT struct{ name string }

func (r stubRT) Name() string { return r.name }
func (stubRT) Start(context.Context, runtime.NodeSpec) (runtime.Node, error) {
	return nil, errors.New("stub runtime")
}
func (stubRT) Reserve(runtime.NodeSpec) (map[string]string, error) {
	return nil, errors.New("stub runtime")
}
func (stubRT) Proxy(context.Context, string, runtime.Endpoint) (runtime.Proxy, error) {
	return nil, errors.New("stub runtime")
}
func (stubRT) Close(context.Context) error { return nil }

func (r *netRT) NetFault(_ context.Context, node string, f runtime.NetFault) (runtime.Applied, error) {
	if err := f.Validate(); err != nil {
		return runtime.Applied{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.fail[node]; err != nil {
		return runtime.Applied{}, err
	}
	r.n++
	id := r.n
	r.force[id] = applied{node, f}
	now := time.Now()
	return runtime.Applied{Span: runtime.Span{Sent: now, Acked: now}, Heal: func(context.Context) (runtime.Span, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, ok := r.force[id]; !ok {
			return runtime.Span{}, fmt.Errorf("%s healed twice", node)
		}
		delete(r.force, id)
		now := time.Now()
		return runtime.Span{Sent: now, Acked: now}, nil
	}}, nil
}

func (r *netRT) NetReady(context.Context, ...string) error { return nil }

func (r *netRT) NetProbe(_ context.Context, k runtime.NetKind) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.probed = append(r.probed, k)
	return nil
}

// inForce is the NetFaults in force, one line each, sorted.
func (r *netRT) inForce() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, a := range r.force {
		out = append(out, fmt.Sprintf("%s: %+v", a.node, a.f))
	}
	slices.Sort(out)
	return out
}

// on is the line inForce has for f on node.
func on(node string, f runtime.NetFault) string { return fmt.Sprintf("%s: %+v", node, f) }

// A fault below the proxy applies its NetFaults, all of them, and its heal
// removes every one.
func TestInject(t *testing.T) {
	cut := func(peers ...string) runtime.NetFault {
		return runtime.NetFault{Kind: runtime.NetCut, In: true, Peers: peers}
	}
	tests := []struct {
		f    fault.Fault
		want []string
	}{
		{fault.Partition([]string{"e1"}, []string{"e2", "e3"}), []string{on("e1", cut("e2", "e3")), on("e2", cut("e1")), on("e3", cut("e1"))}},
		{fault.Partition([]string{"e1", "e2"}, []string{"e3"}).OneWay(), []string{on("e3", cut("e1", "e2"))}},
		{fault.Partition([]string{"e1"}, []string{"e2"}).OneWay().Reject(), []string{on("e2", runtime.NetFault{Kind: runtime.NetCut, In: true, Reject: true, Peers: []string{"e1"}})}},
		{fault.Loss("e1", 20), []string{on("e1", runtime.NetFault{Kind: runtime.NetLoss, Out: true, Percent: 20})}},
		{fault.Loss("e1", 20).To("e2", "e3"), []string{on("e2", runtime.NetFault{Kind: runtime.NetLoss, In: true, Percent: 20, Peers: []string{"e1"}}), on("e3", runtime.NetFault{Kind: runtime.NetLoss, In: true, Percent: 20, Peers: []string{"e1"}})}},
		{fault.RateLimit("kv", 1000), []string{on("kv", runtime.NetFault{Kind: runtime.NetRate, Rate: 1000})}},
		{fault.Delay("kv", time.Millisecond, 0), []string{on("kv", runtime.NetFault{Kind: runtime.NetDelay, Delay: time.Millisecond})}},
		{fault.Reorder("kv", 10), []string{on("kv", runtime.NetFault{Kind: runtime.NetReorder, Percent: 10})}},
		{fault.Duplicate("kv", 10), []string{on("kv", runtime.NetFault{Kind: runtime.NetDuplicate, Percent: 10})}},
	}
	ctx := context.Background()
	for _, tt := range tests {
		rt := newNetRT()
		heal, err := tt.f.Inject(ctx, system.New(rt, nil))
		if err != nil {
			t.Errorf("%s: %v", tt.f.Name(), err)
			continue
		}
		if got := rt.inForce(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: in force\n%s\nwant\n%s", tt.f.Name(), strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
		if err := heal(ctx); err != nil {
			t.Errorf("%s: heal: %v", tt.f.Name(), err)
		}
		if got := rt.inForce(); len(got) != 0 {
			t.Errorf("%s: still in force after the heal: %v", tt.f.Name(), got)
		}
	}
}

// A cut that one node fails to take heals what the others took, and says
// which node failed.
func TestInjectHealsWhenOneFails(t *testing.T) {
	rt := newNetRT()
	rt.fail["e3"] = errors.New("no node e3")
	heal, err := fault.Partition([]string{"e1"}, []string{"e2", "e3"}).Inject(context.Background(), system.New(rt, nil))
	if err == nil || err.Error() != "on e3: no node e3" || heal != nil {
		t.Fatalf("Inject: heal %v, %v; want the error of e3 alone", heal != nil, err)
	}
	if got := rt.inForce(); len(got) != 0 {
		t.Fatalf("left in force after a failed cut: %v", got)
	}
}

// The step holds the cut and heals it even when its context ends; the
// runner learns from RanOn which nodes it cut.
func TestStepHealsAndSaysWhatItCut(t *testing.T) {
	rt := newNetRT()
	sys := system.New(rt, nil)
	var st step.Resolved = fault.For(fault.Partition([]string{"e2"}, []string{"e1", "e3"}), time.Hour)
	if got := st.RanOn(); got != nil {
		t.Fatalf("RanOn before it ran: %v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(rt.inForce()) < 3 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if err := st.Run(ctx, sys); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v, want the context's end", err)
	}
	if got := rt.inForce(); len(got) != 0 {
		t.Fatalf("in force after the step: %v", got)
	}
	if got := st.RanOn(); !slices.Equal(got, []string{"e2", "e1", "e3"}) {
		t.Fatalf("RanOn %v, want [e2 e1 e3]", got)
	}
	// Faults that know their targets from the start have nothing to add.
	if got := fault.For(fault.Down("kv"), 0).RanOn(); got != nil {
		t.Fatalf("RanOn of a proxy fault: %v", got)
	}
}

// On a runtime that is no NetFaulter, every fault below the proxy fails,
// before it touches anything, with an error wrapping ErrUnsupported; other
// faults are none of its business.
func TestNeedsNetwork(t *testing.T) {
	var rt runtime.Runtime = stubRT{"process"}
	sys := system.New(rt, nil)
	for _, f := range []fault.Fault{
		fault.Partition([]string{"e1"}, []string{"e2"}), fault.Isolate("nats", "e1"), fault.Ring("nats"),
		fault.Loss("e1", 5), fault.Delay("e1", time.Millisecond, 0), fault.Blackhole("kv"),
	} {
		want := f.Name() + " needs the Docker runtime: the process runtime has no network of a member's own to cut"
		err := fault.NeedsNetwork(f, rt)
		if err == nil || err.Error() != want || !errors.Is(err, runtime.ErrUnsupported) {
			t.Errorf("NeedsNetwork: %v; want %q wrapping ErrUnsupported", err, want)
		}
		if _, err := f.Inject(context.Background(), sys); err == nil || err.Error() != want || !errors.Is(err, runtime.ErrUnsupported) {
			t.Errorf("Inject: %v; want %q wrapping ErrUnsupported", err, want)
		}
		if err := fault.NeedsNetwork(f, newNetRT()); err != nil {
			t.Errorf("NeedsNetwork on a NetFaulter: %v", err)
		}
	}
	if err := fault.NeedsNetwork(fault.Down("kv"), rt); err != nil {
		t.Errorf("a proxy fault needs no network of its own: %v", err)
	}
}
