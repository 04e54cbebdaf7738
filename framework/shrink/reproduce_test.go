package shrink

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// Reproduce runs exactly k times, with no early stop, and counts invalid
// runs and other failures apart.
func TestReproduce(t *testing.T) {
	results := []Run{{Same: true}, {Same: true}, {Other: "stale read"}, {Same: true, Invalid: true}, {Same: true}, {Other: "stale read"}, {Other: "split brain"}}
	for k := 1; k <= len(results); k++ {
		calls := 0
		run := func(context.Context, Candidate) (Run, error) {
			calls++
			return results[calls-1], nil
		}
		progress := 0
		c := Config{Items: plainItems(4), Run: run, Progress: func(p Progress) {
			progress++
			if p.Phase != "reproduce" || p.Runs != progress {
				t.Errorf("k=%d: progress %+v", k, p)
			}
		}}
		rate, others, err := Reproduce(context.Background(), c, Original(c.Items), k)
		if err != nil {
			t.Fatal(err)
		}
		if calls != k || rate.Runs != k || progress != k {
			t.Errorf("k=%d: %d calls, rate %v, %d progress calls", k, calls, rate, progress)
		}
		var want Rate
		var wantOthers []string
		for _, r := range results[:k] {
			want.Runs++
			switch {
			case r.Invalid:
				want.Invalid++
			case r.Same:
				want.Failed++
			}
			if r.Other != "" && !slices.Contains(wantOthers, r.Other) {
				wantOthers = append(wantOthers, r.Other)
			}
		}
		if rate != want || !slices.Equal(others, wantOthers) {
			t.Errorf("k=%d: %v %q, want %v %q", k, rate, others, want, wantOthers)
		}
	}
}

func TestReproduceErrors(t *testing.T) {
	items := plainItems(3)
	ok := func(context.Context, Candidate) (Run, error) { return Run{Same: true}, nil }
	if _, _, err := Reproduce(context.Background(), Config{Items: items, Run: ok}, Original(items), 0); err == nil {
		t.Error("k=0: no error")
	}
	if _, _, err := Reproduce(context.Background(), Config{Items: items, Run: ok}, Original(plainItems(2)), 3); err == nil {
		t.Error("candidate of another plan: no error")
	}
	boom := errors.New("boom")
	calls := 0
	failing := func(context.Context, Candidate) (Run, error) {
		calls++
		if calls == 2 {
			return Run{}, boom
		}
		return Run{Same: true}, nil
	}
	rate, _, err := Reproduce(context.Background(), Config{Items: items, Run: failing}, Original(items), 3)
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "shrink: run candidate: ") || rate.Runs != 1 {
		t.Errorf("run error: %v %v", rate, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	interrupted := func(ctx context.Context, _ Candidate) (Run, error) {
		calls++
		if calls == 2 {
			cancel()
		}
		return Run{Same: true}, nil
	}
	rate, _, err = Reproduce(ctx, Config{Items: items, Run: interrupted}, Original(items), 5)
	if !errors.Is(err, context.Canceled) || rate.Runs != 2 || calls != 2 {
		t.Errorf("interrupted: %v %v after %d calls", rate, err, calls)
	}
}

func TestRateString(t *testing.T) {
	for r, want := range map[Rate]string{
		{Failed: 3, Runs: 3}:             "3 of 3",
		{Failed: 2, Runs: 3, Invalid: 1}: "2 of 3 (1 invalid)",
		{Runs: 2}:                        "0 of 2",
	} {
		if got := r.String(); got != want {
			t.Errorf("%+v: %q, want %q", r, got, want)
		}
	}
}

func TestCandidate(t *testing.T) {
	items := []Item{{Knobs: []Knob{{Value: 5}}}, {}, {Knobs: []Knob{{Value: 1}, {Value: 2}}}}
	c := Original(items)
	if c.Size() != 3 || !slices.Equal(c.Values[2], []int64{1, 2}) {
		t.Fatalf("original %+v", c)
	}
	d := c.Clone()
	d.Keep[0] = false
	d.Values[2][1] = 0
	if !c.Keep[0] || c.Values[2][1] != 2 || d.Size() != 2 {
		t.Errorf("clone shares memory: %+v, %+v", c, d)
	}
}
