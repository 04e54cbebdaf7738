package fault

import "slices"

// A cut blocks directed pairs of nodes: [2]string{"e1", "e2"} means the
// packets e1 sends to e2 are dropped. A two-way cut blocks both pairs.
//
//	Partition({e1}, {e2, e3})         Ring(e1..e5)
//	  e1 -x-> e2   e2 -x-> e1           e1 -x- e3, e1 -x- e4
//	  e1 -x-> e3   e3 -x-> e1           e2 -x- e4, e2 -x- e5
//	                                    e3 -x- e5   (both ways)

// KeepsQuorum reports whether members (a cluster's, every one counted)
// keep a quorum when the pairs in blocked are cut and the members in down
// are unavailable: some member that is not down reaches, both ways, at
// least len(members)/2 of the others that are not down (len/2+1 counting
// itself), so that a majority can still agree. Pairs naming nodes that
// are not members do not count. A cluster of no members keeps its
// (empty) quorum.
//
//	fault.KeepsQuorum([]string{"e1", "e2", "e3"}, [][2]string{{"e1", "e2"}, {"e2", "e1"}}) // true: e3 reaches both
//	fault.KeepsQuorum([]string{"e1", "e2"}, [][2]string{{"e1", "e2"}})                   // false: one way is enough
func KeepsQuorum(members []string, blocked [][2]string, down ...string) bool {
	if len(members) == 0 {
		return true
	}
	cut := map[[2]string]bool{}
	for _, p := range blocked {
		cut[p] = true
	}
	need := len(members) / 2
	for _, m := range members {
		if slices.Contains(down, m) {
			continue
		}
		reach := 0
		for _, o := range members {
			if o != m && !slices.Contains(down, o) && !cut[[2]string{m, o}] && !cut[[2]string{o, m}] {
				reach++
			}
		}
		if reach >= need {
			return true
		}
	}
	return false
}

// cross is every pair from a member of from to a member of to, in order,
// but a node and itself; both adds the reverse pairs.
func cross(from, to []string, both bool) [][2]string {
	var out [][2]string
	for _, a := range from {
		for _, b := range to {
			if a != b {
				out = append(out, [2]string{a, b})
			}
		}
	}
	if both {
		for _, a := range from {
			for _, b := range to {
				if a != b {
					out = append(out, [2]string{b, a})
				}
			}
		}
	}
	return out
}

// ring is the pairs a ring of members cuts: each member from every
// member but its two neighbours in declared order (the last and the first
// are neighbours), from a member to those after it; both adds the reverse.
func ring(members []string, both bool) [][2]string {
	n := len(members)
	var out [][2]string
	for i := range n {
		for j := i + 1; j < n; j++ {
			if j == i+1 || (i == 0 && j == n-1) {
				continue
			}
			out = append(out, [2]string{members[i], members[j]})
		}
	}
	if both {
		for _, p := range slices.Clone(out) {
			out = append(out, [2]string{p[1], p[0]})
		}
	}
	return out
}

// halves splits the members but bridge in two, in declared order; the
// first half takes the odd one.
func halves(members []string, bridge string) (a, b []string) {
	others := without(members, bridge)
	k := (len(others) + 1) / 2
	return others[:k], others[k:]
}

// without is members but m, in order.
func without(members []string, m string) []string {
	return slices.DeleteFunc(slices.Clone(members), func(x string) bool { return x == m })
}

// touched is every node a pair names, in order of first appearance.
func touched(pairs [][2]string) []string {
	var out []string
	for _, p := range pairs {
		out = union(out, p[:])
	}
	return out
}

// union is the names of the lists, each once, in order of first
// appearance.
func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, n := range l {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}
