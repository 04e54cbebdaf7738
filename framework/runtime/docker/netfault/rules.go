package main

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"

	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"

	"github.com/hatest/hatest/framework/runtime"
)

// A NetCut or NetLoss is a list of rules, each a few matches and a
// verdict, in the table's "in" chain (the input hook: packets the node
// receives) or its "out" chain (the output hook: packets it sends). The
// chains' policy is accept and a rule's "return" leaves the chain, so a
// packet no rule drops goes on as if the table were not there.

// hook is the chain a rule is in.
type hook int

const (
	in hook = iota
	out
)

func (h hook) String() string { return either(h, "in", "out") }

// either returns inV for the in chain, outV for the out chain.
func either[T any](h hook, inV, outV T) T {
	if h == in {
		return inV
	}
	return outV
}

// verdict is what a rule does with a packet that matches.
type verdict int

const (
	pass    verdict = iota // leave the chain: this table lets the packet be
	drop                   // drop it silently
	reset                  // refuse it with a TCP reset
	unreach                // refuse it with an ICMP port-unreachable
)

func (v verdict) String() string {
	return [...]string{"return", "drop", "reject with tcp reset", "reject with icmpx port-unreachable"}[v]
}

// matchKind is what one match of a rule looks at.
type matchKind int

const (
	loopback    matchKind = iota // the interface is lo
	address                      // the peer's address: source (in), destination (out)
	tcp                          // a TCP packet
	port                         // the node's TCP port: destination (in), source (out)
	tcpReset                     // a TCP packet with RST set
	icmpUnreach                  // an ICMP or ICMPv6 destination-unreachable
	random                       // numgen random mod 10000 < n
)

type match struct {
	kind matchKind
	addr netip.Addr
	n    int // the port, the threshold, or the ICMP family (4, 6)
}

type rule struct {
	hook    hook
	matches []match
	verdict verdict
}

// lossScale is the modulus of a NetLoss's random number: the percentage
// is kept to two decimals.
const lossScale = 10000

// buildRules returns the rules of a NetCut or NetLoss whose Peers are
// the peers' addresses. Each chain starts by sparing loopback. A Reject
// cut's out chain then lets the node's own resets and port-unreachables
// out, so that the refusals of its in chain reach the peers. AllBut
// spares the peers' addresses and matches every other one.
func buildRules(f runtime.NetFault, peers []netip.Addr) ([]rule, error) {
	if f.Kind != runtime.NetCut && f.Kind != runtime.NetLoss {
		return nil, fmt.Errorf("%s is not a packet filter fault", f.Kind)
	}
	hooks := []hook{in, out}
	switch {
	case f.In && !f.Out:
		hooks = []hook{in}
	case f.Out && !f.In:
		hooks = []hook{out}
	}
	reject := f.Kind == runtime.NetCut && f.Reject
	var extra []match
	if f.Kind == runtime.NetLoss {
		n := int(math.Round(f.Percent * lossScale / 100))
		extra = []match{{kind: random, n: min(max(n, 1), lossScale)}}
	}
	ports := f.Ports
	if len(ports) == 0 {
		ports = []int{0}
	}
	var rules []rule
	add := func(h hook, v verdict, ms ...match) {
		rules = append(rules, rule{hook: h, matches: ms, verdict: v})
	}
	for _, h := range hooks {
		add(h, pass, match{kind: loopback})
		// The resets and unreachables the in chain sends back are let
		// out; without an in chain there are none of its own to let out.
		if reject && h == out && slices.Contains(hooks, in) {
			add(out, pass, match{kind: tcpReset})
			add(out, pass, match{kind: icmpUnreach, n: 4})
			add(out, pass, match{kind: icmpUnreach, n: 6})
		}
		targets := []match{{kind: address}} // an invalid addr: any
		switch {
		case f.AllBut:
			for _, p := range peers {
				add(h, pass, match{kind: address, addr: p})
			}
		case len(peers) > 0:
			targets = targets[:0]
			for _, p := range peers {
				targets = append(targets, match{kind: address, addr: p})
			}
		}
		for _, t := range targets {
			for _, p := range ports {
				var ms []match
				if t.addr.IsValid() {
					ms = append(ms, t)
				}
				if p != 0 {
					ms = append(ms, match{kind: port, n: p})
				}
				ms = append(ms, extra...)
				switch {
				case !reject:
					add(h, drop, ms...)
				case p != 0: // a port match is a TCP match
					add(h, reset, ms...)
				default:
					add(h, reset, append(ms, match{kind: tcp})...)
					add(h, unreach, ms...)
				}
			}
		}
	}
	return rules, nil
}

// String renders r in nft's syntax.
func (r rule) String() string {
	var b strings.Builder
	for _, m := range r.matches {
		b.WriteString(m.string(r.hook))
		b.WriteByte(' ')
	}
	b.WriteString(r.verdict.String())
	return b.String()
}

func (m match) string(h hook) string {
	switch m.kind {
	case loopback:
		return either(h, "iif", "oif") + " lo"
	case address:
		family := "ip"
		if m.addr.Is6() {
			family = "ip6"
		}
		return family + either(h, " saddr ", " daddr ") + m.addr.String()
	case tcp:
		return "meta l4proto tcp"
	case port:
		return fmt.Sprintf("tcp %s %d", either(h, "dport", "sport"), m.n)
	case tcpReset:
		return "tcp flags & rst != 0"
	case icmpUnreach:
		if m.n == 6 {
			return "icmpv6 type destination-unreachable"
		}
		return "icmp type destination-unreachable"
	default:
		return fmt.Sprintf("numgen random mod %d < %d", lossScale, m.n)
	}
}

// exprs returns r as nftables expressions: each match loads a value into
// register 1 and compares it.
func (r rule) exprs() []expr.Any {
	var es []expr.Any
	cmp := func(op expr.CmpOp, data []byte) {
		es = append(es, &expr.Cmp{Op: op, Register: 1, Data: data})
	}
	meta := func(k expr.MetaKey) { es = append(es, &expr.Meta{Key: k, Register: 1}) }
	payload := func(base expr.PayloadBase, off, n uint32) {
		es = append(es, &expr.Payload{DestRegister: 1, Base: base, Offset: off, Len: n})
	}
	l4 := func(proto byte) {
		meta(expr.MetaKeyL4PROTO)
		cmp(expr.CmpOpEq, []byte{proto})
	}
	for _, m := range r.matches {
		switch m.kind {
		case loopback:
			meta(either(r.hook, expr.MetaKeyIIF, expr.MetaKeyOIF))
			cmp(expr.CmpOpEq, binaryutil.NativeEndian.PutUint32(1)) // lo is ifindex 1 in every namespace
		case address:
			meta(expr.MetaKeyNFPROTO)
			off, n := either[uint32](r.hook, 12, 16), uint32(4)
			proto := byte(unix.NFPROTO_IPV4)
			if m.addr.Is6() {
				off, n, proto = either[uint32](r.hook, 8, 24), 16, unix.NFPROTO_IPV6
			}
			cmp(expr.CmpOpEq, []byte{proto})
			payload(expr.PayloadBaseNetworkHeader, off, n)
			cmp(expr.CmpOpEq, m.addr.AsSlice())
		case tcp:
			l4(unix.IPPROTO_TCP)
		case port:
			l4(unix.IPPROTO_TCP)
			payload(expr.PayloadBaseTransportHeader, either[uint32](r.hook, 2, 0), 2)
			cmp(expr.CmpOpEq, binaryutil.BigEndian.PutUint16(uint16(m.n)))
		case tcpReset:
			l4(unix.IPPROTO_TCP)
			payload(expr.PayloadBaseTransportHeader, 13, 1) // the flags
			es = append(es, &expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 1, Mask: []byte{0x04}, Xor: []byte{0}})
			cmp(expr.CmpOpNeq, []byte{0})
		case icmpUnreach:
			proto, typ := byte(unix.IPPROTO_ICMP), byte(3)
			if m.n == 6 {
				proto, typ = unix.IPPROTO_ICMPV6, 1
			}
			l4(proto)
			payload(expr.PayloadBaseTransportHeader, 0, 1)
			cmp(expr.CmpOpEq, []byte{typ})
		case random:
			es = append(es,
				&expr.Numgen{Register: 1, Modulus: lossScale, Type: unix.NFT_NG_RANDOM},
				// cmp orders its operands as bytes: big-endian first.
				&expr.Byteorder{SourceRegister: 1, DestRegister: 1, Op: expr.ByteorderHton, Len: 4, Size: 4})
			cmp(expr.CmpOpLt, binaryutil.BigEndian.PutUint32(uint32(m.n)))
		}
	}
	switch r.verdict {
	case pass:
		es = append(es, &expr.Verdict{Kind: expr.VerdictReturn})
	case drop:
		es = append(es, &expr.Verdict{Kind: expr.VerdictDrop})
	case reset:
		es = append(es, &expr.Reject{Type: unix.NFT_REJECT_TCP_RST})
	case unreach:
		es = append(es, &expr.Reject{Type: unix.NFT_REJECT_ICMPX_UNREACH, Code: unix.NFT_REJECT_ICMPX_PORT_UNREACH})
	}
	return es
}
