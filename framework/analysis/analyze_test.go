package analysis

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
	"github.com/hatest/hatest/reports"
)

// bigRun makes a recorded run of n ops: 16 clients on a 5 ms schedule,
// an upgrade every 30 s with a ~40 ms outage, and a latency fault.
func bigRun(n int) Recorded {
	const clients = 16
	start := time.Unix(1_700_000_000, 0)
	r := rand.New(rand.NewPCG(1, 2))
	per := n / clients
	in := Recorded{Name: "one million ops", Runtime: "process", Start: start, LatencyBudget: 250 * time.Millisecond}
	end := start.Add(time.Duration(per) * 5 * time.Millisecond)
	in.End = end
	for u := 0; ; u++ {
		at := start.Add(time.Duration(u+1) * 30 * time.Second)
		if at.After(end) {
			break
		}
		in.Events = append(in.Events, timeline.Event{ID: fmt.Sprintf("step-%d", u+3), Kind: timeline.KindStep,
			Desc: "upgrade driver via overlord", Start: at.UnixNano(), End: at.Add(60 * time.Millisecond).UnixNano(), ExpectOutage: true})
	}
	for c := range clients {
		cr := ClientRecord{Name: fmt.Sprintf("c%d", c+1), Version: "v1"}
		for i := range per {
			s := start.Add(time.Duration(i)*5*time.Millisecond + time.Duration(r.IntN(1000))*time.Microsecond)
			lat := time.Duration(200+r.IntN(800)) * time.Microsecond
			ok := true
			for _, e := range in.Events {
				if s.UnixNano() >= e.Start+int64(5*time.Millisecond) && s.UnixNano() < e.Start+int64(45*time.Millisecond) {
					ok = false
				}
			}
			class := "read"
			if i%2 == 0 {
				class = "write"
			}
			cr.Records = append(cr.Records, probe.Record{Client: cr.Name, N: int64(i + 1), Class: class, Conn: "reused",
				Start: s.UnixNano(), End: s.Add(lat).UnixNano(), OK: ok, Version: "v1", Err: map[bool]string{false: "dial: connection refused"}[ok]})
		}
		cr.Records = append(cr.Records, probe.Record{Type: probe.TypeSummary, Client: cr.Name, Sent: int64(per)})
		in.Clients = append(in.Clients, cr)
	}
	return in
}

// A run of 1,000,000 ops is analysed without an allocation per op and
// renders under 2 MB: the ops are bucketed, never drawn one by one. Time
// is not asserted (this runs under the race detector on a busy machine);
// the allocation count stands for it, as it does not depend on the
// machine, and BenchmarkReport1M gives the figure.
func TestReportOfOneMillionOps(t *testing.T) {
	in := bigRun(1_000_000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	res := Analyze(in)
	analysed := time.Since(start)
	var html bytes.Buffer
	if err := reports.ScenarioHTML(&html, &res); err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	runtime.ReadMemStats(&after)
	if res.Summary.Ops != 1_000_000 {
		t.Fatalf("%d ops analysed", res.Summary.Ops)
	}
	if res.Summary.Windows == 0 || len(res.Latency) != latencyBuckets {
		t.Fatalf("windows %d, latency buckets %d", res.Summary.Windows, len(res.Latency))
	}
	if html.Len() > 2<<20 {
		t.Fatalf("report.html is %d bytes for 1M ops; the limit is 2 MB", html.Len())
	}
	allocs := after.Mallocs - before.Mallocs
	if allocs > 1_000_000/5 {
		t.Fatalf("analysing and rendering 1M ops made %d allocations; the limit is one per 5 ops", allocs)
	}
	t.Logf("1M ops: analysis %s, analysis + HTML %s, %d allocations, %d windows, report.html %.2f MB",
		analysed.Round(time.Millisecond), total.Round(time.Millisecond), allocs, res.Summary.Windows, float64(html.Len())/(1<<20))
}

func BenchmarkReport1M(b *testing.B) {
	in := bigRun(1_000_000)
	b.ResetTimer()
	for range b.N {
		res := Analyze(in)
		var html bytes.Buffer
		if err := reports.ScenarioHTML(&html, &res); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(html.Len())/(1<<20), "MB")
	}
}

func TestAnalyzeSmallRun(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(ms int) int64 { return t0.Add(time.Duration(ms) * time.Millisecond).UnixNano() }
	op := func(c string, s, e int, ok bool, v string) probe.Record {
		return probe.Record{Client: c, Class: "read", Conn: "reused", Start: at(s), End: at(e), OK: ok, Version: v, Err: map[bool]string{false: "refused"}[ok]}
	}
	in := Recorded{
		Name: "small", Start: t0, End: t0.Add(time.Second), LatencyBudget: 250 * time.Millisecond,
		Events: []timeline.Event{{ID: "step-3", Kind: timeline.KindStep, Desc: "upgrade", Start: at(100), End: at(150), ExpectOutage: true}},
		Clients: []ClientRecord{
			{Name: "c1", Version: "v1", Records: []probe.Record{
				op("c1", 0, 1, true, "v1"), op("c1", 105, 106, false, ""), op("c1", 110, 111, false, ""), op("c1", 160, 161, true, "v2"),
				{Type: probe.TypeSummary, Client: "c1", Sent: 4},
			}},
			{Name: "c2", Version: "v1", Records: []probe.Record{op("c2", 0, 1, true, "v1")}},
		},
	}
	res := Analyze(in)
	if len(res.Windows) != 1 || res.Windows[0].Client != "c1" || res.Windows[0].StartMS != 105 || res.Windows[0].EndMS != 161 {
		t.Fatalf("windows: %+v", res.Windows)
	}
	if !res.Windows[0].Expected || res.Windows[0].Causes[0] != "step-3" {
		t.Fatalf("the window is not attributed to the upgrade: %+v", res.Windows[0])
	}
	if res.Clients[0].Reported != 4 || res.Clients[1].Reported != -1 {
		t.Fatalf("client accounting: %+v", res.Clients)
	}
	if res.Clients[0].LastVersion != "v2" || res.Clients[0].Failed != 2 {
		t.Fatalf("client c1: %+v", res.Clients[0])
	}
	if res.Summary.Ops != 5 || res.Summary.FailedOps != 2 || res.Summary.MaxWindowMS != 56 {
		t.Fatalf("summary: %+v", res.Summary)
	}
}

// The start-up overhead runs from the scenario's beginning to the start of
// the earliest op of any client, split where the topology was ready; a span
// whose end was never reached is -1.
func TestAnalyzeStartup(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0) // time zero: topology and clients started
	at := func(ms float64) time.Time { return t0.Add(time.Duration(ms * float64(time.Millisecond))) }
	op := func(c string, startMS float64) probe.Record {
		s := at(startMS)
		return probe.Record{Client: c, Class: "read", Conn: "reused", Start: s.UnixNano(), End: s.Add(time.Millisecond).UnixNano(), OK: true, Version: "v1"}
	}
	summary := func(c string) probe.Record { return probe.Record{Type: probe.TypeSummary, Client: c} }
	two := []ClientRecord{
		{Name: "c1", Records: []probe.Record{op("c1", 3), op("c1", 8), summary("c1")}},
		{Name: "c2", Records: []probe.Record{op("c2", 1.5), op("c2", 6.5), summary("c2")}},
	}
	for _, tc := range []struct {
		name                   string
		begun, ready           time.Time
		clients                []ClientRecord
		total, topology, first float64
	}{
		{name: "every point reached: the earliest op of any client ends it",
			begun: at(-1500), ready: at(-200), clients: two, total: 1501.5, topology: 1300, first: 201.5},
		{name: "an op that starts before time zero still counts",
			begun: at(-1500), ready: at(-200),
			clients: []ClientRecord{{Name: "c1", Records: []probe.Record{op("c1", 4), op("c1", -50)}}},
			total:   1450, topology: 1300, first: 150},
		{name: "no op recorded: only the topology is known",
			begun: at(-900), ready: at(-10), clients: []ClientRecord{{Name: "c1", Records: []probe.Record{summary("c1")}}},
			total: -1, topology: 890, first: -1},
		{name: "the topology never became ready",
			begun: at(-900), total: -1, topology: -1, first: -1},
		{name: "beginning unknown: only the clients' share is known",
			ready: at(-200), clients: two, total: -1, topology: -1, first: 201.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Recorded{Name: "startup", Start: t0, End: at(1000), Begun: tc.begun, TopologyReady: tc.ready, Clients: tc.clients}
			got := Analyze(in).Startup
			if got.TotalMS != tc.total || got.TopologyMS != tc.topology || got.ClientsMS != tc.first {
				t.Fatalf("startup %+v, want total %v, topology %v, clients %v", got, tc.total, tc.topology, tc.first)
			}
			if got.TotalMS >= 0 && got.TopologyMS >= 0 && got.TopologyMS+got.ClientsMS != got.TotalMS {
				t.Fatalf("topology %v + clients %v != total %v", got.TopologyMS, got.ClientsMS, got.TotalMS)
			}
		})
	}
}

// Start-up happens before time zero (the overlord starting its first
// driver): its events and version spans keep their negative times, which
// the report draws before zero, rather than being moved.
func TestStartUpKeepsItsTimes(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(ms float64) time.Time { return t0.Add(time.Duration(ms * float64(time.Millisecond))) }
	in := Recorded{Name: "start-up", Start: t0, End: at(1000),
		Events:    []timeline.Event{{ID: "driver-1", Kind: timeline.KindSystem, Desc: "primary driver v1 is primary", Start: at(-935).UnixNano(), End: at(-935).UnixNano()}},
		Lifecycle: []Lifecycle{{Node: "driver/primary", Kind: "started", Version: "v1", Role: "primary", Time: at(-935).UnixNano()}},
	}
	res := Analyze(in)
	if len(res.Steps) != 1 || res.Steps[0].StartMS != -935 || res.Steps[0].Desc != "primary driver v1 is primary" {
		t.Fatalf("steps = %+v; want the start-up event at -935 ms as it was", res.Steps)
	}
	if len(res.Versions) != 1 || res.Versions[0].StartMS != -935 || res.Versions[0].EndMS != 1000 || res.Versions[0].Role != "primary" {
		t.Fatalf("versions = %+v; want the span from -935 ms", res.Versions)
	}
}

// The version lane: a span per version a node ran, a new one when its
// role changes, none for a restart at the same version; programs' spans
// from each moment they were ready.
func TestVersions(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	ns := func(ms int64) int64 { return t0.Add(time.Duration(ms) * time.Millisecond).UnixNano() }
	life := []Lifecycle{
		{Node: "driver/primary", Kind: "started", Version: "v1", Role: "primary", Time: ns(-900)},
		{Node: "driver/primary", Kind: "detected-death", Version: "v1", Time: ns(1000)},
		{Node: "driver/primary", Kind: "restarted", Version: "v1", Role: "primary", Time: ns(1100)},
		{Node: "driver/primary", Kind: "upgrade-done", Version: "v2", Role: "primary", Time: ns(2000)},
		{Node: "driver/primary", Kind: "demoted", Version: "v2", Role: "secondary", Time: ns(2500)},
		{Node: "kv", Kind: KindReady, Version: "v1", Time: ns(-100)},
		{Node: "kv", Kind: KindReady, Version: "v2", Time: ns(1500)},
	}
	got := versions(life, func(t int64) float64 { return float64(t-t0.UnixNano()) / 1e6 }, t0.Add(3*time.Second))
	want := []result.Version{
		{Node: "driver/primary", Version: "v1", Role: "primary", StartMS: -900, EndMS: 2000},
		{Node: "driver/primary", Version: "v2", Role: "primary", StartMS: 2000, EndMS: 2500},
		{Node: "driver/primary", Version: "v2", Role: "secondary", StartMS: 2500, EndMS: 3000},
		{Node: "kv", Version: "v1", StartMS: -100, EndMS: 1500},
		{Node: "kv", Version: "v2", StartMS: 1500, EndMS: 3000},
	}
	if len(got) != len(want) {
		t.Fatalf("versions = %+v\nwant %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("span %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// The schedule is judged from time zero to the end of the run: ops late
// while the clients were still starting, or being stopped, do not count;
// an op late in between does.
func TestScheduleOverTheMeasuredSpan(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	run := func(lateAt ...int) result.Schedule {
		in := Recorded{Name: "span", Start: t0, End: t0.Add(time.Second)}
		c := ClientRecord{Name: "c1", Interval: 5 * time.Millisecond}
		for i := -100; i < 300; i++ { // due from -500 ms to +1.5 s
			sched := t0.Add(time.Duration(i) * 5 * time.Millisecond).UnixNano()
			start := sched
			for _, at := range lateAt {
				if i == at {
					start += int64(50 * time.Millisecond)
				}
			}
			c.Records = append(c.Records, probe.Record{Client: "c1", N: int64(i + 101), Class: "read", Sched: sched, Start: start, End: start + 1e6, OK: true})
		}
		in.Clients = []ClientRecord{c}
		return Analyze(in).Clients[0].Schedule
	}
	// Late ops well before zero and after the end: two percent of the
	// ops in all, over one percent, so they would move p99.
	if sc := run(-90, -80, -70, -60, -50, 250, 260, 270, 280, 290); sc.LagP99MS != 0 || sc.LagMaxMS != 0 {
		t.Fatalf("lag outside the run counted: p99 %.1fms max %.1fms", sc.LagP99MS, sc.LagMaxMS)
	}
	if sc := run(10, 20, 30, 40, 50); sc.LagP99MS < 49 || sc.LagMaxMS < 49 {
		t.Fatalf("lag inside the run not counted: p99 %.1fms max %.1fms", sc.LagP99MS, sc.LagMaxMS)
	}
}
