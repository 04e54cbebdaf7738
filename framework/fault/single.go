package fault

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

// onOne is a fault below the proxy on one node's packets: Loss,
// RateLimit, Delay, Reorder, Duplicate.
type onOne struct {
	node string
	f    runtime.NetFault
}

// Name says what happens to whose packets.
func (o onOne) Name() string {
	to := ""
	if len(o.f.Peers) > 0 {
		to = " to " + strings.Join(o.f.Peers, ", ")
	}
	switch o.f.Kind {
	case runtime.NetLoss:
		return fmt.Sprintf("drop %g%% of the packets %s sends%s", o.f.Percent, o.node, to)
	case runtime.NetRate:
		return fmt.Sprintf("limit what %s sends to %d bytes/s", o.node, o.f.Rate)
	case runtime.NetDelay:
		s := fmt.Sprintf("delay the packets %s sends by %s", o.node, o.f.Delay)
		if o.f.Jitter > 0 {
			s += fmt.Sprintf(" ± %s", o.f.Jitter)
		}
		return s
	}
	return fmt.Sprintf("%s %g%% of the packets %s sends", o.f.Kind, o.f.Percent, o.node)
}

// Targets are the node and the peers its packets go to.
func (o onOne) Targets() []string { return append([]string{o.node}, o.f.Peers...) }

// NetKinds is the one kind it applies.
func (o onOne) NetKinds() []runtime.NetKind { return []runtime.NetKind{o.f.Kind} }

// Check refuses a node or peer the topology does not have, and a share,
// rate or delay out of range.
func (o onOne) Check(t Topology) error {
	for _, n := range o.Targets() {
		if err := t.node(n); err != nil {
			return fmt.Errorf("%s: %w", o.Name(), err)
		}
	}
	if slices.Contains(o.f.Peers, o.node) {
		return fmt.Errorf("%s: %s is among its own peers: name the others", o.Name(), o.node)
	}
	if err := o.f.Validate(); err != nil {
		return fmt.Errorf("%s: %w", o.Name(), err)
	}
	return nil
}

// Inject applies the NetFault on the node; the heal removes it.
func (o onOne) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	nf, err := netFaulter(o.Name(), sys.Runtime)
	if err != nil {
		return nil, err
	}
	return apply(ctx, nf, []onNode{{o.node, o.f}})
}

// LossFault drops a share of the packets a node sends; To narrows it to
// some peers.
type LossFault struct{ onOne }

// Loss drops pct % (above 0, at most 100) of the packets member sends,
// each on its own. Without To, member's own kernel drops them as it sends
// them, and its TCP sees each drop at once and sends again on its own
// timer; with To, they are lost where they arrive, at the peers, as on a
// lossy network.
func Loss(member string, pct float64) *LossFault {
	return &LossFault{onOne{member, runtime.NetFault{Kind: runtime.NetLoss, Out: true, Percent: pct}}}
}

// To drops only the packets to peers, where they arrive.
func (l *LossFault) To(peers ...string) *LossFault {
	d := *l
	d.f.Peers = append(slices.Clone(l.f.Peers), peers...)
	return &d
}

// Inject applies the loss: at each peer, of the packets from the member,
// or on the member, of all it sends, without To.
func (l *LossFault) Inject(ctx context.Context, sys *system.System) (func(context.Context) error, error) {
	if len(l.f.Peers) == 0 {
		return l.onOne.Inject(ctx, sys)
	}
	nf, err := netFaulter(l.Name(), sys.Runtime)
	if err != nil {
		return nil, err
	}
	var pairs [][2]string
	for _, p := range l.f.Peers {
		pairs = append(pairs, [2]string{l.node, p})
	}
	f := l.f
	f.Out, f.In = false, true
	return apply(ctx, nf, onReceivers(pairs, f))
}

// RateLimit limits what member sends to bytesPerSec bytes a second (a
// tbf qdisc on its interface).
func RateLimit(member string, bytesPerSec int64) Fault {
	return onOne{member, runtime.NetFault{Kind: runtime.NetRate, Rate: bytesPerSec}}
}

// Delay delays every packet member sends by d ± jitter. It needs the
// kernel's sch_netem: on a machine without it, the run is refused before
// the clients start.
func Delay(member string, d, jitter time.Duration) Fault {
	return onOne{member, runtime.NetFault{Kind: runtime.NetDelay, Delay: d, Jitter: jitter}}
}

// Reorder sends pct % of the packets member sends out of order. It needs
// sch_netem, as Delay does.
func Reorder(member string, pct float64) Fault {
	return onOne{member, runtime.NetFault{Kind: runtime.NetReorder, Percent: pct}}
}

// Duplicate sends pct % of the packets member sends twice. It needs
// sch_netem, as Delay does.
func Duplicate(member string, pct float64) Fault {
	return onOne{member, runtime.NetFault{Kind: runtime.NetDuplicate, Percent: pct}}
}
