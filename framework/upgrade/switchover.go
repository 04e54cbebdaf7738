package upgrade

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/system"
)

// Switchover is the twin-CPU procedure of the seed on a standby pair: the
// secondary, already at the higher version, takes over as primary; the
// old primary is then upgraded to version and rejoins as the secondary,
// restoring full redundancy.
func Switchover(service, version string) SwitchoverStep {
	return SwitchoverStep{Service: service, Version: version}
}

// SwitchoverStep is the standby switchover upgrade step.
type SwitchoverStep struct{ Service, Version string }

// Description is the step's line in the plan.
func (u SwitchoverStep) Description() string {
	return fmt.Sprintf("switch %s over to its secondary, then upgrade the old primary to %s and rejoin it as secondary", u.Service, u.Version)
}

// ExpectsOutage is true: clients see the primary move, however briefly.
func (u SwitchoverStep) ExpectsOutage() bool { return true }

// Run performs the switchover and waits until redundancy is restored.
func (u SwitchoverStep) Run(ctx context.Context, sys *system.System) error {
	o := sys.Overlord(u.Service)
	if o == nil {
		return fmt.Errorf("switchover %s: no standby service of that name in the topology", u.Service)
	}
	if !o.Spec.Standby {
		return fmt.Errorf("switchover %s: the service has no standby; declare it with s.Standby", u.Service)
	}
	if err := o.Switchover(ctx, u.Version); err != nil {
		return fmt.Errorf("switchover %s: %w", u.Service, err)
	}
	return nil
}
