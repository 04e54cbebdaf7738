package fault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hatest/hatest/framework/runtime"
)

// Faults below the proxy act on the packets nodes send each other, in the
// nodes' own network namespaces: the traffic between a cluster's members,
// which toxiproxy, between clients and services, never sees. Each is a
// runtime.NetFault on one or more nodes, which only a runtime.NetFaulter
// (Docker) applies:
//
//	clients --> toxiproxy --> e1 <--x--> e2     Partition, Isolate, Bridge, Ring, IsolateLeader
//	                    \---> e2 <-----> e3     Loss, RateLimit, Delay, Reorder, Duplicate
//	clients -x> toxiproxy     (CutClients: e1 cut from all but its peers; Blackhole: a link's ports)
//
// Each says, before anything starts, what in the topology it cannot act
// on (Checked), and which kinds of NetFault it needs (Below), so that the
// runner refuses it at once on a runtime or a machine that cannot do it.

// Topology is what a fault checks itself against before anything starts:
// the runner fills it from the plan.
type Topology struct {
	// Clusters are the clusters' members, in declared order, by cluster
	// name.
	Clusters map[string][]string
	// Nodes are the nodes a fault below the proxy can act on: the
	// overlord services, the programs and the cluster members.
	Nodes []string
	// Links are the names of the links: each service's proxy, a standby
	// pair's secondary proxy and replication link.
	Links []string
}

// node refuses a name that is not one of t's nodes, saying which are.
func (t Topology) node(n string) error {
	if slices.Contains(t.Nodes, n) {
		return nil
	}
	return fmt.Errorf("%s is not a node of this scenario (nodes: %s): name a cluster member, a program or a service", n, strings.Join(t.Nodes, ", "))
}

// Checked is a fault that can say, before anything starts, what is wrong
// with it in t: a name the topology does not have, a share or rate out of
// range, a partition that leaves a cluster no quorum. The error is one
// line that says what to do.
type Checked interface {
	Fault
	Check(t Topology) error
}

// Below is a fault below the proxy: it needs a runtime.NetFaulter, and
// applies NetFaults of the kinds NetKinds says, which the runner probes
// the machine for (the kernel's sch_netem) before anything starts.
type Below interface {
	Fault
	NetKinds() []runtime.NetKind
}

// NeedsNetwork is nil unless f is below the proxy and rt cannot apply it;
// then it is the error f's Inject would fail with, which wraps
// runtime.ErrUnsupported.
func NeedsNetwork(f Fault, rt runtime.Runtime) error {
	if _, ok := f.(Below); !ok {
		return nil
	}
	_, err := netFaulter(f.Name(), rt)
	return err
}

// netFaulter is rt as a NetFaulter, or the error the fault called name
// gets on a runtime that is not one.
func netFaulter(name string, rt runtime.Runtime) (runtime.NetFaulter, error) {
	if nf, ok := rt.(runtime.NetFaulter); ok {
		return nf, nil
	}
	which := "this"
	if rt != nil {
		which = "the " + rt.Name()
	}
	return nil, runtime.Unsupported(fmt.Sprintf("%s needs the Docker runtime: %s runtime has no network of a member's own to cut", name, which))
}

// onNode is a NetFault and the node it goes on.
type onNode struct {
	node string
	f    runtime.NetFault
}

// byReceiver is a NetCut on each node that pairs' packets go to, of the
// packets it receives from the nodes that must not reach it, in order of
// first appearance. The packets are dropped where they arrive, as a
// broken network would lose them: a packet dropped on its way out fails
// the sender's own send at once (EPERM), which no real partition does.
func byReceiver(pairs [][2]string, reject bool) []onNode {
	return onReceivers(pairs, runtime.NetFault{Kind: runtime.NetCut, In: true, Reject: reject})
}

// onReceivers is f on each node pairs' packets go to, with the nodes
// they come from as its Peers, in order of first appearance.
func onReceivers(pairs [][2]string, f runtime.NetFault) []onNode {
	var out []onNode
	at := map[string]int{}
	for _, p := range pairs {
		i, ok := at[p[1]]
		if !ok {
			i = len(out)
			at[p[1]] = i
			out = append(out, onNode{p[1], f})
			out[i].f.Peers = nil
		}
		out[i].f.Peers = append(out[i].f.Peers, p[0])
	}
	return out
}

// apply applies every fault at once and returns the heal of them all. If
// one fails, the ones applied are healed before it returns the error.
func apply(ctx context.Context, nf runtime.NetFaulter, fs []onNode) (func(context.Context) error, error) {
	applied := make([]runtime.Applied, len(fs))
	errs := inParallel(len(fs), func(i int) (err error) {
		if applied[i], err = nf.NetFault(ctx, fs[i].node, fs[i].f); err != nil {
			return fmt.Errorf("on %s: %w", fs[i].node, err)
		}
		return nil
	})
	heal := func(ctx context.Context) error {
		return oneLine(inParallel(len(fs), func(i int) error {
			if applied[i].Heal == nil {
				return nil // never applied
			}
			if _, err := applied[i].Heal(ctx); err != nil {
				return fmt.Errorf("heal on %s: %w", fs[i].node, err)
			}
			return nil
		}))
	}
	if err := oneLine(errs); err != nil {
		if herr := heal(context.WithoutCancel(ctx)); herr != nil {
			return nil, oneLine([]error{err, herr})
		}
		return nil, err
	}
	return heal, nil
}

// inParallel calls fn(0) to fn(n-1) at once and returns their errors, by i.
func inParallel(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	return errs
}

// lineErr is several errors in one line, each still found by errors.Is.
type lineErr []error

func (e lineErr) Error() string {
	s := make([]string, len(e))
	for i, err := range e {
		s[i] = err.Error()
	}
	return strings.Join(s, "; ")
}

func (e lineErr) Unwrap() []error { return e }

// oneLine is the errors of errs that are not nil in one line, or nil.
func oneLine(errs []error) error {
	var out lineErr
	for _, err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}
