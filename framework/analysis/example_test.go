package analysis_test

import (
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/analysis"
	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/timeline"
)

// Analyze is a pure function of what a run recorded: here one client, one
// upgrade step on its path, and the three failed ops it caused.
func Example() {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(ms int) int64 { return t0.Add(time.Duration(ms) * time.Millisecond).UnixNano() }
	rec := analysis.Recorded{
		Name: "one upgrade", Start: t0, End: t0.Add(time.Second), LatencyBudget: 250 * time.Millisecond,
		Events: []timeline.Event{{ID: "step-3", Kind: timeline.KindStep, Desc: "upgrade driver v1 -> v2",
			Start: at(500), End: at(560), ExpectOutage: true, Targets: []string{"driver"}}},
	}
	c := analysis.ClientRecord{Name: "c1", Version: "v1", Service: "driver", Path: []string{"driver"}, Interval: 5 * time.Millisecond}
	for i := range 200 {
		start := at(5 * i)
		ok := start < at(505) || start >= at(520)
		rec := probe.Record{Client: "c1", N: int64(i + 1), Class: "read", Conn: "reused", Sched: start, Start: start, End: start + int64(time.Millisecond), OK: ok, Version: "v1"}
		if !ok {
			rec.Err = "broken connection: EOF"
		}
		c.Records = append(c.Records, rec)
	}
	c.Records = append(c.Records, probe.Record{Type: probe.TypeSummary, Client: "c1", Sent: 200, Interval: int64(5 * time.Millisecond)})
	rec.Clients = []analysis.ClientRecord{c}

	res := analysis.Analyze(rec)
	for _, w := range res.Windows {
		fmt.Printf("%s %s window at %.0fms for %.0fms, caused by %v, expected %v\n", w.Client, w.Class, w.StartMS, w.DurationMS, w.Causes, w.Expected)
	}
	fmt.Printf("c1 kept its schedule: %.0f of %.0f ops/s\n", res.Clients[0].Schedule.AchievedRate, res.Clients[0].Schedule.NominalRate)
	// Output:
	// c1 read window at 505ms for 16ms, caused by [step-3], expected true
	// c1 kept its schedule: 200 of 200 ops/s
}

// Clients in named groups get the headline figures per group: here a
// client balanced over every member rides out e1's upgrade in 10 ms, while
// one that sees e1 only waits a second.
func Example_groups() {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(ms int) int64 { return t0.Add(time.Duration(ms) * time.Millisecond).UnixNano() }
	rec := analysis.Recorded{
		Name: "cluster upgrade", Start: t0, End: t0.Add(3 * time.Second), LatencyBudget: 250 * time.Millisecond,
		Events: []timeline.Event{{ID: "step-3", Kind: timeline.KindStep, Desc: "upgrade e1 v1 -> v2",
			Start: at(500), End: at(2000), ExpectOutage: true, Targets: []string{"e1"}}},
	}
	client := func(name, group string, path []string, downFrom, downTo int) analysis.ClientRecord {
		c := analysis.ClientRecord{Name: name, Group: group, Path: path}
		for t := 0; t < 3000; t += 10 {
			ok := t < downFrom || t >= downTo
			c.Records = append(c.Records, probe.Record{Client: name, Class: "read", Conn: "reused", Start: at(t), End: at(t + 1), OK: ok,
				Err: map[bool]string{false: "no responders"}[ok]})
		}
		return c
	}
	rec.Clients = []analysis.ClientRecord{
		client("c-all", "all", []string{"e1", "e2", "e3"}, 600, 610),
		client("c-e1", "e1-only", []string{"e1"}, 600, 1600),
	}
	res := analysis.Analyze(rec)
	fmt.Printf("all clients: max outage %.0fms\n", res.Summary.MaxWindowMS)
	for _, g := range res.Groups {
		fmt.Printf("group %s %v: max outage %.0fms\n", g.Name, g.Clients, g.MaxWindowMS)
	}
	// Output:
	// all clients: max outage 1001ms
	// group all [c-all]: max outage 11ms
	// group e1-only [c-e1]: max outage 1001ms
}
