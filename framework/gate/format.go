package gate

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hatest/hatest/framework/format"
)

// fmtChange is a relative change in percent: "+200%", "-12.5%", "0%".
func fmtChange(pct float64) string {
	switch {
	case math.IsNaN(pct):
		return format.None
	case math.IsInf(pct, 1):
		return "+inf"
	case math.IsInf(pct, -1):
		return "-inf"
	case pct > 0:
		return "+" + format.Num(pct, 1) + "%"
	default:
		return format.Num(pct, 1) + "%"
	}
}

// fmtP is a p-value: "0.004", "<0.001", format.None when there is none.
func fmtP(p float64) string {
	switch {
	case math.IsNaN(p):
		return format.None
	case p < 0.001:
		return "<0.001"
	default:
		return strconv.FormatFloat(p, 'f', 3, 64)
	}
}

// median is the middle of xs (the mean of the two middle values for an even
// count), or NaN for none. xs is not modified.
func median(xs []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// nearestRank is the p-th percentile of sorted by the nearest-rank method:
// the smallest value with at least p% of the values at or below it, that is
// sorted[ceil(p/100*n)-1]. NaN for none.
func nearestRank(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// closest is up to three of candidates that look like a misspelling of s,
// nearest first.
func closest(s string, candidates []string) []string {
	type cand struct {
		name string
		d    int
	}
	ls := strings.ToLower(s)
	var cs []cand
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein(ls, lc)
		limit := max(2, max(len([]rune(s)), len([]rune(c)))/3)
		if d <= limit || (len(ls) >= 3 && (strings.Contains(lc, ls) || strings.Contains(ls, lc))) {
			cs = append(cs, cand{c, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.name, b.name))
	})
	var out []string
	for _, c := range cs {
		if len(out) == 3 {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// didYouMean is `; did you mean "a" or "b"?` for the names close to s, or
// "" when none is.
func didYouMean(s string, candidates []string) string {
	cs := closest(s, candidates)
	if len(cs) == 0 {
		return ""
	}
	q := make([]string, len(cs))
	for i, c := range cs {
		q[i] = strconv.Quote(c)
	}
	return "; did you mean " + strings.Join(q, " or ") + "?"
}
