package runner_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/runner"
	"github.com/hatest/hatest/framework/runtime"
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
		if _, n := c.Lines(); c.Service != "driver" || !slices.Equal(c.Path, []string{"driver"}) || n < 50 {
			t.Errorf("client %s: service %q path %v, %d records", c.Name, c.Service, c.Path, n)
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

// A fault below the proxy that names what the topology lacks, or that the
// runtime cannot do, is refused before anything starts, wherever it
// stands in the plan; the checks come first, bad input being bad on
// every runtime.
func TestRefuseFaults(t *testing.T) {
	ctx := context.Background()
	rt, err := process.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	tests := []struct {
		name  string
		steps func(s *plan.S)
		want  string
	}{
		{"a stranger, in a group", func(s *plan.S) {
			s.Step(step.Concurrently(step.Wait(time.Second), step.Sequence(fault.For(fault.Isolate("kv", "e4"), time.Second))))
		}, "start the topology: partition e4 from the other members of cluster kv: e4 is not a member of cluster kv (members: e1, e2, e3)"},
		{"a loss out of range, tracked", func(s *plan.S) {
			s.Step(step.Concurrently(plan.Track(fault.For(fault.Loss("e1", 150), time.Second))))
		}, "start the topology: drop 150% of the packets e1 sends: loss of 150%: give a percentage above 0 and at most 100"},
		{"a ring too small", func(s *plan.S) {
			s.Cluster("two", []string{"t1", "t2"}, "v1", runtime.Software{}, plan.Port("9000"))
			s.Step(fault.For(fault.Ring("two"), time.Second))
		}, "start the topology: partition cluster two into a ring, each member reaching only its two neighbours: cluster two has 2 members (t1, t2); a ring needs at least 4"},
		{"no quorum", func(s *plan.S) {
			s.Cluster("two", []string{"t1", "t2"}, "v1", runtime.Software{}, plan.Port("9000"))
			s.Step(fault.For(fault.Partition([]string{"e1"}, []string{"e2", "e3"}), time.Second),
				fault.For(fault.Bridge("kv", "e2").OneWay(), time.Second),
				fault.For(fault.Isolate("two", "t1").WithoutQuorum(), time.Second),
				fault.For(fault.Partition([]string{"t1", "e1"}, []string{"t2"}).OneWay(), time.Second))
		}, "start the topology: partition t1, e1 from t2 (one way) leaves no quorum of t1 t2" +
			" (no member reaches a majority); call WithoutQuorum() if that is what the scenario tests"},
		{"the process runtime", func(s *plan.S) {
			s.Step(fault.For(fault.Down("kv"), time.Second), fault.For(fault.Partition([]string{"e1"}, []string{"e2", "e3"}), time.Second))
		}, "start the topology: partition e1 from e2, e3 needs the Docker runtime: the process runtime has no network of a member's own to cut (run with --runtime docker)"},
	}
	for _, tt := range tests {
		p := plan.Build(plan.Declare(tt.name, nil, 1, func(s *plan.S) {
			s.Cluster("kv", []string{"e1", "e2", "e3"}, "v1", runtime.Software{}, plan.Port("9000"))
			tt.steps(s)
		}))
		r := runner.New(p, rt, time.Now(), io.Discard, io.Discard)
		err := r.Start(ctx)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		}
		if errors.Is(err, runtime.ErrUnsupported) != strings.Contains(tt.want, "Docker") {
			t.Errorf("%s: wraps ErrUnsupported %v", tt.name, errors.Is(err, runtime.ErrUnsupported))
		}
		if n := len(r.System().Nodes()); n != 0 {
			t.Errorf("%s: %d nodes started before the refusal", tt.name, n)
		}
	}
}

// netem is the process runtime with a machine that has no sch_netem: it
// applies no fault below the proxy, and says so when asked.
type netem struct {
	runtime.Runtime
	probed []runtime.NetKind
	ready  []string
}

func (n *netem) NetReady(_ context.Context, nodes ...string) error {
	n.ready = append(n.ready, nodes...)
	return nil
}

func (n *netem) NetFault(context.Context, string, runtime.NetFault) (runtime.Applied, error) {
	return runtime.Applied{}, errors.New("netem runtime: applies nothing")
}

func (n *netem) NetProbe(_ context.Context, k runtime.NetKind) error {
	n.probed = append(n.probed, k)
	if k.Netem() {
		return fmt.Errorf("this kernel has no sch_netem (tc qdisc kind netem is unknown): %w", runtime.ErrUnsupported)
	}
	return nil
}

// A fault that needs sch_netem on a machine without it fails the start
// before anything starts, in the probe's one line; the probe is asked
// once a kind, for the netem kinds alone.
func TestProbeNetem(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := plan.Build(plan.Declare("netem", nil, 1, func(s *plan.S) {
		s.Clients(1, s.Overlord("driver", "v1"))
		s.Step(fault.For(fault.Loss("driver", 10), time.Second),
			step.Concurrently(fault.For(fault.Duplicate("driver", 5), time.Second), fault.For(fault.Delay("driver", time.Millisecond, 0), time.Second)),
			fault.For(fault.Delay("driver", 2*time.Millisecond, 0), time.Second))
	}))
	prt, err := process.New(ctx)
	if prt != nil {
		defer prt.Close(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
	rt := &netem{Runtime: prt}
	r := runner.New(p, rt, time.Now(), io.Discard, io.Discard)
	err = r.Start(ctx)
	want := "start the topology: duplicate 5% of the packets driver sends: this kernel has no sch_netem (tc qdisc kind netem is unknown): not supported here"
	if err == nil || err.Error() != want || !errors.Is(err, runtime.ErrUnsupported) {
		t.Fatalf("Start: %v\nwant %s", err, want)
	}
	if !slices.Equal(rt.probed, []runtime.NetKind{runtime.NetDuplicate}) {
		t.Errorf("probed %v, want [duplicate]: the first netem kind, then stop", rt.probed)
	}
	if len(r.System().Nodes()) != 0 || len(r.System().Clients()) != 0 {
		t.Errorf("%d nodes and %d clients started; want nothing started", len(r.System().Nodes()), len(r.System().Clients()))
	}
}

// A plan with faults below the proxy has every node, and toxiproxy, made
// ready for them once the topology is up, before the first client: the
// first fault must not wait for a sidecar. A plan without has none.
func TestNetReady(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    step.Step
		want []string
	}{
		{"below", fault.For(fault.Loss("driver", 10), time.Second), []string{runtime.ProxyHost, "driver"}},
		{"above", fault.For(fault.Down("driver"), time.Second), nil},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		p := plan.Build(plan.Declare(tt.name, nil, 1, func(s *plan.S) {
			s.Clients(1, s.Overlord("driver", "v1"))
			s.Step(tt.f)
		}))
		prt, err := process.New(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rt := &netem{Runtime: prt}
		r := runner.New(p, rt, time.Now(), io.Discard, io.Discard)
		err = r.Start(ctx)
		prt.Close(context.Background())
		cancel()
		if err != nil {
			t.Fatalf("%s: Start: %v", tt.name, err)
		}
		if !slices.Equal(rt.ready, tt.want) {
			t.Errorf("%s: made ready %q, want %q", tt.name, rt.ready, tt.want)
		}
	}
}
