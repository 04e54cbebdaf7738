package network_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/scenario"
)

// driver is the reference driver alone, at v1: the members of a cluster
// of our own, outside any overlord.
var driver = scenario.GoSoftware("driver", "github.com/hatest/hatest/fixtures/driver", "v1")

// The negative control of a partition: a failover that asks no quorum.
// Two reference drivers form a cluster, p the primary and s its secondary,
// and s promotes itself once it has not reached p for 1 s (-promote-after:
// no quorum, no fencing). One client stands on each side, given only its
// own member, as clients in two zones would be. The members are
// partitioned from each other below the proxy for 2.5 s: s promotes itself
// while p, which nobody told, serves on. Both acknowledge writes as the
// primary at once, and the split-brain check must say so. A partition of
// one of two members leaves no side a quorum, which the fault declares.
var _ = scenario.It("negative: naive failover makes two primaries under a partition", Label("negative", "network"), func(s *scenario.S) {
	pair := s.Cluster("pair", []string{"p", "s"}, "v1", driver,
		scenario.Port("7000"),
		scenario.Args("-name", "${NAME}", "-listen", "${LISTEN:7000}", "-data", "${DATA}",
			"-primary-member", "p", "-replicate-from", "${ADDR:p:7000}", "-promote-after", "1s"),
		scenario.DataDir(),
	)
	s.Clients(1, pair.Member("p"), scenario.Named("p-side"), scenario.Every(probeEvery))
	s.Clients(1, pair.Member("s"), scenario.Named("s-side"), scenario.Every(probeEvery))
	s.Step(fault.For(fault.Partition([]string{"p"}, []string{"s"}).WithoutQuorum(), 2500*time.Millisecond).Expected())
	s.Expect(
		check.NoSplitBrain(),
		check.NoLostWrites(),
	)
})
