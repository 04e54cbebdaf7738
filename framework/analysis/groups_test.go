package analysis

import (
	"reflect"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

var g0 = time.Unix(1_700_000_000, 0)

// gat is g0 plus ms milliseconds, in Unix ns.
func gat(ms int) int64 { return g0.Add(time.Duration(ms) * time.Millisecond).UnixNano() }

// reads is a client's reads every 10 ms from 0 to 6,990 ms, each 1 ms
// long, failing when they start in one of the spans [from, to) ms.
func reads(client string, failing ...[2]int) []probe.Record {
	var out []probe.Record
	for t := 0; t < 7000; t += 10 {
		ok := true
		for _, f := range failing {
			if t >= f[0] && t < f[1] {
				ok = false
			}
		}
		r := probe.Record{Client: client, Class: "read", Conn: "reused", Start: gat(t), End: gat(t + 1), OK: ok, Version: "v1"}
		if !ok {
			r.Err = "connection refused"
		}
		out = append(out, r)
	}
	return out
}

func write(client, key string, seq uint64, at int, ok bool) probe.Record {
	r := probe.Record{Client: client, Class: "write", Conn: "reused", Key: key, Seq: seq, Start: gat(at), End: gat(at + 1), OK: ok}
	if !ok {
		r.Err = "timeout"
	}
	return r
}

func readback(client, key string, seq uint64, found bool) probe.Record {
	return probe.Record{Type: probe.TypeReadback, Client: client, Key: key, Seq: seq, Found: found}
}

func phase(id, member, ph string, at int) timeline.Event {
	return timeline.Event{ID: id, Kind: timeline.KindSystem, Desc: member + " " + ph, Start: gat(at), End: gat(at), Phase: ph, Targets: []string{member}}
}

// cluster is a run of three members e1, e2, e3 and four clients: a1 and a2
// in group "all" (every member), s1 in "e1-only", u1 in no named group
// (e2 only). Step 3 replaces e1 (3.1: every phase; 3.3 a restart), e2
// (3.2: exited and ready never reported), and e3 is stopped by nothing
// the plan knows. Expected figures are worked out beside the test.
func cluster() Recorded {
	all := []string{"e1", "e2", "e3"}
	in := Recorded{
		Name: "cluster", Start: g0, End: g0.Add(7 * time.Second), LatencyBudget: 250 * time.Millisecond,
		Events: []timeline.Event{
			{ID: "step-3", Kind: timeline.KindStep, Desc: "rolling upgrade v1 -> v2 of e1, e2", Start: gat(900), End: gat(5500), ExpectOutage: true, Targets: all},
			{ID: "step-3.1", Kind: timeline.KindStep, Desc: "upgrade e1", Start: gat(1000), End: gat(3000), ExpectOutage: true, Targets: []string{"e1"}},
			{ID: "step-3.2", Kind: timeline.KindStep, Desc: "upgrade e2 v1 -> v2 by replacing its node", Start: gat(4000), End: gat(5000), ExpectOutage: true, Targets: []string{"e2"}},
			{ID: "step-3.3", Kind: timeline.KindStep, Desc: "restart e1", Start: gat(5200), End: gat(5400), ExpectOutage: true, Targets: []string{"e1"}},
			// e3's first readiness: a ready alone is no restart
			phase("system-1", "e3", timeline.PhaseReady, 0),
			phase("system-2", "e1", timeline.PhaseStop, 1100),
			phase("system-3", "e1", timeline.PhaseExited, 1300),
			phase("system-4", "e1", timeline.PhaseStarted, 1500),
			phase("system-5", "e1", timeline.PhaseReady, 2000),
			// a second report of the same readiness: not another restart
			phase("system-6", "e1", timeline.PhaseReady, 2010),
			phase("system-7", "e2", timeline.PhaseStop, 4100),
			phase("system-8", "e2", timeline.PhaseStarted, 4400),
			phase("system-9", "e1", timeline.PhaseStop, 5210),
			phase("system-10", "e1", timeline.PhaseExited, 5220),
			phase("system-11", "e1", timeline.PhaseStarted, 5230),
			phase("system-12", "e1", timeline.PhaseReady, 5300),
			phase("system-13", "e3", timeline.PhaseStop, 6000),
			phase("system-14", "e3", timeline.PhaseExited, 6100),
		},
		Lifecycle: []Lifecycle{
			{Node: "e1", Kind: KindReady, Version: "v1", Time: gat(-100)},
			{Node: "e1", Kind: KindReady, Version: "v2", Time: gat(2000)},
			{Node: "e1", Kind: KindReady, Version: "v2", Time: gat(5300)},
		},
	}
	a1 := append(reads("a1", [2]int{1100, 1150}, [2]int{4100, 4120}),
		write("a1", "k2", 1, 505, true),   // never read back: unchecked
		write("a1", "k4", 2, 1120, false), // failed, found: applied anyway
		write("a1", "k3", 1, 1160, true),
		readback("a1", "k3", 1, true), readback("a1", "k4", 2, true))
	s1 := append(reads("s1", [2]int{1100, 2100}),
		write("s1", "k1", 1, 505, true), readback("s1", "k1", 0, false)) // lost
	in.Clients = []ClientRecord{
		{Name: "a1", Version: "v1", Path: all, Group: "all", Records: a1},
		{Name: "s1", Version: "v1", Path: []string{"e1"}, Group: "e1-only", Records: s1},
		{Name: "a2", Version: "v1", Path: all, Group: "all", Records: reads("a2")},
		{Name: "u1", Version: "v1", Path: []string{"e2"}, Records: reads("u1", [2]int{4100, 4300})},
	}
	return in
}

// The windows of cluster(), worked out: a1 read 1,100–1,151 (51 ms) and
// 4,100–4,121 (21 ms), a1 write 1,120–1,161 (41 ms), s1 read 1,100–2,101
// (1,001 ms), u1 read 4,100–4,301 (201 ms).
func TestGroupFigures(t *testing.T) {
	res := Analyze(cluster())
	if len(res.Windows) != 5 {
		t.Fatalf("%d windows, want 5: %+v", len(res.Windows), res.Windows)
	}
	want := []result.GroupFigures{
		{Name: "all", Clients: []string{"a1", "a2"}, Ops: 703 + 700, FailedOps: 5 + 2 + 1,
			Windows: 3, MaxWindowMS: 51, P99WindowMS: 51,
			// a1: 1,100–1,161 (read and write overlap, counted once) and 4,100–4,121
			TotalOutageMS: 61 + 21, WorstClient: "a1",
			Integrity: result.GroupIntegrity{Checked: true, AckedWrites: 2, Unchecked: 1, Indeterminate: 1, AppliedFailed: 1}},
		{Name: "e1-only", Clients: []string{"s1"}, Ops: 701, FailedOps: 100,
			Windows: 1, MaxWindowMS: 1001, P99WindowMS: 1001, TotalOutageMS: 1001, WorstClient: "s1",
			Integrity: result.GroupIntegrity{Checked: true, AckedWrites: 1, Lost: 1}},
		{Name: "", Clients: []string{"u1"}, Ops: 700, FailedOps: 20,
			Windows: 1, MaxWindowMS: 201, P99WindowMS: 201, TotalOutageMS: 201, WorstClient: "u1",
			Integrity: result.GroupIntegrity{Checked: true}},
	}
	if !reflect.DeepEqual(res.Groups, want) {
		t.Errorf("groups:\n got %+v\nwant %+v", res.Groups, want)
	}
	// the all-clients figures are the worst group's, as the report's
	// headline says; the groups split them
	if res.Summary.MaxWindowMS != 1001 || res.Summary.TotalOutageMS != 1001 {
		t.Errorf("summary: max %v, total %v; want 1001 and 1001", res.Summary.MaxWindowMS, res.Summary.TotalOutageMS)
	}
	var lost, unchecked, applied int
	for _, g := range res.Groups {
		lost, unchecked, applied = lost+g.Integrity.Lost, unchecked+g.Integrity.Unchecked, applied+g.Integrity.AppliedFailed
	}
	if in := res.Integrity; lost != len(in.Lost) || unchecked != in.Unchecked || applied != in.AppliedFailed {
		t.Errorf("the groups' integrity (%d lost, %d unchecked, %d applied) does not add up to the run's (%d, %d, %d)",
			lost, unchecked, applied, len(in.Lost), in.Unchecked, in.AppliedFailed)
	}
}

// Many windows: the p99 is nearest-rank, a measured window.
func TestGroupP99(t *testing.T) {
	var lens []int64
	for i := 1; i <= 200; i++ {
		lens = append(lens, int64(i)*int64(time.Millisecond))
	}
	if max, p99 := maxP99(lens); max != 200 || p99 != 198 {
		t.Errorf("max %v, p99 %v; want 200 and 198 (rank ceil(0.99·200) = 198)", max, p99)
	}
	if max, p99 := maxP99(nil); max != 0 || p99 != 0 {
		t.Errorf("no windows: max %v, p99 %v; want 0 and 0", max, p99)
	}
}

func TestClientGroups(t *testing.T) {
	for _, tc := range []struct {
		name   string
		groups []string // of each client, in run order
		want   []group
	}{
		{"none named: no groups", []string{"", ""}, nil},
		{"no clients", nil, nil},
		{"one named", []string{"all", "all"}, []group{{"all", []int{0, 1}}}},
		{"order of first client; the unnamed form a group", []string{"", "b", "a", "b", ""},
			[]group{{"", []int{0, 4}}, {"b", []int{1, 3}}, {"a", []int{2}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cs []ClientRecord
			for _, g := range tc.groups {
				cs = append(cs, ClientRecord{Group: g})
			}
			if got := clientGroups(cs); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// A run whose clients name no group has none: the summary is its one
// group. Lists are empty, not nil.
func TestNoGroups(t *testing.T) {
	in := cluster()
	for i := range in.Clients {
		in.Clients[i].Group = ""
	}
	res := Analyze(in)
	if res.Groups == nil || len(res.Groups) != 0 {
		t.Errorf("groups: %#v, want empty", res.Groups)
	}
	if len(res.Restarts) == 0 {
		t.Fatal("no restarts")
	}
	for _, r := range res.Restarts {
		if r.Groups == nil || len(r.Groups) != 0 {
			t.Errorf("restart of %s: groups %#v, want empty", r.Member, r.Groups)
		}
	}
}
