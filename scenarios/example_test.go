package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/upgrade"
)

// This scenario is the example at the top of docs/writing-scenarios.md;
// docs_test.go fails if the two drift apart.

// example:begin
var _ = scenario.It("upgrade while a client link is slow", Label("example", "upgrade"), func(s *scenario.S) {
	driver := s.Overlord("driver", "v1") // overlord + driver v1, behind proxy "driver"
	s.Clients(4, driver)                 // 4 clients, one op every 5 ms each

	up := scenario.Track(upgrade.ViaOverlord("driver", "v1", "v2")) // a handle on the upgrade
	s.Step(
		scenario.Wait(500*time.Millisecond),
		scenario.Concurrently(
			fault.For(fault.Latency("driver", 50*time.Millisecond, 10*time.Millisecond), 3*time.Second),
			up,
		),
	)

	s.Expect(
		check.MaxOutageBelow(2*time.Second),             // the worst window, any client
		check.ForStep(up).MaxOutageBelow(2*time.Second), // the upgrade's own windows
		check.NoUnexpectedOutage(),                      // nothing outside a planned step
		check.NoLostWrites(),                            // every acknowledged write is there
		check.LastServedBy("v2"),                        // every client ended on v2
	)
})

// example:end
