package scenarios_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/scenario"
)

// The skew matrix: every client version against every driver version.
// v1 and v2 speak protocol 1, v3 speaks protocol 2. A compatible pair must
// simply work; an incompatible pair must be refused at the handshake,
// every time, with the incompatibility named: that is its expected result.
var skew = []struct {
	client, driver string
	works          bool
}{
	{"v1", "v1", true}, {"v1", "v2", true}, {"v1", "v3", false},
	{"v2", "v1", true}, {"v2", "v2", true}, {"v2", "v3", false},
	{"v3", "v1", false}, {"v3", "v2", false}, {"v3", "v3", true},
}

var _ = func() bool {
	for _, p := range skew {
		name := fmt.Sprintf("skew: client %s with driver %s", p.client, p.driver)
		scenario.It(name, Label("skew"), func(s *scenario.S) {
			svc := s.Overlord("driver", p.driver)
			s.Clients(2, svc, scenario.ClientVersion(p.client))
			s.Warmup(200 * time.Millisecond)
			s.Step(scenario.Wait(time.Second))
			if p.works {
				s.Expect(check.ErrorRateBelow(0.01), check.NoLostWrites(), check.LastServedBy(p.driver))
			} else {
				s.Expect(check.RefusedWith("incompatible protocol"))
			}
		})
	}
	return true
}()
