package timeline

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/hatest/hatest/framework/format"
)

// DefaultTolerance is how far an event is widened on both sides when
// windows are attributed to it, when Config.Tolerance is zero. It covers the
// time between the framework recording an event and the action taking
// effect (a Docker API call, a process dying, a socket closing), which is
// tens of milliseconds, not the length of an outage. See
// docs/measurement.md.
const DefaultTolerance = 250 * time.Millisecond

// DefaultRecoveryTail is how long after a step or fault on a client's path
// ended a window of that client, with no step or fault on its path active
// when it began, is still put down to it as its recovery tail, when
// Config.RecoveryTail is zero. A member that has just been restarted and
// fails again within its first seconds (its first heartbeats, the reconnect
// storm of its clients, replication catching up) is that restart's
// doing, not an unexplained outage. 2 s is eight times DefaultTolerance,
// twenty heartbeats of the reference overlord and four op deadlines of the
// reference client; see docs/measurement.md.
const DefaultRecoveryTail = 2 * time.Second

// MaxReasons caps Window.Reasons.
const MaxReasons = 5

// tolerance is the effective attribution tolerance: zero means
// DefaultTolerance, a negative value means none (exact containment).
func (c Config) tolerance() int64 {
	switch {
	case c.Tolerance == 0:
		return int64(DefaultTolerance)
	case c.Tolerance < 0:
		return 0
	}
	return int64(c.Tolerance)
}

// EffectiveTolerance is the tolerance Outages uses for c: Tolerance, or
// DefaultTolerance when it is zero, or zero when it is negative.
func (c Config) EffectiveTolerance() time.Duration { return time.Duration(c.tolerance()) }

// recoveryTail is the effective recovery tail: zero means
// DefaultRecoveryTail, a negative value means none.
func (c Config) recoveryTail() int64 {
	switch {
	case c.RecoveryTail == 0:
		return int64(DefaultRecoveryTail)
	case c.RecoveryTail < 0:
		return 0
	}
	return int64(c.RecoveryTail)
}

// EffectiveRecoveryTail is the recovery tail Outages uses for c:
// RecoveryTail, or DefaultRecoveryTail when it is zero, or zero (no tail)
// when it is negative.
func (c Config) EffectiveRecoveryTail() time.Duration { return time.Duration(c.recoveryTail()) }

// OnPath says whether e touches the path of client, so that it may cause
// the client's windows: e has no Targets (it acts on everything), or the
// client has no entry in Paths (it depends on everything), or one of e's
// Targets is on the client's path or is the client itself (its own node).
func (c Config) OnPath(client string, e Event) bool {
	if len(e.Targets) == 0 {
		return true
	}
	path := c.Paths[client]
	if len(path) == 0 {
		return true // a client that does not say what it depends on depends on everything
	}
	for _, t := range e.Targets {
		if t == client || slices.Contains(path, t) {
			return true
		}
	}
	return false
}

func (c Config) class(op Op) string {
	if c.ClassOf != nil {
		return c.ClassOf(op)
	}
	return op.Class
}

// Failed says whether op counts as failed under cfg, and why: an op fails
// when it did not succeed (the reason is its Err), or when it succeeded but
// took longer than cfg.LatencyBudget (when that is positive).
func Failed(op Op, cfg Config) (bool, string) {
	if !op.OK {
		if op.Err == "" {
			return true, "failed (no error given)"
		}
		return true, op.Err
	}
	if slow(op, cfg) {
		return true, fmt.Sprintf("slow: took %s > budget %s", format.MS(nsToMS(op.End-op.Start)), format.ExactMS(nsToMS(int64(cfg.LatencyBudget))))
	}
	return false, ""
}

func failed(op Op, cfg Config) bool { return !op.OK || slow(op, cfg) }

func slow(op Op, cfg Config) bool {
	return cfg.LatencyBudget > 0 && op.End-op.Start > int64(cfg.LatencyBudget)
}

// nsToMS is a length in nanoseconds in milliseconds.
func nsToMS(ns int64) float64 { return float64(ns) / 1e6 }

// Outages computes the client-visible outage windows: for every client and
// class (cfg.ClassOf), each maximal run of failed ops, from the start of its
// first op to the first good answer after it. The result is sorted by
// Start, then client and class; the windows of one client and class are
// disjoint half-open intervals. Every window is attributed to the events on
// its client's path (cfg.Paths) active when it began, or to its recovery
// tail (see attribute). ops and events are not modified. See
// docs/measurement.md for the exact definition.
func Outages(ops []Op, events []Event, cfg Config) []Window {
	if len(ops) == 0 {
		return nil
	}
	n := len(ops)
	// Group ops by (client, class) with a counting sort of indexes, then
	// sort each group in time order. No per-op allocation.
	type key struct{ client, class string }
	ids := map[key]int32{}
	var keys []key
	gid := make([]int32, n)
	bad := make([]bool, n)
	for i := range ops {
		k := key{ops[i].Client, cfg.class(ops[i])}
		g, ok := ids[k]
		if !ok {
			g = int32(len(keys))
			ids[k] = g
			keys = append(keys, k)
		}
		gid[i] = g
		bad[i] = failed(ops[i], cfg)
	}
	off := make([]int32, len(keys)+1)
	for _, g := range gid {
		off[g+1]++
	}
	for g := range keys {
		off[g+1] += off[g]
	}
	order := make([]int32, n)
	next := slices.Clone(off[:len(keys)])
	for i, g := range gid {
		order[next[g]] = int32(i)
		next[g]++
	}
	tol, tail := cfg.tolerance(), cfg.recoveryTail()
	var (
		out []Window
		rc  reasonCounter
	)
	for g, k := range keys {
		idx := order[off[g]:off[g+1]]
		// Time order: by Start; at equal Start a success sorts before a
		// failure, so it cannot end that failure's window; then by End.
		slices.SortFunc(idx, func(a, b int32) int {
			if c := cmp.Compare(ops[a].Start, ops[b].Start); c != 0 {
				return c
			}
			if bad[a] != bad[b] {
				if bad[a] {
					return 1
				}
				return -1
			}
			if c := cmp.Compare(ops[a].End, ops[b].End); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		for p := 0; p < len(idx); {
			if !bad[idx[p]] {
				p++
				continue
			}
			// A failure run: idx[p:q].
			q := p
			rc.reset()
			var lastEnd int64
			seen := ops[idx[p]].End
			for q < len(idx) && bad[idx[q]] {
				op := ops[idx[q]]
				rc.add(op, cfg)
				lastEnd = max(lastEnd, op.End)
				seen = min(seen, op.End)
				q++
			}
			w := Window{Client: k.client, Class: k.class, Start: ops[idx[p]].Start, Failed: q - p}
			// The first good answer: the earliest End of the successes
			// after the run, up to the next run. A success after the next
			// run cannot end earlier than the next run starts.
			r := q
			first := int64(0)
			found := false
			for r < len(idx) && !bad[idx[r]] {
				if e := ops[idx[r]].End; !found || e < first {
					first, found = e, true
				}
				r++
			}
			switch {
			case !found:
				w.End, w.Open = lastEnd, true
			case r < len(idx):
				w.End = min(first, ops[idx[r]].Start)
			default:
				w.End = first
			}
			w.Reasons = rc.top(MaxReasons)
			attribute(&w, events, tol, tail, seen, cfg)
			out = append(out, w)
			p = r
		}
	}
	slices.SortFunc(out, func(a, b Window) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Client, b.Client); c != 0 {
			return c
		}
		return cmp.Compare(a.Class, b.Class)
	})
	return out
}

// Slack is how much later than the moment a client first saw a failure an
// event may begin and still be its cause: the event's start and the op's
// end are read from one clock, but not in a fixed order.
const Slack = 5 * time.Millisecond

// attribute sets w's Causes, Expected and Tail. Only events on the
// window's client's path (cfg.OnPath) are considered; idle steps (waits)
// never are. An event is a cause when it began no later than seen (the
// first moment the client saw a failure of this window) plus Slack, and
// had not ended more than tol before the window began. An event that began
// after the client already saw the failure cannot have caused it; an op in
// flight when a driver was killed starts before the kill, which is why the
// test is on seen, not w.Start.
//
// When no step or fault is a cause by that rule, the fault or
// outage-expecting step (a restart, an upgrade) on the path that ended
// last, less than tail before the window began, is its cause, as its
// recovery tail (w.Tail). System events, and steps that expect no outage,
// never make a tail.
//
// Plan steps and faults come first, then system events; within each, the
// one that began closest to the window's start first: Causes[0] is the
// deliberate act that most plausibly broke it. A window with no cause is
// unexplained: nothing on its client's path was going on.
func attribute(w *Window, events []Event, tol, tail, seen int64, cfg Config) {
	var steps, system []Event
	last := -1 // the step or fault of the recovery tail, an index into events
	for i, e := range events {
		if e.Idle || e.Start > seen+int64(Slack) || !cfg.OnPath(w.Client, e) {
			continue
		}
		if e.End+tol < w.Start {
			// Only a fault, or a step that expects an outage (a restart,
			// an upgrade), can leave a recovery tail behind it.
			if decomposable(e) && w.Start-e.End < tail && (last < 0 || e.End > events[last].End) {
				last = i
			}
			continue
		}
		if e.Kind == KindSystem {
			system = append(system, e)
		} else {
			steps = append(steps, e)
		}
		w.Expected = w.Expected || e.ExpectOutage
	}
	if len(steps) == 0 && last >= 0 {
		steps = append(steps, events[last])
		w.Tail = true
		w.Expected = w.Expected || events[last].ExpectOutage
	}
	dist := func(e Event) int64 {
		if d := e.Start - w.Start; d >= 0 {
			return d
		}
		return w.Start - e.Start
	}
	closest := func(a, b Event) int { return cmp.Compare(dist(a), dist(b)) }
	slices.SortStableFunc(steps, closest)
	slices.SortStableFunc(system, closest)
	for _, e := range append(steps, system...) {
		w.Causes = append(w.Causes, e.ID)
	}
}

// reasonCounter counts the distinct failure reasons of one run without a
// map: runs have few distinct reasons. Slow ops count as one reason, "slow",
// reported with the longest latency seen.
type reasonCounter struct {
	rs      []reasonCount
	slowMax int64
	budget  time.Duration
}

type reasonCount struct {
	reason string
	n      int
	first  int
}

func (c *reasonCounter) reset() { c.rs, c.slowMax = c.rs[:0], 0 }

func (c *reasonCounter) add(op Op, cfg Config) {
	var r string
	switch {
	case !op.OK && op.Err == "":
		r = "failed (no error given)"
	case !op.OK:
		r = op.Err
	default:
		r = slowKey
		c.slowMax = max(c.slowMax, op.End-op.Start)
		c.budget = cfg.LatencyBudget
	}
	for i := range c.rs {
		if c.rs[i].reason == r {
			c.rs[i].n++
			return
		}
	}
	c.rs = append(c.rs, reasonCount{reason: r, n: 1, first: len(c.rs)})
}

// slowKey stands for every slow op while counting; it cannot be an op's Err
// because it contains a NUL byte.
const slowKey = "\x00slow"

// top returns up to k reasons, most frequent first, ties in order of first
// appearance.
func (c *reasonCounter) top(k int) []string {
	slices.SortFunc(c.rs, func(a, b reasonCount) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return cmp.Compare(a.first, b.first)
	})
	out := make([]string, 0, min(k, len(c.rs)))
	for _, r := range c.rs[:min(k, len(c.rs))] {
		if r.reason == slowKey {
			out = append(out, fmt.Sprintf("slow: took up to %s > budget %s", format.MS(nsToMS(c.slowMax)), format.ExactMS(nsToMS(int64(c.budget)))))
			continue
		}
		out = append(out, r.reason)
	}
	return out
}
