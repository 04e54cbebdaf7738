package timeline

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	hundred := make([]int64, 100)
	for i := range hundred {
		hundred[i] = int64(i + 1)
	}
	tests := []struct {
		vals []int64
		p    float64
		want int64
	}{
		{nil, 0.5, 0},
		{[]int64{7}, 0.5, 7},
		{[]int64{7}, 0.99, 7},
		{hundred, 0.5, 50},
		{hundred, 0.99, 99},
		{hundred, 1, 100},
		{hundred, 0.001, 1},
		{hundred[:10], 0.5, 5},
		{hundred[:10], 0.99, 10},
		{hundred[:3], 0.5, 2},
		{hundred[:4], 0.5, 2},
	}
	for _, tt := range tests {
		if got := Percentile(tt.vals, tt.p); got != tt.want {
			t.Errorf("Percentile(%d values, %v) = %d, want %d", len(tt.vals), tt.p, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	cfg := Config{LatencyBudget: 100 * time.Millisecond}
	ops := []Op{
		ok(0, 1), ok(5, 7), ok(10, 13), ok(15, 19), // 1, 2, 3, 4 ms
		bad(20, 520, "timeout"), // failed: not in latency
		ok(25, 175),             // 150 ms: slow, failed, in latency
		ok(180, 185),            // 5 ms
	}
	ws := Outages(ops, nil, cfg)
	st := Summarize(ops, ws, cfg)
	want := Stats{
		Ops: 7, Failed: 2, ErrorRate: 2.0 / 7,
		Windows: 1, MaxWindow: 165 * time.Millisecond, TotalWindow: 165 * time.Millisecond,
		P50Window: 165 * time.Millisecond, P99Window: 165 * time.Millisecond,
		P50Latency: 3 * time.Millisecond, P99Latency: 150 * time.Millisecond, MaxLatency: 150 * time.Millisecond,
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("Summarize:\n got %+v\nwant %+v", st, want)
	}
	if got := Summarize(nil, nil, cfg); !reflect.DeepEqual(got, Stats{}) {
		t.Errorf("Summarize(nil) = %+v, want zero", got)
	}
	ws2 := []Window{w("c1", 0, 10), w("c2", 0, 20), w("c3", 0, 30)}
	st = Summarize(nil, ws2, cfg)
	if st.TotalWindow != 60*time.Millisecond || st.P50Window != 20*time.Millisecond || st.P99Window != 30*time.Millisecond || st.MaxWindow != 30*time.Millisecond {
		t.Errorf("window stats = %+v", st)
	}
}

func TestBuckets(t *testing.T) {
	ops := []Op{
		ok(0, 1), ok(1, 3), ok(2, 5), bad(3, 4, "x"), // bucket 0: latencies 1,2,3
		ok(10, 20),            // bucket 1
		bad(25, 26, "x"),      // bucket 2: no OK op
		ok(39.5, 40.5),        // bucket 3
		ok(40, 41), ok(-1, 0), // outside
	}
	got := Buckets(ops, 0, nsOf(40), 4)
	want := []Bucket{
		{Start: 0, End: nsOf(10), Ops: 4, Failed: 1, P50: 2 * time.Millisecond, P99: 3 * time.Millisecond},
		{Start: nsOf(10), End: nsOf(20), Ops: 1, P50: 10 * time.Millisecond, P99: 10 * time.Millisecond},
		{Start: nsOf(20), End: nsOf(30), Ops: 1, Failed: 1},
		{Start: nsOf(30), End: nsOf(40), Ops: 1, P50: time.Millisecond, P99: time.Millisecond},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Buckets:\n got %+v\nwant %+v", got, want)
	}
	for _, bad := range []struct {
		from, to int64
		n        int
	}{{0, 10, 0}, {10, 10, 3}, {10, 0, 3}, {0, 10, -1}} {
		if got := Buckets(ops, bad.from, bad.to, bad.n); got != nil {
			t.Errorf("Buckets(%d, %d, %d) = %v, want nil", bad.from, bad.to, bad.n, got)
		}
	}
}

// TestBucketsAgainstNaive compares Buckets with a direct computation on
// random ops and awkward spans (not divisible by n, smaller than n).
func TestBucketsAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		from := r.Int64N(1000)
		to := from + 1 + r.Int64N(500)
		n := 1 + r.IntN(40)
		var ops []Op
		for range r.IntN(200) {
			s := from - 20 + r.Int64N(to-from+40)
			ops = append(ops, Op{Start: s, End: s + r.Int64N(100), OK: r.IntN(4) > 0})
		}
		got := Buckets(ops, from, to, n)
		if len(got) != n || got[0].Start != from || got[n-1].End != to {
			t.Fatalf("Buckets(%d, %d, %d): bad bounds %+v", from, to, n, got)
		}
		for i, b := range got {
			if i > 0 && got[i-1].End != b.Start {
				t.Fatalf("bucket %d does not start where %d ends: %+v", i, i-1, got)
			}
			var lat []int64
			want := Bucket{Start: b.Start, End: b.End}
			for _, op := range ops {
				if op.Start >= b.Start && op.Start < b.End {
					want.Ops++
					if !op.OK {
						want.Failed++
					} else {
						lat = append(lat, op.End-op.Start)
					}
				}
			}
			slices.Sort(lat)
			want.P50, want.P99 = time.Duration(Percentile(lat, 0.5)), time.Duration(Percentile(lat, 0.99))
			if b != want {
				t.Fatalf("Buckets(%d, %d, %d)[%d] = %+v, want %+v", from, to, n, i, b, want)
			}
		}
	}
}
