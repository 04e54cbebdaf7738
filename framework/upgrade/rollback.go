package upgrade

import (
	"context"
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// Check is a sanity check run after an upgrade. It returns an error that
// says what is wrong.
type Check struct {
	Desc string
	Run  func(ctx context.Context, sys *system.System) error
}

// ClientsHealthy passes when, over the next window, at most maxFailed (a
// fraction, 0.05 for 5%) of the clients' ops fail.
func ClientsHealthy(window time.Duration, maxFailed float64) Check {
	return Check{
		Desc: fmt.Sprintf("clients healthy: at most %.0f%% of ops fail over %s", maxFailed*100, window),
		Run: func(ctx context.Context, sys *system.System) error {
			ok0, bad0 := counts(sys)
			if err := system.Sleep(ctx, window); err != nil {
				return err
			}
			ok1, bad1 := counts(sys)
			ok, bad := ok1-ok0, bad1-bad0
			if ok+bad == 0 {
				return fmt.Errorf("no client op finished in %s", window)
			}
			if rate := float64(bad) / float64(ok+bad); rate > maxFailed {
				return fmt.Errorf("%.1f%% of %d client ops failed in %s (allowed %.0f%%)", rate*100, ok+bad, window, maxFailed*100)
			}
			return nil
		},
	}
}

func counts(sys *system.System) (ok, failed int64) {
	for _, c := range sys.Clients() {
		o, f := c.Log.Counts()
		ok += o
		failed += f
	}
	return ok, failed
}

// WithRollback runs upgrade u, then check; when the check fails it
// upgrades back to u.From through the overlord, as a release engineer
// would. The step fails only if the roll-back itself fails: rolling back
// is the intended outcome of a failed sanity check, and the timeline shows
// both moves.
func WithRollback(u Overlord, check Check) RollbackStep { return RollbackStep{u, check} }

// RollbackStep is an upgrade guarded by a sanity check.
type RollbackStep struct {
	Upgrade Overlord
	Check   Check
}

// Description is the step's line in the plan.
func (r RollbackStep) Description() string {
	return fmt.Sprintf("%s; then check %s, and roll back to %s if it fails", r.Upgrade.Description(), r.Check.Desc, r.Upgrade.From)
}

// Meta: the step acts on the service it upgrades and may roll back, and
// expects an outage: both the upgrade and any roll-back restart the
// driver.
func (r RollbackStep) Meta() step.Meta { return r.Upgrade.Meta() }

// Run upgrades, checks, and rolls back on failure.
func (r RollbackStep) Run(ctx context.Context, sys *system.System) error {
	upErr := r.Upgrade.Run(ctx, sys)
	var checkErr error
	if upErr == nil {
		checkErr = r.Check.Run(ctx, sys)
	}
	if upErr == nil && checkErr == nil {
		return nil
	}
	fmt.Fprintf(sys.Log, "sanity check failed after %s (%v); rolling back to %s\n", r.Upgrade.Description(), errOr(upErr, checkErr), r.Upgrade.From)
	back := ViaOverlord(r.Upgrade.Service, r.Upgrade.To, r.Upgrade.From)
	if err := back.Run(ctx, sys); err != nil {
		return fmt.Errorf("roll back %s to %s: %w", r.Upgrade.Service, r.Upgrade.From, err)
	}
	return nil
}

func errOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
