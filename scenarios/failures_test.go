package scenarios_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/upgrade"
)

// The upgrade failures the field sees (Zhang et al., SOSP 2021): data the
// two versions share but read differently, on disk and on the wire; a new
// value reaching old members; a configuration the new version takes
// differently. Each has a reference build (fixtures/README.md) that the
// negative controls below run, each caught by a check that works on any
// system whose clients keep the read-back contract; and each has a sound
// twin that passes the same plan. The clients write every value shape they
// can (plain, empty, unicode, long, number-like, with a newline), and the
// read-back rounds (scenario.ReadBack) read every one of them back, by
// value, through the client's route and through every member.

// lag is how far a secondary may trail its primary when a read-back round
// reads through both: writes acknowledged less than this before a read
// are not judged by the member and parity checks.
const lag = 500 * time.Millisecond

// roundTrip is the plan of the round trip across versions: write under
// from, read back, upgrade, read back, roll back, read back.
func roundTrip(from, to string) []scenario.Step {
	return []scenario.Step{
		scenario.Wait(500 * time.Millisecond),
		scenario.ReadBack("under " + from),
		upgrade.ViaOverlord("driver", from, to),
		scenario.Wait(500 * time.Millisecond),
		scenario.ReadBack("after the upgrade to " + to),
		upgrade.Downgrade("driver", to, from).Rollback(),
		scenario.Wait(300 * time.Millisecond),
		scenario.ReadBack("after the roll back to " + from),
	}
}

// Every value the clients can write, read back under v1, then v2, then v1
// again after a roll back, compared by value: the two versions read each
// other's data on disk.
var _ = scenario.It("round trip of every value across an upgrade and a roll back", Label("upgrade", "roundtrip"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc)
	s.Step(roundTrip("v1", "v2")...)
	s.Expect(
		check.RoundTrip(),
		check.NoLostWrites(),
		check.MaxOutageBelow(2*time.Second),
		check.LastServedBy("v1"),
	)
})

// Persistent format, forward: v2-strictlog skips the records v1 wrote
// without a value (v1 leaves an empty value out), so the keys written
// with the empty value, and only those, are gone after the upgrade.
var _ = scenario.It("negative: upgrade cannot read what the old version wrote for some keys", Label("negative", "upgrade", "roundtrip"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc)
	s.Step(roundTrip("v1", "v2-strictlog")...)
	s.Expect(check.RoundTrip())
})

// Persistent format, backward: v2-newlog writes values in an encoding v1
// does not know and ignores; after the roll back, v1 serves the encoded
// text for every key written under v2-newlog. The roll back "succeeds".
var _ = scenario.It("negative: roll back misreads what the new version wrote", Label("negative", "upgrade", "roundtrip"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc)
	s.Step(roundTrip("v1", "v2-newlog")...)
	s.Expect(check.RoundTrip())
})

// A standby pair in skew, v1 primary and v2 secondary, read back through
// both members before and after the switchover: each member holds every
// acknowledged write, the two agree while they run different versions,
// and the values survive the switchover.
var _ = scenario.It("standby pair in skew agrees member for member", Label("upgrade", "standby", "roundtrip"), func(s *scenario.S) {
	svc := s.Standby("driver", "v1", "v2")
	s.Clients(2, svc)
	s.Step(skewPlan("v2")...)
	s.Expect(
		check.EveryMemberHolds(lag),
		check.ReplyParity(lag),
		check.RoundTrip(),
		check.NoLostWrites(),
		check.NoSplitBrain(),
	)
})

// skewPlan reads back in skew, switches over to version, reads back.
func skewPlan(version string) []scenario.Step {
	return []scenario.Step{
		scenario.Wait(time.Second),
		scenario.ReadBack("in skew"),
		upgrade.Switchover("driver", version),
		scenario.Wait(300 * time.Millisecond),
		scenario.ReadBack("after the switchover to " + version),
	}
}

// Mixed-version messages: the v2-wire secondary misparses part of the v1
// primary's replication stream, silently; read through it, those keys are
// already wrong before the switchover hands it the clients.
var _ = scenario.It("negative: mixed-version replication corrupts entries", Label("negative", "standby", "roundtrip"), func(s *scenario.S) {
	svc := s.Standby("driver", "v1", "v2-wire")
	s.Clients(2, svc)
	s.Step(skewPlan("v2-wire")...)
	s.Expect(check.EveryMemberHolds(lag), check.ReplyParity(lag))
})

// incrClients are v2 clients that also send incr, the op v2 added.
func incrClients(s *scenario.S, svc *scenario.Service) {
	s.Clients(2, svc, scenario.ClientVersion("v2"), scenario.ClientArgs("-incr-ratio", "0.3"))
}

// The reverse skew: the primary already runs v2, the secondary still v1,
// and clients use incr. v2 replicates an incr as the value it produced, so
// the old secondary follows.
var _ = scenario.It("new primary and old secondary replicate a new op", Label("skew", "standby"), func(s *scenario.S) {
	svc := s.Standby("driver", "v2", "v1")
	incrClients(s, svc)
	s.Step(scenario.Wait(1500 * time.Millisecond))
	s.Expect(check.NoUnexpectedExit(), check.NoLostWrites(), check.ErrorRateBelow(0.01))
})

// A new enum reaching an old member: v2-enum replicates an incr as a new
// kind of entry, and the v1 secondary, which does not know it, exits. The
// overlord restarts it, and it exits again at the next incr.
var _ = scenario.It("negative: new op replicated to an old secondary crashes it", Label("negative", "skew", "standby"), func(s *scenario.S) {
	svc := s.Standby("driver", "v2-enum", "v1")
	incrClients(s, svc)
	s.Step(scenario.Wait(1500 * time.Millisecond))
	s.Expect(check.NoUnexpectedExit())
})

// Configuration, the easy case: v2-flag renamed -data, and started with
// v1's configuration it refuses to start. The overlord rolls back, which
// does not hide the exits.
var _ = scenario.It("negative: renamed flag refuses the old configuration", Label("negative", "upgrade"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1", scenario.OverlordFlags("-max-attempts", "2"))
	s.Clients(2, svc)
	s.Step(upgrade.ViaOverlord("driver", "v1", "v2-flag"))
	s.Expect(check.NoUnexpectedExit())
})

// crashAfter is the plan that kills the driver once it runs version:
// the overlord restarts it in place, on the same data.
func crashAfter(version string) []scenario.Step {
	return []scenario.Step{
		upgrade.ViaOverlord("driver", "v1", version),
		scenario.Wait(700 * time.Millisecond),
		fault.For(fault.Kill(fault.Driver("driver")), 0).Expected(),
		scenario.Wait(500 * time.Millisecond),
	}
}

// A driver killed after an upgrade comes back with every acknowledged
// write: each was on disk before it was acknowledged.
var _ = scenario.It("driver killed after an upgrade keeps every acknowledged write", Label("upgrade"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc)
	s.Step(crashAfter("v2")...)
	s.Expect(check.NoLostWrites(), check.NoUnexpectedExit(), check.LastServedBy("v2"))
})

// Configuration, the hard case: v2-lazy starts with v1's configuration
// but has a new default, a write log flushed once a second, so the kill
// loses the writes it acknowledged in the last second.
var _ = scenario.It("negative: changed durability default loses writes on a crash", Label("negative", "upgrade"), func(s *scenario.S) {
	svc := s.Overlord("driver", "v1")
	s.Clients(2, svc)
	s.Step(crashAfter("v2-lazy")...)
	s.Expect(check.NoLostWrites())
})
