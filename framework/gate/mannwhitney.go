package gate

import (
	"math"
	"slices"
)

// UTest is the outcome of a one-sided Mann–Whitney U test of whether the
// second sample tends to be larger than the first.
type UTest struct {
	// U counts the pairs (x[i], y[j]) with y[j] > x[i], a tie counting
	// one half. It runs from 0 to len(x)*len(y).
	U float64
	// P is the one-sided p-value: the chance, were both samples drawn from
	// one distribution, of a U at least this large. NaN when a sample is
	// empty.
	P float64
	// Exact says P comes from the exact distribution of U rather than the
	// normal approximation.
	Exact bool
}

// ExactLimit is the largest sample, on either side, for which MannWhitney
// computes the exact distribution of U.
const ExactLimit = 50

// MannWhitney runs a one-sided Mann–Whitney U test (Wilcoxon rank-sum) of
// the alternative that y tends to be larger than x; swap the arguments for
// the other direction. NaNs are dropped.
//
// Without ties and with at most ExactLimit values a side, P is exact: the
// distribution of U under the null hypothesis is computed by the recurrence
// over which sample the largest value belongs to,
//
//	P(U=u | m, n) = m/(m+n)·P(U=u-n | m-1, n) + n/(m+n)·P(U=u | m, n-1)
//
// (m = len(y), n = len(x)). Otherwise P comes from the normal
// approximation with mean mn/2, the tie-corrected variance
//
//	mn/12 · ((N+1) - Σ(t³-t) / (N(N-1)))
//
// (N = m+n, t the size of each group of tied values), and a continuity
// correction of 1/2. When every value is tied, U is its mean and P is 1.
func MannWhitney(x, y []float64) UTest {
	x, y = dropNaN(x), dropNaN(y)
	n, m := len(x), len(y)
	if n == 0 || m == 0 {
		return UTest{P: math.NaN()}
	}
	type obs struct {
		v     float64
		fromY bool
	}
	all := make([]obs, 0, n+m)
	for _, v := range x {
		all = append(all, obs{v, false})
	}
	for _, v := range y {
		all = append(all, obs{v, true})
	}
	slices.SortFunc(all, func(a, b obs) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	// Midranks (1-based) and the tie term.
	var rankY, ties float64
	tied := false
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		mid := float64(i+1+j) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			if all[k].fromY {
				rankY += mid
			}
		}
		if t := float64(j - i); t > 1 {
			tied = true
			ties += t*t*t - t
		}
		i = j
	}
	fm, fn := float64(m), float64(n)
	u := rankY - fm*(fm+1)/2
	if !tied && m <= ExactLimit && n <= ExactLimit {
		dist := uDist(m, n)
		var p float64
		for k := int(math.Round(u)); k < len(dist); k++ {
			p += dist[k]
		}
		return UTest{U: u, P: min(p, 1), Exact: true}
	}
	total := fm + fn
	mean := fm * fn / 2
	variance := fm * fn / 12 * ((total + 1) - ties/(total*(total-1)))
	if variance <= 0 {
		return UTest{U: u, P: 1}
	}
	z := (u - mean - 0.5) / math.Sqrt(variance)
	return UTest{U: u, P: min(1, 0.5*math.Erfc(z/math.Sqrt2))}
}

// uDist is the null distribution of U for samples of m and n without
// ties: uDist(m, n)[u] = P(U = u), for u in 0..m*n.
func uDist(m, n int) []float64 {
	// prev[j] and cur[j] are the distributions for (i-1, j) and (i, j).
	prev := make([][]float64, n+1)
	for j := range prev {
		prev[j] = []float64{1} // no y values: U is 0
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = []float64{1} // no x values: U is 0
		for j := 1; j <= n; j++ {
			d := make([]float64, i*j+1)
			wy := float64(i) / float64(i+j) // the largest value is a y: it beats all j x values
			for u, p := range prev[j] {
				d[u+j] += wy * p
			}
			wx := float64(j) / float64(i+j) // the largest value is an x: it beats no y
			for u, p := range cur[j-1] {
				d[u] += wx * p
			}
			cur[j] = d
		}
		prev = cur
	}
	return prev[n]
}

// minP is the smallest one-sided p-value an exact test on samples of m and
// n can give: 1 / C(m+n, m).
func minP(m, n int) float64 {
	c := 1.0
	for i := 1; i <= m; i++ {
		c = c * float64(n+i) / float64(i) // exact while C fits in 53 bits
	}
	return 1 / c
}

func dropNaN(xs []float64) []float64 {
	if !slices.ContainsFunc(xs, math.IsNaN) {
		return xs
	}
	return slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
}
