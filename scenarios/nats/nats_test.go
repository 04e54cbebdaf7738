package nats_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/health"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/upgrade"
)

// example:begin
const (
	v214 = "v2.14.10" // the newest 2.14 release that builds here
	v215 = "v2.15.3"  // the newest 2.15 release
)

var (
	// server is NATS server at two releases, each built from the Go
	// module proxy in a throwaway module of its own.
	server = scenario.GoModule("nats-server", "github.com/nats-io/nats-server/v2", "", v214, v215)
	// client writes to a replicated key-value bucket and reads it back.
	client = scenario.GoSoftware("natsclient", "github.com/hatest/hatest/fixtures/natsclient", "v1")
)

// probeEvery is the clients' interval: 20 ms, not the default 5, because
// three NATS servers, five clients and Docker share two cores, and at 5
// or 10 ms the clients' own schedule lag (p99 10-17 ms on a busy day, more
// while a partition holds dozens of requests in flight) made scenarios
// INVALID. The budgets here are a second and more; 20 ms of resolution
// costs them nothing.
const probeEvery = 20 * time.Millisecond

// cluster declares three members e1, e2, e3 at version: each names the
// others' peer ports in --routes, keeps its JetStream store in its own
// data directory, and is ready when its /healthz says so (JetStream
// included). Clients: two that may use every member ("all"), and one per
// member that sees only it.
func cluster(s *scenario.S, version string, opts ...scenario.ProgramOption) *scenario.Cluster {
	nats := s.Cluster("nats", []string{"e1", "e2", "e3"}, version, server, append([]scenario.ProgramOption{
		scenario.Port("4222"), scenario.NamedPort("peer", "6222"), scenario.NamedPort("admin", "8222"),
		scenario.Args("-n", "${NAME}", "-a", "${HOST}", "-p", "${PORT:4222}", "-m", "${PORT:admin}",
			"--cluster_name", "hatest", "--cluster", "nats://${LISTEN:peer}", "--routes", "${OTHERS:peer:nats}",
			"-js", "-sd", "${DATA}"),
		scenario.Ready(health.HTTP("admin", "/healthz")),
		scenario.DataDir(),
	}, opts...)...)
	s.Clients(2, nats.All(), scenario.Named("all"), scenario.ClientSoftware(client), scenario.Every(probeEvery))
	for _, m := range nats.Names() {
		s.Clients(1, nats.Member(m), scenario.Named(m+"-only"), scenario.ClientSoftware(client), scenario.Every(probeEvery))
	}
	return nats
}

// A rolling upgrade 2.14 -> 2.15, the bucket's leader last, so that it
// moves once. The clients that may use every member must barely notice;
// each single-member client is down while its own member restarts.
var _ = scenario.It("nats rolling upgrade 2.14 to 2.15, leader last", Label("nats", "upgrade", "rolling"), func(s *scenario.S) {
	nats := cluster(s, v214)
	s.Step(upgrade.Rolling(nats.Names(), v214, v215).OrderBy(upgrade.LeaderLast(bucketLeader)).PauseFor(time.Second))
	s.Expect(
		check.ForGroup("all").MaxOutageBelow(2*time.Second),
		check.ForGroup("e1-only").MaxOutageBelow(10*time.Second),
		check.LastServedBy(v215),
		check.NoLostWrites(),
		check.NoUnexpectedOutage(),
	)
})

// example:end

// Lame duck against plain SIGTERM: the same rollout twice, each member
// stopped while its proxy still lets clients in, so that what the
// product does on the signal is what the clients see. NATS's lame-duck
// mode (SIGUSR2) stops taking clients and hands them over before it
// exits; its grace and duration can only be set in a file. The report
// puts the two side by side, per client group.
const lameDuck = "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"1s\"\n"

var _ = scenario.It("nats rolling upgrade, members drained in lame-duck mode", Label("nats", "upgrade", "rolling", "drain"), func(s *scenario.S) {
	drainedRollout(s, syscall.SIGUSR2)
})

var _ = scenario.It("nats rolling upgrade, members stopped by plain SIGTERM", Label("nats", "upgrade", "rolling", "drain"), func(s *scenario.S) {
	drainedRollout(s, syscall.SIGTERM)
})

// drainedRollout is the rollout, leader last, with each member sent sig
// while its proxy is open, and up to 10 s to exit.
func drainedRollout(s *scenario.S, sig syscall.Signal) {
	nats := cluster(s, v214, scenario.File("nats.conf", lameDuck), scenario.Args("-c", "${FILE:nats.conf}"))
	s.Step(upgrade.Rolling(nats.Names(), v214, v215).OrderBy(upgrade.LeaderLast(bucketLeader)).
		Drain(sig, 10*time.Second).PauseFor(time.Second))
	s.Expect(
		check.ForGroup("all").MaxOutageBelow(time.Second),
		check.LastServedBy(v215),
		check.NoLostWrites(),
		check.NoUnexpectedOutage(),
	)
}

// The round trip across releases: the bucket is written under 2.14 and
// read back, value by value, under 2.14, after the rollout to 2.15, and
// after the rolling downgrade back to 2.14, through the clients' route and
// through each member. 2.14 serves what 2.15 wrote (the bucket needs no
// feature of the newer release). The clients write every value shape a KV
// key takes, the empty value included.
var _ = scenario.It("nats round trip 2.14 to 2.15 and back keeps every value", Label("nats", "downgrade", "rolling", "roundtrip"), func(s *scenario.S) {
	nats := cluster(s, v214)
	s.Step(
		scenario.Wait(500*time.Millisecond),
		scenario.ReadBack("under 2.14"),
		upgrade.Rolling(nats.Names(), v214, v215).OrderBy(upgrade.LeaderLast(bucketLeader)).PauseFor(time.Second),
		scenario.ReadBack("after the rollout to 2.15"),
		upgrade.Rolling(nats.Names(), v215, v214).As("downgrade").OrderBy(upgrade.LeaderLast(bucketLeader)).PauseFor(time.Second),
		scenario.ReadBack("after the rolling downgrade to 2.14"),
	)
	s.Expect(
		check.ForGroup("all").MaxOutageBelow(2*time.Second),
		check.LastServedBy(v214),
		check.RoundTrip(),
		check.EveryMemberHolds(time.Second),
		check.NoLostWrites(),
		check.NoUnexpectedOutage(),
	)
})

// The unlucky rollout: while e1 is being replaced, e3, not yet upgraded,
// is killed. Two of three members are down, so the bucket has no quorum
// until e1 is back; e2's turn comes while e3 is still dead, which costs
// the quorum again; e3's turn restarts it at the new release. Every
// acknowledged write must survive, and the outage must end.
var _ = scenario.It("nats member SIGKILLed in the middle of the rollout", Label("nats", "upgrade", "rolling", "kill"), func(s *scenario.S) {
	nats := cluster(s, v214)
	s.Step(scenario.Concurrently(
		upgrade.Rolling(nats.Names(), v214, v215).PauseFor(time.Second),
		scenario.Sequence(scenario.Wait(200*time.Millisecond), fault.For(fault.Kill(fault.Node("e3")), 0).Expected()),
	))
	s.Expect(
		check.ForGroup("all").MaxOutageBelow(15*time.Second),
		check.OutageEnds(),
		check.LastServedBy(v215),
		check.NoLostWrites(),
	)
})

// bucketLeader asks a member's monitoring port which member leads the
// key-value bucket's stream.
func bucketLeader(ctx context.Context, sys *system.System) (string, error) {
	var last error
	for _, m := range sys.Members("nats") {
		addr := sys.Program(m).Node.Endpoint("8222").External
		leader, err := streamLeader(ctx, "http://"+addr+"/jsz?streams=true", "KV_hatest")
		if err == nil {
			return leader, nil
		}
		last = err
	}
	return "", last
}

// streamLeader reads the leader of stream from a /jsz answer.
func streamLeader(ctx context.Context, url, stream string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var jsz struct {
		Accounts []struct {
			Streams []struct {
				Name    string `json:"name"`
				Cluster struct {
					Leader string `json:"leader"`
				} `json:"cluster"`
			} `json:"stream_detail"`
		} `json:"account_details"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&jsz); err != nil {
		return "", fmt.Errorf("%s: %w", url, err)
	}
	for _, a := range jsz.Accounts {
		for _, st := range a.Streams {
			if st.Name == stream && st.Cluster.Leader != "" {
				return st.Cluster.Leader, nil
			}
		}
	}
	return "", fmt.Errorf("%s: no leader of stream %s", url, stream)
}
