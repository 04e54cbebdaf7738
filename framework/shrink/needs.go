package shrink

import (
	"fmt"
	"strconv"
)

// needs is who needs whom among the items, both ways, and which items
// can never go: the Fixed ones and everything they need.
type needs struct {
	of     [][]int // of[i]: the items i needs
	by     [][]int // by[i]: the items that need i
	forced []bool
}

func newNeeds(items []Item) (needs, error) {
	n := needs{of: make([][]int, len(items)), by: make([][]int, len(items)), forced: make([]bool, len(items))}
	for i, it := range items {
		for _, j := range it.Needs {
			if j < 0 || j >= len(items) {
				return n, fmt.Errorf("item %d needs %d, not an item", i, j)
			}
			n.of[i] = append(n.of[i], j)
			n.by[j] = append(n.by[j], i)
		}
		n.forced[i] = it.Fixed
	}
	n.close(n.forced)
	return n, nil
}

// close adds to keep, in place, every item a kept item needs, and what
// those need in turn.
func (n needs) close(keep []bool) {
	var todo []int
	for i, k := range keep {
		if k {
			todo = append(todo, i)
		}
	}
	for len(todo) > 0 {
		i := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, j := range n.of[i] {
			if !keep[j] {
				keep[j] = true
				todo = append(todo, j)
			}
		}
	}
}

// dependants is i and every kept item that needs it, directly or not:
// what goes when i goes.
func (n needs) dependants(keep []bool, i int) []int {
	out := []int{i}
	seen := map[int]bool{i: true}
	for k := 0; k < len(out); k++ {
		for _, j := range n.by[out[k]] {
			if keep[j] && !seen[j] {
				seen[j] = true
				out = append(out, j)
			}
		}
	}
	return out
}

// onlyForced says whether keep holds nothing but the items that can never
// go: the empty plan, which Reduce assumes does not fail and never runs.
func (n needs) onlyForced(keep []bool) bool {
	for i, k := range keep {
		if k && !n.forced[i] {
			return false
		}
	}
	return true
}

// key names a candidate for the cache: its kept items and their values.
// The values of items it does not keep do not matter.
func key(c Candidate) string {
	b := make([]byte, 0, 4*len(c.Keep))
	for i, k := range c.Keep {
		if !k {
			b = append(b, '-')
			continue
		}
		b = append(b, '+')
		for _, v := range c.Values[i] {
			b = strconv.AppendInt(b, v, 10)
			b = append(b, ',')
		}
	}
	return string(b)
}

// subset says whether every item a keeps, b keeps too.
func subset(a, b []bool) bool {
	for i := range a {
		if a[i] && !b[i] {
			return false
		}
	}
	return true
}

// check returns K and R with their defaults, or what is wrong with c.
func check(c Config) (k, r int, err error) {
	if c.Run == nil {
		return 0, 0, fmt.Errorf("no Run")
	}
	k, r = c.K, c.R
	if k == 0 {
		k = 3
	}
	if r == 0 {
		r = min(2, k)
	}
	if r < 1 || r > k {
		return 0, 0, fmt.Errorf("want 1 <= R <= K, have R %d and K %d", r, k)
	}
	for i, it := range c.Items {
		for _, kn := range it.Knobs {
			if kn.Min < 0 || kn.Value < kn.Min {
				return 0, 0, fmt.Errorf("item %d knob %s: value %d, min %d: want 0 <= min <= value", i, kn.Name, kn.Value, kn.Min)
			}
		}
	}
	return k, r, nil
}

// fits says whether c is a candidate of items.
func fits(c Candidate, items []Item) error {
	if len(c.Keep) != len(items) || len(c.Values) != len(items) {
		return fmt.Errorf("candidate of %d items (%d values), plan of %d", len(c.Keep), len(c.Values), len(items))
	}
	for i, it := range items {
		if len(c.Values[i]) != len(it.Knobs) {
			return fmt.Errorf("item %d: %d values for %d knobs", i, len(c.Values[i]), len(it.Knobs))
		}
	}
	return nil
}
