package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Faults below the proxy act on the packets a node sends and receives,
// inside the node's own network namespace: the traffic members of a
// cluster send each other, which toxiproxy, sitting between clients and
// services, never sees. Docker does them with a sidecar that joins the
// node's namespace with NET_ADMIN and nothing more, and programs nftables
// and qdiscs over netlink. The process runtime has no network of a node's
// own to cut and does none of them.

// NetKind is what a NetFault does to the packets it matches.
type NetKind string

// The kinds of NetFault.
const (
	// NetCut drops every matched packet (or refuses it, with Reject).
	NetCut NetKind = "cut"
	// NetLoss drops Percent % of the matched packets, each on its own.
	NetLoss NetKind = "loss"
	// NetRate limits the node's egress to Rate bytes per second (a tbf
	// qdisc on its interface to the run network).
	NetRate NetKind = "rate"
	// NetDelay, NetReorder and NetDuplicate need the kernel's sch_netem.
	// Where it is missing, they fail with an error wrapping
	// ErrUnsupported that names what is missing; nothing stands in for
	// them.
	NetDelay     NetKind = "delay"
	NetReorder   NetKind = "reorder"
	NetDuplicate NetKind = "duplicate"
)

// Netem reports whether k needs the kernel's sch_netem.
func (k NetKind) Netem() bool { return k == NetDelay || k == NetReorder || k == NetDuplicate }

// NetFault is one fault below the proxy, applied inside one node's
// network namespace.
type NetFault struct {
	Kind NetKind
	// Peers are the nodes whose packets the fault concerns, by node name;
	// empty means every address but the node's own loopback. AllBut turns
	// it round: every address except the Peers' and loopback (a member
	// cut from its clients but not from its peers).
	Peers  []string
	AllBut bool
	// Ports narrows the fault to TCP packets to or from these ports of
	// the node itself (a listener's port): empty means every port.
	Ports []int
	// In and Out say which packets a NetCut or NetLoss matches: In those
	// the node receives from the peers, Out those it sends them. Neither
	// set means both.
	In, Out bool
	// Reject makes a NetCut refuse each packet (a TCP reset, an ICMP
	// port-unreachable) instead of dropping it silently: a cut the other
	// end notices at once, where a drop leaves it to its own timers.
	Reject bool
	// Percent is a NetLoss's, NetReorder's or NetDuplicate's share of
	// packets, 0-100.
	Percent float64
	// Rate is a NetRate's limit in bytes per second, above 0.
	Rate int64
	// Delay and Jitter are a NetDelay's.
	Delay, Jitter time.Duration
}

// Validate says what is wrong with f, in one line, before it is applied.
func (f NetFault) Validate() error {
	switch f.Kind {
	case NetCut:
	case NetLoss, NetReorder, NetDuplicate:
		if !(f.Percent > 0 && f.Percent <= 100) { // NaN too
			return fmt.Errorf("%s of %g%%: give a percentage above 0 and at most 100", f.Kind, f.Percent)
		}
	case NetRate:
		if f.Rate <= 0 {
			return fmt.Errorf("rate limit of %d bytes/s: give a rate above 0", f.Rate)
		}
	case NetDelay:
		if f.Delay <= 0 || f.Jitter < 0 {
			return fmt.Errorf("delay of %s ± %s: give a delay above 0 and a jitter of 0 or more", f.Delay, f.Jitter)
		}
	default:
		return fmt.Errorf("unknown network fault kind %q", f.Kind)
	}
	for _, p := range f.Ports {
		if p <= 0 || p > 65535 {
			return fmt.Errorf("port %d: give a TCP port from 1 to 65535", p)
		}
	}
	if f.AllBut && len(f.Peers) == 0 {
		return errors.New("a network fault on every address but none: name the peers it spares")
	}
	return nil
}

// Span is when the kernel took a change, read from the host's clock (a
// sidecar shares it): after Sent, when the change was sent to the kernel,
// and by Acked, when the kernel acknowledged it, which it does once the
// change is in force. The two are a few milliseconds apart at most (the
// netlink round trip and the commit, on a busy machine the scheduler
// too).
type Span struct{ Sent, Acked time.Time }

// Mid is the middle of the span, and Err half its length: the change took
// effect at Mid ± Err.
func (s Span) Mid() time.Time     { return s.Sent.Add(s.Acked.Sub(s.Sent) / 2) }
func (s Span) Err() time.Duration { return s.Acked.Sub(s.Sent) / 2 }

// Applied is a NetFault in force, since the kernel took it (Span); Heal
// removes it and returns when the kernel took that. A second Heal returns
// the first one's answer.
type Applied struct {
	Span
	Heal func(ctx context.Context) (Span, error)
}

// NetFaulter is a Runtime that can apply faults below the proxy: Docker.
type NetFaulter interface {
	// NetFault applies f inside the network namespace of the node named
	// node (ProxyHost: the run's toxiproxy). Faults on one node add up,
	// each healed on its own; a second NetRate on a node while one is in
	// force is an error. It fails with an error wrapping ErrUnsupported
	// when the machine cannot do f's kind.
	NetFault(ctx context.Context, node string, f NetFault) (Applied, error)
	// NetProbe reports whether this machine can apply faults of kind: nil
	// when it can, else an error wrapping ErrUnsupported that names what
	// is missing ("this kernel has no sch_netem").
	NetProbe(ctx context.Context, kind NetKind) error
	// NetReady makes ready, for each node named, what faults on it need
	// (Docker: its sidecar), so that a scenario's first fault starts when
	// it is due, not a sidecar's start-up later. ProxyHost is ignored
	// while no toxiproxy runs.
	NetReady(ctx context.Context, nodes ...string) error
}

// ProxyHost is the name NetFault takes for the run's toxiproxy, so that
// a fault can act on one link's packets below toxiproxy, in its
// namespace, where toxiproxy's own faults act above it.
const ProxyHost = "toxiproxy"

// ErrUnsupported is wrapped by the error of a fault this machine or this
// runtime cannot do.
var ErrUnsupported = errors.New("not supported here")

// Unsupported is an error that says, in msg alone, what this machine or
// runtime lacks for a fault, and wraps ErrUnsupported.
func Unsupported(msg string) error { return unsupported(msg) }

type unsupported string

func (u unsupported) Error() string { return string(u) }
func (unsupported) Unwrap() error   { return ErrUnsupported }
