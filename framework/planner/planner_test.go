package planner

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/step"
)

func describe(steps []step.Step) string {
	var b strings.Builder
	var walk func(indent string, st step.Step)
	walk = func(indent string, st step.Step) {
		b.WriteString(indent + st.Description() + "\n")
		for _, ch := range st.Meta().Children {
			walk(indent+"  ", ch)
		}
	}
	for _, st := range steps {
		walk("", st)
	}
	return b.String()
}

func drawn(seed uint64, c Config) (string, string) {
	steps, final := Plan(rand.New(rand.NewPCG(seed, 7)), c)
	return describe(steps), final
}

func TestSameSeedSamePlan(t *testing.T) {
	c := Config{Service: "driver", Versions: []string{"v1", "v2", "v3", "v4"}, SkipHops: true, Rehearse: true, MaxFaults: 3}
	first, final := drawn(42, c)
	for range 50 {
		again, f := drawn(42, c)
		if again != first || f != final {
			t.Fatalf("seed 42 gave two plans:\n%s\n---\n%s", first, again)
		}
	}
	if final != "v4" {
		t.Fatalf("the plan ends at %s, want the last version v4", final)
	}
}

func TestDifferentSeedsDifferentPlans(t *testing.T) {
	c := Config{Service: "driver", Versions: []string{"v1", "v2", "v3"}, SkipHops: true, Rehearse: true}
	seen := map[string]bool{}
	for seed := range uint64(20) {
		p, _ := drawn(seed, c)
		seen[p] = true
	}
	if len(seen) < 5 {
		t.Fatalf("20 seeds gave only %d distinct plans", len(seen))
	}
}

func TestPathsClimbAndSkip(t *testing.T) {
	vs := []string{"v1", "v2", "v3", "v4"}
	skipped := false
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		p := Path(r, Config{Versions: vs, SkipHops: true})
		if p[0] != "v1" || p[len(p)-1] != "v4" {
			t.Fatalf("seed %d: path %v does not go from v1 to v4", seed, p)
		}
		for i := 1; i < len(p); i++ {
			if slices.Index(vs, p[i]) <= slices.Index(vs, p[i-1]) {
				t.Fatalf("seed %d: path %v goes down without Rehearse", seed, p)
			}
			if slices.Index(vs, p[i])-slices.Index(vs, p[i-1]) > 1 {
				skipped = true
			}
		}
	}
	if !skipped {
		t.Fatal("200 seeds never skipped a version with SkipHops set")
	}
	p := Path(rand.New(rand.NewPCG(1, 1)), Config{Versions: vs})
	if !slices.Equal(p, vs) {
		t.Fatalf("without SkipHops the path must take every version: %v", p)
	}
}

// The rules: no fault that needs a standby pair on a single service, and
// during an upgrade only faults that leave the process being replaced
// alone. A partition of the replication link during a switchover is
// allowed: it holds up the catch-up, which is the point, and its outage
// is expected.
func TestFaultsOnlyWhereValid(t *testing.T) {
	for seed := range uint64(300) {
		steps, _ := Plan(rand.New(rand.NewPCG(seed, 3)), Config{Service: "driver", Versions: []string{"v1", "v2", "v3"}, MaxFaults: 5})
		text := describe(steps)
		if strings.Contains(text, "secondary") || strings.Contains(text, "replication") {
			t.Fatalf("seed %d: a standby-only fault in a single-service plan:\n%s", seed, text)
		}
		for _, st := range steps {
			for _, ch := range st.Meta().Children {
				d := ch.Description()
				if strings.Contains(d, "SIGKILL") || strings.Contains(d, "SIGSTOP") || strings.Contains(d, "partition link driver ") {
					t.Fatalf("seed %d: process fault or partition during an upgrade: %s", seed, d)
				}
			}
		}
	}
	for _, f := range faults {
		if f.when == During && (strings.Contains(f.name, "SIGKILL") || strings.Contains(f.name, "partition of the client")) {
			t.Errorf("rule %q may not run during an upgrade", f.name)
		}
	}
}
