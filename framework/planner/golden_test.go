package planner

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/step"
)

var update = flag.Bool("update", false, "rewrite the golden plan trees")

// The numbered plan trees that seeds draw, as `hatest plan` prints them,
// kept as golden files: a change to the planner's rules or to its use of
// the seed shows up as a diff here. Run go test ./framework/planner
// -update to accept one.
func TestGoldenPlans(t *testing.T) {
	configs := map[string]Config{
		"single":  {Service: "driver", Versions: []string{"v1", "v2", "v3"}, SkipHops: true, Rehearse: true},
		"standby": {Service: "driver", Versions: []string{"v1", "v2", "v3"}, Standby: true, MaxFaults: 3},
		// 7 members: a rehearsal is 42 steps and more, over the
		// default bound; these goldens keep the drawn rules in view.
		"cluster": {Cluster: "kv", Members: []string{"e1", "e2", "e3", "e4", "e5", "e6", "e7"}, Versions: []string{"v1", "v2", "v3"}, Rehearse: true, MaxFaults: 3, MaxSteps: 100},
	}
	for name, c := range configs {
		for _, seed := range []int64{1, 7, 42} {
			t.Run(fmt.Sprintf("%s-seed-%d", name, seed), func(t *testing.T) {
				steps, _ := Plan(rand.New(rand.NewPCG(uint64(seed), 7)), c)
				golden(t, fmt.Sprintf("%s-seed-%d.golden", name, seed), "seeded "+name+" plan", seed, c, c.Versions[0], steps)
			})
		}
	}
}

// golden declares c's topology at version start with 4 clients, adds
// steps, and compares the numbered tree with testdata/file.
func golden(t *testing.T, file, title string, seed int64, c Config, start string, steps []step.Step) {
	t.Helper()
	s := plan.Declare(title, nil, seed, func(s *plan.S) {
		var svc *plan.Service
		switch {
		case c.Cluster != "":
			svc = s.Cluster(c.Cluster, c.Members, start, runtime.Software{Name: "kv"}, plan.Port("9000")).All()
		case c.Standby:
			svc = s.Standby(c.Service, start, start)
		default:
			svc = s.Overlord(c.Service, start)
		}
		s.Clients(4, svc)
		s.Step(steps...)
	})
	got := strings.Join(plan.Build(s).Lines(), "\n") + "\n"
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./framework/planner -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("the plan of seed %d differs from %s (run with -update if intended):\n%s", seed, path, got)
	}
}
