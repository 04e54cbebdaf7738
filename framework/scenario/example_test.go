package scenario_test

import (
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/upgrade"
)

// A scenario, as a suite file declares it at package level. (Compiled,
// not run: it is a Ginkgo spec.)
func Example() {
	_ = scenario.It("overlord upgrade v1 to v2", ginkgo.Label("gate"), func(s *scenario.S) {
		svc := s.Overlord("driver", "v1")
		s.Clients(4, svc)
		up := s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
		s.Expect(
			check.MaxOutageBelow(2*time.Second),
			check.ForStep(up).MaxOutageBelow(time.Second),
			check.LastServedBy("v2"),
			check.NoLostWrites(),
		)
	})
}
