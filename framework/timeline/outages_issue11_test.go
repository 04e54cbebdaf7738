package timeline

import (
	"reflect"
	"testing"
	"time"
)

// TestRollingUpgradeUnderLatencyOnAnotherReplica is the defect of issue
// 11: a rolling upgrade of three replicas with a latency fault on web-2
// held during it. The windows of web-1's clients were blamed on the web-2
// fault (it began closest to them), and the failover breakdown listed that
// fault where web-1's upgrade belongs.
func TestRollingUpgradeUnderLatencyOnAnotherReplica(t *testing.T) {
	events := []Event{
		{ID: "step-3.1", Kind: KindStep, Desc: "upgrade web-1 v1 -> v2 via overlord", Start: nsOf(1000), End: nsOf(1300), ExpectOutage: true, Targets: []string{"web-1"}},
		{ID: "fault-3.2", Kind: KindFault, Desc: "fault: latency 300ms on link web-2 (downstream) for 3s", Start: nsOf(1040), End: nsOf(4040), Targets: []string{"web-2"}},
		{ID: "web-1-3", Kind: KindSystem, Start: nsOf(1280), End: nsOf(1280), Phase: PhaseReady, Targets: []string{"web-1"}},
	}
	// a1 sends to web-1, b1 to web-2; b1's ops are slow under the fault.
	ops := []Op{
		as("a1", "read", ok(1000, 1001)),
		as("a1", "read", bad(1045, 1046, "connection refused")),
		as("a1", "read", bad(1100, 1101, "connection refused")),
		as("a1", "read", ok(1300, 1301)),
		as("b1", "read", ok(1000, 1001)),
		as("b1", "read", ok(1100, 1500)),
		as("b1", "read", ok(1600, 1601)),
	}
	cfg := Config{Paths: map[string][]string{"a1": {"web-1"}, "b1": {"web-2"}}, LatencyBudget: 100 * time.Millisecond}
	ws := Outages(ops, events, cfg)
	want := []win{
		{Client: "a1", Class: "read", Start: 1045, End: 1301, Failed: 2, Reasons: "connection refused", Causes: "step-3.1", Expected: true},
		{Client: "b1", Class: "read", Start: 1100, End: 1601, Failed: 1, Reasons: "slow: took up to 400.0ms > budget 100ms", Causes: "fault-3.2"},
	}
	if got := core(ws); !reflect.DeepEqual(got, want) {
		t.Errorf("windows:\n got %+v\nwant %+v", got, want)
	}
	// web-1's upgrade: planned, so detected at its start; web-1's overlord
	// reports it ready at 1280. web-2's fault: no phase event of web-2's
	// own, so only its total; web-1's ready is not its.
	fo := Failovers(events, ws)
	wantFo := []Failover{
		{Cause: "step-3.1", Detect: 0, Restart: 280 * time.Millisecond, Recover: 21 * time.Millisecond, Total: 301 * time.Millisecond},
		{Cause: "fault-3.2", Detect: Unknown, Restart: Unknown, Recover: Unknown, Total: 561 * time.Millisecond},
	}
	if !reflect.DeepEqual(fo, wantFo) {
		t.Errorf("failovers:\n got %+v\nwant %+v", fo, wantFo)
	}
}
