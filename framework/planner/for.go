package planner

import (
	"fmt"
	"math/rand/v2"

	"github.com/hatest/hatest/framework/step"
)

// Scenario is what For needs of a scenario's declaration; the body's
// *scenario.S (plan.S) has it.
type Scenario interface {
	Name() string
	Seed() int64
	Rand() *rand.Rand
	// GivenPlan is a plan file's bytes (hatest run --plan), nil when
	// none was given; RecordPlan records the plan's data once the plan
	// is numbered; TrackStep finds a step's events then.
	GivenPlan() []byte
	RecordPlan(encode func() []byte)
	TrackStep(st step.Step) interface {
		step.Step
		StepIDs() []string
	}
}

// For is the plan of c in scenario s: the plan given to hatest run
// --plan when there is one, else the one s's seed draws (Draw). Either
// way s records it as data, each item with the events its steps became,
// for results.json (plan_data) and hatest plan --json, so that a failed
// run can be shrunk from its report and replayed exactly from a file:
//
//	steps, final := planner.For(s, planner.Config{Service: "driver", Versions: []string{"v1", "v2"}})
//	s.Step(steps...)
//	s.Expect(check.LastServedBy(final))
//
// A given plan that is not for c's topology (another service, other
// versions or members, a fault the rules do not allow there) panics in
// one line that says so: the scenario fails before anything starts.
func For(s Scenario, c Config) ([]step.Step, string) {
	c = settle(c)
	var d Data
	if raw := s.GivenPlan(); raw != nil {
		g, err := Parse(raw)
		if err != nil {
			panic("plan file: " + err.Error())
		}
		if g.Scenario != "" && g.Scenario != s.Name() {
			panic(fmt.Sprintf("plan file: it is the plan of scenario %q, not of %q", g.Scenario, s.Name()))
		}
		if err := g.For(c); err != nil {
			panic("plan file: " + err.Error())
		}
		d = g
	} else {
		d = Draw(s.Rand(), c)
		d.Seed = s.Seed()
	}
	d.Scenario = s.Name()
	tracked := map[int][]interface{ StepIDs() []string }{}
	steps, final, err := d.steps(c, func(id int, st step.Step) step.Step {
		h := s.TrackStep(st)
		tracked[id] = append(tracked[id], h)
		return h
	})
	if err != nil {
		panic("planner: " + err.Error()) // a drawn plan always builds, and For checked a given one
	}
	d.Steps = Length(steps)
	s.RecordPlan(func() []byte {
		for i := range d.Items {
			d.Items[i].Events = nil
			for _, h := range tracked[d.Items[i].ID] {
				d.Items[i].Events = append(d.Items[i].Events, h.StepIDs()...)
			}
		}
		return d.JSON()
	})
	return steps, final
}
