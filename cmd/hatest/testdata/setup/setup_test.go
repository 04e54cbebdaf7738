package setup_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/system"
)

// EnvBusyPort names the port that "setup: port in use" pins its server
// to; the test that runs it holds that port.
const EnvBusyPort = "HATEST_SETUP_BUSY_PORT"

var (
	server = scenario.GoSoftware("example-server", "github.com/hatest/hatest/fixtures/example/server", "v1")
	client = scenario.GoSoftware("example-client", "github.com/hatest/hatest/fixtures/example/client", "v1")
	mute   = scenario.GoSoftware("mute", "github.com/hatest/hatest/cmd/hatest/testdata/setup/mute", "v1")
)

// kv declares the example server under the name kv, with opts.
func kv(s *scenario.S, sw runtime.Software, opts ...scenario.ProgramOption) *scenario.Service {
	opts = append([]scenario.ProgramOption{
		scenario.Port("9000"),
		scenario.Args("-listen", "${LISTEN:9000}", "-data", "${DATA}"),
		scenario.DataDir(),
	}, opts...)
	return s.Program("kv", "v1", sw, opts...)
}

var _ = scenario.It("setup: port in use", func(s *scenario.S) {
	port, err := strconv.Atoi(os.Getenv(EnvBusyPort))
	if err != nil {
		Fail(EnvBusyPort + " must name the port to pin, e.g. 9000")
	}
	kv(s, server, scenario.HostPort(port))
})

var _ = scenario.It("setup: missing binary", func(s *scenario.S) {
	kv(s, runtime.Software{Name: "kv", Versions: map[string]runtime.Build{
		"v1": {Binary: "/nonexistent/hatest-setup/kv-server"},
	}})
})

var _ = scenario.It("setup: missing image", func(s *scenario.S) {
	kv(s, runtime.Software{Name: "kv", Versions: map[string]runtime.Build{
		"v1": {Image: "hatest-does-not-exist:v1"},
	}})
})

var _ = scenario.It("setup: never ready", func(s *scenario.S) {
	kv(s, mute, scenario.ReadyTimeout(3*time.Second))
})

// The three ways a cluster of your own cannot start, each refused in one
// line: a template naming a member the cluster lacks, one host port
// pinned for two members, and members that never pass their check.
func kvCluster(s *scenario.S, sw runtime.Software, opts ...scenario.ProgramOption) *scenario.Cluster {
	opts = append([]scenario.ProgramOption{
		scenario.Port("9000"),
		scenario.Args("-listen", "${HOST}:${PORT:9000}", "-data", "${DATA}"),
		scenario.DataDir(),
	}, opts...)
	return s.Cluster("kv", []string{"e1", "e2"}, "v1", sw, opts...)
}

var _ = scenario.It("setup: cluster names a stranger", func(s *scenario.S) {
	kvCluster(s, server, scenario.Args("-peer", "${ADDR:e4:9000}"))
})

var _ = scenario.It("setup: cluster pins one port twice", func(s *scenario.S) {
	kvCluster(s, server).Pin("e1", "9000", 19999).Pin("e2", "9000", 19999)
})

var _ = scenario.It("setup: cluster member never ready", func(s *scenario.S) {
	kvCluster(s, mute, scenario.ReadyTimeout(3*time.Second))
})

// The faults below the proxy a scenario cannot have, each refused in one
// line before anything starts: a partition naming a node the topology
// lacks, a share out of range, a ring of two, a partition that leaves no
// quorum, and any of them on the process runtime. Delay needs the
// kernel's sch_netem, which the Docker runtime probes for once the
// topology is up, before the clients start.
var _ = scenario.It("setup: partition names a stranger", func(s *scenario.S) {
	kvCluster(s, server)
	s.Step(fault.For(fault.Partition([]string{"e1"}, []string{"e4"}), time.Second))
})

var _ = scenario.It("setup: loss of 150%", func(s *scenario.S) {
	kvCluster(s, server)
	s.Step(fault.For(fault.Loss("e1", 150), time.Second))
})

var _ = scenario.It("setup: ring of two", func(s *scenario.S) {
	kvCluster(s, server)
	s.Step(fault.For(fault.Ring("kv"), time.Second))
})

var _ = scenario.It("setup: partition leaves no quorum", func(s *scenario.S) {
	kvCluster(s, server)
	s.Step(fault.For(fault.Partition([]string{"e1"}, []string{"e2"}), time.Second))
})

var _ = scenario.It("setup: partition on the process runtime", func(s *scenario.S) {
	kvCluster(s, server)
	s.Step(fault.For(fault.Partition([]string{"e1"}, []string{"e2"}).WithoutQuorum(), time.Second))
})

var _ = scenario.It("setup: delay without netem", func(s *scenario.S) {
	svc := kv(s, server)
	s.Clients(1, svc, scenario.ClientSoftware(client))
	s.Step(fault.For(fault.Delay("kv", 50*time.Millisecond, 0), time.Second))
})

// long runs for five minutes, so that a test can interrupt it in the middle.
var _ = scenario.It("setup: long", func(s *scenario.S) {
	svc := kv(s, server)
	s.Clients(1, svc, scenario.ClientSoftware(client), scenario.Every(20*time.Millisecond))
	s.Step(scenario.Wait(5 * time.Minute))
})

// EnvFlakyMarker names a file: "setup: flaky" fails while the file does
// not exist, and creates it as it fails, so its second attempt passes.
const EnvFlakyMarker = "HATEST_SETUP_FLAKY_MARKER"

// flaky fails its first attempt and passes the next, for the test of
// hatest run --attempts.
var _ = scenario.It("setup: flaky", func(s *scenario.S) {
	svc := kv(s, server)
	s.Clients(1, svc, scenario.ClientSoftware(client))
	s.Warmup(200 * time.Millisecond)
	s.Settle(200 * time.Millisecond)
	s.Step(scenario.Do("fail unless this is a later attempt", func(context.Context, *system.System) error {
		marker := os.Getenv(EnvFlakyMarker)
		if marker == "" {
			return errors.New(EnvFlakyMarker + " must name a file")
		}
		if _, err := os.Stat(marker); err == nil {
			return nil
		}
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			return err
		}
		return errors.New("first attempt fails on purpose")
	}))
})

// liar is testdata/setup/liar: a client whose account cannot be trusted.
var liar = scenario.GoSoftware("liar", "github.com/hatest/hatest/cmd/hatest/testdata/setup/liar", "v1")

// "verdicts: outage" takes the server's proxy down for 400 ms: every
// client sees an outage window of about that. Its own expectation passes;
// a budget below 400 ms fails it (the test of hatest run --budgets).
var _ = scenario.It("verdicts: outage", Label("verdicts"), func(s *scenario.S) {
	svc := kv(s, server)
	s.Clients(1, svc, scenario.ClientSoftware(client))
	s.Warmup(300 * time.Millisecond)
	s.Settle(300 * time.Millisecond)
	s.Step(fault.For(fault.Down("kv"), 400*time.Millisecond).Expected())
	s.Expect(check.MaxOutageBelow(10 * time.Second))
})

// "verdicts: op log gap" has a client whose summary claims 5 more ops than
// it wrote lines: its op log has a gap, so the run is INVALID.
var _ = scenario.It("verdicts: op log gap", Label("verdicts"), func(s *scenario.S) {
	svc := kv(s, server)
	s.Clients(1, svc, scenario.ClientSoftware(liar), scenario.ClientArgs("-claim-extra", "5"))
	s.Warmup(300 * time.Millisecond)
	s.Settle(300 * time.Millisecond)
	s.Expect(check.MaxOutageBelow(10 * time.Second))
})

// "verdicts: behind schedule" has a client whose every op started 50 ms
// after it was due, ten intervals late: the probe did not keep its
// schedule, so the run is INVALID.
var _ = scenario.It("verdicts: behind schedule", Label("verdicts"), func(s *scenario.S) {
	svc := kv(s, server)
	s.Clients(1, svc, scenario.ClientSoftware(liar), scenario.ClientArgs("-lag", "50ms"))
	s.Warmup(300 * time.Millisecond)
	s.Settle(300 * time.Millisecond)
	s.Expect(check.MaxOutageBelow(10 * time.Second))
})
