package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/planner"
	"github.com/hatest/hatest/framework/scenario"
)

// A plan drawn from the seed: the upgrade path (with a downgrade rehearsal
// now and then), the faults and where they go. `hatest plan` shows it
// before it runs; the replay command in the report reruns the same plan.
var _ = scenario.It("seeded random upgrade plan", Label("gate", "upgrade", "random"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(4, svc)
	steps, final := planner.For(s, planner.Config{
		Service: "driver", Versions: []string{"v1", "v2"}, Rehearse: true, MaxFaults: 2,
	})
	s.Step(steps...)
	s.Expect(
		check.MaxOutageBelow(2*time.Second),
		check.OutageEnds(),
		check.NoLostWrites(),
		check.LastServedBy(final),
	)
})

// The same on a standby pair: switchovers along a seeded path, with faults
// on the client links and the replication link where the rules allow.
var _ = scenario.It("seeded random switchover plan", Label("upgrade", "standby", "random"), func(s *scenario.S) {
	svc := s.Standby("driver", "v1", "v1")
	s.Clients(4, svc)
	steps, final := planner.For(s, planner.Config{
		Service: "driver", Versions: []string{"v1", "v2"}, Standby: true, MaxFaults: 3,
	})
	s.Step(steps...)
	s.Expect(
		check.MaxOutageBelow(2*time.Second),
		check.OutageEnds(),
		check.NoLostWrites(),
		check.NoSplitBrain(),
		check.LastServedBy(final),
	)
})
