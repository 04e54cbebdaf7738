package main

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/hatest/hatest/framework/runtime"
)

// tablePrefix starts the name of every nftables table netfault makes.
const tablePrefix = "hatest_"

// applyTable creates the table hatest_<id> with rules, in one netlink
// batch, and returns when the kernel took it: after Sent, by Acked.
func applyTable(id string, rules []rule) (runtime.Span, error) {
	c, err := nftables.New()
	if err != nil {
		return runtime.Span{}, fmt.Errorf("apply: nftables: %w", err)
	}
	t := c.CreateTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: tablePrefix + id})
	accept := nftables.ChainPolicyAccept
	chains := map[hook]*nftables.Chain{}
	for _, r := range rules {
		if chains[r.hook] == nil {
			chains[r.hook] = c.AddChain(&nftables.Chain{
				Name:     r.hook.String(),
				Table:    t,
				Type:     nftables.ChainTypeFilter,
				Hooknum:  either(r.hook, nftables.ChainHookInput, nftables.ChainHookOutput),
				Priority: nftables.ChainPriorityFilter,
				Policy:   &accept,
			})
		}
		c.AddRule(&nftables.Rule{Table: t, Chain: chains[r.hook], Exprs: r.exprs()})
	}
	sent := time.Now()
	if err := c.Flush(); err != nil {
		return runtime.Span{}, fmt.Errorf("apply: nftables table %s%s: %w", tablePrefix, id, err)
	}
	return runtime.Span{Sent: sent, Acked: time.Now()}, nil
}

// healTable deletes the table hatest_<id>.
func healTable(id string) (runtime.Span, error) {
	c, err := nftables.New()
	if err != nil {
		return runtime.Span{}, fmt.Errorf("heal: nftables: %w", err)
	}
	c.DelTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: tablePrefix + id})
	sent := time.Now()
	if err := c.Flush(); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return runtime.Span{}, fmt.Errorf("heal: no fault %s is in force", id)
		}
		return runtime.Span{}, fmt.Errorf("heal: nftables table %s%s: %w", tablePrefix, id, err)
	}
	return runtime.Span{Sent: sent, Acked: time.Now()}, nil
}

// qdiscPrefix starts the ID of a qdisc fault; the interface's name
// follows.
const qdiscPrefix = "qdisc-"

// qdiscHandle is the handle of the root qdisc netfault adds ("HT"), so
// that a heal removes that one and no other.
var qdiscHandle = netlink.MakeHandle(0x4854, 0)

// noNetem is what a kernel without sch_netem makes of a netem qdisc.
const noNetem = "this kernel has no sch_netem (tc qdisc kind netem is unknown)"

// Token bucket sizing for NetRate: a bucket of 20 ms of the rate, but
// at least a few full-size frames, and a queue of 200 ms more behind it.
const (
	minBurst   = 4 * 1514
	burstShare = 50 // of a second
	queueShare = 5  // of a second
)

// applyQdisc puts f's root qdisc (tbf for NetRate, netem for the netem
// kinds) on the interface that holds self, and returns its ID and when
// the kernel took it. A second one on the same interface is an error.
func applyQdisc(f runtime.NetFault, self netip.Addr) (string, runtime.Span, error) {
	link, err := linkOf(self)
	if err != nil {
		return "", runtime.Span{}, fmt.Errorf("apply: %w", err)
	}
	attrs := netlink.QdiscAttrs{LinkIndex: link.Attrs().Index, Parent: netlink.HANDLE_ROOT, Handle: qdiscHandle}
	var q netlink.Qdisc
	switch f.Kind {
	case runtime.NetRate:
		burst := max(f.Rate/burstShare, minBurst)
		q = &netlink.Tbf{
			QdiscAttrs: attrs,
			Rate:       uint64(f.Rate),
			Buffer:     netlink.Xmittime(uint64(f.Rate), uint32(burst)),
			Limit:      uint32(burst + f.Rate/queueShare),
		}
	default:
		q = netlink.NewNetem(attrs, netemOf(f))
	}
	dev := link.Attrs().Name
	sent := time.Now()
	if err := netlink.QdiscAdd(q); err != nil {
		switch {
		case f.Kind.Netem() && errors.Is(err, unix.ENOENT):
			return "", runtime.Span{}, runtime.Unsupported(noNetem)
		case errors.Is(err, unix.EEXIST):
			return "", runtime.Span{}, fmt.Errorf("apply %s: %s already has a root qdisc of a fault in force", f.Kind, dev)
		}
		return "", runtime.Span{}, fmt.Errorf("apply %s: %s qdisc on %s: %w", f.Kind, q.Type(), dev, err)
	}
	return qdiscPrefix + dev, runtime.Span{Sent: sent, Acked: time.Now()}, nil
}

// netemOf returns the netem settings of a NetDelay, NetReorder or
// NetDuplicate. netem reorders by sending Percent % of the packets at
// once and delaying the rest: a NetReorder without a Delay delays them
// 10 ms.
func netemOf(f runtime.NetFault) netlink.NetemQdiscAttrs {
	us := func(d time.Duration) uint32 { return uint32(d.Microseconds()) }
	switch f.Kind {
	case runtime.NetDelay:
		return netlink.NetemQdiscAttrs{Latency: us(f.Delay), Jitter: us(f.Jitter)}
	case runtime.NetReorder:
		d := f.Delay
		if d <= 0 {
			d = 10 * time.Millisecond
		}
		return netlink.NetemQdiscAttrs{Latency: us(d), ReorderProb: float32(f.Percent)}
	default:
		return netlink.NetemQdiscAttrs{Duplicate: float32(f.Percent)}
	}
}

// healQdisc deletes netfault's root qdisc on dev.
func healQdisc(dev string) (runtime.Span, error) {
	link, err := netlink.LinkByName(dev)
	if err != nil {
		return runtime.Span{}, fmt.Errorf("heal: interface %s: %w", dev, err)
	}
	attrs := netlink.QdiscAttrs{LinkIndex: link.Attrs().Index, Parent: netlink.HANDLE_ROOT, Handle: qdiscHandle}
	sent := time.Now()
	if err := netlink.QdiscDel(&netlink.GenericQdisc{QdiscAttrs: attrs}); err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EINVAL) {
			return runtime.Span{}, fmt.Errorf("heal: no qdisc fault is in force on %s", dev)
		}
		return runtime.Span{}, fmt.Errorf("heal: qdisc on %s: %w", dev, err)
	}
	return runtime.Span{Sent: sent, Acked: time.Now()}, nil
}

// probeNetem adds a netem qdisc to lo and deletes it again.
func probeNetem() error {
	attrs := netlink.QdiscAttrs{LinkIndex: 1, Parent: netlink.HANDLE_ROOT, Handle: qdiscHandle}
	q := netlink.NewNetem(attrs, netlink.NetemQdiscAttrs{Latency: 1000})
	if err := netlink.QdiscAdd(q); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return runtime.Unsupported(noNetem)
		}
		return fmt.Errorf("probe: netem qdisc on lo: %w", err)
	}
	if err := netlink.QdiscDel(q); err != nil {
		return fmt.Errorf("probe: remove the netem qdisc on lo: %w", err)
	}
	return nil
}

// linkOf returns the interface that holds addr.
func linkOf(addr netip.Addr) (netlink.Link, error) {
	links, err := netlink.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	for _, l := range links {
		addrs, err := netlink.AddrList(l, netlink.FAMILY_ALL)
		if err != nil {
			return nil, fmt.Errorf("addresses of %s: %w", l.Attrs().Name, err)
		}
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok && ip.Unmap() == addr.Unmap() {
				return l, nil
			}
		}
	}
	return nil, fmt.Errorf("no interface holds %s", addr)
}
