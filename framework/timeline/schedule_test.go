package timeline

import (
	"math/rand/v2"
	"testing"
	"time"
)

// t0 is an arbitrary schedule start, in Unix ns.
const t0 = int64(1_700_000_000_000_000_000)

// onTime is n ops of client c1 due every iv from t0, each started late by
// lag(i) and answered 200µs later.
func onTime(n int, iv time.Duration, lag func(i int) time.Duration) []Op {
	ops := make([]Op, n)
	for i := range ops {
		sched := t0 + int64(i)*int64(iv)
		start := sched + int64(lag(i))
		ops[i] = Op{Client: "c1", Class: "read", Conn: "reused", Sched: sched, Start: start, End: start + 200_000, OK: true}
	}
	return ops
}

func TestSchedule(t *testing.T) {
	ms := time.Millisecond
	none := func(int) time.Duration { return 0 }
	tests := []struct {
		name     string
		ops      []Op
		interval time.Duration
		skipped  int64
		want     ScheduleStats
	}{
		{"no ops", nil, 5 * ms, 0, ScheduleStats{Interval: 5 * ms, NominalRate: 200}},
		{"no ops, no interval", nil, 0, 0, ScheduleStats{}},
		{
			"on time", onTime(100, 5*ms, none), 5 * ms, 0,
			ScheduleStats{Known: true, Interval: 5 * ms, Ops: 100, NominalRate: 200, AchievedRate: 200},
		},
		{
			// All due ticks issued, some late: the rate is kept, the lag shows.
			"late but complete", onTime(100, 5*ms, func(i int) time.Duration { return time.Duration(i%10) * ms }), 5 * ms, 0,
			ScheduleStats{Known: true, Interval: 5 * ms, Ops: 100, NominalRate: 200, AchievedRate: 200,
				LagP50: 4 * ms, LagP99: 9 * ms, LagMax: 9 * ms},
		},
		{
			// 100 issued, 100 more due and never issued: half the rate.
			"skipped at the end", onTime(100, 5*ms, none), 5 * ms, 100,
			ScheduleStats{Known: true, Interval: 5 * ms, Ops: 100, Skipped: 100, NominalRate: 200, AchievedRate: 100},
		},
		{
			"interval estimated from due times", onTime(10, 2*ms, none), 0, 0,
			ScheduleStats{Known: true, Interval: 2 * ms, Ops: 10, NominalRate: 500, AchievedRate: 500},
		},
		{
			// A start before its due time (a clock step) is no lag.
			"early is no lag", onTime(4, ms, func(int) time.Duration { return -ms / 2 }), ms, 0,
			ScheduleStats{Known: true, Interval: ms, Ops: 4, NominalRate: 1000, AchievedRate: 1000},
		},
		{
			"one op", onTime(1, 5*ms, func(int) time.Duration { return 3 * ms }), 5 * ms, 0,
			ScheduleStats{Known: true, Interval: 5 * ms, Ops: 1, NominalRate: 200, AchievedRate: 200,
				LagP50: 3 * ms, LagP99: 3 * ms, LagMax: 3 * ms},
		},
		{
			// A log without sched: estimated from starts, no lag.
			"unknown", withoutSched(onTime(100, 5*ms, none)), 5 * ms, 0,
			ScheduleStats{Interval: 5 * ms, Ops: 100, NominalRate: 200, AchievedRate: 200},
		},
		{
			"unknown, interval estimated from starts", withoutSched(onTime(50, 4*ms, none)), 0, 0,
			ScheduleStats{Interval: 4 * ms, Ops: 50, NominalRate: 250, AchievedRate: 250},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Schedule(tc.ops, tc.interval, tc.skipped)
			if got != tc.want {
				t.Errorf("Schedule =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}
}

func withoutSched(ops []Op) []Op {
	for i := range ops {
		ops[i].Sched = 0
	}
	return ops
}

// tickerLog is what a client on time.Ticker writes when it cannot keep up:
// the ticker holds one tick and drops the rest while the reader is late,
// so a quarter of the ticks (at random) never become ops. The ops carry
// no sched, as the old clients wrote none.
func tickerLog(n int, iv time.Duration, seed uint64) []Op {
	rng := rand.New(rand.NewPCG(seed, 2))
	var ops []Op
	for i := range n {
		if rng.IntN(4) == 0 {
			continue // dropped tick
		}
		start := t0 + int64(i)*int64(iv) + rng.Int64N(int64(iv)/2)
		ops = append(ops, Op{Client: "c1", Class: "read", Start: start, End: start + 100_000, OK: true})
	}
	return ops
}

// Property: a client that silently drops ticks shows an achieved rate
// under 99% of nominal, with or without sched on its lines; a client that
// issues every tick on time shows at least 99% and no lag to speak of.
func TestScheduleDetectsDroppedTicks(t *testing.T) {
	for seed := range uint64(20) {
		iv := time.Duration(1+seed%5) * time.Millisecond
		n := 500 + int(seed)*97

		dropped := tickerLog(n, iv, seed)
		if st := Schedule(dropped, iv, 0); st.AchievedRate >= 0.99*st.NominalRate {
			t.Errorf("seed %d: ticker log: achieved %.1f/s of nominal %.1f/s, want under 99%%", seed, st.AchievedRate, st.NominalRate)
		}
		if st := Schedule(dropped, 0, 0); st.AchievedRate >= 0.99*st.NominalRate {
			t.Errorf("seed %d: ticker log, interval estimated %s: achieved %.1f/s of nominal %.1f/s, want under 99%%",
				seed, st.Interval, st.AchievedRate, st.NominalRate)
		}
		// The same drops in a log that says sched: gaps in the due times.
		withGaps := onTime(n, iv, func(int) time.Duration { return 20 * time.Microsecond })
		rng := rand.New(rand.NewPCG(seed, 3))
		kept := withGaps[:0]
		for i, op := range withGaps {
			if i == 0 || i == n-1 || rng.IntN(4) != 0 {
				kept = append(kept, op)
			}
		}
		if st := Schedule(kept, iv, 0); st.AchievedRate >= 0.99*st.NominalRate {
			t.Errorf("seed %d: gaps in sched: achieved %.1f/s of nominal %.1f/s, want under 99%%", seed, st.AchievedRate, st.NominalRate)
		}

		jitter := rand.New(rand.NewPCG(seed, 4))
		good := onTime(n, iv, func(int) time.Duration { return time.Duration(jitter.Int64N(50_000)) })
		st := Schedule(good, iv, 0)
		if !st.Known || st.AchievedRate < 0.99*st.NominalRate {
			t.Errorf("seed %d: on time: achieved %.1f/s of nominal %.1f/s, want at least 99%%", seed, st.AchievedRate, st.NominalRate)
		}
		if st.LagP99 >= 50*time.Microsecond || st.LagMax >= 50*time.Microsecond {
			t.Errorf("seed %d: on time: lag p99 %s max %s, want under 50µs", seed, st.LagP99, st.LagMax)
		}
	}
}

// stalledClient is a client at 5ms whose own process stopped running for
// stall from stallAt (ms after t0): ops in flight then time out, ops due
// during the stall are issued late, all at once, when it runs again, and
// answered. Nothing happened to the system.
func stalledClient(total, stallAt, stall time.Duration) []Op {
	iv := 5 * time.Millisecond
	from, to := t0+int64(stallAt), t0+int64(stallAt+stall)
	var ops []Op
	for i := int64(0); i*int64(iv) < int64(total); i++ {
		sched := t0 + i*int64(iv)
		op := Op{Client: "c1", Class: "read", Conn: "reused", Sched: sched, Start: sched, End: sched + 300_000, OK: true}
		switch {
		case sched >= from && sched < to: // due during the stall: issued when it ends
			op.Start = to + (sched-from)/1000 // the burst takes a little while
			op.End = op.Start + 2*int64(time.Millisecond)
		case sched < from && sched+int64(500*time.Millisecond) > from: // in flight when it stalled
			op.End, op.OK, op.Err = to, false, "timeout after 500ms"
		}
		ops = append(ops, op)
	}
	return ops
}

// A 12s window that the client's own stall made, during a fault that was
// active at the time, is probe lag: not the fault's, not expected.
func TestMarkProbeLagFalseWindow(t *testing.T) {
	ops := stalledClient(20*time.Second, 4*time.Second, 12*time.Second)
	events := []Event{{ID: "fault-1", Kind: KindFault, Desc: "latency on web-2", Start: t0 + int64(3*time.Second), End: t0 + int64(17*time.Second), ExpectOutage: true}}
	ws := Outages(ops, events, Config{})
	if len(ws) != 1 || ws[0].Duration() < 12*time.Second {
		t.Fatalf("want one window of 12s or more, got %+v", ws)
	}
	if ws[0].Causes[0] != "fault-1" || !ws[0].Expected {
		t.Fatalf("before marking: causes %v expected %v, want the fault", ws[0].Causes, ws[0].Expected)
	}
	st := Schedule(ops, 5*time.Millisecond, 0)
	t.Logf("window %s; lag p99 %s, max %s", ws[0].Duration(), st.LagP99, st.LagMax)
	MarkProbeLag(ws, ops, map[string]time.Duration{"c1": 5 * time.Millisecond})
	w := ws[0]
	if !w.ProbeLag || len(w.Causes) != 1 || w.Causes[0] != CauseProbeLag || w.Expected {
		t.Errorf("window %+v: want probe lag, cause %q, not expected", w, CauseProbeLag)
	}
	// The same with the interval estimated.
	ws = Outages(ops, events, Config{})
	MarkProbeLag(ws, ops, nil)
	if !ws[0].ProbeLag {
		t.Errorf("interval estimated: window not marked: %+v", ws[0])
	}
}

// A real 50ms outage (the driver refused) with a 6ms lag spike inside it
// at 5ms keeps its cause: the lag is longer than an interval but far
// shorter than half the window.
func TestMarkProbeLagRealOutage(t *testing.T) {
	iv := 5 * time.Millisecond
	down, up := t0+int64(time.Second), t0+int64(time.Second+50*time.Millisecond)
	ops := onTime(400, iv, func(int) time.Duration { return 30 * time.Microsecond })
	for i := range ops {
		op := &ops[i]
		if op.Sched == down+int64(20*time.Millisecond) {
			op.Start = op.Sched + int64(6*time.Millisecond) // the spike
			op.End = op.Start + 100_000
		}
		if op.Start >= down && op.Start < up {
			op.OK, op.Err = false, "dial: connection refused"
		}
	}
	events := []Event{{ID: "fault-1", Kind: KindFault, Desc: "kill driver-0", Start: down - int64(time.Millisecond), End: up}}
	ws := Outages(ops, events, Config{})
	if len(ws) != 1 {
		t.Fatalf("want one window, got %+v", ws)
	}
	MarkProbeLag(ws, ops, map[string]time.Duration{"c1": iv})
	w := ws[0]
	if w.ProbeLag || len(w.Causes) != 1 || w.Causes[0] != "fault-1" {
		t.Errorf("window %s %+v: want it left to fault-1", w.Duration(), w)
	}
	if st := Schedule(ops, iv, 0); st.LagMax != 6*time.Millisecond {
		t.Errorf("lag max %s, want the 6ms spike", st.LagMax)
	}
}

func TestMarkProbeLag(t *testing.T) {
	ms := int64(time.Millisecond)
	iv := map[string]time.Duration{"c1": 5 * time.Millisecond, "c2": 5 * time.Millisecond}
	// c1's op due at 100ms started 60ms late; c2 is on time; c3 says no sched.
	ops := []Op{
		{Client: "c1", Sched: t0 + 95*ms, Start: t0 + 95*ms},
		{Client: "c1", Sched: t0 + 100*ms, Start: t0 + 160*ms},
		{Client: "c1", Sched: t0 + 105*ms, Start: t0 + 160*ms},
		{Client: "c2", Sched: t0 + 100*ms, Start: t0 + 100*ms},
		{Client: "c3", Start: t0 + 100*ms},
	}
	w := func(client string, start, end int64) Window {
		return Window{Client: client, Class: "read", Start: t0 + start*ms, End: t0 + end*ms, Causes: []string{"step-2"}, Expected: true}
	}
	tests := []struct {
		name string
		w    Window
		want bool
	}{
		{"lag 60ms covers a 100ms window", w("c1", 90, 190), true},
		{"lag 60ms, exactly half of 120ms", w("c1", 90, 210), true},
		{"lag 60ms is under half of 130ms", w("c1", 90, 220), false},
		{"due before the window and started in it: the catch-up burst counts", w("c1", 106, 170), true},
		{"due and started before the window does not count", w("c1", 161, 230), false},
		{"due at the window's end counts", w("c1", 50, 100), true},
		{"another client's lag does not count", w("c2", 90, 190), false},
		{"no sched, no probe lag", w("c3", 90, 190), false},
		{"no ops of the client", w("c9", 90, 190), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := []Window{tc.w}
			MarkProbeLag(ws, ops, iv)
			got := ws[0]
			if got.ProbeLag != tc.want {
				t.Fatalf("ProbeLag %v, want %v", got.ProbeLag, tc.want)
			}
			if tc.want && (len(got.Causes) != 1 || got.Causes[0] != CauseProbeLag || got.Expected) {
				t.Errorf("marked window %+v: want causes [%s], not expected", got, CauseProbeLag)
			}
			if !tc.want && (len(got.Causes) != 1 || got.Causes[0] != "step-2" || !got.Expected) {
				t.Errorf("unmarked window changed: %+v", got)
			}
		})
	}
	// A lag of one interval is needed even in a tiny window.
	ws := []Window{w("c1", 94, 96)}
	MarkProbeLag(ws, []Op{{Client: "c1", Sched: t0 + 95*ms, Start: t0 + 99*ms}}, iv)
	if ws[0].ProbeLag {
		t.Errorf("a 4ms lag at 5ms marked a 2ms window")
	}
}
