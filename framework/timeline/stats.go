package timeline

import (
	"math"
	"math/bits"
	"slices"
	"time"
)

// Stats are a run's headline numbers.
type Stats struct {
	Ops       int64   // every op
	Failed    int64   // ops that count as failed (see Failed), including slow ones
	ErrorRate float64 // Failed / Ops; 0 when there are no ops

	Windows     int           // outage windows
	MaxWindow   time.Duration // the longest window
	TotalWindow time.Duration // summed over all windows of all clients and classes
	P50Window   time.Duration // nearest-rank percentiles of window lengths
	P99Window   time.Duration

	// Latency percentiles are over answered ops (OK), including those over
	// the latency budget: a failed op's duration measures a timeout or a
	// refusal, not the service.
	P50Latency time.Duration
	P99Latency time.Duration
	MaxLatency time.Duration
}

// Summarize computes the headline numbers of ops and the windows Outages
// gave for them (with the same cfg).
func Summarize(ops []Op, ws []Window, cfg Config) Stats {
	st := Stats{Ops: int64(len(ops)), Windows: len(ws)}
	lat := make([]int64, 0, len(ops))
	for _, op := range ops {
		if failed(op, cfg) {
			st.Failed++
		}
		if op.OK {
			lat = append(lat, op.End-op.Start)
		}
	}
	if st.Ops > 0 {
		st.ErrorRate = float64(st.Failed) / float64(st.Ops)
	}
	slices.Sort(lat)
	st.P50Latency = time.Duration(Percentile(lat, 0.50))
	st.P99Latency = time.Duration(Percentile(lat, 0.99))
	if len(lat) > 0 {
		st.MaxLatency = time.Duration(lat[len(lat)-1])
	}
	wl := make([]int64, len(ws))
	for i, w := range ws {
		wl[i] = w.End - w.Start
		st.TotalWindow += time.Duration(wl[i])
	}
	slices.Sort(wl)
	st.P50Window = time.Duration(Percentile(wl, 0.50))
	st.P99Window = time.Duration(Percentile(wl, 0.99))
	if len(wl) > 0 {
		st.MaxWindow = time.Duration(wl[len(wl)-1])
	}
	return st
}

// Percentile is the nearest-rank percentile of sorted values: the smallest
// value such that at least a fraction p of them are at or below it, i.e.
// sorted[ceil(p*n)-1]. p is in (0, 1]; it is 0 for no values.
func Percentile(sorted []int64, p float64) int64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// ceil(p*n), shaved by a relative epsilon so that 0.99*100, which is
	// 99.00000000000001 in floats, gives rank 99 and not 100.
	x := p * float64(n)
	r := int(math.Ceil(x - x*1e-12))
	r = min(max(r, 1), n)
	return sorted[r-1]
}

// Bucket is op latency over one slice of time.
type Bucket struct {
	Start, End int64         // Unix ns, half-open
	Ops        int           // ops that started in the bucket
	Failed     int           // of those, not OK (the latency budget does not apply here)
	P50, P99   time.Duration // nearest-rank latency of the bucket's OK ops; 0 when none
}

// Buckets cuts [from, to) into n equal buckets and gives, for each, the ops
// that started in it, how many failed, and the latency percentiles of its
// OK ops. Ops starting outside [from, to) are ignored. It is O(n log n) in
// the number of ops, with one allocation for all latencies.
func Buckets(ops []Op, from, to int64, n int) []Bucket {
	if n <= 0 || to <= from {
		return nil
	}
	span := uint64(to - from)
	index := func(t int64) int {
		hi, lo := bits.Mul64(uint64(t-from), uint64(n))
		q, _ := bits.Div64(hi, lo, span)
		return int(q)
	}
	out := make([]Bucket, n)
	for i := range out {
		// Bucket i starts at from + ceil(i*span/n), which makes index(t)
		// exact: Start[index(t)] <= t < Start[index(t)+1].
		hi, lo := bits.Mul64(uint64(i), span)
		q, rem := bits.Div64(hi, lo, uint64(n))
		if rem != 0 {
			q++
		}
		out[i].Start = from + int64(q)
		if i > 0 {
			out[i-1].End = out[i].Start
		}
	}
	out[n-1].End = to
	// Counting sort of OK latencies by bucket.
	off := make([]int, n+1)
	for _, op := range ops {
		if op.Start < from || op.Start >= to {
			continue
		}
		b := index(op.Start)
		out[b].Ops++
		if !op.OK {
			out[b].Failed++
			continue
		}
		off[b+1]++
	}
	for i := range n {
		off[i+1] += off[i]
	}
	lat := make([]int64, off[n])
	next := slices.Clone(off[:n])
	for _, op := range ops {
		if !op.OK || op.Start < from || op.Start >= to {
			continue
		}
		b := index(op.Start)
		lat[next[b]] = op.End - op.Start
		next[b]++
	}
	for i := range out {
		l := lat[off[i]:off[i+1]]
		slices.Sort(l)
		out[i].P50 = time.Duration(Percentile(l, 0.50))
		out[i].P99 = time.Duration(Percentile(l, 0.99))
	}
	return out
}
