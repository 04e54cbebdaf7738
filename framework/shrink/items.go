package shrink

import "fmt"

// items is the items phase: ddmin over the items the best keeps, then
// single removals until the best is 1-minimal.
//
// It is Zeller's ddmin with complements first, and three changes that
// cut the candidates it runs (see the figures in the package doc):
//
//   - The chunks are kept across a pass: removing one does not restart
//     the pass over a new partition, the next chunk is tried next. When
//     a pass is over, each chunk that could not go is halved (ddmin's
//     granularity doubling), and those that went are not tried again.
//   - A candidate that keeps only items that a candidate which did not
//     reproduce kept is known not to reproduce and is not run (ddmin's
//     own assumption, that removing more does not bring a failure back).
//     So when the first half of a chunk goes, the second is not tried:
//     without it the plan is less than the one without the whole chunk,
//     which did not reproduce. This is also why ddmin's subsets (each
//     chunk alone) are not tried: once no complement reproduced, no
//     subset can either.
//   - The empty plan (the Fixed items alone) is assumed not to fail, as
//     ddmin assumes, and never run.
//
// The single removals at the end are run, never inferred, so that the
// result is 1-minimal by what was seen: without any one of its items and
// those that need it, the plan is invalid or did not reproduce.
func (r *reducer) items() error {
	r.phase = phaseItems
	var free []int
	for i, k := range r.best.Keep {
		if k && !r.needs.forced[i] {
			free = append(free, i)
		}
	}
	chunks := halve([][]int{free})
	for len(chunks) > 0 {
		var next [][]int
		for _, ch := range chunks {
			ch = r.kept(ch)
			if len(ch) == 0 {
				continue
			}
			if err := r.without(ch); err != nil {
				return err
			}
			if rest := r.kept(ch); len(rest) > 1 {
				next = append(next, rest)
			}
		}
		chunks = halve(next)
	}
	return r.oneMinimal()
}

// without tries the best without the items of ch (and with what the
// items left need).
func (r *reducer) without(ch []int) error {
	cand := r.best.Clone()
	for _, i := range ch {
		cand.Keep[i] = false
	}
	r.needs.close(cand.Keep)
	if r.needs.onlyForced(cand.Keep) {
		return nil
	}
	_, err := r.try(cand, r.change(cand, -1), true)
	return err
}

// oneMinimal tries the best without each of its items in turn (with the
// items that need it), until none can go.
func (r *reducer) oneMinimal() error {
	for {
		removed := false
		for i, k := range r.best.Keep {
			if !k || r.needs.forced[i] {
				continue
			}
			drop := r.needs.dependants(r.best.Keep, i)
			cand := r.best.Clone()
			for _, d := range drop {
				cand.Keep[d] = false
			}
			if r.needs.onlyForced(cand.Keep) {
				continue
			}
			v, err := r.try(cand, r.change(cand, i), false)
			if err != nil {
				return err
			}
			removed = removed || v == won
		}
		if !removed {
			return nil
		}
	}
}

// kept is the items of ch the best still keeps.
func (r *reducer) kept(ch []int) []int {
	var out []int
	for _, i := range ch {
		if r.best.Keep[i] {
			out = append(out, i)
		}
	}
	return out
}

// change says in one line what cand removes from the best: "without
// 3 of 9 items", or for one item (named by one, or the only one cand
// removes) "without 5: SIGKILL of the primary driver", with "and 1 item
// that needs it" when it takes others along.
func (r *reducer) change(cand Candidate, one int) string {
	from, to := r.best.Size(), cand.Size()
	if one < 0 && from-to == 1 {
		for i, k := range r.best.Keep {
			if k && !cand.Keep[i] {
				one = i
			}
		}
	}
	if one < 0 {
		return fmt.Sprintf("without %d of %d items", from-to, from)
	}
	s := "without " + r.c.Items[one].Name
	switch n := from - to - 1; {
	case n == 1:
		s += " and 1 item that needs it"
	case n > 1:
		s += fmt.Sprintf(" and %d items that need it", n)
	}
	return s
}

// halve splits each chunk of two items or more in two, the first half no
// larger than the second.
func halve(chunks [][]int) [][]int {
	var out [][]int
	for _, ch := range chunks {
		if len(ch) < 2 {
			continue
		}
		h := len(ch) / 2
		out = append(out, ch[:h:h], ch[h:])
	}
	return out
}
