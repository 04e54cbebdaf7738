package gate

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"growth", fmtChange(200), "+200%"},
		{"drop", fmtChange(-12.54), "-12.5%"},
		{"from zero", fmtChange(math.Inf(1)), "+inf"},
		{"no change", fmtChange(0), "0%"},
		{"no value", fmtChange(math.NaN()), "–"},
		{"p", fmtP(0.0397), "0.040"},
		{"tiny p", fmtP(0.0001), "<0.001"},
		{"no p", fmtP(math.NaN()), "–"},
		{"did you mean", didYouMean("max_windows", limitFields), `; did you mean "max_window"?`},
		{"nothing close", didYouMean("colour", limitFields), ""},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
	if !math.IsNaN(median(nil)) {
		t.Errorf("median(nil) is not NaN")
	}
}
