package shrink

import (
	"context"
	"slices"
)

// Item is one part of a plan that may be removed: a step or a fault with
// its wait.
type Item struct {
	Name  string // how progress and reports name it: "5: SIGKILL of the primary driver for 412ms"
	Needs []int  // indices of items that must be kept whenever this one is (a fault during an upgrade needs that upgrade)
	Knobs []Knob // its durations and intensities, each of which may be lowered
	Fixed bool   // never removed (still may have its knobs lowered)
}

// Knob is one number of an item that shrinking may lower: a fault's hold,
// a latency, a loss percentage.
type Knob struct {
	Name  string // "hold_ms", "latency_ms"
	Value int64  // as the original plan has it
	Min   int64  // the lowest value that still means something (>= 0)
}

// Candidate is a plan to try: which items it keeps, and each item's knob
// values.
type Candidate struct {
	Keep   []bool    // len(Items)
	Values [][]int64 // Values[i][j] is item i's knob j
}

// Size is the number of items c keeps.
func (c Candidate) Size() int {
	n := 0
	for _, k := range c.Keep {
		if k {
			n++
		}
	}
	return n
}

// Clone returns a copy of c that shares no memory with it.
func (c Candidate) Clone() Candidate {
	d := Candidate{Keep: slices.Clone(c.Keep), Values: make([][]int64, len(c.Values))}
	for i, v := range c.Values {
		d.Values[i] = slices.Clone(v)
	}
	return d
}

// Original is the candidate that keeps every item at its drawn values.
func Original(items []Item) Candidate {
	c := Candidate{Keep: make([]bool, len(items)), Values: make([][]int64, len(items))}
	for i, it := range items {
		c.Keep[i] = true
		c.Values[i] = make([]int64, len(it.Knobs))
		for j, k := range it.Knobs {
			c.Values[i][j] = k.Value
		}
	}
	return c
}

// Without is c without item i and without every kept item that needs
// it, directly or not: what goes when i goes (a counterfactual's plan).
// Needs that name no item are ignored.
func Without(items []Item, c Candidate, i int) Candidate {
	n, _ := newNeeds(items)
	out := c.Clone()
	for _, j := range n.dependants(c.Keep, i) {
		out.Keep[j] = false
	}
	return out
}

// Run is what one run of a candidate showed.
type Run struct {
	Same    bool   // it failed for the original's reason
	Other   string // not "": it failed for another reason, this signature (a different bug, reported apart)
	Invalid bool   // its numbers cannot be vouched for: it counts as not reproducing, and is counted apart
}

// Config is what Reduce and Reproduce work on: the items of the plan, and
// how to run a candidate.
type Config struct {
	Items []Item
	// Valid says whether a set of kept items is a plan that can run at
	// all (the version chain of its upgrades holds); nil: every set
	// closed under Needs is. Invalid candidates are skipped, never run,
	// and counted as Skipped. Valid gets a copy of the candidate's Keep.
	Valid func(keep []bool) bool
	// Run runs candidate c once. It gets a copy of c.
	Run func(ctx context.Context, c Candidate) (Run, error)
	// Each candidate runs up to K times (default 3) and reproduces if R
	// of them are Same (default 2; 1 <= R <= K). Runs stop early once the
	// answer is known (R Same, or too few runs left to reach R).
	K, R int
	// MaxRuns is the budget in runs (0: none). Reduce stops when the next
	// run would pass it, and does not start a candidate when fewer than R
	// runs are left, too few for it to reproduce.
	MaxRuns  int
	Progress func(Progress) // called after every run; may be nil
	NoKnobs  bool           // skip the knob phase
}

// Progress is where Reduce (or Reproduce) is, reported after every run.
type Progress struct {
	Phase      string // "items" or "knobs" (Reproduce: "reproduce")
	Runs       int    // runs made so far
	Candidates int    // candidates tried so far (skipped ones not counted)
	Size       int    // items in the candidate being tried
	Best       int    // items in the smallest reproducing candidate so far
	Trying     string // one line: what this candidate changes ("without 3 of 9 items", "5: SIGKILL ...: hold_ms 400 -> 100")
}

// Tried is one candidate tried, for the report: what it changed, its runs
// and whether it reproduced.
type Tried struct {
	Phase, Change string
	Size          int
	Rate          Rate
	Reproduced    bool
	Others        []string // signatures of other failures its runs showed, each once
	// Unfinished: its runs were cut short (the budget was spent, or ctx
	// ended) before the answer was known; it counts as not reproducing.
	Unfinished bool
}

// Other is a failure for another reason seen while shrinking: its
// signature, the first candidate that showed it, and how many runs showed
// it.
type Other struct {
	Signature string
	Candidate Candidate
	Runs      int
}

// Outcome is what Reduce found.
type Outcome struct {
	Best       Candidate // the smallest candidate that reproduced (the original when nothing smaller did)
	Runs       int       // runs made (each call of Config.Run that returned a result)
	Candidates int       // candidates run at least once
	Skipped    int       // candidates not run because they were invalid, already tried, or known not to reproduce
	Stopped    string    // "" when it finished; else why it stopped early with the best so far: "budget of 40 runs spent", "interrupted", "timed out"
	Tried      []Tried
	Others     []Other
}
