package shrink

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// watch wraps run: it fails t when a candidate that is not closed under
// Needs, lacks a Fixed item, is not valid, or is the empty plan is run,
// and counts the runs.
func watch(t *testing.T, items []Item, valid func([]bool) bool, run func(context.Context, Candidate) (Run, error)) (func(context.Context, Candidate) (Run, error), *int) {
	t.Helper()
	calls := 0
	return func(ctx context.Context, c Candidate) (Run, error) {
		calls++
		free := 0
		for i, k := range c.Keep {
			if !k {
				if items[i].Fixed {
					t.Errorf("ran %v: without Fixed item %d", kept(c), i)
				}
				continue
			}
			if !items[i].Fixed {
				free++
			}
			for _, j := range items[i].Needs {
				if !c.Keep[j] {
					t.Errorf("ran %v: item %d without %d, which it needs", kept(c), i, j)
				}
			}
		}
		if valid != nil && !valid(c.Keep) {
			t.Errorf("ran %v: not valid", kept(c))
		}
		if free == 0 {
			t.Errorf("ran the empty plan %v", kept(c))
		}
		return run(ctx, c)
	}, &calls
}

// A plan of upgrades and of faults during them, each fault needing its
// upgrade.
func upgradesAndFaults() []Item {
	items := []Item{
		{Name: "0: upgrade a to v2"},
		{Name: "1: kill a during its upgrade", Needs: []int{0}},
		{Name: "2: wait 500ms"},
		{Name: "3: upgrade b to v2"},
		{Name: "4: partition b during its upgrade", Needs: []int{3}},
		{Name: "5: latency on b during the partition", Needs: []int{4}},
		{Name: "6: wait 300ms"},
		{Name: "7: loss on a"},
		{Name: "8: wait 1s"},
	}
	return items
}

func TestNeeds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		culprits []int
		want     []int
	}{
		{"a fault alone brings its upgrade", []int{1}, []int{0, 1}},
		{"a fault needing a fault brings both and the upgrade", []int{5}, []int{3, 4, 5}},
		{"a fault and a step", []int{4, 7}, []int{3, 4, 7}},
		{"an upgrade and a wait", []int{0, 8}, []int{0, 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := upgradesAndFaults()
			run, _ := watch(t, items, nil, allOf(tc.culprits...))
			out, err := Reduce(context.Background(), Config{Items: items, Run: run})
			if err != nil {
				t.Fatal(err)
			}
			if got := kept(out.Best); !slices.Equal(got, tc.want) {
				t.Errorf("best keeps %v, want %v", got, tc.want)
			}
		})
	}
}

// Upgrades 0..3 go v1 -> v2 -> v3 -> v4 -> v5: a plan may keep only a
// prefix of them. The faults between them (4..11) need nothing.
func TestValid(t *testing.T) {
	items := plainItems(12)
	chain := func(keep []bool) bool {
		for i := 1; i < 4; i++ {
			if keep[i] && !keep[i-1] {
				return false
			}
		}
		return true
	}
	invalid := 0
	valid := func(keep []bool) bool {
		ok := chain(keep)
		if !ok {
			invalid++
		}
		return ok
	}
	run, calls := watch(t, items, chain, allOf(2, 9))
	out, err := Reduce(context.Background(), Config{Items: items, Run: run, Valid: valid})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kept(out.Best), []int{0, 1, 2, 9}; !slices.Equal(got, want) {
		t.Errorf("best keeps %v, want %v", got, want)
	}
	if invalid == 0 || out.Skipped < invalid {
		t.Errorf("%d candidates invalid, %d skipped: want some, all skipped", invalid, out.Skipped)
	}
	if *calls != out.Runs {
		t.Errorf("Run called %d times, Outcome.Runs %d", *calls, out.Runs)
	}
}

func TestFixed(t *testing.T) {
	items := plainItems(10)
	items[0].Fixed = true
	items[0].Needs = []int{1} // what a Fixed item needs is never removed either
	items[9].Fixed = true
	run, _ := watch(t, items, nil, allOf(3, 7))
	out, err := Reduce(context.Background(), Config{Items: items, Run: run})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kept(out.Best), []int{0, 1, 3, 7, 9}; !slices.Equal(got, want) {
		t.Errorf("best keeps %v, want %v", got, want)
	}
}

// One culprit: the empty plan is never run, and the culprit is found.
func TestOneCulprit(t *testing.T) {
	for c := range 9 {
		items := plainItems(9)
		run, _ := watch(t, items, nil, allOf(c))
		out, err := Reduce(context.Background(), Config{Items: items, Run: run})
		if err != nil {
			t.Fatal(err)
		}
		if got := kept(out.Best); !slices.Equal(got, []int{c}) {
			t.Errorf("culprit %d: best keeps %v", c, got)
		}
	}
}

// Random plans with random needs and culprits: whatever the plan, the
// best reproduces, is closed under Needs, and is 1-minimal: without any
// one of its items (and those that need it) the plan does not fail.
func TestOneMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	for round := range 300 {
		n := 2 + rng.IntN(29)
		items := plainItems(n)
		for i := 1; i < n; i++ {
			if rng.IntN(4) == 0 {
				items[i].Needs = []int{rng.IntN(i)}
			}
		}
		if rng.IntN(5) == 0 {
			items[rng.IntN(n)].Fixed = true
		}
		var culprits []int
		for range 1 + rng.IntN(4) {
			culprits = append(culprits, rng.IntN(n))
		}
		fails := func(keep []bool) bool {
			for _, c := range culprits {
				if !keep[c] {
					return false
				}
			}
			return true
		}
		run, _ := watch(t, items, nil, allOf(culprits...))
		out, err := Reduce(context.Background(), Config{Items: items, Run: run})
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("round %d: %d items, culprits %v, best %v", round, n, culprits, kept(out.Best))
		if !fails(out.Best.Keep) {
			t.Errorf("%s: best does not fail", name)
		}
		nd, _ := newNeeds(items)
		for i, k := range out.Best.Keep {
			if !k || nd.forced[i] {
				continue
			}
			keep := slices.Clone(out.Best.Keep)
			for _, d := range nd.dependants(keep, i) {
				keep[d] = false
			}
			if !nd.onlyForced(keep) && fails(keep) {
				t.Errorf("%s: fails without item %d too", name, i)
			}
		}
		runs := 0
		for _, tr := range out.Tried {
			runs += tr.Rate.Runs
		}
		if runs != out.Runs || len(out.Tried) != out.Candidates {
			t.Errorf("%s: %d runs, %d in Tried; %d candidates, %d Tried", name, out.Runs, runs, out.Candidates, len(out.Tried))
		}
	}
}
