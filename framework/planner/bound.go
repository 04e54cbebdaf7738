package planner

import (
	"fmt"
	"slices"

	"github.com/hatest/hatest/framework/step"
)

// DefaultMaxSteps is the bound on a plan's length when Config.MaxSteps
// is 0.
//
// Why a bound at all: CockroachDB's mixed-version framework draws its
// plans the way this package does, and it did not bound them at first.
// Each random choice (how many upgrades, which detours, which hooks)
// adds steps, so the lengths spread wide: across a million plans sampled
// for one test, the shortest had 14 steps and the longest 135. A plan's
// length is its running time, so the long ones ran past the test's
// timeout and failed for no fault of the release. They added a cap,
// MaxNumPlanSteps, and draw plans until one fits under it. Here a step
// of a plan is about a second (a member's restart, a pause, a fault
// held), so 40 steps is a plan of about 40 s: the rehearsal of a cluster
// of 5 with two faults fits (34 steps), that of a cluster of 7 does not
// (42 with no fault) and must say so.
const DefaultMaxSteps = 40

// Length is how long a plan is: its leaf steps, the numbered lines of
// the plan tree that have no children (a rolling upgrade of 3 is 5: three
// members and two pauses). The topology's start, warm-up, settle and
// check that every scenario has are not counted.
func Length(steps []step.Step) int {
	n := 0
	for _, st := range steps {
		if ch := st.Meta().Children; len(ch) > 0 {
			n += Length(ch)
		} else {
			n++
		}
	}
	return n
}

// bound lays out the hops and keeps the plan within c.MaxSteps. A plan
// over it loses its faults one at a time, the last in the plan first
// (each with the wait that went with it), until it fits: the faults are
// what the plan adds to its path, and dropping them is deterministic,
// so the same seed still gives the same plan. A plan that is over the
// bound with no fault left is its path alone, which the scenario chose
// (its kind, versions and members): it panics in one line with its
// length and the bound, and the scenario fails before anything starts.
// CockroachDB draws a new plan instead; here the path of a matrix entry
// is fixed, so drawing again would not make it shorter.
func bound(c Config, d Data) Data {
	for {
		steps, _, err := d.steps(c, nil)
		if err != nil {
			panic("planner: " + err.Error()) // a drawn plan always builds
		}
		n := Length(steps)
		if n <= c.MaxSteps {
			d.renumber()
			d.Steps = n
			return d
		}
		if !d.dropLastFault() {
			panic(fmt.Sprintf("planner: the %s plan of %s is %d steps with no fault in it, over MaxSteps %d: raise MaxSteps, or plan fewer versions or members",
				c.Kind, topology(c), n, c.MaxSteps))
		}
	}
}

// dropLastFault drops the last fault of the plan, with its wait, and
// reports whether there was one.
func (d *Data) dropLastFault() bool {
	for i := len(d.Items) - 1; i >= 0; i-- {
		if d.Items[i].Kind == KindFault {
			d.Items = slices.Delete(d.Items, i, i+1)
			return true
		}
	}
	return false
}

// topology names what c plans for, in a message.
func topology(c Config) string {
	switch {
	case c.Cluster != "":
		return fmt.Sprintf("cluster %s (%d members)", c.Cluster, len(c.Members))
	case c.Standby:
		return "standby pair " + c.Service
	}
	return "service " + c.Service
}
