package planner

import (
	"math/rand/v2"
	"time"

	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// When says where a fault may be inserted.
type When int

const (
	// Between upgrades: the service is at rest and may take any fault
	// the topology survives.
	Between When = iota
	// During an upgrade step, concurrently with it. Only faults that do
	// not touch the process being replaced are valid there: killing or
	// stopping the driver the overlord is starting would make the
	// upgrade fail for a reason that is not the release's fault.
	During
)

// rule is one kind of fault the planner may insert.
type rule struct {
	name string
	when When
	// valid reports whether the fault fits the topology.
	valid func(c Config) bool
	// make builds the step, with its parameters drawn from r.
	make func(r *rand.Rand, c Config) step.Step
}

func always(Config) bool    { return true }
func standby(c Config) bool { return c.Standby }
func ms(r *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo+r.IntN(hi-lo+1)) * time.Millisecond
}

// faults is the one place the planner's rules are declared.
var faults = []rule{
	{"latency on the client link", During, always, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Latency(c.Service, ms(r, 20, 80), ms(r, 0, 20)), ms(r, 1500, 3000))
	}},
	{"slicer on the client link", During, always, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Slicer(c.Service, 64, 32, ms(r, 0, 2)), ms(r, 1000, 2000))
	}},
	{"partition of the client link", Between, always, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Down(c.Service), ms(r, 100, 500)).Expected()
	}},
	{"SIGKILL of the primary driver (the overlord restarts it)", Between, always, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Kill(fault.Driver(c.Service)), ms(r, 300, 800)).Expected()
	}},
	{"SIGSTOP of the secondary driver", Between, standby, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Stop(fault.Driver(c.Service, "secondary")), ms(r, 200, 600))
	}},
	{"latency on the secondary's client link", During, standby, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Latency(c.Service+"-secondary", ms(r, 20, 80), 0), ms(r, 1000, 2000))
	}},
	{"latency on the replication link", During, standby, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Latency(system.ReplicationLink(c.Service), ms(r, 20, 80), ms(r, 0, 20)).Downstream(), ms(r, 1000, 2000))
	}},
	// Clients do not see a replication partition at rest; during a
	// switchover it holds up the catch-up, so that outage is expected.
	{"partition of the replication link", Between, standby, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Down(system.ReplicationLink(c.Service)), ms(r, 200, 800))
	}},
	{"partition of the replication link during the switchover", During, standby, func(r *rand.Rand, c Config) step.Step {
		return fault.For(fault.Down(system.ReplicationLink(c.Service)), ms(r, 200, 600)).Expected()
	}},
}
