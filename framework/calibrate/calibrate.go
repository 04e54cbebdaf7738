package calibrate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hatest/hatest/fixtures/reference"
	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// Methods are the ways an outage is injected on every runtime, in the
// order they run.
var Methods = []string{"proxy-down", "sigstop"}

// MethodNetCut is an nftables cut of the driver from its clients, in the
// driver's own network namespace, below toxiproxy. It runs only on a
// runtime that can do faults below the proxy (Docker), after Methods, for
// NetDurations. The cut refuses each packet (a TCP reset): a dropped
// packet leaves the end of the outage to the clients' TCP retransmission
// timers (a SYN is sent again after 1 s), which is the system's time,
// not a measure of hatest's accuracy.
const MethodNetCut = "nft-cut"

// NetDurations are the lengths of the nft-cut rows.
var NetDurations = []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 700 * time.Millisecond}

// DefaultDurations are the injected lengths. 700 ms is not a multiple of
// the one-second sampler's period: at 1 s the sampler is right by
// construction (a failed probe and the next good one are 1 s apart), so
// only an odd length shows what a one-second sampler really measures.
var DefaultDurations = []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 700 * time.Millisecond, time.Second}

// Config says what to inject and how to probe.
type Config struct {
	Interval  time.Duration   // hatest's probe interval; default 5 ms
	Durations []time.Duration // default DefaultDurations
	// NetDurations are the nft-cut rows' lengths, on a runtime that can
	// do them; default NetDurations.
	NetDurations []time.Duration
	Gap          time.Duration // quiet time between injections; default 1.5 s
	// LatencyBudget makes stalled ops count as failed; it must be below
	// the shortest duration. Default 20 ms.
	LatencyBudget time.Duration
	// Keep is the directory the op logs of the rows that miss the target
	// are written to. Empty means a new directory under os.TempDir, made
	// only when a row misses.
	Keep string
	Log  io.Writer
}

// Report is what `hatest calibrate` prints and writes as JSON.
type Report struct {
	Runtime         string  `json:"runtime"`
	ProbeIntervalMS float64 `json:"probe_interval_ms"`
	LatencyBudgetMS float64 `json:"latency_budget_ms"`
	// TargetMS is the bound on |hatest error| of every row: the probe
	// interval + 2 ms.
	TargetMS float64 `json:"target_ms"`
	Rows     []Row   `json:"rows"`
	// Pass is true when every row is within the target, or longer only by
	// the backlog the system served late after a SIGSTOP (VerdictBacklog).
	Pass bool `json:"pass"`
	// Probe is how well hatest's probe kept its schedule during the run.
	Probe Schedule `json:"probe"`
	// Kept is the directory holding the op logs of the rows outside the
	// target; empty when every row was within it.
	Kept string `json:"kept,omitempty"`
	// NotRun names the methods this runtime cannot do, and why.
	NotRun []string `json:"not_run,omitempty"`
}

// Schedule is how well a probe kept its open-loop schedule.
type Schedule struct {
	Ops           int     `json:"ops"`
	Skipped       int64   `json:"skipped"` // due ticks the client says it never issued
	NominalPerSec float64 `json:"nominal_per_s"`
	AchievedPerS  float64 `json:"achieved_per_s"`
	LagKnown      bool    `json:"lag_known"` // the client wrote "sched" on every op
	LagP99MS      float64 `json:"lag_p99_ms"`
	LagMaxMS      float64 `json:"lag_max_ms"`
}

// Row verdicts.
const (
	VerdictOK = "ok" // |hatest error| <= target
	// VerdictBacklog: a SIGSTOP row longer than the target by no more
	// than the time the system took, after SIGCONT, to serve the requests
	// that queued up while it was stopped. Clients really waited for it:
	// it is client-visible unavailability, not a measurement error.
	VerdictBacklog = "backlog"
	// VerdictInvalid: outside the target, but something other than
	// hatest's accuracy can account for it: hatest's probe was behind its
	// own schedule around the outage's start or end (LagMS), the system
	// was already failing before anything was injected (EarlyMS), or the
	// injected length itself is not known well enough (UncertaintyMS: the
	// calls that began and ended the outage were slow). The row cannot be
	// trusted either way: the machine was too busy to calibrate.
	VerdictInvalid = "INVALID"
	VerdictMiss    = "MISS" // outside the target, unexplained
)

// Row is one injected outage as both samplers measured it.
type Row struct {
	Method     string  `json:"method"` // "proxy-down", "sigstop" or "nft-cut"
	NominalMS  float64 `json:"nominal_ms"`
	InjectedMS float64 `json:"injected_ms"`
	// UncertaintyMS is how well the injected length itself is known: half
	// the time the calls that start and end the outage took, since the
	// outage begins somewhere inside the call (a Docker freeze takes tens
	// of milliseconds; a toxiproxy call about one). For an nft-cut it is
	// half the spans in which the kernel took the rule and its removal, as
	// the sidecar read the clock around its netlink calls.
	UncertaintyMS float64 `json:"uncertainty_ms"`
	Hatest        Measure `json:"hatest"`
	Sampler       Measure `json:"sampler_1s"`
	// Ratio is |1 s sampler error| / |hatest error|, with hatest's error
	// taken as at least MinError (the table's resolution).
	Ratio float64 `json:"ratio"`
	// BacklogMS is, for a SIGSTOP, how long after SIGCONT the driver was
	// still applying writes that clients had sent while it was stopped
	// (from the driver's own "applied" times); 0 when none.
	BacklogMS float64 `json:"backlog_ms"`
	// LagMS is how far hatest's probe was behind its schedule around the
	// outage's edges (see lag). 0 when the client does not write "sched".
	LagMS float64 `json:"lag_ms"`
	// EarlyMS is, when hatest's window holds a failed op that ended
	// before the call that began the outage (one the outage cannot have
	// caused), how long before the outage's start the window began: the
	// system was already failing. 0 otherwise.
	EarlyMS float64 `json:"early_ms"`
	Verdict string  `json:"verdict"` // VerdictOK, VerdictBacklog, VerdictInvalid or VerdictMiss
}

// Measure is what one sampler made of one injection.
type Measure struct {
	MeasuredMS float64 `json:"measured_ms"` // summed length of its windows
	ErrorMS    float64 `json:"error_ms"`    // measured - injected
	Windows    int     `json:"windows"`     // windows that overlap the injection
	// StartMS is the first window's start minus the outage's start, and
	// EndMS the last window's end minus the outage's end (0 without
	// windows): where the error comes from.
	StartMS float64 `json:"start_ms"`
	EndMS   float64 `json:"end_ms"`
}

// MinError is the smallest hatest error the ratio divides by (ms).
const MinError = 0.1

// injection is one outage as the host clock saw it: t0–t1 is the call
// that began it, t2–t3 the call that ended it. For an nft-cut they are
// the sidecar's spans around the kernel's taking the rule and its removal,
// and calls keeps the Docker calls around those.
type injection struct {
	method         string
	d              time.Duration
	t0, t1, t2, t3 int64
	calls          [4]int64
}

// from and to are the outage's start and end: the midpoints of the calls,
// since it begins and ends somewhere inside them.
func (in injection) from() int64   { return (in.t0 + in.t1) / 2 }
func (in injection) to() int64     { return (in.t2 + in.t3) / 2 }
func (in injection) uncert() int64 { return ((in.t1 - in.t0) + (in.t3 - in.t2)) / 2 }

// call is the host clock around the calls: i = 0 and 1 around the one
// that began the outage, 2 and 3 around the one that ended it.
func (in injection) call(i int) int64 {
	if in.calls == [4]int64{} {
		return [4]int64{in.t0, in.t1, in.t2, in.t3}[i]
	}
	return in.calls[i]
}

// Run injects every outage and measures it. rt is closed by the caller.
func Run(ctx context.Context, rt runtime.Runtime, cfg Config) (*Report, error) {
	if cfg.Interval == 0 {
		cfg.Interval = 5 * time.Millisecond
	}
	if len(cfg.Durations) == 0 {
		cfg.Durations = DefaultDurations
	}
	if len(cfg.NetDurations) == 0 {
		cfg.NetDurations = NetDurations
	}
	if cfg.Gap == 0 {
		cfg.Gap = 1500 * time.Millisecond
	}
	if cfg.LatencyBudget == 0 {
		cfg.LatencyBudget = 20 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	sys := system.New(rt, cfg.Log)
	// The caller closes rt after this returns: those exits are asked for.
	defer sys.StopWatching()
	drv, err := sys.StartDriver(ctx, "driver", "v1", reference.DriverSoftware())
	if err != nil {
		return nil, err
	}
	addr := []string{drv.Proxy.Endpoint().Internal}
	probes, err := sys.StartClients(ctx, system.ClientSpec{Count: 1, Prefix: "hatest-", Addrs: addr, Interval: cfg.Interval, Timeout: 2 * time.Second, Software: reference.ClientSoftware()})
	if err != nil {
		return nil, err
	}
	samplers, err := sys.StartClients(ctx, system.ClientSpec{Count: 1, Prefix: "sampler-", Addrs: addr, Interval: time.Second, Timeout: 2 * time.Second, Software: reference.ClientSoftware()})
	if err != nil {
		return nil, err
	}
	var injs []injection
	sleep := func(d time.Duration) error { return system.Sleep(ctx, d) }
	if err := sleep(cfg.Gap); err != nil {
		return nil, err
	}
	type row struct {
		method string
		d      time.Duration
	}
	var rows []row
	for _, method := range Methods {
		for _, d := range cfg.Durations {
			rows = append(rows, row{method, d})
		}
	}
	var notRun []string
	if nf, ok := rt.(runtime.NetFaulter); ok {
		// The sidecar now, so that the first cut does not wait for it.
		if err := nf.NetReady(ctx, drv.Node.Name()); err != nil {
			return nil, err
		}
		for _, d := range cfg.NetDurations {
			rows = append(rows, row{MethodNetCut, d})
		}
	} else {
		notRun = append(notRun, MethodNetCut+": faults below the proxy need the Docker runtime")
	}
	for _, x := range rows {
		fmt.Fprintf(cfg.Log, "inject %s for %s\n", x.method, x.d)
		in, err := inject(ctx, x.method, x.d, rt, drv)
		if err != nil {
			return nil, err
		}
		injs = append(injs, in)
		if err := sleep(cfg.Gap); err != nil {
			return nil, err
		}
	}
	if err := sys.StopClients(ctx, 15*time.Second); err != nil {
		return nil, err
	}
	var hatestRecs, samplerRecs []probe.Record
	for _, c := range probes {
		hatestRecs = append(hatestRecs, c.Log.Records()...)
	}
	for _, c := range samplers {
		samplerRecs = append(samplerRecs, c.Log.Records()...)
	}
	rep := analyze(rt.Name(), cfg, injs, hatestRecs, samplerRecs)
	rep.NotRun = notRun
	if !allWithin(rep) {
		dir, err := keep(cfg.Keep, rep, injs, hatestRecs, samplerRecs)
		if err != nil {
			return rep, fmt.Errorf("keep op logs: %w", err)
		}
		rep.Kept = dir
	}
	return rep, nil
}

// inject causes one outage of length d and returns when it really began
// and ended, read from the host clock around the actions that cause it.
func inject(ctx context.Context, method string, d time.Duration, rt runtime.Runtime, drv *system.Driver) (injection, error) {
	if method == MethodNetCut {
		return netCut(ctx, d, rt, drv)
	}
	in := injection{method: method, d: d}
	var down, up func(context.Context) error
	switch method {
	case "proxy-down":
		down = func(ctx context.Context) error { return drv.Proxy.SetEnabled(ctx, false) }
		up = func(ctx context.Context) error { return drv.Proxy.SetEnabled(ctx, true) }
	case "sigstop":
		down = func(ctx context.Context) error { return drv.Node.Signal(ctx, syscall.SIGSTOP) }
		up = func(ctx context.Context) error { return drv.Node.Signal(ctx, syscall.SIGCONT) }
	default:
		return in, fmt.Errorf("unknown method %q", method)
	}
	in.t0 = time.Now().UnixNano()
	if err := down(ctx); err != nil {
		return in, fmt.Errorf("%s: %w", method, err)
	}
	in.t1 = time.Now().UnixNano()
	// Aim the midpoints d apart: the heal call is assumed to take as
	// long as the call that began the outage.
	time.Sleep(d - time.Duration(in.t1-in.t0))
	in.t2 = time.Now().UnixNano()
	if err := up(context.WithoutCancel(ctx)); err != nil {
		return in, fmt.Errorf("heal %s: %w", method, err)
	}
	in.t3 = time.Now().UnixNano()
	return in, nil
}

// netCut cuts the driver's node from every address but its own loopback
// for d, refusing each packet. The outage's edges are the spans in which
// the kernel took the rule and its removal, as the sidecar read the clock
// around its netlink calls: far tighter than the Docker calls around them.
func netCut(ctx context.Context, d time.Duration, rt runtime.Runtime, drv *system.Driver) (injection, error) {
	in := injection{method: MethodNetCut, d: d}
	nf, ok := rt.(runtime.NetFaulter)
	if !ok {
		return in, fmt.Errorf("%s: the %s runtime cannot do faults below the proxy", MethodNetCut, rt.Name())
	}
	in.calls[0] = time.Now().UnixNano()
	cut, err := nf.NetFault(ctx, drv.Node.Name(), runtime.NetFault{Kind: runtime.NetCut, Reject: true})
	if err != nil {
		return in, fmt.Errorf("%s: %w", MethodNetCut, err)
	}
	in.calls[1] = time.Now().UnixNano()
	in.t0, in.t1 = cut.Sent.UnixNano(), cut.Acked.UnixNano()
	// Aim the middles d apart: the heal is assumed to take as long to
	// reach the kernel as the cut did.
	time.Sleep(d - time.Duration(in.calls[1]-in.t0) - time.Duration(in.t0-in.calls[0]))
	in.calls[2] = time.Now().UnixNano()
	healed, err := cut.Heal(context.WithoutCancel(ctx))
	if err != nil {
		return in, fmt.Errorf("heal %s: %w", MethodNetCut, err)
	}
	in.calls[3] = time.Now().UnixNano()
	in.t2, in.t3 = healed.Sent.UnixNano(), healed.Acked.UnixNano()
	return in, nil
}

// analyze turns the injections and both samplers' op logs into the report.
// It is pure: everything it needs is in its arguments.
func analyze(rtName string, cfg Config, injs []injection, hatest, sampler []probe.Record) *Report {
	rep := &Report{
		Runtime: rtName, ProbeIntervalMS: ms(cfg.Interval), LatencyBudgetMS: ms(cfg.LatencyBudget),
		TargetMS: Target(cfg.Interval), Pass: true,
	}
	tcfg := timeline.Config{LatencyBudget: cfg.LatencyBudget, ClassOf: func(timeline.Op) string { return "all" }}
	hOps, sOps := ops(hatest), ops(sampler)
	hWs, sWs := timeline.Outages(hOps, nil, tcfg), timeline.Outages(sOps, nil, tcfg)
	rep.Probe = schedule(hOps, hatest, cfg.Interval)
	for _, in := range injs {
		row := Row{
			Method: in.method, NominalMS: ms(in.d),
			InjectedMS: float64(in.to()-in.from()) / 1e6, UncertaintyMS: float64(in.uncert()) / 1e6,
		}
		hIn, sIn := outageWindows(in, hWs, cfg.Interval), outageWindows(in, sWs, cfg.Interval)
		row.Hatest = measure(in, hIn)
		row.Sampler = measure(in, sIn)
		row.Ratio = math.Abs(row.Sampler.ErrorMS) / max(math.Abs(row.Hatest.ErrorMS), MinError)
		if in.method == "sigstop" {
			row.BacklogMS = backlog(in, hatest)
		}
		row.LagMS = lag(in, hOps, hIn, cfg.Interval)
		row.EarlyMS = early(in, hOps, hIn, tcfg)
		row.Verdict = Judge(row, rep.TargetMS)
		if row.Verdict != VerdictOK && row.Verdict != VerdictBacklog {
			rep.Pass = false
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep
}

// Target is the bound on |hatest error| at a probe interval, in ms: one
// interval (a window starts at the first op after the outage began and
// ends at the first good answer after it ended) and 2 ms for the round
// trip and the host's scheduling.
func Target(interval time.Duration) float64 { return ms(interval) + 2 }

// Judge gives a row's verdict from hatest's measure, in this order:
//   - VerdictOK when |error| <= target;
//   - VerdictBacklog when the row is too long, but by no more than the
//     target plus the backlog the system served late (BacklogMS, only ever
//     non-zero for a SIGSTOP), and that backlog is larger than the ±: it
//     is counted from the midpoint of the call that ended the stop, so a
//     smaller one may be the stop itself, still on. The window may end
//     before the backlog is all served: a request on a fresh connection is
//     not queued behind the others, and its answer in budget is a good
//     answer;
//   - VerdictInvalid when what is left of the error (after the backlog,
//     if the row is too long) is within the target plus the probe's own
//     schedule lag around the outage (LagMS), the time the system was
//     already failing before it (EarlyMS) and the uncertainty of the
//     injected length (UncertaintyMS); the time failing before counts only
//     for a row that is too long;
//   - VerdictMiss otherwise, and for a row where hatest found no window
//     (its error is the whole outage), unless the probe was behind its
//     schedule for at least that long.
func Judge(r Row, targetMS float64) string {
	e := r.Hatest.ErrorMS
	if r.Hatest.Windows > 0 && math.Abs(e) <= targetMS {
		return VerdictOK
	}
	rest := e
	if r.BacklogMS > 0 && e > targetMS {
		if r.Hatest.Windows > 0 && e <= r.BacklogMS+targetMS && r.BacklogMS > r.UncertaintyMS {
			return VerdictBacklog
		}
		rest = e - r.BacklogMS
	}
	if r.Hatest.Windows == 0 {
		// No window at all: only a probe that was stalled for the whole
		// outage explains that; the ± or an early failure never do.
		if r.LagMS > 0 && r.LagMS >= math.Abs(e) {
			return VerdictInvalid
		}
		return VerdictMiss
	}
	excuse := max(r.LagMS, 0) + max(r.UncertaintyMS, 0)
	if rest > 0 {
		// Failing before the injection can only make a window longer.
		excuse += max(r.EarlyMS, 0)
	}
	if excuse > 0 && math.Abs(rest) <= targetMS+excuse {
		return VerdictInvalid
	}
	return VerdictMiss
}

// allWithin says whether every row is within the target outright (no
// backlog, no miss): the others get their op logs kept.
func allWithin(rep *Report) bool {
	for _, r := range rep.Rows {
		if r.Verdict != VerdictOK {
			return false
		}
	}
	return true
}

// measure sums the outage's windows (see outageWindows).
func measure(in injection, ws []timeline.Window) Measure {
	m := Measure{Windows: len(ws)}
	for i, w := range ws {
		if i == 0 {
			m.StartMS = float64(w.Start-in.from()) / 1e6
		}
		m.MeasuredMS += float64(w.End-w.Start) / 1e6
	}
	if len(ws) > 0 {
		m.EndMS = float64(ws[len(ws)-1].End-in.to()) / 1e6
	}
	m.ErrorMS = m.MeasuredMS - float64(in.to()-in.from())/1e6
	return m
}

// outageWindows picks, from one client's windows sorted by start, the
// outage's: those that overlap it, from the start of the call that began
// it to the end of the call that ended it, and those that follow one of
// them, within gap (one probe interval) of its end.
//
// A window may begin before the outage's midpoint start: an op already in
// flight when the proxy closed fails too, and a freeze lands anywhere in
// a Docker call that takes tens of milliseconds. (Requiring a window to
// begin at most one probe interval before the midpoint dropped such
// windows: at 1 ms on Docker a 200 ms outage read as none.) And one may
// begin after the call that ended it, right where the last one ended: the
// backlog after a SIGSTOP is split into several windows by ops on fresh
// connections, which are not queued behind it and are answered in budget.
// A window that begins later, after good answers, is something else (a
// busy machine), and is not the outage's. The gap between injections is
// far longer than any outage, so no window can be two outages'.
func outageWindows(in injection, ws []timeline.Window, gap time.Duration) []timeline.Window {
	var out []timeline.Window
	for _, w := range ws {
		switch {
		case w.Start <= in.t3 && w.End >= in.t0:
		case len(out) > 0 && w.Start > in.t3 && w.Start-out[len(out)-1].End <= int64(gap):
		default:
			continue
		}
		out = append(out, w)
	}
	return out
}

// backlog is how long after a SIGSTOP ended the driver was still applying
// writes that were sent while it was stopped, by the driver's own clock
// ("applied" on the op lines, the host clock): the time it spent serving
// its backlog. Clients waited for those answers, so that time is theirs
// to see. 0 when nothing was applied after the end.
func backlog(in injection, recs []probe.Record) float64 {
	last := int64(0)
	for _, r := range recs {
		if r.IsOp() && r.OK && r.Applied > 0 && r.Start >= in.from() && r.Start < in.to() {
			last = max(last, r.Applied)
		}
	}
	if last <= in.to() {
		return 0
	}
	return float64(last-in.to()) / 1e6
}

// lag is the probe's largest schedule lag (start - sched, in ms) among
// its ops due near the edges of the outage, where a late probe moves a
// window's start or end: from one interval before the call that began the
// outage (or before the first window over it, if that began earlier) to
// one interval after that call, and from one interval before the call
// that ended the outage to the end of its last window (to one interval
// after that call, without a window). ws are the outage's windows. Ops
// without sched say nothing.
func lag(in injection, ops []timeline.Op, ws []timeline.Window, interval time.Duration) float64 {
	iv := int64(interval)
	first, end := in.t0, in.t3+iv
	for _, w := range ws {
		first, end = min(first, w.Start), max(end, w.End)
	}
	worst := int64(0)
	for _, op := range ops {
		if op.Sched == 0 {
			continue
		}
		if (op.Sched >= first-iv && op.Sched <= in.t1+iv) || (op.Sched >= in.t2-iv && op.Sched <= end) {
			worst = max(worst, op.Start-op.Sched)
		}
	}
	return float64(worst) / 1e6
}

// early is how long before the outage's start (its midpoint, ms) the first
// of the outage's windows ws began, when that window holds a failed op that
// ended before the call that began the outage: a failure seen before
// anything was injected, which the outage cannot have caused. 0 when
// there is none. (An op in flight when the outage began fails after it,
// and does not count.)
func early(in injection, ops []timeline.Op, ws []timeline.Window, cfg timeline.Config) float64 {
	if len(ws) == 0 {
		return 0
	}
	w := ws[0] // only the first can start early
	for _, op := range ops {
		if op.Client == w.Client && op.Start >= w.Start && op.Start < w.End && op.End < in.t0 {
			if bad, _ := timeline.Failed(op, cfg); bad {
				return float64(in.from()-w.Start) / 1e6
			}
		}
	}
	return 0
}

func ops(recs []probe.Record) []timeline.Op {
	var out []timeline.Op
	for _, r := range recs {
		if r.IsOp() {
			out = append(out, r.Op())
		}
	}
	return out
}

// schedule is how well the probe kept its schedule: ops are its op lines,
// recs all its lines (the summary says how many due ticks it skipped).
func schedule(ops []timeline.Op, recs []probe.Record, interval time.Duration) Schedule {
	skipped := int64(0)
	for _, r := range recs {
		if r.Type == probe.TypeSummary {
			skipped = r.Skipped
		}
	}
	st := timeline.Schedule(ops, interval, skipped)
	return Schedule{
		Ops: st.Ops, Skipped: st.Skipped, NominalPerSec: st.NominalRate, AchievedPerS: st.AchievedRate,
		LagKnown: st.Known, LagP99MS: ms(st.LagP99), LagMaxMS: ms(st.LagMax),
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// rowName names a row in file names and messages: "sigstop-700ms".
func rowName(r Row) string {
	return fmt.Sprintf("%s-%s", r.Method, time.Duration(r.NominalMS*1e6))
}

// keep writes, for every row not plainly within the target, the op lines
// of both samplers from one second before the outage to one second after
// it, and the injection with the row, into dir (a new temporary directory
// when dir is empty). It returns the directory.
func keep(dir string, rep *Report, injs []injection, hatest, sampler []probe.Record) (string, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "hatest-calibrate-")
		if err != nil {
			return "", err
		}
		dir = d
	}
	for i, r := range rep.Rows {
		if r.Verdict == VerdictOK {
			continue
		}
		in := injs[i]
		sub := filepath.Join(dir, rep.Runtime+"-"+rowName(r))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return dir, err
		}
		from, to := in.t0-int64(time.Second), in.t3+int64(time.Second)
		for name, recs := range map[string][]probe.Record{"hatest.jsonl": hatest, "sampler.jsonl": sampler} {
			if err := writeOps(filepath.Join(sub, name), recs, from, to); err != nil {
				return dir, err
			}
		}
		b, err := json.MarshalIndent(struct {
			Row
			DownCall [2]int64 `json:"down_call"` // host clock around the call that began the outage
			UpCall   [2]int64 `json:"up_call"`   // and around the one that ended it
			From     int64    `json:"from"`
			To       int64    `json:"to"`
		}{r, [2]int64{in.call(0), in.call(1)}, [2]int64{in.call(2), in.call(3)}, in.from(), in.to()}, "", "  ")
		if err != nil {
			return dir, err
		}
		if err := os.WriteFile(filepath.Join(sub, "row.json"), append(b, '\n'), 0o644); err != nil {
			return dir, err
		}
	}
	return dir, nil
}

func writeOps(path string, recs []probe.Record, from, to int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, r := range recs {
		if r.IsOp() && r.Start >= from && r.Start <= to {
			if err := enc.Encode(r); err != nil {
				f.Close()
				return err
			}
		}
	}
	return f.Close()
}

// JSON writes the report as indented JSON.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
