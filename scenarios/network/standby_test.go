package network_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/upgrade"
)

// The primary cut off from its secondary during a switchover, below the
// proxy: the replication link's packets are dropped in toxiproxy's own
// network namespace, so toxiproxy keeps both of its connections open and
// sees nothing (scenarios/replication_test.go's "switchover waits out a
// replication partition" closes them instead, with fault.Down).
//
// The switchover demotes the primary and waits for the secondary to catch
// up, which it cannot do until the packets flow again: writes are refused
// from the demotion until then, an outage the switchover and the blackhole
// are both expected to cause. A drop costs more than a closed connection:
// nothing breaks, so nothing reconnects, and the stream resumes only when
// toxiproxy's TCP retransmits what was lost, on its own backoff (200 ms,
// doubling: 0.2, 0.6, 1.4, 3.0 s after the first lost packet). Held for
// 2 s, the blackhole ends between two of those, and the stream resumes
// with the retransmission 3 s after the first loss, about a second after
// the heal. The switchover begins 300 ms into the blackhole, as in its
// twin, so the write outage lasts about 2.9 s, where a closed link costs
// the time to the heal. Nothing acknowledged may be lost, and one primary
// at a time.
var _ = scenario.It("switchover waits out a replication link blackholed below the proxy", Label("network", "standby", "upgrade"), func(s *scenario.S) {
	svc := s.Standby("driver", "v1", "v2")
	s.Clients(2, svc, scenario.Every(probeEvery))
	s.Step(scenario.Concurrently(
		fault.For(fault.Blackhole(system.ReplicationLink("driver")), 2*time.Second).Expected(),
		scenario.Sequence(scenario.Wait(300*time.Millisecond), upgrade.Switchover("driver", "v2")),
	))
	s.Expect(
		check.MaxOutageBelow(4*time.Second),
		check.OutageEnds(),
		check.LastServedBy("v2"),
		check.NoLostWrites(),
		check.NoSplitBrain(),
		check.NoUnexpectedOutage(),
	)
})
