package planner

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hatest/hatest/framework/step"
)

// Build is the plan's steps for the scenario c describes, and the
// version it ends at. The data must be for c's topology: the same
// service or cluster and members, the same versions and kind, faults
// from the rules of the table that fit c, where they fit, on members
// the budget allows. Anything else is an error in one line.
func (d Data) Build(c Config) ([]step.Step, string, error) {
	c = settle(c)
	if err := d.For(c); err != nil {
		return nil, "", err
	}
	return d.steps(c, nil)
}

// For checks that d is a plan for c's topology (see Build).
func (d Data) For(c Config) error {
	c = settle(c)
	want, got := topologyOf(c), d.Topology
	if got.Service != want.Service || got.Standby != want.Standby || got.Cluster != want.Cluster ||
		!slices.Equal(got.Members, want.Members) || !slices.Equal(got.Versions, want.Versions) ||
		got.Kind != want.Kind || got.RollbackAt != want.RollbackAt || got.SkipHops != want.SkipHops || got.Rehearse != want.Rehearse {
		return fmt.Errorf("the plan is for %s; the scenario declares %s", got, want)
	}
	if s := Start(c); d.Start != s {
		return fmt.Errorf("the plan starts at %s; the scenario's topology starts at %s", d.Start, s)
	}
	if err := d.Chain(); err != nil {
		return err
	}
	for _, it := range d.Items {
		if it.Kind == KindUpgrade && !slices.Contains(c.Versions, it.To) {
			return fmt.Errorf("plan item %d: version %s is not one of %v", it.ID, it.To, c.Versions)
		}
		if it.Kind != KindFault {
			continue
		}
		f, ok := ruleNamed(it.Rule)
		if !ok {
			return fmt.Errorf("plan item %d: no rule %q in the planner's table", it.ID, it.Rule)
		}
		if (it.During != 0) != (f.when == During) || !f.valid(c) {
			return fmt.Errorf("plan item %d: rule %q does not fit %s there", it.ID, it.Rule, topology(c))
		}
	}
	steps, _, err := d.steps(c, nil)
	if err != nil {
		return err
	}
	if n := Length(steps); n > c.MaxSteps {
		return fmt.Errorf("the plan is %d steps, over the scenario's MaxSteps %d", n, c.MaxSteps)
	}
	return nil
}

func (d *Data) steps(c Config, track func(id int, st step.Step) step.Step) (steps []step.Step, final string, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg, ok := r.(planErr)
			if !ok {
				panic(r)
			}
			steps, final, err = nil, "", errors.New(string(msg))
		}
	}()
	if track == nil {
		track = func(_ int, st step.Step) step.Step { return st }
	}
	wait := func(ms int64) step.Step { return step.Wait(time.Duration(ms) * time.Millisecond) }
	faultOf := func(it *Item) step.Step {
		f, ok := ruleNamed(it.Rule)
		if !ok {
			panic(planErr(fmt.Sprintf("plan item %d: no rule %q in the planner's table", it.ID, it.Rule)))
		}
		st := f.build(c, it)
		it.Desc = st.Description()
		return track(it.ID, st)
	}
	cur := d.Start
	for i := range d.Items {
		it := &d.Items[i]
		if it.Kind == KindFault {
			if it.During == 0 {
				steps = append(steps, faultOf(it))
				if it.AfterMS > 0 {
					steps = append(steps, wait(it.AfterMS))
				}
			}
			continue
		}
		m := move{from: cur, to: it.To, partial: it.Move == MovePartial, back: it.Move == MoveBack,
			down: indexOf(c.Versions, it.To) < indexOf(c.Versions, cur)}
		prep, up := c.build(m)
		it.Desc = up.Description()
		if prep != nil {
			steps = append(steps, track(it.ID, prep))
			if it.PrepareMS > 0 {
				steps = append(steps, wait(it.PrepareMS))
			}
		}
		up = track(it.ID, up)
		for j := range d.Items {
			if f := &d.Items[j]; f.Kind == KindFault && f.During == it.ID {
				if f.LeadMS > 0 {
					up = step.Sequence(wait(f.LeadMS), up)
				}
				up = step.Concurrently(faultOf(f), up)
			}
		}
		steps = append(steps, up)
		if it.AfterMS > 0 {
			steps = append(steps, wait(it.AfterMS))
		}
		cur = it.To
	}
	d.Final = cur
	return steps, cur, nil
}
