package shrink

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// A flaky failure: with the culprits kept, a run fails with probability
// p. K=3, R=2 keeps the culprits whatever the seed, and mostly finds
// just them: a candidate that keeps them reproduces with probability
// 0.78 at p=0.7, 0.97 at p=0.9, and one that does not makes the items
// it removed stay.
func TestFlaky(t *testing.T) {
	const seeds = 40
	for _, tc := range []struct{ p, most float64 }{{0.7, 0.5}, {0.9, 0.9}} {
		p := tc.p
		exact := 0
		for seed := range uint64(seeds) {
			rng := rand.New(rand.NewPCG(seed, 2))
			run := func(_ context.Context, c Candidate) (Run, error) {
				return Run{Same: c.Keep[4] && c.Keep[11] && rng.Float64() < p}, nil
			}
			out, err := Reduce(context.Background(), Config{Items: plainItems(16), Run: run, K: 3, R: 2})
			if err != nil {
				t.Fatal(err)
			}
			got := kept(out.Best)
			if !slices.Contains(got, 4) || !slices.Contains(got, 11) {
				t.Errorf("p=%.1f seed %d: best keeps %v, without a culprit", p, seed, got)
			}
			if len(got) == 2 {
				exact++
			}
			// Runs stop once the answer is known: 2 or 3 per candidate.
			for _, tr := range out.Tried {
				if tr.Rate.Runs < 2 || tr.Rate.Runs > 3 || tr.Reproduced != (tr.Rate.Failed >= 2) {
					t.Errorf("p=%.1f seed %d: %s: rate %v, reproduced %v", p, seed, tr.Change, tr.Rate, tr.Reproduced)
				}
			}
		}
		t.Logf("p=%.1f: exactly the pair in %d of %d seeds", p, exact, seeds)
		if float64(exact) < tc.most*seeds {
			t.Errorf("p=%.1f: exactly the pair in %d of %d seeds, want at least %.0f", p, exact, seeds, tc.most*seeds)
		}
	}
}

// A failure for another reason is recorded with the first candidate that
// showed it, and does not count as reproducing.
func TestOthers(t *testing.T) {
	run := func(_ context.Context, c Candidate) (Run, error) {
		switch {
		case c.Keep[2] && c.Keep[5]:
			return Run{Same: true}, nil
		case c.Keep[5] && !c.Keep[2]:
			return Run{Other: "write lost after failover"}, nil
		}
		return Run{}, nil
	}
	out, err := Reduce(context.Background(), Config{Items: plainItems(8), Run: run})
	if err != nil {
		t.Fatal(err)
	}
	if got := kept(out.Best); !slices.Equal(got, []int{2, 5}) {
		t.Errorf("best keeps %v, want [2 5]", got)
	}
	if len(out.Others) != 1 {
		t.Fatalf("others %+v, want one", out.Others)
	}
	o := out.Others[0]
	if o.Signature != "write lost after failover" || !o.Candidate.Keep[5] || o.Candidate.Keep[2] {
		t.Errorf("other %q seen first on %v", o.Signature, kept(o.Candidate))
	}
	runs := 0
	for _, tr := range out.Tried {
		if len(tr.Others) > 0 {
			runs += tr.Rate.Runs
			if tr.Reproduced || tr.Rate.Failed > 0 {
				t.Errorf("%s: reproduced with only other failures: %v", tr.Change, tr.Rate)
			}
		}
	}
	if o.Runs == 0 || o.Runs != runs {
		t.Errorf("other seen in %d runs, the candidates that showed it ran %d", o.Runs, runs)
	}
}

// Runs that cannot be vouched for count as not failing, and apart.
func TestInvalidRuns(t *testing.T) {
	// Without item 0 the numbers cannot be vouched for: it is kept.
	run := func(_ context.Context, c Candidate) (Run, error) {
		if !c.Keep[0] {
			return Run{Same: c.Keep[3], Invalid: true}, nil
		}
		return Run{Same: c.Keep[3]}, nil
	}
	out, err := Reduce(context.Background(), Config{Items: plainItems(6), Run: run})
	if err != nil {
		t.Fatal(err)
	}
	if got := kept(out.Best); !slices.Equal(got, []int{0, 3}) {
		t.Errorf("best keeps %v, want [0 3]", got)
	}
	invalid := 0
	for _, tr := range out.Tried {
		invalid += tr.Rate.Invalid
		if tr.Rate.Invalid > 0 && (tr.Reproduced || tr.Rate.Failed > 0) {
			t.Errorf("%s: rate %v, reproduced %v", tr.Change, tr.Rate, tr.Reproduced)
		}
	}
	if invalid == 0 {
		t.Error("no invalid run counted")
	}
}

func TestBudget(t *testing.T) {
	for _, max := range []int{1, 2, 9, 10, 20} {
		out, err := Reduce(context.Background(), Config{Items: plainItems(30), Run: allOf(7, 22), MaxRuns: max})
		if err != nil {
			t.Fatal(err)
		}
		if out.Runs > max {
			t.Errorf("budget %d: %d runs", max, out.Runs)
		}
		if want := fmt.Sprintf("budget of %d runs spent", max); out.Stopped != want {
			t.Errorf("budget %d: stopped %q, want %q", max, out.Stopped, want)
		}
		if !out.Best.Keep[7] || !out.Best.Keep[22] {
			t.Errorf("budget %d: best %v does not reproduce", max, kept(out.Best))
		}
		if max >= 10 && out.Best.Size() >= 30 {
			t.Errorf("budget %d: nothing removed", max)
		}
	}
}

// Ctrl-C in the middle of a run: the best so far, Stopped "interrupted",
// no error; a deadline: "timed out".
func TestInterrupted(t *testing.T) {
	for _, tc := range []struct {
		cause error
		want  string
	}{
		{context.Canceled, "interrupted"},
		{context.DeadlineExceeded, "timed out"},
		{errors.New("second Ctrl-C"), "interrupted"},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		calls := 0
		run := func(ctx context.Context, c Candidate) (Run, error) {
			calls++
			if calls == 10 { // the second run of the fifth candidate
				cancel(tc.cause)
				return Run{}, ctx.Err()
			}
			return allOf(7, 22)(ctx, c)
		}
		out, err := Reduce(ctx, Config{Items: plainItems(30), Run: run})
		if err != nil {
			t.Errorf("cause %v: error %v", tc.cause, err)
		}
		if out.Stopped != tc.want {
			t.Errorf("cause %v: stopped %q, want %q", tc.cause, out.Stopped, tc.want)
		}
		if calls != 10 || out.Runs != 9 {
			t.Errorf("cause %v: %d calls, %d runs; want 10 and 9", tc.cause, calls, out.Runs)
		}
		if !out.Best.Keep[7] || !out.Best.Keep[22] || out.Best.Size() >= 30 {
			t.Errorf("cause %v: best keeps %v", tc.cause, kept(out.Best))
		}
		if last := out.Tried[len(out.Tried)-1]; !last.Unfinished || last.Rate.Runs != 1 || last.Reproduced {
			t.Errorf("cause %v: last tried %+v, want unfinished", tc.cause, last)
		}
	}
	// A run that ignores ctx: Reduce does not start another.
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	run := func(ctx context.Context, c Candidate) (Run, error) {
		calls++
		if calls == 3 {
			cancel()
		}
		return allOf(7, 22)(ctx, c)
	}
	out, err := Reduce(ctx, Config{Items: plainItems(30), Run: run})
	if err != nil || out.Stopped != "interrupted" || calls != 3 || out.Runs != 3 {
		t.Errorf("run ignoring ctx: err %v, stopped %q, %d calls, %d runs", err, out.Stopped, calls, out.Runs)
	}
}

func TestRunError(t *testing.T) {
	boom := errors.New("docker: no space left on device")
	calls := 0
	run := func(ctx context.Context, c Candidate) (Run, error) {
		calls++
		if calls == 5 {
			return Run{}, boom
		}
		return allOf(1, 2)(ctx, c)
	}
	out, err := Reduce(context.Background(), Config{Items: plainItems(10), Run: run})
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "shrink: run candidate: ") {
		t.Errorf("error %v, want shrink: run candidate: %v", err, boom)
	}
	if out.Runs != 4 || out.Stopped != "" || !out.Best.Keep[1] || !out.Best.Keep[2] {
		t.Errorf("outcome so far: %d runs, stopped %q, best %v", out.Runs, out.Stopped, kept(out.Best))
	}
}

func TestConfigErrors(t *testing.T) {
	run := allOf(0)
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"no run", Config{Items: plainItems(3)}},
		{"R above K", Config{Items: plainItems(3), Run: run, K: 2, R: 3}},
		{"R negative", Config{Items: plainItems(3), Run: run, R: -1}},
		{"need out of range", Config{Items: []Item{{Needs: []int{1}}}, Run: run}},
		{"value below min", Config{Items: []Item{{Knobs: []Knob{{Name: "hold_ms", Value: 5, Min: 10}}}}, Run: run}},
	} {
		_, err := Reduce(context.Background(), tc.c)
		if err == nil || !strings.HasPrefix(err.Error(), "shrink: config: ") {
			t.Errorf("%s: error %v", tc.name, err)
		}
	}
}

// Progress is called after every run, with the best never growing; the
// Tried and the counts agree.
func TestProgress(t *testing.T) {
	items := plainItems(12)
	items[3].Knobs = []Knob{{Name: "hold_ms", Value: 800}}
	var ps []Progress
	out, err := Reduce(context.Background(), Config{Items: items, Run: allOf(3, 8), Progress: func(p Progress) { ps = append(ps, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != out.Runs {
		t.Fatalf("%d progress calls, %d runs", len(ps), out.Runs)
	}
	for i, p := range ps {
		if p.Runs != i+1 || (i > 0 && (p.Best > ps[i-1].Best || p.Candidates < ps[i-1].Candidates)) || p.Trying == "" {
			t.Errorf("progress %d: %+v after %+v", i, p, ps[max(i-1, 0)])
		}
	}
	if p := ps[0]; p.Phase != "items" || p.Trying != "without 6 of 12 items" || p.Size != 6 || p.Best != 12 {
		t.Errorf("first progress %+v", p)
	}
	if p := ps[len(ps)-1]; p.Phase != "knobs" || p.Best != 2 || p.Candidates != out.Candidates {
		t.Errorf("last progress %+v, outcome %d candidates", p, out.Candidates)
	}
	if last := out.Tried[len(out.Tried)-1]; last.Change != "the knob at its lowest" {
		t.Errorf("last tried %q", last.Change)
	}
	var changes []string
	for _, tr := range out.Tried {
		changes = append(changes, tr.Change)
	}
	if !slices.Contains(changes, "without 3") || !slices.Contains(changes, "without 8") {
		t.Errorf("tried %q: want each culprit tried alone at the end", changes)
	}
}

// Without drops an item with every kept item that needs it, directly or
// not, and leaves the candidate it was given as it was.
func TestWithout(t *testing.T) {
	items := []Item{{Name: "up"}, {Name: "fault during up", Needs: []int{0}}, {Name: "fault during that", Needs: []int{1}}, {Name: "other"}}
	c := Original(items)
	got := Without(items, c, 0)
	if want := []bool{false, false, false, true}; !slices.Equal(got.Keep, want) {
		t.Errorf("without item 0: %v, want %v", got.Keep, want)
	}
	if !slices.Equal(c.Keep, []bool{true, true, true, true}) {
		t.Errorf("the candidate given changed: %v", c.Keep)
	}
}
