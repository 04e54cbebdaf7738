package fault

import (
	"context"
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// Fault is something that goes wrong on purpose. Inject starts it and
// returns the function that heals it. A fault may also say what it acts
// on, with the names of system.Step's Targets:
//
//	Targets() []string
//
// Every fault of this package does; a fault without the method (or with
// nil Targets) may act on anything.
type Fault interface {
	Name() string
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

// ExpectsOutage reports whether the fault's outage is planned.
func (s Step) ExpectsOutage() bool { return s.Expect }

// Targets are the parts of the topology the fault acts on (see
// system.Step), or nil when the fault does not say: then it may cause any
// client's windows.
func (s Step) Targets() []string {
	if t, ok := s.Fault.(interface{ Targets() []string }); ok {
		return t.Targets()
	}
	return nil
}

// Kind puts the step on the timeline as a fault.
func (s Step) Kind() string { return timeline.KindFault }

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
