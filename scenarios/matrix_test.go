package scenarios_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/planner"
	"github.com/hatest/hatest/framework/scenario"
)

// The version matrix (planner.Matrix) on the reference system, one
// scenario per entry, each named for its entry. The sound builds are v1,
// v2 and v3, but v3 speaks protocol 2 and the v1 and v2 clients fail its
// handshake, so no client could follow an upgrade to it: the matrix runs
// on v1 and v2. That gives N-1 -> N and the downgrade rehearsal; N-2 -> N
// needs three versions and is left out (its plan is in the planner's
// golden files). A single overlord service has no rollback of its own
// (it would be the rehearsal), so the rollback at 50 % runs on a standby
// pair: its secondary is upgraded, rolled back, and the pair upgraded.
// Waits and at most one fault come from the seed, as in the seeded
// random plans.
var matrixVersions = []string{"v1", "v2"}

// matrixEntry is the entry of c's matrix called name: a name it does not
// have fails the scenario's declaration.
func matrixEntry(c planner.Config, name string) planner.Entry {
	for _, e := range planner.Matrix(c) {
		if e.Name == name {
			return e
		}
	}
	panic(fmt.Sprintf("the version matrix of %v has no entry %q", c.Versions, name))
}

// onOverlord runs the entry called name on the overlord service.
func onOverlord(name string) func(*scenario.S) {
	return func(s *scenario.S) {
		e := matrixEntry(planner.Config{Service: "driver", Versions: matrixVersions, MaxFaults: 1}, name)
		svc := s.Overlord("driver", e.Start)
		s.Clients(4, svc)
		steps, final := e.For(s)
		s.Step(steps...)
		s.Expect(
			check.MaxOutageBelow(3*time.Second),
			check.OutageEnds(),
			check.NoLostWrites(),
			check.LastServedBy(final),
		)
	}
}

var _ = scenario.It("matrix: N-1 -> N on the overlord", Label("upgrade", "random"), onOverlord("N-1 -> N"))

var _ = scenario.It("matrix: downgrade rehearsal on the overlord", Label("upgrade", "random"), onOverlord("downgrade rehearsal"))

var _ = scenario.It("matrix: rollback at 50% on a standby pair", Label("upgrade", "standby", "random"), func(s *scenario.S) {
	e := matrixEntry(planner.Config{Service: "driver", Versions: matrixVersions, Standby: true, MaxFaults: 1}, "rollback at 50%")
	svc := s.Standby("driver", e.Start, e.Start)
	s.Clients(4, svc)
	steps, final := e.For(s)
	s.Step(steps...)
	s.Expect(
		check.MaxOutageBelow(3*time.Second),
		check.OutageEnds(),
		check.NoLostWrites(),
		check.NoSplitBrain(),
		check.LastServedBy(final),
	)
})
