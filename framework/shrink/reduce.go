package shrink

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Reduce shrinks the original plan: first ddmin over the items (always
// keeping Fixed items and closing every candidate under Needs), then the
// knobs of the kept items. It assumes the original reproduces (the caller
// measured that with Reproduce). When ctx ends (Ctrl-C, a timeout) or the
// budget is spent, it returns the best so far with Stopped set and a nil
// error: ctx's cause decides the wording (context.DeadlineExceeded ->
// "timed out", else "interrupted"). An error from Run other than ctx's
// ends it too, returned wrapped ("shrink: run candidate: ...") together
// with the outcome so far.
func Reduce(ctx context.Context, c Config) (Outcome, error) {
	out := Outcome{Best: Original(c.Items)}
	k, r, err := check(c)
	if err != nil {
		return out, fmt.Errorf("shrink: config: %w", err)
	}
	n, err := newNeeds(c.Items)
	if err != nil {
		return out, fmt.Errorf("shrink: config: %w", err)
	}
	red := &reducer{ctx: ctx, c: c, k: k, r: r, needs: n, best: out.Best, seen: map[string]bool{}, others: map[string]int{}}
	err = red.items()
	if err == nil && !c.NoKnobs {
		err = red.knobs()
	}
	red.out.Best = red.best
	if errors.Is(err, errStopped) {
		err = nil
	}
	return red.out, err
}

// errStopped unwinds Reduce when ctx ended or the budget is spent;
// Outcome.Stopped says which.
var errStopped = errors.New("stopped")

// reducer is one Reduce under way.
type reducer struct {
	ctx   context.Context
	c     Config
	k, r  int
	needs needs
	phase string
	best  Candidate
	out   Outcome

	seen   map[string]bool // candidates run, by key: whether they reproduced
	failed [][]bool        // the Keep of each candidate of the items phase that did not reproduce
	others map[string]int  // signature -> index in out.Others
}

// verdict is what trying a candidate gave.
type verdict int

const (
	skipped verdict = iota // not run: the best itself, or invalid
	known                  // not run: known not to reproduce (tried already, or less than one that did not)
	lost                   // run, and it did not reproduce
	won                    // run, and it reproduced: it is the new best
)

// try runs cand unless it can be skipped, and makes it the best if it
// reproduces. With infer, a candidate that keeps only items that a
// candidate which did not reproduce kept is known not to reproduce
// either, and is skipped (ddmin's own assumption: removing more items
// does not bring a failure back).
func (r *reducer) try(cand Candidate, change string, infer bool) (verdict, error) {
	k := key(cand)
	switch {
	case k == key(r.best):
		r.out.Skipped++
		return skipped, nil
	case r.c.Valid != nil && !r.c.Valid(slices.Clone(cand.Keep)):
		r.out.Skipped++
		return skipped, nil
	}
	if rep, ok := r.seen[k]; ok {
		r.out.Skipped++
		if rep {
			return skipped, nil // reproduced before, yet is not the best: never smaller
		}
		return known, nil
	}
	if infer {
		for _, f := range r.failed {
			if subset(cand.Keep, f) {
				r.out.Skipped++
				return known, nil
			}
		}
	}
	if err := r.startable(); err != nil {
		return lost, err
	}
	t, err := r.runs(cand, change)
	if t.Rate.Runs > 0 {
		r.out.Tried = append(r.out.Tried, t)
	}
	if err != nil {
		return lost, err
	}
	if t.Rate.Invalid == 0 {
		r.seen[k] = t.Reproduced
		if !t.Reproduced && r.phase == phaseItems {
			r.failed = append(r.failed, slices.Clone(cand.Keep))
		}
	}
	if !t.Reproduced {
		return lost, nil
	}
	r.best = cand
	return won, nil
}

const (
	phaseItems = "items"
	phaseKnobs = "knobs"
)

// runs runs cand up to K times, stopping once the answer is known.
func (r *reducer) runs(cand Candidate, change string) (Tried, error) {
	t := Tried{Phase: r.phase, Change: change, Size: cand.Size()}
	for n := 0; n < r.k; n++ {
		if t.Rate.Failed >= r.r || t.Rate.Failed+r.k-n < r.r {
			break
		}
		if err := r.runnable(); err != nil {
			t.Unfinished = true
			return t, err
		}
		res, err := r.c.Run(r.ctx, cand.Clone())
		if err != nil {
			t.Unfinished = true
			if r.ctx.Err() != nil {
				return t, r.stop(r.ended())
			}
			return t, fmt.Errorf("shrink: run candidate: %w", err)
		}
		if n == 0 {
			r.out.Candidates++
		}
		r.out.Runs++
		t.Rate.Runs++
		switch {
		case res.Invalid:
			t.Rate.Invalid++
		case res.Same:
			t.Rate.Failed++
		}
		if res.Other != "" && !res.Invalid {
			if !slices.Contains(t.Others, res.Other) {
				t.Others = append(t.Others, res.Other)
			}
			r.other(res.Other, cand)
		}
		if r.c.Progress != nil {
			r.c.Progress(Progress{Phase: r.phase, Runs: r.out.Runs, Candidates: r.out.Candidates,
				Size: t.Size, Best: r.best.Size(), Trying: change})
		}
	}
	t.Reproduced = t.Rate.Failed >= r.r
	return t, nil
}

// other records a run that failed for another reason.
func (r *reducer) other(sig string, cand Candidate) {
	if i, ok := r.others[sig]; ok {
		r.out.Others[i].Runs++
		return
	}
	r.others[sig] = len(r.out.Others)
	r.out.Others = append(r.out.Others, Other{Signature: sig, Candidate: cand.Clone(), Runs: 1})
}

// startable says whether a new candidate may start: ctx has not ended and
// the budget has R runs left, the fewest that can show it reproduces.
func (r *reducer) startable() error {
	if r.ctx.Err() != nil {
		return r.stop(r.ended())
	}
	if r.c.MaxRuns > 0 && r.out.Runs+r.r > r.c.MaxRuns {
		return r.stop(r.spent())
	}
	return nil
}

// runnable says whether one more run may start.
func (r *reducer) runnable() error {
	if r.ctx.Err() != nil {
		return r.stop(r.ended())
	}
	if r.c.MaxRuns > 0 && r.out.Runs+1 > r.c.MaxRuns {
		return r.stop(r.spent())
	}
	return nil
}

func (r *reducer) stop(why string) error {
	r.out.Stopped = why
	return errStopped
}

func (r *reducer) spent() string { return fmt.Sprintf("budget of %d runs spent", r.c.MaxRuns) }

// ended words why ctx ended.
func (r *reducer) ended() string {
	if errors.Is(r.ctx.Err(), context.DeadlineExceeded) || errors.Is(context.Cause(r.ctx), context.DeadlineExceeded) {
		return "timed out"
	}
	return "interrupted"
}
