package upgrade

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// Replace upgrades a service of your own (scenario's s.Program, or
// system.StartService) the way a service without an HA manager is
// upgraded: its node is taken out of the path, stopped, and a new one
// started at version to with the same name, address, flags and data; the
// step ends once the new node is ready and back in the path
// (system.Service.Upgrade has the details). Clients see the outage in
// between. The step fails when the service does not run from, so that a
// plan that lost track of its versions says so.
//
//	s.Step(upgrade.Replace("kv", "v1", "v2"))
func Replace(service, from, to string) ReplaceStep {
	return ReplaceStep{Service: service, From: from, To: to}
}

// ReplaceStep is the replace-the-node upgrade step.
type ReplaceStep struct{ Service, From, To string }

// Description is the step's line in the plan.
func (u ReplaceStep) Description() string {
	return fmt.Sprintf("upgrade %s %s -> %s by replacing its node (stop, start %s on the same data)", u.Service, u.From, u.To, u.To)
}

// Meta: the step acts on its service and expects an outage: between the
// old node's stop and the new node's start nothing serves the clients.
func (u ReplaceStep) Meta() step.Meta {
	return step.Meta{ExpectsOutage: true, Targets: []string{u.Service}}
}

// Run replaces the node and puts the moment the new one was ready on the
// timeline, which splits the outage into restart and recovery.
func (u ReplaceStep) Run(ctx context.Context, sys *system.System) error {
	svc := sys.Service(u.Service)
	if svc == nil {
		return fmt.Errorf("upgrade %s: no service of that name in the topology (declare it with s.Program)", u.Service)
	}
	if v := svc.Node.Version(); u.From != "" && v != u.From {
		return fmt.Errorf("upgrade %s from %s: it runs %s", u.Service, u.From, v)
	}
	if err := svc.Upgrade(ctx, u.To); err != nil {
		return err
	}
	sys.Events.Add(svc.ReadyEvent())
	return nil
}
