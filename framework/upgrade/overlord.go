package upgrade

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// ViaOverlord tells the overlord of service to kill its driver and start
// version to in its place, and waits until the new driver answers or the
// overlord gives up and rolls back (which fails the step).
func ViaOverlord(service, from, to string) Overlord {
	return Overlord{Service: service, From: from, To: to}
}

// Downgrade is ViaOverlord to an older version, named for what it is.
func Downgrade(service, from, to string) Overlord {
	return Overlord{Service: service, From: from, To: to, verb: "downgrade"}
}

// Overlord is the kill-and-restart upgrade step.
type Overlord struct {
	Service, From, To string
	verb              string // "upgrade" (default), "downgrade", "roll back"
}

// Rollback names the step as a roll-back in the plan.
func (u Overlord) Rollback() Overlord { u.verb = "roll back"; return u }

// Description is the step's line in the plan.
func (u Overlord) Description() string {
	verb := u.verb
	if verb == "" {
		verb = "upgrade"
	}
	return fmt.Sprintf("%s %s %s -> %s via overlord (kill and restart)", verb, u.Service, u.From, u.To)
}

// Meta: a kill-and-restart upgrade of its service has a planned outage.
func (u Overlord) Meta() step.Meta {
	return step.Meta{ExpectsOutage: true, Targets: []string{u.Service}}
}

// Run performs the upgrade.
func (u Overlord) Run(ctx context.Context, sys *system.System) error {
	o := sys.Overlord(u.Service)
	if o == nil {
		return fmt.Errorf("upgrade %s: no overlord service of that name in the topology", u.Service)
	}
	if _, err := o.Upgrade(ctx, u.To, system.Replacement{}); err != nil {
		return fmt.Errorf("upgrade %s to %s: %w", u.Service, u.To, err)
	}
	return nil
}
