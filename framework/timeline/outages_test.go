package timeline

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

const ms = int64(time.Millisecond)

// ok and bad build ops of client c1, class read, with times in ms.
func ok(start, end float64) Op {
	return Op{Client: "c1", Class: "read", Start: nsOf(start), End: nsOf(end), OK: true}
}

func bad(start, end float64, err string) Op {
	return Op{Client: "c1", Class: "read", Start: nsOf(start), End: nsOf(end), Err: err}
}

func nsOf(msv float64) int64 { return int64(msv * float64(ms)) }

func as(client, class string, op Op) Op {
	op.Client, op.Class = client, class
	return op
}

// win is a window's comparable core, in ms.
type win struct {
	Client, Class string
	Start, End    float64
	Open          bool
	Failed        int
	Reasons       string
	Causes        string
	Expected      bool
	Tail          bool
}

func core(ws []Window) []win {
	var out []win
	for _, w := range ws {
		out = append(out, win{
			Client: w.Client, Class: w.Class,
			Start: float64(w.Start) / float64(ms), End: float64(w.End) / float64(ms),
			Open: w.Open, Failed: w.Failed,
			Reasons: strings.Join(w.Reasons, "|"), Causes: strings.Join(w.Causes, ","), Expected: w.Expected,
			Tail: w.Tail,
		})
	}
	return out
}

func TestOutages(t *testing.T) {
	refused := "dial: connection refused"
	// A stall of 1000ms from t=100: ops every 5ms hang and all complete at
	// t=1100. With a 50ms budget the first good answer is the op started
	// at 1050 (took exactly 50ms), ending at 1100: the window is exactly
	// the stall.
	var stall []Op
	for s := 0.0; s < 1300; s += 5 {
		end := s + 1
		if s >= 100 && s < 1100 {
			end = 1100
		}
		stall = append(stall, ok(s, end))
	}
	tests := []struct {
		name   string
		ops    []Op
		events []Event
		cfg    Config
		want   []win
	}{
		{
			name: "no ops",
		},
		{
			name: "no failures",
			ops:  []Op{ok(0, 1), ok(5, 6), ok(10, 11)},
		},
		{
			name: "one window ends at the first good answer",
			ops:  []Op{ok(0, 1), bad(5, 6, refused), bad(10, 11, refused), ok(15, 16), ok(20, 21)},
			want: []win{{Client: "c1", Class: "read", Start: 5, End: 16, Failed: 2, Reasons: refused}},
		},
		{
			name: "input order does not matter",
			ops:  []Op{ok(20, 21), ok(15, 16), bad(10, 11, refused), ok(0, 1), bad(5, 6, refused)},
			want: []win{{Client: "c1", Class: "read", Start: 5, End: 16, Failed: 2, Reasons: refused}},
		},
		{
			name: "failure at the very start",
			ops:  []Op{bad(0, 1, refused), ok(5, 6)},
			want: []win{{Client: "c1", Class: "read", Start: 0, End: 6, Failed: 1, Reasons: refused}},
		},
		{
			name: "failure at the very end is an open window to its latest end",
			ops:  []Op{ok(0, 1), bad(5, 505, "timeout after 500ms"), bad(10, 11, refused)},
			want: []win{{Client: "c1", Class: "read", Start: 5, End: 505, Open: true, Failed: 2, Reasons: "timeout after 500ms|" + refused}},
		},
		{
			name: "only failures",
			ops:  []Op{bad(0, 1, "x"), bad(5, 6, "x")},
			want: []win{{Client: "c1", Class: "read", Start: 0, End: 6, Open: true, Failed: 2, Reasons: "x"}},
		},
		{
			name: "open loop: a timeout's late end does not stretch the window",
			ops:  []Op{ok(0, 1), bad(5, 505, "timeout after 500ms"), ok(10, 11), ok(15, 16)},
			want: []win{{Client: "c1", Class: "read", Start: 5, End: 11, Failed: 1, Reasons: "timeout after 500ms"}},
		},
		{
			name: "open loop: a success started before the failure does not end it",
			ops:  []Op{ok(0, 300), bad(5, 6, refused), ok(10, 11)},
			want: []win{{Client: "c1", Class: "read", Start: 5, End: 11, Failed: 1, Reasons: refused}},
		},
		{
			name: "open loop: the earliest end among later successes wins",
			ops:  []Op{bad(0, 1, refused), ok(5, 90), ok(10, 12), ok(15, 16)},
			want: []win{{Client: "c1", Class: "read", Start: 0, End: 12, Failed: 1, Reasons: refused}},
		},
		{
			name: "a slow first good answer is capped at the next failure run",
			ops:  []Op{bad(0, 1, "a"), ok(5, 50), bad(10, 11, "b"), ok(60, 61)},
			want: []win{
				{Client: "c1", Class: "read", Start: 0, End: 10, Failed: 1, Reasons: "a"},
				{Client: "c1", Class: "read", Start: 10, End: 61, Failed: 1, Reasons: "b"},
			},
		},
		{
			name: "a success starting with a failure does not end it",
			ops:  []Op{ok(10, 11), bad(10, 12, "a"), ok(20, 21)},
			want: []win{{Client: "c1", Class: "read", Start: 10, End: 21, Failed: 1, Reasons: "a"}},
		},
		{
			name: "latency budget: a slow success is a failure",
			ops:  []Op{ok(0, 1), ok(5, 155), ok(10, 160), ok(160, 161)},
			cfg:  Config{LatencyBudget: 100 * time.Millisecond},
			want: []win{{Client: "c1", Class: "read", Start: 5, End: 161, Failed: 2, Reasons: "slow: took up to 150.0ms > budget 100ms"}},
		},
		{
			name: "latency budget: at the budget is not slow",
			ops:  []Op{ok(0, 100), ok(5, 6)},
			cfg:  Config{LatencyBudget: 100 * time.Millisecond},
		},
		{
			name: "latency budget off: slow is fine",
			ops:  []Op{ok(0, 1), ok(5, 155), ok(10, 160)},
		},
		{
			name: "stall shows as exactly its length",
			ops:  stall,
			cfg:  Config{LatencyBudget: 50 * time.Millisecond},
			want: []win{{Client: "c1", Class: "read", Start: 100, End: 1100, Failed: 190, Reasons: "slow: took up to 1000.0ms > budget 50ms"}},
		},
		{
			name: "overlapping failures across clients and classes are separate windows",
			ops: []Op{
				as("c1", "read", bad(10, 11, "a")), as("c1", "read", ok(20, 21)),
				as("c2", "read", bad(15, 16, "b")), as("c2", "read", bad(20, 21, "b")), as("c2", "read", ok(30, 31)),
				as("c1", "write", bad(12, 13, "c")), as("c1", "write", ok(14, 18)),
			},
			want: []win{
				{Client: "c1", Class: "read", Start: 10, End: 21, Failed: 1, Reasons: "a"},
				{Client: "c1", Class: "write", Start: 12, End: 18, Failed: 1, Reasons: "c"},
				{Client: "c2", Class: "read", Start: 15, End: 31, Failed: 2, Reasons: "b"},
			},
		},
		{
			name: "ClassOf merges classes",
			ops: []Op{
				as("c1", "read", bad(10, 11, "a")), as("c1", "write", ok(12, 13)),
			},
			cfg:  Config{ClassOf: func(Op) string { return "all" }},
			want: []win{{Client: "c1", Class: "all", Start: 10, End: 13, Failed: 1, Reasons: "a"}},
		},
		{
			name: "reasons: most frequent first, first seen on ties, at most five",
			ops: []Op{
				bad(1, 2, "r1"), bad(2, 3, "r2"), bad(3, 4, "r2"), bad(4, 5, "r3"), bad(5, 6, "r4"),
				bad(6, 7, "r5"), bad(7, 8, "r6"), bad(8, 9, ""), bad(9, 10, "r3"), bad(10, 11, "r3"), ok(20, 21),
			},
			want: []win{{Client: "c1", Class: "read", Start: 1, End: 21, Failed: 10, Reasons: "r3|r2|r1|r4|r5"}},
		},
		{
			name: "attribution: default tolerance reaches 250ms past an instant event",
			ops:  []Op{ok(0, 1), bad(1200, 1201, "a"), ok(1300, 1301), bad(1400, 1401, "b"), ok(1500, 1501)},
			events: []Event{
				{ID: "step-1", Kind: KindStep, Start: nsOf(950), End: nsOf(950)},
				{ID: "fault-1", Kind: KindFault, Start: nsOf(1000), End: nsOf(1000), ExpectOutage: true},
			},
			cfg: Config{RecoveryTail: -1},
			want: []win{
				{Client: "c1", Class: "read", Start: 1200, End: 1301, Failed: 1, Reasons: "a", Causes: "fault-1,step-1", Expected: true},
				{Client: "c1", Class: "read", Start: 1400, End: 1501, Failed: 1, Reasons: "b"},
			},
		},
		{
			name: "attribution: an event that began after the failure was seen is no cause; inside it and at its edges",
			ops: []Op{
				bad(900, 901, "early"), ok(905, 906),
				bad(1500, 1501, "inside"), ok(1505, 1506),
				bad(2100, 2101, "at the edge"), ok(2105, 2106),
				bad(2101, 2102, "past"), ok(2200, 2201),
			},
			events: []Event{{ID: "step-1", Kind: KindStep, Start: nsOf(1000), End: nsOf(2000), ExpectOutage: true}},
			cfg:    Config{Tolerance: 100 * time.Millisecond},
			want: []win{
				{Client: "c1", Class: "read", Start: 900, End: 906, Failed: 1, Reasons: "early"},
				{Client: "c1", Class: "read", Start: 1500, End: 1506, Failed: 1, Reasons: "inside", Causes: "step-1", Expected: true},
				{Client: "c1", Class: "read", Start: 2100, End: 2106, Failed: 2, Reasons: "at the edge|past", Causes: "step-1", Expected: true},
			},
		},
		{
			name:   "attribution: negative tolerance is exact",
			ops:    []Op{bad(1001, 1002, "a"), ok(1005, 1006)},
			events: []Event{{ID: "fault-1", Kind: KindFault, Start: nsOf(1000), End: nsOf(1000), ExpectOutage: true}},
			cfg:    Config{Tolerance: -1, RecoveryTail: -1},
			want:   []win{{Client: "c1", Class: "read", Start: 1001, End: 1006, Failed: 1, Reasons: "a"}},
		},
		{
			name: "expected vs unexpected: only a cause that expects an outage makes it expected",
			ops:  []Op{bad(1000, 1001, "a"), ok(1005, 1006)},
			events: []Event{
				{ID: "system-1", Kind: KindSystem, Start: nsOf(900), End: nsOf(1100)},
				{ID: "step-2", Kind: KindStep, Start: nsOf(900), End: nsOf(1100)},
			},
			want: []win{{Client: "c1", Class: "read", Start: 1000, End: 1006, Failed: 1, Reasons: "a", Causes: "step-2,system-1"}},
		},
		{
			name: "attribution: an op in flight when the event began is caused by it; steps first, latest first",
			ops:  []Op{ok(0, 1), bad(990, 1003, "reset"), bad(995, 996, "refused"), ok(1010, 1011)},
			events: []Event{
				{ID: "step-2", Kind: KindStep, Start: nsOf(0), End: nsOf(992)},
				{ID: "step-3", Kind: KindStep, Start: nsOf(992), End: nsOf(1050), ExpectOutage: true},
				{ID: "system-1", Kind: KindSystem, Start: nsOf(993), End: nsOf(993)},
				{ID: "step-4", Kind: KindStep, Start: nsOf(1050), End: nsOf(2000)},
			},
			want: []win{{Client: "c1", Class: "read", Start: 990, End: 1011, Failed: 2, Reasons: "reset|refused", Causes: "step-3,step-2,system-1", Expected: true}},
		},
		{
			name: "attribution: an idle step (a wait, the warm-up) is never a cause",
			ops:  []Op{ok(0, 1), bad(990, 1003, "reset"), ok(1010, 1011)},
			events: []Event{
				{ID: "step-2", Kind: KindStep, Start: nsOf(0), End: nsOf(992), Idle: true},
				{ID: "step-3", Kind: KindStep, Start: nsOf(992), End: nsOf(1050), ExpectOutage: true},
				{ID: "step-4", Kind: KindStep, Start: nsOf(995), End: nsOf(1500), Idle: true},
			},
			want: []win{{Client: "c1", Class: "read", Start: 990, End: 1011, Failed: 1, Reasons: "reset", Causes: "step-3", Expected: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := slices.Clone(tt.ops)
			got := core(Outages(ops, tt.events, tt.cfg))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Outages:\n got %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(ops, tt.ops) {
				t.Error("Outages modified its input")
			}
		})
	}
}

func TestFailed(t *testing.T) {
	budget := Config{LatencyBudget: 100 * time.Millisecond}
	tests := []struct {
		op     Op
		cfg    Config
		failed bool
		reason string
	}{
		{ok(0, 1), Config{}, false, ""},
		{bad(0, 1, "refused"), Config{}, true, "refused"},
		{bad(0, 1, ""), Config{}, true, "failed (no error given)"},
		{ok(0, 123.4), budget, true, "slow: took 123.4ms > budget 100ms"},
		{ok(0, 100), budget, false, ""},
		{ok(0, 1000), Config{}, false, ""},
	}
	for _, tt := range tests {
		f, r := Failed(tt.op, tt.cfg)
		if f != tt.failed || r != tt.reason {
			t.Errorf("Failed(%+v, %v) = %v, %q; want %v, %q", tt.op, tt.cfg.LatencyBudget, f, r, tt.failed, tt.reason)
		}
	}
}

func TestEffectiveTolerance(t *testing.T) {
	for _, tt := range []struct{ in, want time.Duration }{
		{0, DefaultTolerance}, {-1, 0}, {time.Second, time.Second},
	} {
		if got := (Config{Tolerance: tt.in}).EffectiveTolerance(); got != tt.want {
			t.Errorf("tolerance %v: got %v, want %v", tt.in, got, tt.want)
		}
	}
}

// genOps makes a random op log: a few clients and classes, ops with start
// times on a coarse grid (so that ties happen), random durations and
// failures that come in bursts.
func genOps(r *rand.Rand) []Op {
	n := r.IntN(80)
	clients := []string{"c1", "c2", "c3"}[:1+r.IntN(3)]
	classes := []string{"read", "write"}[:1+r.IntN(2)]
	grid := []int64{1, 5, 1000}[r.IntN(3)]
	failP := r.Float64()
	var ops []Op
	burst := false
	for range n {
		if r.Float64() < 0.2 {
			burst = !burst
		}
		start := 1 + r.Int64N(200)*grid
		op := Op{
			Client: clients[r.IntN(len(clients))], Class: classes[r.IntN(len(classes))],
			Start: start, End: start + r.Int64N(50)*grid/2,
			OK: !(burst || r.Float64() < failP/4),
		}
		if !op.OK {
			op.Err = []string{"refused", "timeout", "eof"}[r.IntN(3)]
		}
		ops = append(ops, op)
	}
	return ops
}

// TestOutagesProperties checks, on many random op logs, that windows are
// sorted and disjoint, cover every failed op, never contain a whole good
// answer, and end at a good answer or at the next failure.
func TestOutagesProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	iters := 5000
	if testing.Short() {
		iters = 500
	}
	for it := range iters {
		ops := genOps(r)
		cfg := Config{}
		if r.IntN(2) == 0 {
			cfg.LatencyBudget = time.Duration(r.Int64N(30) * 5)
		}
		ws := Outages(ops, nil, cfg)
		if err := checkWindows(ops, ws, cfg); err != nil {
			t.Fatalf("iteration %d: %v\nops: %+v\nwindows: %+v", it, err, ops, ws)
		}
	}
}

func checkWindows(ops []Op, ws []Window, cfg Config) error {
	if !slices.IsSortedFunc(ws, func(a, b Window) int { return int(a.Start - b.Start) }) {
		return fmt.Errorf("windows not sorted by start")
	}
	type key struct{ client, class string }
	groups := map[key][]Window{}
	for _, w := range ws {
		if w.End < w.Start || (!w.Open && w.End == w.Start) {
			return fmt.Errorf("window %+v: bad bounds", w)
		}
		k := key{w.Client, w.Class}
		if g := groups[k]; len(g) > 0 && g[len(g)-1].End > w.Start {
			return fmt.Errorf("windows %+v and %+v overlap", g[len(g)-1], w)
		}
		groups[k] = append(groups[k], w)
	}
	counted := map[key]int{}
	inside := func(w Window, t int64) bool {
		return t >= w.Start && (t < w.End || (w.Open && t <= w.End))
	}
	for _, op := range ops {
		k := key{op.Client, cfg.class(op)}
		if f, _ := Failed(op, cfg); f {
			n := 0
			for _, w := range groups[k] {
				if inside(w, op.Start) {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("failed op %+v is in %d windows", op, n)
			}
			counted[k]++
			continue
		}
		for _, w := range groups[k] {
			if op.Start > w.Start && op.End < w.End {
				return fmt.Errorf("good op %+v lies inside window %+v", op, w)
			}
		}
	}
	for k, g := range groups {
		n := 0
		for _, w := range g {
			n += w.Failed
			if w.Open {
				continue
			}
			// The end is a good answer to an op that started after the
			// window's last failed op, or the start of the next failure.
			var lastFail int64
			for _, op := range ops {
				if f, _ := Failed(op, cfg); f && op.Client == k.client && cfg.class(op) == k.class && inside(w, op.Start) {
					lastFail = max(lastFail, op.Start)
				}
			}
			tight := false
			for _, op := range ops {
				if op.Client != k.client || cfg.class(op) != k.class {
					continue
				}
				f, _ := Failed(op, cfg)
				if (!f && op.Start > lastFail && op.End == w.End) || (f && op.Start == w.End) {
					tight = true
				}
			}
			if !tight {
				return fmt.Errorf("window %+v ends neither at a good answer nor at the next failure", w)
			}
		}
		if n != counted[k] {
			return fmt.Errorf("%v: windows count %d failed ops, there are %d", k, n, counted[k])
		}
	}
	for k := range counted {
		if len(groups[k]) == 0 {
			return fmt.Errorf("%v has failed ops but no window", k)
		}
	}
	return nil
}

// TestCheckWindowsCatchesBrokenWindows makes sure the property checker
// itself can fail.
func TestCheckWindowsCatchesBrokenWindows(t *testing.T) {
	ops := []Op{ok(0, 1), bad(5, 6, "a"), bad(10, 11, "a"), ok(15, 16), ok(20, 21)}
	good := Outages(ops, nil, Config{})
	if err := checkWindows(ops, good, Config{}); err != nil {
		t.Fatalf("good windows rejected: %v", err)
	}
	broken := map[string]func(w *Window){
		"too short":      func(w *Window) { w.End = nsOf(8) },
		"too long":       func(w *Window) { w.End = nsOf(21) },
		"starts late":    func(w *Window) { w.Start = nsOf(6) },
		"miscounted":     func(w *Window) { w.Failed = 1 },
		"inverted":       func(w *Window) { w.Start, w.End = w.End, w.Start },
		"wrong client":   func(w *Window) { w.Client = "c9" },
		"closed too far": func(w *Window) { w.End = nsOf(17) },
	}
	for name, f := range broken {
		ws := slices.Clone(good)
		f(&ws[0])
		if err := checkWindows(ops, ws, Config{}); err == nil {
			t.Errorf("%s: broken window accepted", name)
		}
	}
}
