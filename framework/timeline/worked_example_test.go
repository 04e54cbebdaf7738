package timeline

import (
	"reflect"
	"testing"
	"time"
)

// TestWorkedExample is the worked example of docs/measurement.md; keep
// them in step.
func TestWorkedExample(t *testing.T) {
	refused := "dial tcp 127.0.0.1:7000: connect: connection refused"
	ops := []Op{
		ok(990, 991), ok(995, 996),
		bad(1000, 1001, refused), bad(1005, 1005.2, refused),
		bad(1010, 1510, "timeout after 500ms"), bad(1015, 1016, refused),
		ok(1020, 1021), ok(1025, 1026),
	}
	for s := 2000.0; s <= 2050; s += 5 { // the driver is paused from 2000 to 2150
		ops = append(ops, ok(s, 2150))
	}
	ops = append(ops, ok(2155, 2156), bad(9990, 9991, "EOF"))
	events := []Event{
		{ID: "step-2", Kind: KindStep, Desc: "upgrade driver v1 -> v2 via overlord", Start: nsOf(998), End: nsOf(1030), ExpectOutage: true},
		{ID: "overlord-1", Kind: KindSystem, Desc: "killed driver to upgrade it", Start: nsOf(999), End: nsOf(999), Phase: PhaseDetect},
		{ID: "overlord-2", Kind: KindSystem, Desc: "driver upgraded, answering", Start: nsOf(1019), End: nsOf(1019), Phase: PhaseReady},
		{ID: "fault-1", Kind: KindFault, Desc: "pause driver for 150ms", Start: nsOf(2000), End: nsOf(2150)},
	}
	cfg := Config{LatencyBudget: 100 * time.Millisecond}
	ws := Outages(ops, events, cfg)
	want := []win{
		{Client: "c1", Class: "read", Start: 1000, End: 1021, Failed: 4, Reasons: refused + "|timeout after 500ms", Causes: "step-2,overlord-1", Expected: true},
		{Client: "c1", Class: "read", Start: 2000, End: 2150, Failed: 10, Reasons: "slow: took up to 150.0ms > budget 100ms", Causes: "fault-1"},
		{Client: "c1", Class: "read", Start: 9990, End: 9991, Open: true, Failed: 1, Reasons: "EOF"},
	}
	if got := core(ws); !reflect.DeepEqual(got, want) {
		t.Fatalf("windows:\n got %+v\nwant %+v", got, want)
	}
	st := Summarize(ops, ws, cfg)
	wantSt := Stats{
		Ops: 21, Failed: 15, ErrorRate: 15.0 / 21, Windows: 3,
		MaxWindow: 150 * time.Millisecond, TotalWindow: 172 * time.Millisecond,
		P50Window: 21 * time.Millisecond, P99Window: 150 * time.Millisecond,
		P50Latency: 110 * time.Millisecond, P99Latency: 150 * time.Millisecond, MaxLatency: 150 * time.Millisecond,
	}
	if st != wantSt {
		t.Errorf("stats:\n got %+v\nwant %+v", st, wantSt)
	}
	fo := Failovers(events, ws)
	wantFo := []Failover{
		{Cause: "step-2", Detect: time.Millisecond, Restart: 20 * time.Millisecond, Recover: 2 * time.Millisecond, Total: 23 * time.Millisecond},
		{Cause: "fault-1", Detect: Unknown, Restart: Unknown, Recover: Unknown, Total: 150 * time.Millisecond},
	}
	if !reflect.DeepEqual(fo, wantFo) {
		t.Errorf("failovers:\n got %+v\nwant %+v", fo, wantFo)
	}
}
