package nats_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/upgrade"
)

// Faults below the proxy on the NATS cluster: the members' own traffic to
// each other (routes, Raft), which toxiproxy, in front of their client
// ports, never carries. They need Docker (label "network"); the process
// runtime refuses them before anything starts.

// A member restarts into a partition: e1, the first of the rollout, is
// isolated from e2 and e3 200 ms into its replacement, for 2.5 s, so it
// comes back at 2.15 unable to reach its peers. Its /healthz answers 503
// until the partition heals and it has caught up, and the rollout, gated
// by it, waits: it never takes a second member down while e1 is cut off.
// e2 and e3 keep the bucket's quorum throughout, so the clients given
// every member see the rollout's blips only; e1's own client is down from
// e1's stop until e1 is back, the partition included. (Isolating a member
// that is not being replaced would leave, with the one being replaced, a
// single member of three: no quorum for the bucket, an outage that the
// kill scenario already shows.)
var _ = scenario.It("nats rolling upgrade, the replaced member comes back isolated", Label("nats", "network", "upgrade", "rolling"), func(s *scenario.S) {
	nats := cluster(s, v214)
	s.Step(scenario.Concurrently(
		upgrade.Rolling(nats.Names(), v214, v215).PauseFor(time.Second),
		scenario.Sequence(scenario.Wait(200*time.Millisecond), fault.For(fault.Isolate("nats", "e1"), 2500*time.Millisecond).Expected()),
	))
	s.Expect(
		check.ForGroup("all").MaxOutageBelow(2*time.Second),
		check.ForGroup("e1-only").MaxOutageBelow(10*time.Second),
		check.LastServedBy(v215),
		check.NoLostWrites(),
		check.NoUnexpectedOutage(),
	)
})

// The bucket's stream leader isolated from the other two members at rest,
// for 1.5 s. NATS's Raft elects a new leader only after 4 to 9 s without
// one (its election timeout, fixed in the server), so a partition this
// short moves no leadership: the leader keeps its place, and every write,
// which only the leader can commit, stalls whichever member a client is
// given. The packets are dropped where they arrive, as a broken network
// loses them, so nobody's TCP learns of it: each sender resends on its
// own doubling timer (0.2, 0.6, 1.4, 3 s after the first loss), and the
// writes resume only with the resend after the heal, up to about 1.5 s
// later. That tail is the partition's, so the scenario names it: a step
// that waits 3 s for it and expects its outage. Every group sees about
// 3.3 s. The writes that timed out meanwhile are committed after all,
// which the read-back finds. The steps ask the leader before, and every
// member after (the isolated leader's own view could be stale), and fail
// if one names another leader. (Held for 10 s, the partition did move the
// leadership, after 6.5 s; but the clients given every member stayed on
// e1, the first of their list and the isolated leader, whose link to them
// was healthy, and saw the whole partition: they fail over only when
// their own connection breaks.)
var _ = scenario.It("nats stream leader isolated at rest", Label("nats", "network"), func(s *scenario.S) {
	cluster(s, v214)
	var before string
	s.Step(
		scenario.Do("ask which member leads the bucket", func(ctx context.Context, sys *system.System) (err error) {
			before, err = bucketLeader(ctx, sys)
			return err
		}),
		fault.For(fault.IsolateLeader("nats", bucketLeader), 1500*time.Millisecond).Expected(),
		scenario.Do("wait 3s for TCP to resend what the partition dropped", func(ctx context.Context, _ *system.System) error {
			return system.Sleep(ctx, 3*time.Second)
		}).ExpectsOutage(),
		scenario.Do("check that every member still names the same leader", func(ctx context.Context, sys *system.System) error {
			return sameLeader(ctx, sys, before)
		}),
	)
	s.Expect(
		check.MaxOutageBelow(4*time.Second),
		check.OutageEnds(),
		check.NoLostWrites(),
		check.NoUnexpectedOutage(),
	)
})

// 5 % of the packets each member sends to the others dropped for 7 s, as
// long as the rolling upgrade (leader last) takes here: TCP resends them,
// on its own timers, so the routes and Raft slow down but nothing breaks.
// Every acknowledged write must survive; the clients given every member
// see the rollout's blips, a little longer when the leader hands over
// through the loss; each single-member client is down while its own
// member restarts.
var _ = scenario.It("nats rolling upgrade with 5 % packet loss between members", Label("nats", "network", "upgrade", "rolling"), func(s *scenario.S) {
	nats := cluster(s, v214)
	steps := []step.Step{upgrade.Rolling(nats.Names(), v214, v215).OrderBy(upgrade.LeaderLast(bucketLeader)).PauseFor(time.Second)}
	for _, m := range nats.Names() {
		others := slices.DeleteFunc(nats.Names(), func(o string) bool { return o == m })
		steps = append(steps, fault.For(fault.Loss(m, 5).To(others...), 7*time.Second).Expected())
	}
	s.Step(scenario.Concurrently(steps...))
	s.Expect(
		check.ForGroup("all").MaxOutageBelow(2*time.Second),
		check.MaxOutageBelow(10*time.Second),
		check.LastServedBy(v215),
		check.NoLostWrites(),
		check.NoUnexpectedOutage(),
	)
})

// sameLeader asks every member of the cluster which member leads the
// bucket's stream, and fails unless each names leader.
func sameLeader(ctx context.Context, sys *system.System, leader string) error {
	for _, m := range sys.Members("nats") {
		addr := sys.Program(m).Node.Endpoint("8222").External
		got, err := streamLeader(ctx, "http://"+addr+"/jsz?streams=true", "KV_hatest")
		if err != nil {
			return fmt.Errorf("ask %s for the bucket's leader: %w", m, err)
		}
		if got != leader {
			return fmt.Errorf("%s names %s as the bucket's leader, %s led it before the partition: the leadership moved during a partition shorter than NATS's election timeout", m, got, leader)
		}
	}
	return nil
}
