package step

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/system"
)

// The warm-up and the settle are waits with their own description: they
// stay idle, so that they are never named as the cause of a window.
func TestWaitAsIsIdle(t *testing.T) {
	warm := WaitAs("warm up for 1s", time.Second)
	if !warm.Meta().Idle || warm.Description() != "warm up for 1s" {
		t.Fatalf("warm-up %q meta %+v: want an idle wait", warm.Description(), warm.Meta())
	}
	if Do("act", nil).Meta().Idle {
		t.Fatal("an action claims to be idle")
	}
}

// A sequence runs its steps in order and stops at the first that fails;
// Concurrently runs them all and joins their errors.
func TestGroups(t *testing.T) {
	var order []string
	mark := func(name string, fail bool) Step {
		return Do(name, func(context.Context, *system.System) error {
			order = append(order, name)
			if fail {
				return context.Canceled
			}
			return nil
		})
	}
	err := Sequence(mark("a", false), mark("b", true), mark("c", false)).Run(context.Background(), nil)
	if err == nil || len(order) != 2 || order[0] != "a" || order[1] != "b" {
		t.Fatalf("sequence ran %v, err %v; want a, b and b's error", order, err)
	}
	m := Sequence(mark("x", false)).Meta()
	if !m.Sequential || len(m.Children) != 1 {
		t.Fatalf("sequence meta %+v", m)
	}
	c := Concurrently(Wait(10*time.Millisecond), Wait(10*time.Millisecond))
	if m := c.Meta(); m.Sequential || len(m.Children) != 2 {
		t.Fatalf("concurrently meta %+v", m)
	}
	start := time.Now()
	if err := c.Run(context.Background(), nil); err != nil || time.Since(start) > time.Second {
		t.Fatalf("concurrently: %v after %s", err, time.Since(start))
	}
	if KindOf(Wait(0)) != "step" {
		t.Fatalf("a wait's kind is %q", KindOf(Wait(0)))
	}
}

func TestDoSaysWhatItActsOnAndExpects(t *testing.T) {
	plain := Do("poke", func(context.Context, *system.System) error { return nil })
	if m := plain.Meta(); m.ExpectsOutage || m.Targets != nil {
		t.Fatalf("plain Do: %+v, want no targets and no expected outage", m)
	}
	st := plain.On("e1", "e2").ExpectsOutage()
	m := st.Meta()
	if !m.ExpectsOutage || !slices.Equal(m.Targets, []string{"e1", "e2"}) {
		t.Fatalf("Do.On.ExpectsOutage: %+v, want targets e1, e2 and an expected outage", m)
	}
	if plain.Meta().ExpectsOutage {
		t.Fatal("ExpectsOutage changed the step it was called on")
	}
}
