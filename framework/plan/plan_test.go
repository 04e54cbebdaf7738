package plan

import (
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

var update = flag.Bool("update", false, "rewrite the golden files")

type testStep struct {
	desc   string
	expect bool
}

func (s testStep) Description() string                       { return s.desc }
func (s testStep) Run(context.Context, *system.System) error { return nil }
func (s testStep) Meta() step.Meta                           { return step.Meta{ExpectsOutage: s.expect} }

// The plan of a declared scenario, as `hatest plan` prints it.
func TestPlanGolden(t *testing.T) {
	s := Declare("upgrade under a slow link", []string{"gate"}, 42, func(s *S) {
		svc := s.Overlord("driver", "v1")
		s.Standby("pair", "v1", "v2")
		s.Clients(4, svc)
		s.Clients(2, svc, ClientVersion("v2"), Naive(), Every(2*time.Millisecond))
		s.Step(
			step.Wait(500*time.Millisecond),
			step.Concurrently(
				testStep{"latency 50ms on link driver", false},
				step.Sequence(step.Wait(time.Second), testStep{"upgrade driver v1 -> v2", true}),
			),
		)
	})
	got := strings.Join(Build(s).Lines(), "\n") + "\n"
	golden := filepath.Join("testdata", "plan.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./framework/plan -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("plan differs from %s (run with -update if intended):\n%s", golden, got)
	}
}

func TestSameSeedSamePlan(t *testing.T) {
	body := func(s *S) {
		s.Overlord("driver", "v1")
		s.Step(step.Wait(time.Duration(s.Rand().IntN(1000)) * time.Millisecond))
	}
	first := strings.Join(Build(Declare("random", nil, 7, body)).Lines(), "\n")
	for range 50 {
		if again := strings.Join(Build(Declare("random", nil, 7, body)).Lines(), "\n"); again != first {
			t.Fatalf("seed 7 gave two plans:\n%s\n---\n%s", first, again)
		}
	}
	if other := strings.Join(Build(Declare("random", nil, 8, body)).Lines(), "\n"); other == first {
		t.Fatalf("seeds 7 and 8 gave the same plan")
	}
}

// A suite's client defaults come before each Clients call's own options:
// a group that sets its own schedule keeps it, the others take the
// default, and groups declared before the defaults are not touched.
func TestClientDefaults(t *testing.T) {
	s := Declare("defaults", nil, 1, func(s *S) {
		svc := s.Overlord("driver", "v1")
		s.Clients(1, svc, Named("before"))
		s.ClientDefaults(Every(20 * time.Millisecond))
		s.Clients(1, svc, Named("suite"))
		s.Clients(1, svc, Named("own"), Every(7*time.Millisecond))
	})
	got := map[string]time.Duration{}
	for _, c := range Build(s).Clients {
		got[c.Spec.Group] = c.Spec.Interval
	}
	want := map[string]time.Duration{"before": 0, "suite": 20 * time.Millisecond, "own": 7 * time.Millisecond}
	if !maps.Equal(got, want) {
		t.Fatalf("intervals %v, want %v", got, want)
	}
}
