package scenarios_test

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/scenario"
)

// hatest measuring itself: a partition of known length on the client link,
// through the real toxiproxy. Every client must see exactly one outage on
// its reused connection, attributed to the fault (plan step 3), as long as
// the partition within a generous bound; and every op each client says it
// sent must be in the record (the built-in op-log check), op for op.
var _ = scenario.It("partition is found, attributed and reconciled", Label("gate", "measurement"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(4, svc)
	s.Step(fault.For(fault.Down("driver"), 600*time.Millisecond).Expected())
	s.Expect(
		foundAndAttributed{fault: "fault-3", hold: 600 * time.Millisecond, clients: 4},
		check.NoLostWrites(),
		check.OutageEnds(),
	)
})

// foundAndAttributed is a matcher local to this scenario.
type foundAndAttributed struct {
	fault   string
	hold    time.Duration
	clients int
}

func (m foundAndAttributed) String() string {
	return fmt.Sprintf("every client sees the %s partition once, attributed to it", m.hold)
}

func (m foundAndAttributed) Match(actual any) (bool, error) {
	s := actual.(*result.Scenario)
	var problems []string
	per := map[string]int{}
	hold := float64(m.hold.Milliseconds())
	every := map[string]float64{}
	for _, c := range s.Clients {
		every[c.Name] = c.Schedule.IntervalMS
	}
	for _, w := range s.Windows {
		if w.Class == "new" {
			continue // sampled every 50 ms; the reused connection is the precise probe
		}
		if len(w.Causes) == 0 || w.Causes[0] != m.fault {
			problems = append(problems, fmt.Sprintf("window of %s %s at %.1fms is attributed to %v, not %s", w.Client, w.Class, w.StartMS, w.Causes, m.fault))
			continue
		}
		// A class's ops come every other tick (reads and writes take
		// turns), so its window may start one class interval after the
		// partition and end one before it: at 5 ms that is within the
		// 50 ms allowed, at 20 ms it is up to 80 ms.
		short := max(50, 2*2*every[w.Client]+10)
		if w.DurationMS < hold-short || w.DurationMS > hold+250 {
			problems = append(problems, fmt.Sprintf("window of %s %s is %.1fms long for a %.0fms partition", w.Client, w.Class, w.DurationMS, hold))
		}
		per[w.Client]++
	}
	if len(per) != m.clients {
		problems = append(problems, fmt.Sprintf("%d of %d clients saw the partition", len(per), m.clients))
	}
	msg := fmt.Sprintf("all %d clients saw the partition, attributed to %s", m.clients, m.fault)
	if len(problems) > 0 {
		msg = strings.Join(problems, "; ")
	}
	s.Assertions = append(s.Assertions, result.Assertion{Name: m.String(), Passed: len(problems) == 0, Message: msg})
	return len(problems) == 0, nil
}

func (m foundAndAttributed) FailureMessage(actual any) string {
	s := actual.(*result.Scenario)
	return s.Assertions[len(s.Assertions)-1].Message
}

func (m foundAndAttributed) NegatedFailureMessage(any) string { return "the partition was found" }
