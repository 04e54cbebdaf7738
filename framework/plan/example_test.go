package plan_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

// A declaration becomes a plan with every step numbered once; a handle
// finds its step wherever it ended up.
func Example() {
	var up *plan.Handle
	s := plan.Declare("upgrade under latency", nil, 42, func(s *plan.S) {
		svc := s.Overlord("driver", "v1")
		s.Clients(4, svc)
		up = plan.Track(upgrade.ViaOverlord("driver", "v1", "v2"))
		s.Step(step.Concurrently(fault.For(fault.Latency("driver", 50*time.Millisecond, 0), 3*time.Second), up))
		s.Expect(check.ForStep(up).MaxOutageBelow(2 * time.Second))
	})
	p := plan.Build(s)
	fmt.Println(strings.Join(p.Lines(), "\n"))
	fmt.Println("the upgrade is", up.StepIDs())
	// Output:
	// upgrade under latency (seed 42)
	// 1. start the topology
	//    1.1 overlord "driver" running driver v1, behind proxy "driver"
	//    1.2 4 recovering clients (v1) -> driver, one op every 5ms
	// 2. warm up for 1s
	// 3. concurrently, 2 branches:
	//    3.1 [fault] fault: latency 50ms on link driver (downstream) for 3s
	//    3.2 upgrade driver v1 -> v2 via overlord (kill and restart)  (expects an outage)
	// 4. settle for 1s
	// 5. stop the clients; each reads back the writes it saw acknowledged
	// 6. check
	//    6.1 step-3.2: max outage ≤ 2000ms
	// the upgrade is [step-3.2]
}
