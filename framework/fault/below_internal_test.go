package fault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
)

// A cut of a cluster becomes, once its members are known, one NetCut on
// each member its packets go to, of the packets from the members that
// must not reach it; CutClients one NetCut on every address but the
// peers'.
func TestResolve(t *testing.T) {
	members := []string{"e1", "e2", "e3", "e4", "e5"}
	leaderIs := func(l string, err error) func(context.Context, *system.System) (string, error) {
		return func(context.Context, *system.System) (string, error) { return l, err }
	}
	tests := []struct {
		cut  *Cut
		want []string // node: peers, in order; "!" marks a Reject, "<>" AllBut, "<" In, ">" Out
		ran  []string
		err  string
	}{
		{Isolate("c", "e3"), []string{"e1 < e3", "e2 < e3", "e4 < e3", "e5 < e3", "e3 < e1 e2 e4 e5"}, []string{"e3", "e1", "e2", "e4", "e5"}, ""},
		{Isolate("c", "e3").OneWay().Reject(), []string{"e1 <! e3", "e2 <! e3", "e4 <! e3", "e5 <! e3"}, []string{"e3", "e1", "e2", "e4", "e5"}, ""},
		{Bridge("c", "e3").OneWay(), []string{"e4 < e1 e2", "e5 < e1 e2"}, []string{"e1", "e4", "e5", "e2"}, ""},
		{Ring("c").OneWay(), []string{"e3 < e1", "e4 < e1 e2", "e5 < e2 e3"}, []string{"e1", "e3", "e4", "e2", "e5"}, ""},
		{IsolateLeader("c", leaderIs("e4", nil)).OneWay(), []string{"e1 < e4", "e2 < e4", "e3 < e4", "e5 < e4"}, []string{"e4", "e1", "e2", "e3", "e5"}, ""},
		{IsolateLeader("c", leaderIs("e9", nil)), nil, nil, `the leader "e9" is not a member of cluster c (members: e1, e2, e3, e4, e5)`},
		{IsolateLeader("c", leaderIs("", errors.New("no leader yet"))), nil, nil, "ask for the leader: no leader yet"},
		{CutClients("c", "e2"), []string{"e2 <> e1 e3 e4 e5"}, []string{"e2"}, ""},
		{CutClients("c", "e2").OneWay().Reject(), []string{"e2 <>>! e1 e3 e4 e5"}, []string{"e2"}, ""},
	}
	for _, tt := range tests {
		fs, ran, err := tt.cut.resolve(context.Background(), nil, members)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: %v, want %s", tt.cut.Name(), err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.cut.Name(), err)
			continue
		}
		var got []string
		for _, o := range fs {
			if o.f.Kind != runtime.NetCut {
				t.Errorf("%s: %+v on %s, want a NetCut", tt.cut.Name(), o.f, o.node)
			}
			mark := ""
			if o.f.AllBut {
				mark += "<>"
			}
			if o.f.In {
				mark += "<"
			}
			if o.f.Out {
				mark += ">"
			}
			if o.f.Reject {
				mark += "!"
			}
			got = append(got, fmt.Sprintf("%s %s %s", o.node, mark, strings.Join(o.f.Peers, " ")))
		}
		if !slices.Equal(got, tt.want) || !slices.Equal(ran, tt.ran) {
			t.Errorf("%s:\n got %q, ran on %v\nwant %q, ran on %v", tt.cut.Name(), got, ran, tt.want, tt.ran)
		}
	}
}

// proxy is a toxiproxy proxy that is only an address.
type proxy struct{ name, internal string }

func (p proxy) Name() string                                  { return p.name }
func (p proxy) Endpoint() runtime.Endpoint                    { return runtime.Endpoint{Internal: p.internal} }
func (p proxy) AddToxic(context.Context, runtime.Toxic) error { return nil }
func (p proxy) RemoveToxic(context.Context, string) error     { return nil }
func (p proxy) SetEnabled(context.Context, bool) error        { return nil }

// link is a link of several proxies, as system's replication link is.
type link struct {
	proxy
	ps []runtime.Proxy
}

func (l link) Proxies() []runtime.Proxy { return l.ps }

// A blackhole cuts the ports toxiproxy listens on for every proxy of the
// link, and only in toxiproxy's container.
func TestListenPorts(t *testing.T) {
	got, err := listenPorts(proxy{"kv", "toxiproxy:8003"})
	if err != nil || !slices.Equal(got, []int{8003}) {
		t.Errorf("one proxy: %v, %v", got, err)
	}
	got, err = listenPorts(link{proxy{"db-replication", "toxiproxy:8001"}, []runtime.Proxy{proxy{"a", "toxiproxy:8001"}, proxy{"b", "toxiproxy:8002"}}})
	if err != nil || !slices.Equal(got, []int{8001, 8002}) {
		t.Errorf("a replication link: %v, %v", got, err)
	}
	if _, err := listenPorts(proxy{"kv", "127.0.0.1:40001"}); err == nil || err.Error() != "link kv listens at 127.0.0.1:40001, not in the run's toxiproxy container (toxiproxy)" {
		t.Errorf("a proxy of the process runtime: %v", err)
	}
}
