package main

import (
	"bytes"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/google/nftables/expr"

	"github.com/hatest/hatest/framework/runtime"
)

func TestBuildRules(t *testing.T) {
	b, c := netip.MustParseAddr("10.0.0.3"), netip.MustParseAddr("10.0.0.4")
	v6 := netip.MustParseAddr("fd00::5")
	for _, tc := range []struct {
		name  string
		f     runtime.NetFault
		peers []netip.Addr
		want  string // one rule a line, "<chain>: <rule>"
	}{{
		name:  "cut both ways",
		f:     runtime.NetFault{Kind: runtime.NetCut},
		peers: []netip.Addr{b, c},
		want: `in: iif lo return
in: ip saddr 10.0.0.3 drop
in: ip saddr 10.0.0.4 drop
out: oif lo return
out: ip daddr 10.0.0.3 drop
out: ip daddr 10.0.0.4 drop`,
	}, {
		name: "cut from everything, out only",
		f:    runtime.NetFault{Kind: runtime.NetCut, Out: true},
		want: `out: oif lo return
out: drop`,
	}, {
		name:  "refused: the out chain lets refusals out",
		f:     runtime.NetFault{Kind: runtime.NetCut, Reject: true},
		peers: []netip.Addr{v6},
		want: `in: iif lo return
in: ip6 saddr fd00::5 meta l4proto tcp reject with tcp reset
in: ip6 saddr fd00::5 reject with icmpx port-unreachable
out: oif lo return
out: tcp flags & rst != 0 return
out: icmp type destination-unreachable return
out: icmpv6 type destination-unreachable return
out: ip6 daddr fd00::5 meta l4proto tcp reject with tcp reset
out: ip6 daddr fd00::5 reject with icmpx port-unreachable`,
	}, {
		name:  "refused on the way out only: nothing of the node's own is let out",
		f:     runtime.NetFault{Kind: runtime.NetCut, Reject: true, Out: true},
		peers: []netip.Addr{b},
		want: `out: oif lo return
out: ip daddr 10.0.0.3 meta l4proto tcp reject with tcp reset
out: ip daddr 10.0.0.3 reject with icmpx port-unreachable`,
	}, {
		name:  "refused on the node's ports: TCP resets only",
		f:     runtime.NetFault{Kind: runtime.NetCut, Reject: true, In: true, Ports: []int{7000, 7001}},
		peers: []netip.Addr{b},
		want: `in: iif lo return
in: ip saddr 10.0.0.3 tcp dport 7000 reject with tcp reset
in: ip saddr 10.0.0.3 tcp dport 7001 reject with tcp reset`,
	}, {
		name:  "all but the peers",
		f:     runtime.NetFault{Kind: runtime.NetCut, AllBut: true, In: true, Out: true, Ports: []int{4222}},
		peers: []netip.Addr{b, c},
		want: `in: iif lo return
in: ip saddr 10.0.0.3 return
in: ip saddr 10.0.0.4 return
in: tcp dport 4222 drop
out: oif lo return
out: ip daddr 10.0.0.3 return
out: ip daddr 10.0.0.4 return
out: tcp sport 4222 drop`,
	}, {
		name:  "loss: Reject does not apply",
		f:     runtime.NetFault{Kind: runtime.NetLoss, Percent: 12.5, Out: true, Reject: true},
		peers: []netip.Addr{b},
		want: `out: oif lo return
out: ip daddr 10.0.0.3 numgen random mod 10000 < 1250 drop`,
	}, {
		name: "loss of a tiny share still drops some",
		f:    runtime.NetFault{Kind: runtime.NetLoss, Percent: 0.001, In: true},
		want: `in: iif lo return
in: numgen random mod 10000 < 1 drop`,
	}, {
		name: "loss of all",
		f:    runtime.NetFault{Kind: runtime.NetLoss, Percent: 100, In: true},
		want: `in: iif lo return
in: numgen random mod 10000 < 10000 drop`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := buildRules(tc.f, tc.peers)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, r := range rules {
				lines = append(lines, r.hook.String()+": "+r.String())
			}
			if got := strings.Join(lines, "\n"); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	if _, err := buildRules(runtime.NetFault{Kind: runtime.NetRate, Rate: 1}, nil); err == nil {
		t.Fatal("a NetRate became nftables rules")
	}
}

// The expressions nft itself makes of the same rules (nft --debug=netlink).
func TestExprs(t *testing.T) {
	b := netip.MustParseAddr("10.0.0.3")
	for _, tc := range []struct {
		r    rule
		want []expr.Any
	}{{
		r: rule{hook: out, verdict: drop, matches: []match{{kind: address, addr: b}, {kind: port, n: 7000}}},
		want: []expr.Any{
			&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{2}},
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{10, 0, 0, 3}},
			&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{6}},
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 2},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{0x1b, 0x58}},
			&expr.Verdict{Kind: expr.VerdictDrop},
		},
	}, {
		r: rule{hook: in, verdict: drop, matches: []match{{kind: random, n: 1250}}},
		want: []expr.Any{
			&expr.Numgen{Register: 1, Modulus: 10000, Type: 1},
			&expr.Byteorder{SourceRegister: 1, DestRegister: 1, Op: expr.ByteorderHton, Len: 4, Size: 4},
			&expr.Cmp{Op: expr.CmpOpLt, Register: 1, Data: []byte{0, 0, 0x04, 0xe2}},
			&expr.Verdict{Kind: expr.VerdictDrop},
		},
	}, {
		r: rule{hook: in, verdict: unreach},
		want: []expr.Any{
			&expr.Reject{Type: 2, Code: 1},
		},
	}} {
		if got := tc.r.exprs(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %#v", tc.r, got)
		}
	}
}

// Bad input is one line on stderr and exit 2, before the kernel is asked
// anything.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"frobnicate"},
		{"apply"},
		{"apply", "{"},
		{"apply", `{"Kind":"cut","Bogus":1}`},
		{"apply", `{"Kind":"loss","Percent":0}`},
		{"apply", `{"Kind":"cut","Peers":["b"]}`},
		{"apply", `{"Kind":"rate","Rate":1000,"Self":"eth0"}`},
		{"heal", "not-an-id"},
		{"probe", "cut"},
		{"dial", "b:7000", "soon"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		if code != exitUsage || stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line on stderr", args, code, stdout.String(), stderr.String())
		}
	}
}
