package upgrade

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/system"
)

func leaderIs(name string, err error) func(context.Context, *system.System) (string, error) {
	return func(context.Context, *system.System) (string, error) { return name, err }
}

// The leader goes last; the others keep their declared order. Each slot
// of the rollout says, once the order is known, which member it was.
func TestLeaderLast(t *testing.T) {
	ctx := context.Background()
	members := []string{"e1", "e2", "e3"}
	u := Rolling(members, "v1", "v2").OrderBy(LeaderLast(leaderIs("e1", nil)))
	var slots []member
	for _, ch := range u.Children() {
		if m, ok := ch.(member); ok {
			slots = append(slots, m)
		}
	}
	if len(slots) != 3 || slots[0].RanOn() != nil {
		t.Fatalf("slots %d; RanOn before the order is known: %v", len(slots), slots[0].RanOn())
	}
	if !slices.Equal(slots[1].Meta().Targets, members) {
		t.Fatalf("a slot acts on %v before the order is known, want every member", slots[1].Meta().Targets)
	}
	var got []string
	for _, s := range slots {
		name, err := s.name(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, name)
		if on := s.RanOn(); !slices.Equal(on, []string{name}) {
			t.Fatalf("RanOn %v, want [%s]", on, name)
		}
	}
	if !slices.Equal(got, []string{"e2", "e3", "e1"}) {
		t.Fatalf("order %v, want e2, e3, e1 (leader last)", got)
	}
	if d := slots[2].Description(); d != "upgrade member 3 of 3 in the order leader last v1 -> v2" {
		t.Fatalf("description %q", d)
	}
	// The same Order in another rollout (or the same rollout's plan built
	// again) asks afresh: the leader has moved by then.
	leader := "e1"
	o := LeaderLast(func(context.Context, *system.System) (string, error) { return leader, nil })
	first := Rolling(members, "v1", "v2").OrderBy(o).Children()
	a, _ := first[4].(member).name(ctx, nil)
	leader = "e3"
	second := Rolling(members, "v2", "v1").OrderBy(o).Children()
	b, _ := second[4].(member).name(ctx, nil)
	if a != "e1" || b != "e3" {
		t.Fatalf("last members %s and %s: want e1, then e3 (each rollout asks its order once, for itself)", a, b)
	}
}

// A hook that fails, names a stranger, or drops a member stops the
// rollout with an error that says so, before anything is upgraded.
func TestOrderErrors(t *testing.T) {
	ctx := context.Background()
	members := []string{"e1", "e2", "e3"}
	for _, c := range []struct {
		order *Order
		want  string
	}{
		{LeaderLast(leaderIs("", errors.New("no leader yet"))), "ask for the leader: no leader yet"},
		{LeaderLast(leaderIs("e9", nil)), `the leader "e9" is not one of e1, e2, e3`},
		{&Order{Desc: "lossy", Fn: func(context.Context, *system.System, []string) ([]string, error) {
			return []string{"e1", "e1", "e2"}, nil
		}}, "order lossy returned [e1 e1 e2]: want each of e1, e2, e3 once"},
	} {
		_, err := (&answer{}).resolve(ctx, nil, c.order, members)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.order.Desc, err, c.want)
		}
	}
}
