package shrink

import (
	"fmt"
	"math"
)

// probes is how many candidates the knob phase runs for each knob at
// most.
const probes = 3

// knobs is the knob phase: every knob of the kept items at its Min in one
// candidate; if that does not reproduce, each knob in turn is lowered as
// far as it still reproduces, in at most three candidates.
func (r *reducer) knobs() error {
	r.phase = phaseKnobs
	low := r.best.Clone()
	n := 0
	for i, k := range low.Keep {
		if !k {
			continue
		}
		for j, kn := range r.c.Items[i].Knobs {
			if low.Values[i][j] > kn.Min {
				low.Values[i][j] = kn.Min
				n++
			}
		}
	}
	if n == 0 {
		return nil
	}
	change := fmt.Sprintf("all %d knobs at their lowest", n)
	if n == 1 {
		change = "the knob at its lowest"
	}
	v, err := r.try(low, change, false)
	if err != nil || v == won {
		return err
	}
	for i, k := range r.best.Keep {
		if !k {
			continue
		}
		for j := range r.c.Items[i].Knobs {
			if err := r.lower(i, j); err != nil {
				return err
			}
		}
	}
	return nil
}

// lower searches, in at most three candidates, for the lowest value of
// item i's knob j between its Min and its value in the best that still
// reproduces, and makes the best keep it. The search halves the range on
// a log scale: durations that matter span orders of magnitude (a 2 s hold
// that fails from 300 ms on), and the geometric middle finds their
// threshold within a factor of (value/max(Min,1))^(1/8), where the plain
// middle would find a small one only within an eighth of the value.
func (r *reducer) lower(i, j int) error {
	kn := r.c.Items[i].Knobs[j]
	lo, hi := kn.Min, r.best.Values[i][j]
	at := func(v int64) Candidate {
		c := r.best.Clone()
		c.Values[i][j] = v
		return c
	}
	if rep, ok := r.seen[key(at(lo))]; ok && !rep && lo < hi {
		lo++ // every knob at its Min was this one alone at its Min
	}
	for n := 0; n < probes && lo < hi; {
		mid := between(lo, hi)
		change := fmt.Sprintf("%s: %s %d -> %d", r.c.Items[i].Name, kn.Name, r.best.Values[i][j], mid)
		v, err := r.try(at(mid), change, false)
		if err != nil {
			return err
		}
		switch v {
		case won:
			hi = mid
		case lost, known:
			lo = mid + 1
		default:
			return nil // not run: invalid, or a candidate already tried
		}
		if v != known {
			n++
		}
	}
	return nil
}

// between is the value to try next when the lowest value that reproduces
// is in [lo, hi] and hi does: the geometric middle of max(lo, 1) and hi,
// at least lo and below hi.
func between(lo, hi int64) int64 {
	a := max(lo, 1)
	m := int64(math.Sqrt(float64(a)) * math.Sqrt(float64(hi)))
	return min(max(m, lo), hi-1)
}
