package timeline

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// millionOps is a realistic 1,000,000-op log: 100 clients, two classes,
// one op every 5 ms each for 50 s, with a 2 s refused-connection outage, a
// 1 s stall and scattered failures.
func millionOps() ([]Op, []Event) {
	r := rand.New(rand.NewPCG(7, 8))
	const clients, per = 100, 10000
	base := int64(1_700_000_000) * int64(time.Second)
	ops := make([]Op, 0, clients*per)
	for c := range clients {
		name := fmt.Sprintf("c%d", c+1)
		for i := range per {
			start := base + int64(i)*5*ms + r.Int64N(ms)
			lat := 200*int64(time.Microsecond) + r.Int64N(2*ms)
			op := Op{Client: name, Class: []string{"read", "write"}[i%2], Start: start, End: start + lat, OK: true}
			rel := start - base
			switch {
			case rel >= 10*int64(time.Second) && rel < 12*int64(time.Second):
				op.OK, op.Err, op.End = false, "dial: connection refused", start+100*int64(time.Microsecond)
			case rel >= 30*int64(time.Second) && rel < 31*int64(time.Second):
				op.End = base + 31*int64(time.Second) + lat
			case r.IntN(1000) == 0:
				op.OK, op.Err = false, "eof"
			}
			ops = append(ops, op)
		}
	}
	// Shuffle by client blocks the way logs arrive: interleaved.
	r.Shuffle(len(ops), func(i, j int) {
		if r.IntN(8) == 0 {
			ops[i], ops[j] = ops[j], ops[i]
		}
	})
	events := []Event{
		{ID: "step-1", Kind: KindStep, Start: base + 10*int64(time.Second), End: base + 12*int64(time.Second), ExpectOutage: true},
		{ID: "fault-1", Kind: KindFault, Start: base + 30*int64(time.Second), End: base + 31*int64(time.Second)},
	}
	return ops, events
}

func BenchmarkOutages1M(b *testing.B) {
	ops, events := millionOps()
	cfg := Config{LatencyBudget: 100 * time.Millisecond}
	b.ReportAllocs()
	b.ResetTimer()
	var ws []Window
	for b.Loop() {
		ws = Outages(ops, events, cfg)
	}
	b.ReportMetric(float64(len(ws)), "windows")
}

func BenchmarkBuckets1M(b *testing.B) {
	ops, _ := millionOps()
	from := int64(1_700_000_000) * int64(time.Second)
	to := from + 51*int64(time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Buckets(ops, from, to, 200)
	}
}

func BenchmarkSummarize1M(b *testing.B) {
	ops, events := millionOps()
	cfg := Config{LatencyBudget: 100 * time.Millisecond}
	ws := Outages(ops, events, cfg)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Summarize(ops, ws, cfg)
	}
}

// TestMillionOpsWindows checks the benchmark's log gives the outages it
// was built with: every client sees the 2 s refusal and the 1 s stall.
func TestMillionOpsWindows(t *testing.T) {
	if testing.Short() {
		t.Skip("1M ops")
	}
	ops, events := millionOps()
	ws := Outages(ops, events, Config{LatencyBudget: 100 * time.Millisecond})
	long := map[string]int{}
	for _, w := range ws {
		if w.Duration() > 900*time.Millisecond {
			long[w.Causes[0]]++
			if w.Duration() > 2100*time.Millisecond {
				t.Errorf("window %+v longer than any injected outage", w)
			}
		}
	}
	if long["step-1"] != 200 || long["fault-1"] != 200 {
		t.Errorf("long windows per cause = %v, want 200 each (100 clients x 2 classes)", long)
	}
}
