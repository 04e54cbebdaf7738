package shrink

import (
	"context"
	"fmt"
	"testing"
)

// plainItems is a plan of n items with no needs and no knobs.
func plainItems(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i].Name = fmt.Sprint(i)
	}
	return items
}

// allOf is a Run that is Same exactly when every one of culprits is kept.
func allOf(culprits ...int) func(context.Context, Candidate) (Run, error) {
	return func(_ context.Context, c Candidate) (Run, error) {
		for _, i := range culprits {
			if !c.Keep[i] {
				return Run{}, nil
			}
		}
		return Run{Same: true}, nil
	}
}

func kept(c Candidate) []int {
	var out []int
	for i, k := range c.Keep {
		if k {
			out = append(out, i)
		}
	}
	return out
}

// figure is what reducing plans of one size took, over every position of
// the culprit pair.
type figure struct {
	meanCand, meanRuns float64
	maxCand, maxRuns   int
}

func (f figure) String() string {
	return fmt.Sprintf("candidates mean %.1f max %d, runs mean %.1f max %d", f.meanCand, f.maxCand, f.meanRuns, f.maxRuns)
}

// pairFigure reduces a plan of n items once for every pair of culprits,
// with K=3, R=2, checking that each finds exactly the pair.
func pairFigure(t *testing.T, n int) figure {
	t.Helper()
	var f figure
	pairs := 0
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			out, err := Reduce(context.Background(), Config{Items: plainItems(n), Run: allOf(a, b), K: 3, R: 2})
			if err != nil {
				t.Fatal(err)
			}
			if got := kept(out.Best); len(got) != 2 || got[0] != a || got[1] != b {
				t.Errorf("%d items, culprits %d and %d: best keeps %v", n, a, b, got)
			}
			if out.Stopped != "" {
				t.Errorf("%d items, culprits %d and %d: stopped: %s", n, a, b, out.Stopped)
			}
			pairs++
			f.meanCand += float64(out.Candidates)
			f.meanRuns += float64(out.Runs)
			f.maxCand = max(f.maxCand, out.Candidates)
			f.maxRuns = max(f.maxRuns, out.Runs)
		}
	}
	f.meanCand /= float64(pairs)
	f.meanRuns /= float64(pairs)
	return f
}

// The figures of the package doc: a plan of 15 items is reduced to its
// culprit pair within 40 runs wherever the pair is, and one of 30 items
// in at most 20 candidates on average, fewer than plain ddmin takes.
func TestFigures(t *testing.T) {
	for _, n := range []int{15, 16, 30} {
		f := pairFigure(t, n)
		p := plainFigure(n)
		t.Logf("%d items: %v (plain ddmin: candidates mean %.1f max %d)", n, f, p.meanCand, p.maxCand)
		if n <= 16 && f.maxRuns > 40 {
			t.Errorf("%d items: up to %d runs, want at most 40 for every pair", n, f.maxRuns)
		}
		if n == 30 && f.meanCand > 20 {
			t.Errorf("%d items: %.1f candidates on average, want at most 20", n, f.meanCand)
		}
		if f.meanCand >= p.meanCand || f.maxCand > p.maxCand {
			t.Errorf("%d items: %v, no better than plain ddmin's mean %.1f max %d", n, f, p.meanCand, p.maxCand)
		}
	}
}

// plainFigure is what plain ddmin (Zeller 2002, with complements tried
// first and a cache of the subsets tried) takes for the same plans: the
// yardstick of the changes to it in items.go.
func plainFigure(n int) figure {
	var f figure
	pairs := 0
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			c := plainDdmin(n, func(s []int) bool {
				ha, hb := false, false
				for _, x := range s {
					ha = ha || x == a
					hb = hb || x == b
				}
				return ha && hb
			})
			f.meanCand += float64(c)
			f.maxCand = max(f.maxCand, c)
			pairs++
		}
	}
	f.meanCand /= float64(pairs)
	return f
}

// plainDdmin reduces the items 0..n-1 with ddmin and returns how many
// distinct subsets it tested.
func plainDdmin(n int, fails func([]int) bool) int {
	cache := map[string]bool{}
	test := func(s []int) bool {
		k := fmt.Sprint(s)
		if v, ok := cache[k]; ok {
			return v
		}
		v := fails(s)
		cache[k] = v
		return v
	}
	c := make([]int, n)
	for i := range c {
		c[i] = i
	}
	for g := 2; len(c) >= 2; {
		var chunks [][]int
		for i, start := 0, 0; i < g; i++ {
			end := start + (len(c)-start)/(g-i)
			chunks = append(chunks, c[start:end])
			start = end
		}
		reduced := false
		for i := range chunks {
			var rest []int
			for j := range chunks {
				if j != i {
					rest = append(rest, chunks[j]...)
				}
			}
			if test(rest) {
				c, g, reduced = rest, max(g-1, 2), true
				break
			}
		}
		for i := 0; !reduced && i < len(chunks); i++ {
			if test(chunks[i]) {
				c, g, reduced = append([]int(nil), chunks[i]...), 2, true
			}
		}
		if !reduced {
			if g >= len(c) {
				break
			}
			g = min(2*g, len(c))
		}
	}
	return len(cache)
}
