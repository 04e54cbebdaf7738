package upgrade

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// Switchover is the twin-CPU procedure of the seed on a standby pair: the
// secondary, already at the higher version (declared so, or prepared with
// PrepareSecondary), takes over as primary; the old primary is then
// upgraded to version and rejoins as the secondary, restoring full
// redundancy.
func Switchover(service, version string) SwitchoverStep {
	return SwitchoverStep{Service: service, Version: version}
}

// SwitchoverStep is the standby switchover upgrade step.
type SwitchoverStep struct{ Service, Version string }

// Description is the step's line in the plan.
func (u SwitchoverStep) Description() string {
	return fmt.Sprintf("switch %s over to its secondary, then upgrade the old primary to %s and rejoin it as secondary", u.Service, u.Version)
}

// Meta: the step acts on its standby pair and expects an outage: clients
// see the primary move, however briefly.
func (u SwitchoverStep) Meta() step.Meta {
	return step.Meta{ExpectsOutage: true, Targets: []string{u.Service}}
}

// Run performs the switchover and waits until redundancy is restored.
func (u SwitchoverStep) Run(ctx context.Context, sys *system.System) error {
	o, err := standbyPair(sys, "switchover", u.Service)
	if err != nil {
		return err
	}
	if err := o.Switchover(ctx, u.Version); err != nil {
		return fmt.Errorf("switchover %s: %w", u.Service, err)
	}
	return nil
}

// PrepareSecondary restarts the secondary of a standby pair at version,
// the first half of a standby upgrade: the clients, all on the primary,
// should not notice. Follow it with Switchover(service, version).
func PrepareSecondary(service, version string) PrepareStep {
	return PrepareStep{Service: service, Version: version}
}

// PrepareStep is the step that upgrades a standby pair's secondary.
type PrepareStep struct{ Service, Version string }

// Description is the step's line in the plan.
func (u PrepareStep) Description() string {
	return fmt.Sprintf("prepare %s's secondary: restart it at %s, replicating from the primary", u.Service, u.Version)
}

// Meta: the step acts on the standby pair whose secondary it restarts.
func (u PrepareStep) Meta() step.Meta { return step.Meta{Targets: []string{u.Service}} }

// Run upgrades the secondary and waits until it answers.
func (u PrepareStep) Run(ctx context.Context, sys *system.System) error {
	o, err := standbyPair(sys, "prepare", u.Service)
	if err != nil {
		return err
	}
	if err := o.UpgradeSecondary(ctx, u.Version); err != nil {
		return fmt.Errorf("prepare %s secondary at %s: %w", u.Service, u.Version, err)
	}
	return nil
}

// standbyPair finds the standby service a step acts on.
func standbyPair(sys *system.System, verb, service string) (*system.Overlord, error) {
	o := sys.Overlord(service)
	if o == nil {
		return nil, fmt.Errorf("%s %s: no standby service of that name in the topology", verb, service)
	}
	if !o.Spec.Standby {
		return nil, fmt.Errorf("%s %s: the service has no standby; declare it with s.Standby", verb, service)
	}
	return o, nil
}
