package check_test

import (
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

// upgraded is the result of a run in which client c3 could not write for
// 2.3 s while the driver was upgraded.
func upgraded() result.Scenario {
	return result.Scenario{
		Scenario: "upgrade under load",
		Steps:    []result.Step{{ID: "step-2", Desc: "upgrade driver v1 -> v2 via overlord", Kind: "step", StartMS: 1000, EndMS: 3600}},
		Windows: []result.Window{{
			Client: "c3", Class: "write", StartMS: 1204.5, EndMS: 3518.7, DurationMS: 2314.2, Failed: 460,
			Reasons: []string{"dial: connection refused"}, Causes: []string{"step-2"},
		}},
		Summary: result.Summary{Ops: 24000, FailedOps: 460, ErrorRate: 460.0 / 24000, MaxWindowMS: 2314.2, Windows: 1, Clients: 4},
		Clients: []result.Client{
			{Name: "c1", LastVersion: "v2"}, {Name: "c2", LastVersion: "v2"},
			{Name: "c3", LastVersion: "v2"}, {Name: "c4", LastVersion: "v2"},
		},
	}
}

// Judging a result directly: Evaluate records an assertion for each rule
// and returns the first failure; Status makes the scenario's status.
func ExampleEvaluate() {
	res := upgraded()
	err := check.Evaluate(&res, check.MaxOutageBelow(2*time.Second), check.LastServedBy("v2"))
	fmt.Println(err)
	res.Status = check.Status(res.Assertions, false)
	for _, a := range res.Assertions {
		fmt.Printf("%s: passed %v\n", a.Name, a.Passed)
	}
	fmt.Println(res.Status)
	// Output:
	// max outage 2314.2ms > budget 2000ms: client c3 write window at 1204.5ms for 2314.2ms, caused by step-2 (upgrade driver v1 -> v2 via overlord), reasons: dial: connection refused
	// max outage ≤ 2000ms: passed false
	// last served by v2: passed true
	// failed
}

// A custom verdict is a Rule; it never appends an assertion itself.
func ExampleRule() {
	writesShort := check.Rule{Name: "no write window over 2 s", Judge: func(s *result.Scenario) (check.Outcome, string) {
		for _, w := range s.Windows {
			if w.Class == "write" && w.DurationMS > 2000 {
				return check.Fail, fmt.Sprintf("client %s write window at %.1fms for %.1fms", w.Client, w.StartMS, w.DurationMS)
			}
		}
		return check.Pass, "every write window under 2 s"
	}}
	res := upgraded()
	fmt.Println(check.Evaluate(&res, writesShort))
	// Output: client c3 write window at 1204.5ms for 2314.2ms
}

// The read-back rounds of a run, summarised from the op log and judged:
// client c1 wrote two keys under v2; after the roll back to v1 (round 1,
// labelled by its timeline event) one was missing and the other had
// another value, though on stop both read back as written.
func ExampleRoundTrip() {
	start := time.Unix(1_700_000_000, 0)
	at := func(ms int) int64 { return start.Add(time.Duration(ms) * time.Millisecond).UnixNano() }
	val := func(s string) *string { return &s }
	records := []probe.Record{
		{Client: "c1", Class: "write", Key: "c1-000001", Seq: 1, Start: at(10), End: at(12), OK: true, Version: "v2", Value: val("")},
		{Client: "c1", Class: "write", Key: "c1-000002", Seq: 2, Start: at(20), End: at(22), OK: true, Version: "v2", Value: val("é-2-☃")},
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-000001", Round: 1, Start: at(500), End: at(502), Version: "v1"},
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-000002", Round: 1, Start: at(500), End: at(502), Version: "v1", Found: true, Seq: 2, Value: val("w6k")},
		{Type: probe.TypeRound, Client: "c1", Round: 1},
		// the read-back on stop: round 0, after the roll forward
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-000001", Start: at(900), End: at(902), Version: "v2", Found: true, Seq: 1, Value: val("")},
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-000002", Start: at(900), End: at(902), Version: "v2", Found: true, Seq: 2, Value: val("é-2-☃")},
	}
	events := []timeline.Event{{ID: timeline.RoundEventID(1), Desc: "read-back round 1: after roll back to v1", Start: at(490), End: at(510)}}
	res := result.Scenario{Summary: result.Summary{Ops: 2}, ReadBack: check.ReadBack(records, start.UnixNano(), events)}
	fmt.Println(check.Evaluate(&res, check.RoundTrip()))
	// Output:
	// round 1 (after roll back to v1): 2 of 2 keys read back wrong: c1-000001 written "" under v2 at 12.0ms, missing under v1; c1-000002 written "é-2-☃" under v2 at 22.0ms, read "w6k" under v1
}
