package fault

import (
	"context"
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// Fault is something that goes wrong on purpose. Inject starts it and
// returns the function that heals it. Targets names what it acts on, as
// step.Meta's Targets do: the services, nodes, proxies or links; nil
// means it may act on anything.
type Fault interface {
	Name() string
	Targets() []string
	Inject(ctx context.Context, sys *system.System) (heal func(context.Context) error, err error)
}

// Step injects a fault, holds it for a duration, then heals it. It is the
// plan step that carries a fault; the fault's own event runs from
// injection to heal.
type Step struct {
	Fault  Fault
	Hold   time.Duration
	Expect bool // the fault is expected to cause an outage
}

// For holds f for d. Windows it causes are unexpected unless Expected is
// called on the result.
func For(f Fault, d time.Duration) Step { return Step{Fault: f, Hold: d} }

// Expected marks the fault's outage as planned.
func (s Step) Expected() Step { s.Expect = true; return s }

// Description is the step's line in the plan.
func (s Step) Description() string {
	return fmt.Sprintf("fault: %s for %s", s.Fault.Name(), s.Hold)
}

// Meta: a fault, on what the fault acts on, with its outage expected
// when Expected was called.
func (s Step) Meta() step.Meta {
	return step.Meta{Kind: timeline.KindFault, ExpectsOutage: s.Expect, Targets: s.Fault.Targets()}
}

// RanOn is what the fault acted on, when it learns that only as it runs
// (the members a cut of a cluster cut, the leader IsolateLeader asked
// for): the runner puts it on the timeline in place of Targets
// (step.Resolved). Nil for the others.
func (s Step) RanOn() []string {
	if r, ok := s.Fault.(interface{ RanOn() []string }); ok {
		return r.RanOn()
	}
	return nil
}

// Run injects, waits and heals. The heal runs even when ctx ends early.
func (s Step) Run(ctx context.Context, sys *system.System) error {
	heal, err := s.Fault.Inject(ctx, sys)
	if err != nil {
		if heal != nil {
			_ = heal(context.WithoutCancel(ctx))
		}
		return fmt.Errorf("inject %s: %w", s.Fault.Name(), err)
	}
	_ = system.Sleep(ctx, s.Hold) // an interrupted hold still heals
	if err := heal(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("heal %s: %w", s.Fault.Name(), err)
	}
	return ctx.Err()
}
