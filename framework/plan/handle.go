package plan

import (
	"context"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// Handle stands for a declared step (or, from s.Step with several steps,
// for all of them) wherever it ends up in the numbered plan: check.ForStep
// takes one. A handle of one step is itself a step, so a step can be
// tracked inside a group:
//
//	up := plan.Track(upgrade.ViaOverlord("driver", "v1", "v2"))
//	s.Step(step.Concurrently(fault.For(fault.Latency("driver", 50*time.Millisecond, 0), 3*time.Second), up))
//	s.Expect(check.ForStep(up).MaxOutageBelow(2 * time.Second))
type Handle struct {
	step  step.Step // nil for a group
	group []*Handle
	node  *Node // set when the plan is built
}

// Track wraps st so that its place in the plan can be found after the plan
// is built. Tracking a handle again returns it.
func Track(st step.Step) *Handle {
	if h, ok := st.(*Handle); ok && h.step != nil {
		return h
	}
	return &Handle{step: st}
}

// Description is the tracked step's.
func (h *Handle) Description() string { return h.inner().Description() }

// Run runs the tracked step.
func (h *Handle) Run(ctx context.Context, sys *system.System) error {
	return h.inner().Run(ctx, sys)
}

// Meta is the tracked step's.
func (h *Handle) Meta() step.Meta { return h.inner().Meta() }

func (h *Handle) inner() step.Step {
	if h.step == nil {
		panic("plan: a handle of several steps is not a step; track each one")
	}
	return h.step
}

// StepIDs are the IDs of the timeline events the handle's steps become:
// the step's own ID ("step-4"), or for a group the IDs of every step in
// it ("step-4.1", "fault-4.2", ...). Windows a step caused name these IDs
// as causes. Empty before the plan is built.
func (h *Handle) StepIDs() []string {
	var out []string
	for _, g := range h.group {
		out = append(out, g.StepIDs()...)
	}
	if h.node != nil {
		h.node.leaves(func(n *Node) { out = append(out, n.ID) })
	}
	return out
}

// String is the handle's plan number and description, once built.
func (h *Handle) String() string {
	if h.node == nil {
		if h.step == nil {
			return "a group of steps not yet in a plan"
		}
		return h.step.Description()
	}
	return h.node.Num + " " + h.node.Desc
}
