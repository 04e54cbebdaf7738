package fault

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

type cutKind int

const (
	cutPartition cutKind = iota
	cutIsolate
	cutBridge
	cutRing
	cutLeader
	cutClients
)

// Cut is a network partition: the packets between two sides dropped (or
// refused) inside the nodes themselves, both ways unless OneWay. Build
// one with Partition, Isolate, Bridge, Ring, IsolateLeader or CutClients;
// its methods return a changed copy. Inject applies one NetCut on each
// node the cut's packets go to, of those it receives from the other side,
// all at once; the heal removes them all.
//
// A cut that leaves its cluster no quorum (KeepsQuorum) is refused before
// anything starts, unless WithoutQuorum says the scenario means it.
type Cut struct {
	kind    cutKind
	cluster string
	a, b    []string // a Partition's sides
	member  string   // Isolate's, Bridge's and CutClients' member
	leader  func(ctx context.Context, sys *system.System) (string, error)

	oneWay, reject, noQuorum bool

	mu  sync.Mutex
	ran []string // the nodes the last Inject cut
}

// Partition cuts the nodes of a from those of b, both ways: cluster
// members, programs or overlord services, by name.
//
//	fault.For(fault.Partition([]string{"e1"}, []string{"e2", "e3"}), 5*time.Second)
func Partition(a, b []string) *Cut {
	return &Cut{kind: cutPartition, a: slices.Clone(a), b: slices.Clone(b)}
}

// Isolate cuts member from the other members of cluster.
func Isolate(cluster, member string) *Cut {
	return &Cut{kind: cutIsolate, cluster: cluster, member: member}
}

// Bridge splits the members of cluster other than bridge in two halves,
// in declared order (the first half takes the odd one), cut from each
// other; bridge reaches both. It needs three members or more.
func Bridge(cluster, bridge string) *Cut {
	return &Cut{kind: cutBridge, cluster: cluster, member: bridge}
}

// Ring leaves each member of cluster reaching only its two neighbours in
// declared order, the last and the first being neighbours. It needs four
// members or more: of three, every member's neighbours are all the
// others, and a ring would cut nothing.
func Ring(cluster string) *Cut { return &Cut{kind: cutRing, cluster: cluster} }

// IsolateLeader cuts the leader of cluster from the other members.
// leader asks the running cluster which member leads, by name, when the
// fault starts (as upgrade.LeaderLast's does); an answer that is not a
// member fails the fault.
func IsolateLeader(cluster string, leader func(ctx context.Context, sys *system.System) (string, error)) *Cut {
	return &Cut{kind: cutLeader, cluster: cluster, leader: leader}
}

// CutClients cuts member from every address but its peers' (the other
// members of cluster): its clients, through toxiproxy, lose it while the
// cluster keeps it. Isolate is the reverse. It is one runtime.NetFault on
// member: NetCut, AllBut the peers.
func CutClients(cluster, member string) *Cut {
	return &Cut{kind: cutClients, cluster: cluster, member: member}
}

func (c *Cut) clone() *Cut {
	return &Cut{
		kind: c.kind, cluster: c.cluster, a: c.a, b: c.b, member: c.member, leader: c.leader,
		oneWay: c.oneWay, reject: c.reject, noQuorum: c.noQuorum,
	}
}

// OneWay drops only the packets the first side sends: a Partition's a
// to b, Isolate's and IsolateLeader's member to the others, Bridge's
// first half to the second, a Ring's member to the non-neighbours
// declared after it, CutClients' member to its clients. The other way
// they still arrive.
func (c *Cut) OneWay() *Cut { d := c.clone(); d.oneWay = true; return d }

// Reject refuses each packet (a TCP reset, an ICMP port unreachable)
// instead of dropping it: a cut the sender notices at once, where a drop
// leaves it to its own timeouts.
func (c *Cut) Reject() *Cut { d := c.clone(); d.reject = true; return d }

// WithoutQuorum lets the cut leave its cluster no quorum: the scenario
// tests what the cluster does then.
func (c *Cut) WithoutQuorum() *Cut { d := c.clone(); d.noQuorum = true; return d }

// Cluster is the cluster the cut is declared on; "" for a Partition,
// which names nodes.
func (c *Cut) Cluster() string { return c.cluster }

// Name is the cut's line in the plan.
func (c *Cut) Name() string {
	var s string
	switch c.kind {
	case cutPartition:
		s = fmt.Sprintf("partition %s from %s", strings.Join(c.a, ", "), strings.Join(c.b, ", "))
	case cutIsolate:
		s = fmt.Sprintf("partition %s from the other members of cluster %s", c.member, c.cluster)
	case cutBridge:
		s = fmt.Sprintf("partition cluster %s in two halves that only %s bridges", c.cluster, c.member)
	case cutRing:
		s = fmt.Sprintf("partition cluster %s into a ring, each member reaching only its two neighbours", c.cluster)
	case cutLeader:
		s = fmt.Sprintf("partition the leader of cluster %s from the other members", c.cluster)
	case cutClients:
		s = fmt.Sprintf("cut %s from its clients, not from its peers in cluster %s", c.member, c.cluster)
	}
	var how []string
	if c.oneWay {
		how = append(how, "one way")
	}
	if c.reject {
		how = append(how, "refused")
	}
	if c.noQuorum {
		how = append(how, "no quorum, on purpose")
	}
	if len(how) > 0 {
		s += " (" + strings.Join(how, ", ") + ")"
	}
	return s
}

// Targets are the nodes the cut names before it runs: a Partition's,
// Isolate's and CutClients' member, the bridge; nil (anything) for a
// Ring or IsolateLeader, whose members are known only as the cut starts.
// Once it ran, the runner's timeline has the nodes it cut (RanOn).
func (c *Cut) Targets() []string {
	switch c.kind {
	case cutPartition:
		return union(c.a, c.b)
	case cutIsolate, cutBridge, cutClients:
		return []string{c.member}
	}
	return nil
}

// RanOn is the nodes the cut cut when it last ran (see step.Resolved).
func (c *Cut) RanOn() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ran)
}

// NetKinds: a cut is NetCuts.
func (c *Cut) NetKinds() []runtime.NetKind { return []runtime.NetKind{runtime.NetCut} }

// Blocked is the directed pairs (from, to) whose packets the cut drops,
// for a cluster of members, in declared order: what KeepsQuorum takes. A
// Partition names its own nodes and ignores members; IsolateLeader, whose
// leader is known only as it runs, is taken for the first member (which
// member it is does not change whether a quorum is left); CutClients cuts
// no pair of members.
func (c *Cut) Blocked(members []string) [][2]string {
	both := !c.oneWay
	switch c.kind {
	case cutPartition:
		return cross(c.a, c.b, both)
	case cutIsolate:
		return cross([]string{c.member}, without(members, c.member), both)
	case cutLeader:
		if len(members) == 0 {
			return nil
		}
		return cross(members[:1], members[1:], both)
	case cutBridge:
		h1, h2 := halves(members, c.member)
		return cross(h1, h2, both)
	case cutRing:
		return ring(members, both)
	}
	return nil
}

// least is how many members each kind of cut needs, and what it is.
var least = map[cutKind]struct {
	n    int
	what string
}{
	cutIsolate: {2, "a partition"},
	cutLeader:  {2, "a partition"},
	cutClients: {2, "a cut from the clients but not the peers"},
	cutBridge:  {3, "a bridge between two halves"},
	cutRing:    {4, "a ring"},
}

// Check refuses a cut naming a node, cluster or member the topology does
// not have, a cluster too small for it, and a cut that leaves a cluster
// no quorum unless WithoutQuorum.
func (c *Cut) Check(t Topology) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", c.Name(), fmt.Sprintf(format, args...))
	}
	if c.kind == cutPartition {
		if len(c.a) == 0 || len(c.b) == 0 {
			return fail("a side names no node: name the nodes on each side")
		}
		for _, n := range slices.Concat(c.a, c.b) {
			if err := t.node(n); err != nil {
				return fmt.Errorf("%s: %w", c.Name(), err)
			}
			if slices.Contains(c.a, n) && slices.Contains(c.b, n) {
				return fail("%s is on both sides: put it on one", n)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(t.Clusters)) {
			members := t.Clusters[name]
			if slices.ContainsFunc(members, func(m string) bool { return slices.Contains(c.a, m) || slices.Contains(c.b, m) }) {
				if err := c.quorum(members, c.Blocked(members)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	members, ok := t.Clusters[c.cluster]
	if !ok {
		return fail("no cluster %s in this scenario (clusters: %s): name one it declares", c.cluster, strings.Join(slices.Sorted(maps.Keys(t.Clusters)), ", "))
	}
	if c.member == "" && (c.kind == cutIsolate || c.kind == cutBridge || c.kind == cutClients) {
		return fail("no member named: name one of cluster %s (members: %s)", c.cluster, strings.Join(members, ", "))
	}
	if c.member != "" && !slices.Contains(members, c.member) {
		return fail("%s is not a member of cluster %s (members: %s)", c.member, c.cluster, strings.Join(members, ", "))
	}
	if c.kind == cutLeader && c.leader == nil {
		return fail("no function asks which member leads: give IsolateLeader one")
	}
	if l := least[c.kind]; len(members) < l.n {
		return fail("cluster %s has %d members (%s); %s needs at least %d", c.cluster, len(members), strings.Join(members, ", "), l.what, l.n)
	}
	return c.quorum(members, c.Blocked(members))
}

// quorum refuses blocked when it leaves members no quorum, unless the
// scenario asked for that.
func (c *Cut) quorum(members []string, blocked [][2]string) error {
	if c.noQuorum || KeepsQuorum(members, blocked) {
		return nil
	}
	return fmt.Errorf("%s leaves no quorum of %s (no member reaches a majority); call WithoutQuorum() if that is what the scenario tests",
		c.Name(), strings.Join(members, " "))
}

// Inject cuts, on every node the cut's packets go to, at once; the heal
// removes every NetFault. If one node fails, those applied are healed.
func (c *Cut) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	nf, err := netFaulter(c.Name(), sys.Runtime)
	if err != nil {
		return nil, err
	}
	fs, ran, err := c.compile(ctx, sys)
	if err != nil {
		return nil, err
	}
	heal, err := apply(ctx, nf, fs)
	if err == nil {
		c.mu.Lock()
		c.ran = ran
		c.mu.Unlock()
	}
	return heal, err
}

// compile is the NetFaults the cut puts on each node of the running
// system, and the nodes it cuts.
func (c *Cut) compile(ctx context.Context, sys *system.System) ([]onNode, []string, error) {
	if c.kind == cutPartition {
		pairs := c.Blocked(nil)
		return byReceiver(pairs, c.reject), touched(pairs), nil
	}
	members := sys.Members(c.cluster)
	if len(members) == 0 {
		return nil, nil, fmt.Errorf("no cluster %s runs", c.cluster)
	}
	if c.member != "" && !slices.Contains(members, c.member) {
		return nil, nil, fmt.Errorf("%s is not a member of cluster %s (members: %s)", c.member, c.cluster, strings.Join(members, ", "))
	}
	return c.resolve(ctx, sys, members)
}

// resolve is compile once the cluster's members are known.
func (c *Cut) resolve(ctx context.Context, sys *system.System, members []string) ([]onNode, []string, error) {
	var pairs [][2]string
	switch c.kind {
	case cutClients:
		f := runtime.NetFault{Kind: runtime.NetCut, AllBut: true, Peers: without(members, c.member), Out: c.oneWay, Reject: c.reject}
		return []onNode{{c.member, f}}, []string{c.member}, nil
	case cutLeader:
		if c.leader == nil {
			return nil, nil, errors.New("no function asks which member leads")
		}
		l, err := c.leader(ctx, sys)
		if err != nil {
			return nil, nil, fmt.Errorf("ask for the leader: %w", err)
		}
		if !slices.Contains(members, l) {
			return nil, nil, fmt.Errorf("the leader %q is not a member of cluster %s (members: %s)", l, c.cluster, strings.Join(members, ", "))
		}
		pairs = cross([]string{l}, without(members, l), !c.oneWay)
	default:
		pairs = c.Blocked(members)
	}
	return byReceiver(pairs, c.reject), touched(pairs), nil
}
