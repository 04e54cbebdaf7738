package shrink_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/planner"
	"github.com/hatest/hatest/framework/scenario"
)

// TestShrink runs the suite; hatest run and hatest shrink compile this
// package and run it.
func TestShrink(t *testing.T) { scenario.RunSuite(t, "shrink target") }

// lazyKilled is a scenario whose plan is drawn on the given path, from
// v1, with up to maxFaults faults and skip hops allowed (so that v1 ->
// v2-lazy is a plan of it too). Its clients probe every 20 ms: no finer
// measure is needed to lose writes, and a busy two-core machine keeps up
// with it. Short warm-up and settle: shrink runs it some twenty times.
func lazyKilled(versions []string, maxFaults int) func(*scenario.S) {
	return func(s *scenario.S) {
		s.Warmup(300 * time.Millisecond)
		s.Settle(300 * time.Millisecond)
		svc := s.Overlord("driver", "v1")
		s.Clients(2, svc, scenario.Every(20*time.Millisecond))
		steps, final := planner.For(s, planner.Config{
			Service: "driver", Versions: versions, SkipHops: true, Rehearse: true, MaxFaults: maxFaults,
		})
		s.Step(steps...)
		s.Expect(
			check.MaxOutageBelow(3*time.Second),
			check.OutageEnds(),
			check.NoLostWrites(),
			check.LastServedBy(final),
		)
	}
}

var _ = scenario.It("lazy build killed", Label("negative", "shrink"), lazyKilled([]string{"v1", "v2", "v2-lazy"}, 5))

// The same defect in a plan of 30 steps: the path passes through two v2
// builds whose flaws a single overlord never meets (wire's and enum's are
// replication's) before v2-lazy. Seed 1278 draws 15 items; the culprits
// are items 14 and 15, and kills 8 and 10 hit sound builds. It is the
// measurement of docs/shrinking.md, not a test: shrinking it takes
// minutes. (v2-strictlog is left out: with it on the path, shrink found
// that the upgrade to it alone loses the keys v1 wrote empty, which is
// its own negative control's bug.)
var _ = scenario.It("lazy build killed, long plan", Label("negative", "shrink", "long"),
	lazyKilled([]string{"v1", "v2", "v2-wire", "v2-enum", "v2-lazy"}, 10))
