package upgrade

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/system"
)

// Rolling upgrades replicas one at a time through each one's overlord,
// pausing between them, so that at every moment all but one replica
// serve. The timeline shows the mixed-version state as it happens.
func Rolling(replicas []string, from, to string) RollingStep {
	return RollingStep{Replicas: append([]string(nil), replicas...), From: from, To: to, Pause: time.Second}
}

// RollingStep is the rolling upgrade step.
type RollingStep struct {
	Replicas []string
	From, To string
	Pause    time.Duration // between replicas
	// AbortAt, when above 0, aborts after that fraction of the replicas
	// (rounded up) is upgraded and rolls those back to From in reverse
	// order, as an operator would on a bad canary.
	AbortAt float64
}

// Shuffled returns the step with its replicas in an order drawn from r
// (the scenario's seeded source), so the same seed gives the same order.
func (u RollingStep) Shuffled(r *rand.Rand) RollingStep {
	r.Shuffle(len(u.Replicas), func(i, j int) { u.Replicas[i], u.Replicas[j] = u.Replicas[j], u.Replicas[i] })
	return u
}

// Abort returns the step set to abort after fraction of the replicas.
func (u RollingStep) Abort(fraction float64) RollingStep { u.AbortAt = fraction; return u }

// Description is the step's line in the plan.
func (u RollingStep) Description() string {
	s := fmt.Sprintf("rolling upgrade %s -> %s of %s, %s apart", u.From, u.To, strings.Join(u.Replicas, ", "), u.Pause)
	if u.AbortAt > 0 {
		s += fmt.Sprintf("; abort after %d of %d and roll them back", u.abortAfter(), len(u.Replicas))
	}
	return s
}

func (u RollingStep) abortAfter() int {
	return int(math.Ceil(u.AbortAt * float64(len(u.Replicas))))
}

// Meta: a sequential group that expects an outage on each replica. Its
// Targets are the replicas, for a runner that records the step as one
// event; the scenario runner records each child, with its own replica.
func (u RollingStep) Meta() step.Meta {
	return step.Meta{
		ExpectsOutage: true, Targets: append([]string(nil), u.Replicas...),
		Children: u.Children(), Sequential: true,
	}
}

// Children are the per-replica upgrades (and roll-backs), so the plan and
// the timeline show each one.
func (u RollingStep) Children() []step.Step {
	n := len(u.Replicas)
	if u.AbortAt > 0 {
		n = u.abortAfter()
	}
	var out []step.Step
	for i, r := range u.Replicas[:n] {
		if i > 0 {
			out = append(out, step.Wait(u.Pause))
		}
		out = append(out, ViaOverlord(r, u.From, u.To))
	}
	if u.AbortAt > 0 {
		for i := n - 1; i >= 0; i-- {
			out = append(out, step.Wait(u.Pause), ViaOverlord(u.Replicas[i], u.To, u.From).Rollback())
		}
	}
	return out
}

// Run runs the children in order (the scenario runner records each one
// itself; this is for use outside it).
func (u RollingStep) Run(ctx context.Context, sys *system.System) error {
	return step.Sequence(u.Children()...).Run(ctx, sys)
}
