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
	}
	for name, c := range configs {
		for _, seed := range []int64{1, 7, 42} {
			t.Run(fmt.Sprintf("%s-seed-%d", name, seed), func(t *testing.T) {
				s := plan.Declare("seeded "+name+" plan", nil, seed, func(s *plan.S) {
					var svc *plan.Service
					if c.Standby {
						svc = s.Standby(c.Service, c.Versions[0], c.Versions[0])
					} else {
						svc = s.Overlord(c.Service, c.Versions[0])
					}
					s.Clients(4, svc)
					steps, _ := Plan(rand.New(rand.NewPCG(uint64(seed), 7)), c)
					s.Step(steps...)
				})
				got := strings.Join(plan.Build(s).Lines(), "\n") + "\n"
				golden := filepath.Join("testdata", fmt.Sprintf("%s-seed-%d.golden", name, seed))
				if *update {
					if err := os.MkdirAll("testdata", 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./framework/planner -update to create it)", err)
				}
				if got != string(want) {
					t.Fatalf("the plan of seed %d differs from %s (run with -update if intended):\n%s", seed, golden, got)
				}
			})
		}
	}
}
