package scenario

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hatest/hatest/framework/system"
)

// Wait is a step that lets the clients run for d.
func Wait(d time.Duration) Step { return system.Wait(d) }

// Do is a step made from a function, for what the catalogue lacks.
func Do(desc string, fn func(ctx context.Context, sys *system.System) error) Step {
	return do{desc, fn}
}

type do struct {
	desc string
	fn   func(context.Context, *system.System) error
}

func (d do) Description() string                               { return d.desc }
func (d do) Run(ctx context.Context, sys *system.System) error { return d.fn(ctx, sys) }

// Concurrently runs steps at the same time (a fault during an upgrade).
// Each child is its own event on the timeline; the group ends when all
// have.
func Concurrently(steps ...Step) Step { return concurrently(steps) }

type concurrently []Step

func (c concurrently) Children() []Step { return c }

func (c concurrently) Description() string {
	return fmt.Sprintf("concurrently, %d branches:", len(c))
}

// Run is used only when a concurrent group is nested inside a custom step;
// the runner records each child as its own event instead.
func (c concurrently) Run(ctx context.Context, sys *system.System) error {
	return runAll(c, func(_ int, st Step) error { return st.Run(ctx, sys) })
}

// runAll runs every step at once and waits for all of them.
func runAll(steps []Step, run func(int, Step) error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(steps))
	for i, st := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = run(i, st)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Sequence runs steps one after another as one step; inside Concurrently
// it is how a branch waits before it acts.
func Sequence(steps ...Step) Step { return sequence(steps) }

type sequence []Step

func (q sequence) Children() []Step { return q }
func (q sequence) Sequential() bool { return true }
func (q sequence) Description() string {
	return fmt.Sprintf("in sequence, %d steps:", len(q))
}

func (q sequence) Run(ctx context.Context, sys *system.System) error {
	for _, s := range q {
		if err := s.Run(ctx, sys); err != nil {
			return err
		}
	}
	return nil
}
