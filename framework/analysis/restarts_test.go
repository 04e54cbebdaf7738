package analysis

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

// The restarts of cluster(): see its comment, and the windows worked out
// above TestGroupFigures.
func TestRestarts(t *testing.T) {
	res := Analyze(cluster())
	rg := func(group string, n int, max, p99 float64) result.RestartGroup {
		return result.RestartGroup{Group: group, Windows: n, MaxWindowMS: max, P99WindowMS: p99}
	}
	want := []result.MemberRestart{
		// every phase reported; versions from the lifecycle
		{Member: "e1", Step: "step-3.1", From: "v1", To: "v2", AtMS: 1100,
			StopToExitedMS: 200, ExitedToStartedMS: 200, StartedToHealthyMS: 500, StopToHealthyMS: 900,
			Windows: 3, MaxWindowMS: 1001, P99WindowMS: 1001,
			Groups: []result.RestartGroup{rg("all", 2, 51, 51), rg("e1-only", 1, 1001, 1001), rg("", 0, 0, 0)}},
		// exited and ready never reported: those phases are unknown, not 0;
		// no lifecycle for e2, so the versions come from the step's description
		{Member: "e2", Step: "step-3.2", From: "v1", To: "v2", AtMS: 4100,
			StopToExitedMS: -1, ExitedToStartedMS: -1, StartedToHealthyMS: -1, StopToHealthyMS: -1,
			Windows: 2, MaxWindowMS: 201, P99WindowMS: 201,
			Groups: []result.RestartGroup{rg("all", 1, 21, 21), rg("e1-only", 0, 0, 0), rg("", 1, 201, 201)}},
		// a restart: the same version before and after; no window
		{Member: "e1", Step: "step-3.3", From: "v2", To: "v2", AtMS: 5210,
			StopToExitedMS: 10, ExitedToStartedMS: 10, StartedToHealthyMS: 70, StopToHealthyMS: 90,
			Groups: []result.RestartGroup{rg("all", 0, 0, 0), rg("e1-only", 0, 0, 0), rg("", 0, 0, 0)}},
		// no step replaced it: its windows cannot be told, so -1
		{Member: "e3", AtMS: 6000,
			StopToExitedMS: 100, ExitedToStartedMS: -1, StartedToHealthyMS: -1, StopToHealthyMS: -1,
			MaxWindowMS: -1, P99WindowMS: -1,
			Groups: []result.RestartGroup{rg("all", 0, -1, -1), rg("e1-only", 0, -1, -1), rg("", 0, -1, -1)}},
	}
	if len(res.Restarts) != len(want) {
		t.Fatalf("%d restarts, want %d: %+v", len(res.Restarts), len(want), res.Restarts)
	}
	for i := range want {
		got := res.Restarts[i]
		for _, f := range []*float64{&got.AtMS, &got.StopToExitedMS, &got.ExitedToStartedMS, &got.StartedToHealthyMS, &got.StopToHealthyMS} {
			*f = round(*f)
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("restart %d:\n got %+v\nwant %+v", i, got, want[i])
		}
	}
}

// How the phase events of one member become replacements.
func TestReplacements(t *testing.T) {
	step := func(id string, from, to int, targets ...string) timeline.Event {
		return timeline.Event{ID: id, Kind: timeline.KindStep, Start: gat(from), End: gat(to), Targets: targets}
	}
	for _, tc := range []struct {
		name   string
		events []timeline.Event
		want   []string // member@step: stop->healthy ms, one per replacement
	}{
		{"one, complete", []timeline.Event{step("step-1", 0, 100, "m"),
			phase("p1", "m", timeline.PhaseStop, 10), phase("p2", "m", timeline.PhaseExited, 20),
			phase("p3", "m", timeline.PhaseStarted, 30), phase("p4", "m", timeline.PhaseReady, 40)},
			[]string{"m@step-1 at 10: 10 10 10 30"}},
		{"a ready alone is none", []timeline.Event{phase("p1", "m", timeline.PhaseReady, 10)}, nil},
		{"a stop after a ready begins the next",
			[]timeline.Event{phase("p1", "m", timeline.PhaseStop, 10), phase("p2", "m", timeline.PhaseReady, 40),
				phase("p3", "m", timeline.PhaseStop, 50), phase("p4", "m", timeline.PhaseStarted, 60)},
			[]string{"m@ at 10: -1 -1 -1 30", "m@ at 50: -1 -1 -1 -1"}},
		{"members apart, in order of their first phase",
			[]timeline.Event{phase("p1", "b", timeline.PhaseStop, 10), phase("p2", "a", timeline.PhaseStop, 15),
				phase("p3", "b", timeline.PhaseReady, 20), phase("p4", "a", timeline.PhaseReady, 30)},
			[]string{"b@ at 10: -1 -1 -1 10", "a@ at 15: -1 -1 -1 15"}},
		{"the innermost step naming the member",
			[]timeline.Event{step("step-2", 0, 1000, "m", "n"), step("step-2.1", 5, 100, "m"), step("step-2.2", 5, 100, "n"),
				phase("p1", "m", timeline.PhaseStop, 10), phase("p2", "m", timeline.PhaseReady, 50)},
			[]string{"m@step-2.1 at 10: -1 -1 -1 40"}},
		{"a step's phase reported just after it ended (within the tolerance)",
			[]timeline.Event{step("step-1", 0, 100, "m"), phase("p1", "m", timeline.PhaseStop, 10), phase("p2", "m", timeline.PhaseReady, 120)},
			[]string{"m@step-1 at 10: -1 -1 -1 110"}},
		{"a step that does not name the member is not its",
			[]timeline.Event{step("step-1", 0, 100, "n"), phase("p1", "m", timeline.PhaseStop, 10)},
			[]string{"m@ at 10: -1 -1 -1 -1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := func(ns int64) float64 { return float64(ns-g0.UnixNano()) / 1e6 }
			var got []string
			for _, r := range restarts(tc.events, nil, nil, nil, nil, 250*time.Millisecond, ms) {
				got = append(got, fmtRestart(r))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func fmtRestart(r result.MemberRestart) string {
	return fmt.Sprintf("%s@%s at %g: %g %g %g %g", r.Member, r.Step, round(r.AtMS),
		round(r.StopToExitedMS), round(r.ExitedToStartedMS), round(r.StartedToHealthyMS), round(r.StopToHealthyMS))
}

// round is ms to the µs: times are floats of ns differences.
func round(ms float64) float64 { return math.Round(ms*1000) / 1000 }

func TestArrow(t *testing.T) {
	for desc, want := range map[string][2]string{
		"upgrade e1 v1 -> v2 by replacing its node":         {"v1", "v2"},
		"rolling upgrade 2.10.1 → 2.11.0, of e1, e2":        {"2.10.1", "2.11.0"},
		"rolling upgrade v1 -> v2, of e1, e2, e3, 5s apart": {"v1", "v2"},
		"restart e1":          {"", ""},
		"downgrade kv v2->v1": {"v2", "v1"},
	} {
		if f, to := arrow(desc); f != want[0] || to != want[1] {
			t.Errorf("arrow(%q) = %q, %q; want %q, %q", desc, f, to, want[0], want[1])
		}
	}
}
