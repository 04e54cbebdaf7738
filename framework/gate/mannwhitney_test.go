package gate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestUDistSiegel checks the exact null distribution against the published
// table for n1 = n2 = 5 (Siegel, Nonparametric Statistics, table J):
// P(U <= u) for u = 0..12, in 252ths since C(10,5) = 252.
func TestUDistSiegel(t *testing.T) {
	cum := []float64{1, 2, 4, 7, 12, 19, 28, 39, 53, 69, 87, 106, 126}
	table := []float64{.004, .008, .016, .028, .048, .075, .111, .155, .210, .274, .345, .421, .500}
	d := uDist(5, 5)
	if len(d) != 26 {
		t.Fatalf("uDist(5,5) has %d values, want 26", len(d))
	}
	var sum, acc float64
	for _, p := range d {
		sum += p
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("uDist(5,5) sums to %v", sum)
	}
	for u := range cum {
		acc += d[u]
		if math.Abs(acc-cum[u]/252) > 1e-12 {
			t.Errorf("P(U <= %d) = %v, want %v/252", u, acc, cum[u])
		}
		if math.Abs(acc-table[u]) > 0.0005 {
			t.Errorf("P(U <= %d) = %.4f, table says %.3f", u, acc, table[u])
		}
		if math.Abs(d[u]-d[25-u]) > 1e-12 {
			t.Errorf("not symmetric at %d", u)
		}
	}
}

// bruteP is the exact one-sided p-value by enumerating every split of the
// pooled values into samples of len(x) and len(y), with midranks for ties.
func bruteP(x, y []float64) (u, p float64) {
	pooled := append(append([]float64{}, x...), y...)
	n, m := len(x), len(y)
	uOf := func(inY []bool) float64 {
		var s float64
		for i := range pooled {
			if !inY[i] {
				continue
			}
			for j := range pooled {
				if inY[j] {
					continue
				}
				switch {
				case pooled[i] > pooled[j]:
					s++
				case pooled[i] == pooled[j]:
					s += 0.5
				}
			}
		}
		return s
	}
	obs := make([]bool, n+m)
	for i := n; i < n+m; i++ {
		obs[i] = true
	}
	u = uOf(obs)
	var total, hits float64
	for mask := 0; mask < 1<<(n+m); mask++ {
		inY := make([]bool, n+m)
		k := 0
		for i := range inY {
			if mask&(1<<i) != 0 {
				inY[i] = true
				k++
			}
		}
		if k != m {
			continue
		}
		total++
		if uOf(inY) >= u-1e-9 {
			hits++
		}
	}
	return u, hits / total
}

func TestMannWhitney(t *testing.T) {
	tests := []struct {
		name  string
		x, y  []float64
		u, p  float64
		exact bool
	}{
		{
			// Complete separation: only 1 of the C(10,5) = 252 splits
			// gives U = 25.
			name: "y entirely above x", x: []float64{1, 2, 3, 4, 5}, y: []float64{6, 7, 8, 9, 10},
			u: 25, p: 1.0 / 252, exact: true,
		},
		{
			name: "y entirely below x", x: []float64{6, 7, 8, 9, 10}, y: []float64{1, 2, 3, 4, 5},
			u: 0, p: 1, exact: true,
		},
		{
			// U = 3+4+4+4+5 = 20: P(U >= 20) = P(U <= 5) = 19/252 = .075 (Siegel).
			name: "table value .075", x: []float64{1, 2, 3, 5, 9}, y: []float64{4, 6, 7, 8, 10},
			u: 20, p: 19.0 / 252, exact: true,
		},
		{
			// U = 4+4+4+4+5 = 21: P(U <= 4) = 12/252 = .048, just significant at 5%.
			name: "table value .048", x: []float64{1, 2, 3, 4, 9}, y: []float64{5, 6, 7, 8, 10},
			u: 21, p: 12.0 / 252, exact: true,
		},
		{
			// The tortoise and hare race (Wikipedia, Mann–Whitney U test):
			// finishing order THHHHHTTTTTH. Places of the hares above
			// those of the tortoises: 5×1 + 6 = 11, and 36-11 = 25 the
			// other way, as the article computes.
			name: "tortoise and hare", x: []float64{1, 7, 8, 9, 10, 11}, y: []float64{2, 3, 4, 5, 6, 12},
			u: 11, exact: true, p: -1, // p checked against brute force
		},
		{
			name: "empty", x: nil, y: []float64{1},
			u: 0, p: math.NaN(),
		},
		{
			name: "all tied", x: []float64{3, 3, 3}, y: []float64{3, 3},
			u: 3, p: 1,
		},
		{
			name: "NaNs are dropped", x: []float64{1, math.NaN(), 2, 3, 4, 5}, y: []float64{6, 7, 8, 9, 10, math.NaN()},
			u: 25, p: 1.0 / 252, exact: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MannWhitney(tt.x, tt.y)
			if got.U != tt.u || got.Exact != tt.exact {
				t.Errorf("U = %v exact %v, want %v exact %v", got.U, got.Exact, tt.u, tt.exact)
			}
			want := tt.p
			if want == -1 {
				_, want = bruteP(tt.x, tt.y)
			}
			switch {
			case math.IsNaN(want):
				if !math.IsNaN(got.P) {
					t.Errorf("P = %v, want NaN", got.P)
				}
			case math.Abs(got.P-want) > 1e-12:
				t.Errorf("P = %v, want %v", got.P, want)
			}
		})
	}
}

// TestMannWhitneyExactMatchesEnumeration compares the exact p-value with
// a brute-force enumeration on random samples without ties.
func TestMannWhitneyExactMatchesEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		n, m := 1+r.IntN(7), 1+r.IntN(7)
		x, y := make([]float64, n), make([]float64, m)
		for i := range x {
			x[i] = r.Float64()
		}
		for i := range y {
			y[i] = r.Float64() + 0.3*r.Float64()
		}
		got := MannWhitney(x, y)
		u, p := bruteP(x, y)
		if !got.Exact || got.U != u || math.Abs(got.P-p) > 1e-9 {
			t.Fatalf("x=%v y=%v: got %+v, enumeration U=%v p=%v", x, y, got, u, p)
		}
		if back := MannWhitney(y, x); back.U+got.U != float64(n*m) {
			t.Fatalf("U(x,y) + U(y,x) = %v, want %d", back.U+got.U, n*m)
		}
	}
}

// TestMannWhitneyNormal checks the tie-corrected normal approximation: a
// hand-computed value, and closeness to the exact (enumerated) p-value for
// samples with ties.
func TestMannWhitneyNormal(t *testing.T) {
	// x = 1 2 2 3 3 3, y = 2 3 3 4 4 5. Pooled midranks: 1→1, 2→3 (ranks
	// 2-4), 3→7 (ranks 5-9), 4→10.5, 5→12. R_y = 3+7+7+10.5+10.5+12 = 50,
	// U = 50 - 6·7/2 = 29. Tie groups of 3, 5 and 2: Σ(t³-t) = 24+120+6 =
	// 150. Var = 36/12·(13 - 150/132); z = (29 - 18 - 0.5)/√Var.
	x := []float64{1, 2, 2, 3, 3, 3}
	y := []float64{2, 3, 3, 4, 4, 5}
	got := MannWhitney(x, y)
	variance := 3 * (13 - 150.0/132)
	want := 0.5 * math.Erfc((29-18-0.5)/math.Sqrt(variance)/math.Sqrt2)
	if got.Exact || got.U != 29 || math.Abs(got.P-want) > 1e-12 {
		t.Errorf("got %+v, want U 29 p %v (normal)", got, want)
	}
	if _, exact := bruteP(x, y); math.Abs(got.P-exact) > 0.02 {
		t.Errorf("normal p %v far from the exact %v", got.P, exact)
	}

	// Past ExactLimit the normal approximation is used, and agrees with
	// the exact distribution.
	n := ExactLimit + 10
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i] = float64(2 * i)
		ys[i] = float64(2*i+1) + 14 // a shift of about 7 ranks
	}
	big := MannWhitney(xs, ys)
	if big.Exact {
		t.Fatalf("n = %d: exact, want the normal approximation", n)
	}
	var exactP float64
	d := uDist(n, n)
	for k := int(big.U); k < len(d); k++ {
		exactP += d[k]
	}
	if big.P < 0.001 || big.P > 0.5 || math.Abs(big.P-exactP) > 0.005 {
		t.Errorf("n = %d: normal p %v, exact %v", n, big.P, exactP)
	}
}

func TestMinP(t *testing.T) {
	tests := []struct {
		m, n int
		want float64
	}{
		{3, 3, 1.0 / 20}, {4, 4, 1.0 / 70}, {5, 5, 1.0 / 252}, {1, 9, 1.0 / 10}, {2, 5, 1.0 / 21},
	}
	for _, tt := range tests {
		if got := minP(tt.m, tt.n); got != tt.want {
			t.Errorf("minP(%d, %d) = %v, want %v", tt.m, tt.n, got, tt.want)
		}
	}
}
