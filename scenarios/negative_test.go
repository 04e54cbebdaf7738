package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/upgrade"
)

// Negative controls. Each injects a real defect into the reference system
// and must FAIL, for the reason named in NegativeControls (controls_test.go
// runs them and checks). A negative control that passes is a bug in hatest.
// They carry the label "negative" and are left out of a run that names no
// label filter.

// A botched release: v2-crash exits during start-up; the overlord tries it
// a few times, raises an alarm and rolls back to v1.
var _ = scenario.It("negative: crash build is rolled back", Label("negative", "upgrade"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1", scenario.OverlordFlags("-max-attempts", "2"))
	s.Clients(2, svc)
	s.Step(upgrade.ViaOverlord("driver", "v1", "v2-crash"))
	s.Expect(check.MaxOutageBelow(2*time.Second), check.LastServedBy("v2-crash"))
})

// Version skew: v3 speaks an incompatible protocol, and v1 clients are
// refused at the handshake.
var _ = scenario.It("negative: incompatible protocol v3 refuses v1 clients", Label("negative", "skew"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v2")
	s.Clients(2, svc)
	s.Step(upgrade.ViaOverlord("driver", "v2", "v3"))
	s.Expect(check.OutageEnds(), check.LastServedBy("v3"))
})

// v2-amnesia starts without its predecessor's state: acknowledged writes
// vanish, and only the read-back finds out.
var _ = scenario.It("negative: amnesia build loses acknowledged writes", Label("negative", "upgrade"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc)
	s.Step(upgrade.ViaOverlord("driver", "v1", "v2-amnesia"))
	s.Expect(check.NoLostWrites())
})

// v2-slow takes 3 s before it accepts connections: up eventually, but
// over the 2 s budget.
var _ = scenario.It("negative: slow-start build is over budget", Label("negative", "upgrade"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc)
	s.Step(upgrade.ViaOverlord("driver", "v1", "v2-slow"))
	s.Expect(check.MaxOutageBelow(2 * time.Second))
})

// The client bug: a naive client never reconnects after the upgrade
// breaks its connection, so its outage never ends.
var _ = scenario.It("negative: naive client never recovers", Label("negative", "client"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc, scenario.Naive())
	s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
	s.Expect(check.OutageEnds())
})

// Split brain: the secondary is the v2-rogue build, which replicates but
// takes writes as a primary. When half the connections to the real primary
// are reset, clients fall over to it and it accepts them: two primaries
// acknowledge writes at once, and the split-brain check names both. The
// sound twin is "flaky client link to a standby pair keeps one primary".
var _ = scenario.It("negative: rogue secondary causes split brain", Label("negative", "standby"), func(s *scenario.S) {
	svc := s.Standby("driver", "v1", "v2-rogue")
	s.Clients(4, svc)
	s.Step(fault.For(fault.ResetPeer("driver", 0).Toxicity(0.5), 2*time.Second).Expected())
	s.Expect(check.NoSplitBrain())
})
