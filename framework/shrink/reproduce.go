package shrink

import (
	"context"
	"fmt"
	"slices"
)

// Reproduce runs candidate k times, all of them (no early stop), and
// returns its rate: the reproduction rate of the original and of the
// minimal plan. The signatures of other failures it saw are returned too,
// each once. Progress, when set, is called after every run with Phase
// "reproduce". When ctx ends, it returns what it saw so far and ctx's
// cause, wrapped.
func Reproduce(ctx context.Context, c Config, cand Candidate, k int) (Rate, []string, error) {
	var rate Rate
	var others []string
	if c.Run == nil {
		return rate, nil, fmt.Errorf("shrink: config: no Run")
	}
	if k < 1 {
		return rate, nil, fmt.Errorf("shrink: reproduce %d times: want at least 1", k)
	}
	if err := fits(cand, c.Items); err != nil {
		return rate, nil, fmt.Errorf("shrink: reproduce: %w", err)
	}
	for n := 0; n < k; n++ {
		if ctx.Err() != nil {
			return rate, others, fmt.Errorf("shrink: reproduce: %w", context.Cause(ctx))
		}
		res, err := c.Run(ctx, cand.Clone())
		if err != nil {
			if ctx.Err() != nil {
				return rate, others, fmt.Errorf("shrink: reproduce: %w", context.Cause(ctx))
			}
			return rate, others, fmt.Errorf("shrink: run candidate: %w", err)
		}
		rate.Runs++
		switch {
		case res.Invalid:
			rate.Invalid++
		case res.Same:
			rate.Failed++
		}
		if res.Other != "" && !res.Invalid && !slices.Contains(others, res.Other) {
			others = append(others, res.Other)
		}
		if c.Progress != nil {
			c.Progress(Progress{Phase: "reproduce", Runs: rate.Runs, Size: cand.Size(), Best: cand.Size(),
				Trying: fmt.Sprintf("run %d of %d", n+1, k)})
		}
	}
	return rate, others, nil
}
