package step_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// drain is a step of your own: it says what it acts on, and that the
// clients of that service will see an outage.
type drain struct{ service string }

func (d drain) Description() string { return "drain " + d.service }
func (d drain) Meta() step.Meta {
	return step.Meta{ExpectsOutage: true, Targets: []string{d.service}}
}
func (d drain) Run(ctx context.Context, sys *system.System) error {
	return system.Sleep(ctx, 10*time.Millisecond) // talk to the service here
}

// A custom step beside the built-in combinators: the plan and the runner
// learn everything about a step from its Meta.
func Example() {
	st := step.Concurrently(
		drain{"web-1"},
		step.Sequence(step.Wait(time.Second), step.Do("log a line", func(context.Context, *system.System) error { return nil })),
	)
	fmt.Println(st.Description())
	for _, ch := range st.Meta().Children {
		m := ch.Meta()
		fmt.Printf("  %s: targets %v, expects an outage %v, children %d\n", ch.Description(), m.Targets, m.ExpectsOutage, len(m.Children))
	}
	// Output:
	// concurrently, 2 branches:
	//   drain web-1: targets [web-1], expects an outage true, children 0
	//   in sequence, 2 steps:: targets [], expects an outage false, children 2
}
