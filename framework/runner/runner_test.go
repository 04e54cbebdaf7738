package runner_test

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/runner"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

// The runner runs a plan on a real runtime (local processes of the
// reference system) without Ginkgo, and records each leaf step under the
// ID the plan gave it, with its targets, beside the clients' op logs and
// the version lane's raw events.
func TestRunPlan(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var up *plan.Handle
	p := plan.Build(plan.Declare("runner test", nil, 1, func(s *plan.S) {
		s.Clients(2, s.Overlord("driver", "v1"))
		s.Warmup(300 * time.Millisecond)
		s.Settle(300 * time.Millisecond)
		up = plan.Track(upgrade.ViaOverlord("driver", "v1", "v2"))
		s.Step(step.Sequence(step.Wait(100*time.Millisecond), up))
	}))
	rt, err := process.New(ctx)
	if rt != nil {
		defer rt.Close(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
	r := runner.New(p, rt, time.Now(), io.Discard, io.Discard)
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Steps(ctx); err != nil {
		t.Fatal(err)
	}
	rec, err := r.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}

	ids := map[string][]string{}
	for _, e := range rec.Events {
		if e.Kind != "system" {
			ids[e.ID] = e.Targets
		}
	}
	for _, id := range []string{"step-2", "step-3.1", "step-3.2", "step-4"} {
		if _, ok := ids[id]; !ok {
			t.Errorf("no event %s on the timeline: %v", id, ids)
		}
	}
	if !slices.Equal(ids["step-3.2"], []string{"driver"}) || !slices.Equal(up.StepIDs(), []string{"step-3.2"}) {
		t.Errorf("the upgrade: event targets %v, handle %v; want [driver], [step-3.2]", ids["step-3.2"], up.StepIDs())
	}
	if _, group := ids["step-3"]; group {
		t.Error("a group step is an event of its own; only its children should be")
	}
	if len(rec.Clients) != 2 {
		t.Fatalf("%d clients recorded, want 2", len(rec.Clients))
	}
	for _, c := range rec.Clients {
		if c.Service != "driver" || !slices.Equal(c.Path, []string{"driver"}) || len(c.Records) < 50 {
			t.Errorf("client %s: service %q path %v, %d records", c.Name, c.Service, c.Path, len(c.Records))
		}
	}
	var versions []string
	for _, l := range rec.Lifecycle {
		if l.Node == "driver/primary" {
			versions = append(versions, l.Version)
		}
	}
	if !slices.Contains(versions, "v1") || !slices.Contains(versions, "v2") {
		t.Errorf("lifecycle of driver/primary has versions %v; want v1 then v2", versions)
	}
	if !rec.Start.After(rec.Begun) || !rec.End.After(rec.Start) {
		t.Errorf("times: begun %v, start %v, end %v", rec.Begun, rec.Start, rec.End)
	}
}

// Two client groups of one name would share client names and be judged as
// one: the runner refuses them before it starts anything.
func TestGroupNamedTwice(t *testing.T) {
	ctx := context.Background()
	p := plan.Build(plan.Declare("groups", nil, 1, func(s *plan.S) {
		svc := s.Overlord("driver", "v1")
		s.Clients(1, svc, plan.Named("x"))
		s.Clients(1, svc, plan.Named("x"))
	}))
	rt, err := process.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	r := runner.New(p, rt, time.Now(), io.Discard, io.Discard)
	if err := r.Start(ctx); err == nil || err.Error() != `start the topology: two client groups are named "x": give each group its own name` {
		t.Fatalf("Start: %v", err)
	}
	if n := len(r.System().Nodes()); n != 0 {
		t.Fatalf("%d nodes started before the refusal", n)
	}
	// A group name its clients cannot carry is refused the same way.
	p = plan.Build(plan.Declare("groups", nil, 1, func(s *plan.S) {
		s.Clients(1, s.Overlord("driver", "v1"), plan.Named("all clients"))
	}))
	r = runner.New(p, rt, time.Now(), io.Discard, io.Discard)
	if err := r.Start(ctx); err == nil || !strings.Contains(err.Error(), `client group "all clients": name it with letters`) {
		t.Fatalf("Start: %v", err)
	}
}
