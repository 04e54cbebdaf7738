package upgrade

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// Replace upgrades a service of your own (scenario's s.Program, a
// member of s.Cluster, or system.StartService) the way a service without
// an HA manager is upgraded: its node is taken out of the path, stopped,
// and a new one started at version to with the same name, address, flags
// and data; the step ends once the new node passes its readiness check
// and is back in the path (system.Service.Upgrade has the details).
// Clients see the outage in between. The step fails when the service does
// not run from, so that a plan that lost track of its versions says so.
// Each phase (stop asked, exited, started, healthy) goes on the timeline.
//
//	s.Step(upgrade.Replace("kv", "v1", "v2"))
//	s.Step(upgrade.Replace("e1", "v2.14.10", "v2.15.3").Drain(syscall.SIGUSR2, 10*time.Second))
func Replace(service, from, to string) ReplaceStep {
	return ReplaceStep{Service: service, From: from, To: to}
}

// ReplaceStep is the replace-the-node upgrade step.
type ReplaceStep struct {
	Service, From, To string
	// How stops the old program: see system.Replacement.
	How  system.Replacement
	verb string // "upgrade" (default), "downgrade", "roll back", "restart"
}

// Drain makes the replacement let the program drain its own clients:
// sig (SIGTERM when 0) goes out while the proxy still lets clients in,
// and the proxy closes once the program has exited or grace has passed
// (zero: the service's StopGrace). Without it the proxy closes first.
func (u ReplaceStep) Drain(sig syscall.Signal, grace time.Duration) ReplaceStep {
	u.How = system.Replacement{Drain: true, Signal: sig, Grace: grace}
	return u
}

// As names the step in the plan: "downgrade", "roll back", "restart".
func (u ReplaceStep) As(verb string) ReplaceStep { u.verb = verb; return u }

// Description is the step's line in the plan.
func (u ReplaceStep) Description() string {
	verb := u.verb
	if verb == "" {
		verb = "upgrade"
	}
	stop := "stop"
	if u.How != (system.Replacement{}) {
		stop = u.How.String()
	}
	return fmt.Sprintf("%s %s %s -> %s by replacing its node (%s, start %s on the same data)", verb, u.Service, u.From, u.To, stop, u.To)
}

// Meta: the step acts on its service and expects an outage: between the
// old node's stop and the new node's start nothing serves the clients.
func (u ReplaceStep) Meta() step.Meta {
	return step.Meta{ExpectsOutage: true, Targets: []string{u.Service}}
}

// Run replaces the node and puts each phase on the timeline; the moment
// the new node was healthy splits the outage into restart and recovery.
func (u ReplaceStep) Run(ctx context.Context, sys *system.System) error {
	svc := sys.Program(u.Service)
	if svc == nil {
		return fmt.Errorf("upgrade %s: no service of that name in the topology (declare it with s.Program or s.Cluster)", u.Service)
	}
	if v := svc.Node.Version(); u.From != "" && v != u.From {
		return fmt.Errorf("upgrade %s from %s: it runs %s", u.Service, u.From, v)
	}
	evs, err := svc.Upgrade(ctx, u.To, u.How)
	for _, e := range evs {
		sys.Events.Add(e)
	}
	return err
}
