package step

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// Step is one line of a scenario's plan: an upgrade, a fault held for a
// while, a wait, or a group of steps. It says what it is in Meta; the
// runner never asks it anything else.
type Step interface {
	// Description is the step's line in the plan.
	Description() string
	// Run does the step. A group's Run runs its children without
	// recording them; the runner records each child itself.
	Run(ctx context.Context, sys *system.System) error
	// Meta is what the plan and the timeline need to know about the step.
	Meta() Meta
}

// Meta is what a step says about itself. The zero Meta is a plain step
// that may act on anything and expects no outage.
type Meta struct {
	// Kind is timeline.KindStep (also when empty) or timeline.KindFault:
	// a fault is drawn and named as one.
	Kind string
	// ExpectsOutage says that windows the step causes are planned (an
	// upgrade by kill and restart); others are unexpected.
	ExpectsOutage bool
	// Idle marks a step that only lets time pass (a wait, the warm-up,
	// the settle): it is on the timeline but never causes a window.
	Idle bool
	// Targets are the names of the parts of the topology the step acts
	// on, as the scenario gave them: a service ("web-1", which is also its
	// node's and its proxy's name), a standby pair's secondary proxy
	// ("web-1-secondary") or replication link (system.ReplicationLink), a
	// program ("kv"), a node. A step can only cause the windows of clients
	// with one of them on their path (timeline.Config.Paths). Nil: it may
	// act on anything, and every client's windows may be put down to it.
	Targets []string
	// Children make the step a group: the plan prints them under it, and
	// the runner runs and records each one itself, all at once, or one
	// after another when Sequential is set.
	Children   []Step
	Sequential bool
}

// Resolved is a step that learns only as it runs what it acts on (a
// rolling upgrade's member picked by an order hook): after Run, RanOn
// replaces the Targets of its Meta on the timeline.
type Resolved interface {
	Step
	RanOn() []string
}

// KindOf is st's timeline kind: its Meta's, or timeline.KindStep.
func KindOf(st Step) string {
	if k := st.Meta().Kind; k != "" {
		return k
	}
	return timeline.KindStep
}

// Wait is a step that lets the clients run for d.
func Wait(d time.Duration) Step { return wait{fmt.Sprintf("wait %s", d), d} }

// WaitAs is Wait with its own description: the warm-up and the settle.
func WaitAs(desc string, d time.Duration) Step { return wait{desc, d} }

type wait struct {
	desc string
	d    time.Duration
}

func (w wait) Description() string                             { return w.desc }
func (w wait) Meta() Meta                                      { return Meta{Idle: true} }
func (w wait) Run(ctx context.Context, _ *system.System) error { return system.Sleep(ctx, w.d) }

// Do is a step made from a function, for what the catalogue lacks. It may
// act on anything and expects no outage; say otherwise with its methods:
//
//	step.Do("isolate the leader", isolate).On("e1").ExpectsOutage()
func Do(desc string, fn func(ctx context.Context, sys *system.System) error) DoStep {
	return DoStep{desc: desc, fn: fn}
}

// DoOn is Do for a function that acts on targets only (the names of
// services, members, nodes, proxies or links), and may say it expects an
// outage.
func DoOn(desc string, targets []string, expectOutage bool, fn func(ctx context.Context, sys *system.System) error) DoStep {
	return DoStep{desc: desc, fn: fn, meta: Meta{Targets: targets, ExpectsOutage: expectOutage}}
}

// DoStep is a step made from a function by Do.
type DoStep struct {
	desc string
	fn   func(context.Context, *system.System) error
	meta Meta
}

// On says what the step acts on: the names of services, members, nodes,
// proxies or links. Only the windows of clients with one of them on their
// path can be put down to it.
func (d DoStep) On(targets ...string) DoStep {
	d.meta.Targets = append([]string(nil), targets...)
	return d
}

// ExpectsOutage says that the windows the step causes are planned (it
// restarts something on purpose), so they are not unexpected outages.
func (d DoStep) ExpectsOutage() DoStep { d.meta.ExpectsOutage = true; return d }

func (d DoStep) Description() string                               { return d.desc }
func (d DoStep) Meta() Meta                                        { return d.meta }
func (d DoStep) Run(ctx context.Context, sys *system.System) error { return d.fn(ctx, sys) }

// Concurrently runs steps at the same time (a fault during an upgrade).
// Each child is its own event on the timeline; the group ends when all
// have.
func Concurrently(steps ...Step) Step { return concurrently(steps) }

type concurrently []Step

func (c concurrently) Meta() Meta { return Meta{Children: c} }

func (c concurrently) Description() string {
	return fmt.Sprintf("concurrently, %d branches:", len(c))
}

// Run runs every child at once; the runner records each child instead.
func (c concurrently) Run(ctx context.Context, sys *system.System) error {
	return All(c, func(_ int, st Step) error { return st.Run(ctx, sys) })
}

// All runs run for every step at once and waits for all of them; the
// error joins theirs.
func All(steps []Step, run func(int, Step) error) error {
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
func Sequence(steps ...Step) Step { return sequence{steps: steps} }

// SequenceOf is a sequence with its own description and meta: a group
// step such as a rolling upgrade is one. meta's Children and Sequential
// are set from steps.
func SequenceOf(desc string, meta Meta, steps ...Step) Step {
	meta.Children, meta.Sequential = steps, true
	return sequence{desc: desc, meta: meta, steps: steps}
}

type sequence struct {
	desc  string
	meta  Meta
	steps []Step
}

func (q sequence) Meta() Meta {
	m := q.meta
	m.Children, m.Sequential = q.steps, true
	return m
}

func (q sequence) Description() string {
	if q.desc != "" {
		return q.desc
	}
	return fmt.Sprintf("in sequence, %d steps:", len(q.steps))
}

// Run runs the steps in order and stops at the first that fails.
func (q sequence) Run(ctx context.Context, sys *system.System) error {
	for _, s := range q.steps {
		if err := s.Run(ctx, sys); err != nil {
			return err
		}
	}
	return nil
}

// ReadBack is a step that asks every client for a read-back round and
// waits until each has read back every key it wrote so far, through its
// route and through each member it knows (system.ReadBack). Round-trip,
// member and parity checks judge what the rounds read; label says when
// it was taken ("after the upgrade to v2").
func ReadBack(label string) Step { return readBack{label} }

type readBack struct{ label string }

func (r readBack) Description() string {
	if r.label == "" {
		return "read back every write"
	}
	return "read back every write " + r.label
}

// Meta: a round only measures, so it never causes a window (a window
// during it is put down to what is really going on).
func (r readBack) Meta() Meta { return Meta{Idle: true} }
func (r readBack) Run(ctx context.Context, sys *system.System) error {
	_, err := sys.ReadBack(ctx, r.label, 0)
	return err
}
