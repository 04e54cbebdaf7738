// Package shrink finds the smallest plan that still fails for the same
// reason as a seeded plan that failed: delta debugging (ddmin) over the
// plan's items, then lowering each kept item's durations and
// intensities. It is pure: the caller turns the plan into Items and gives
// a Run that runs a candidate plan once; shrink decides what to run next
// and keeps the count. No clock, no files, no processes.
//
//	plan ──▶ []Item{Name, Needs, Knobs, Fixed} + Run (one real run, 5-15 s)
//	  │
//	  ├──▶ Reproduce(Original(items), 3) ──▶ Rate "3 of 3": it does fail
//	  │
//	  ├──▶ Reduce: the items phase (ddmin), then the knobs phase
//	  │      candidate ──▶ Run, up to K times ──▶ Run{Same, Other, Invalid}
//	  │          ▲                                        │
//	  │          └──── reproduced? the next candidate ◀───┘
//	  │      ──▶ Outcome{Best, Tried, Others, Stopped}
//	  │
//	  └──▶ Reproduce(Best, 3) ──▶ the rate of the minimal plan
//
//	out, err := shrink.Reduce(ctx, shrink.Config{Items: items, Run: run, MaxRuns: 60})
//	for i, keep := range out.Best.Keep {
//		if keep {
//			fmt.Println(items[i].Name, out.Best.Values[i])
//		}
//	}
//
// Example, in example_test.go, shrinks a plan of six items to the two
// that fail together.
//
// # Runs and rates
//
// A real plan fails by chance: each candidate runs up to K times (3) and
// reproduces when R (2) of its runs fail for the original's reason
// (Run.Same). The runs stop as soon as the answer is known, so a
// candidate that fails, or passes, every time costs 2 runs of 3. A run may
// fail for another reason (Run.Other, a signature): that is a different
// bug, kept in Outcome.Others with the first candidate that showed it,
// and it does not count as reproducing. A run whose numbers cannot be
// vouched for (Run.Invalid) counts as not reproducing, and is counted
// apart in its Rate: "2 of 3 (1 invalid)". Reproduce runs one candidate
// k times, all of them: the rate of the original before Reduce, and of
// the minimal plan after it.
//
// # The items phase
//
// It is Zeller's ddmin: the items are split in two chunks, then four,
// and so on; a candidate is the best so far without one chunk (a
// complement), and it becomes the best when it reproduces. Every
// candidate is closed under Needs: an item kept brings what it needs (a
// fault during an upgrade brings the upgrade), and Fixed items and what
// they need are always kept. A candidate is skipped, never run, when it
// is the best itself once closed, when Config.Valid says it is no plan
// (the versions of its upgrades do not chain), when it was tried
// already, or when it is known not to reproduce: it keeps only items that a
// candidate which did not reproduce kept. That last is ddmin's own
// assumption (removing more items does not bring a failure back), and
// with it ddmin's other candidates, each chunk alone, are never needed.
// The plan of the Fixed items alone is assumed not to fail, as ddmin
// assumes of the empty plan, and never run.
//
// Three changes to plain ddmin cut the candidates it runs. The chunks are
// kept across a pass: after one goes, the next is tried, with no new
// partition and no restart. A chunk that cannot go is halved for the next
// pass; when its first half goes, its second is known not to reproduce and is not
// tried, so a chunk with one culprit costs one or two candidates a pass,
// a binary search. Last, the best is made 1-minimal by what was run, not
// assumed: it is tried without each of its items in turn (with the items
// that need it), until none can go. So without any one of its items the
// minimal plan is invalid, or was run and did not reproduce.
//
// How many candidates it takes, at K=3, R=2 (2 runs each), when a pair of
// the items fails together and nothing else does, over every position of
// the pair (TestFigures measures it):
//
//	items   candidates     runs          plain ddmin (complements first,
//	        mean   max     mean   max    cached): candidates mean  max
//	  15    11.4    15     22.8    30                        14.0   19
//	  16    11.8    16     23.5    32                        14.4   20
//	  30    14.3    18     28.6    36                        18.9   25
//
// Of these, two are the candidates that make the pair 1-minimal. A plan of 15
// or 16 items is reduced to its pair within 40 runs wherever the pair
// is; one of 30, in 14 candidates on average.
//
// # The knobs phase
//
// Then the knobs (a fault's hold, a latency, a loss percentage)
// of the kept items are lowered, never raised. First every knob at its
// Min, in one candidate; when that reproduces, that is all. Otherwise
// each knob in turn is searched between its Min and its value for the
// lowest value that still reproduces, in at most three candidates. The
// search halves the range on a log scale (the geometric middle of
// max(Min, 1) and the value): the thresholds that matter span orders of
// magnitude, and three halvings find one within a factor of
// (value/max(Min, 1))^(1/8), never below it. For a 2 s hold with Min 0
// that factor is 2.6: a hold that fails from 300 ms on is reported as
// 300 ms, one from 1.5 s on stays 2 s, and a knob that does not matter
// ends a step above its Min.
//
// # Stopping early
//
// Config.MaxRuns is a budget in runs: a candidate is started only when R
// runs are left (fewer could not show it reproduces), and no run passes
// the budget. When it is spent, or ctx ends (Ctrl-C, a timeout), Reduce
// returns the best so far, a candidate that reproduced, with Stopped
// saying why ("budget of 40 runs spent", "interrupted", "timed out") and
// no error. A candidate cut short is in Tried, Unfinished. An error of
// Run's own ends Reduce too, and is returned with the outcome so far.
package shrink
