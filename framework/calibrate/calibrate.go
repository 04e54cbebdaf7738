package calibrate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
)

// Config says what to inject and how to probe.
type Config struct {
	Interval  time.Duration   // hatest's probe interval; default 5 ms
	Durations []time.Duration // default 50 ms, 200 ms, 1 s
	Gap       time.Duration   // quiet time between injections; default 1.5 s
	// LatencyBudget makes stalled ops count as failed; it must be below
	// the shortest duration. Default 20 ms.
	LatencyBudget time.Duration
	Log           io.Writer
}

// Report is what `hatest calibrate` prints and writes as JSON.
type Report struct {
	Runtime         string  `json:"runtime"`
	ProbeIntervalMS float64 `json:"probe_interval_ms"`
	LatencyBudgetMS float64 `json:"latency_budget_ms"`
	Rows            []Row   `json:"rows"`
	// Pass is true when every hatest row is within the target:
	// |error| <= probe interval + 2 ms, plus the row's uncertainty.
	Pass     bool    `json:"pass"`
	TargetMS float64 `json:"target_ms"`
}

// Row is one injected outage as one sampler measured it.
type Row struct {
	Method     string  `json:"method"` // "proxy-down" or "sigstop"
	InjectedMS float64 `json:"injected_ms"`
	MeasuredMS float64 `json:"measured_ms"`
	ErrorMS    float64 `json:"error_ms"`
	// UncertaintyMS is how well the injected length itself is known: half
	// the time the calls that start and end the outage took, since the
	// outage begins somewhere inside the call (a Docker freeze takes tens
	// of milliseconds; a toxiproxy call about one).
	UncertaintyMS float64 `json:"uncertainty_ms"`
	Sampler       string  `json:"sampler"` // "hatest" or "1s"
	Windows       int     `json:"windows"` // windows found for this injection
}

type injection struct {
	method   string
	d        time.Duration
	from, to int64 // when the outage really began and ended
	uncert   int64 // half the duration of the calls that caused it
}

// Run injects every outage and measures it. rt is closed by the caller.
func Run(ctx context.Context, rt runtime.Runtime, cfg Config) (*Report, error) {
	if cfg.Interval == 0 {
		cfg.Interval = 5 * time.Millisecond
	}
	if len(cfg.Durations) == 0 {
		cfg.Durations = []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, time.Second}
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
	drv, err := sys.StartDriver(ctx, "driver", "v1")
	if err != nil {
		return nil, err
	}
	addr := []string{drv.Proxy.Endpoint().Internal}
	probes, err := sys.StartClients(ctx, system.ClientSpec{Count: 1, Prefix: "hatest-", Addrs: addr, Interval: cfg.Interval, Timeout: 2 * time.Second})
	if err != nil {
		return nil, err
	}
	samplers, err := sys.StartClients(ctx, system.ClientSpec{Count: 1, Prefix: "sampler-", Addrs: addr, Interval: time.Second, Timeout: 2 * time.Second})
	if err != nil {
		return nil, err
	}
	var injs []injection
	sleep := func(d time.Duration) error { return system.Sleep(ctx, d) }
	if err := sleep(cfg.Gap); err != nil {
		return nil, err
	}
	for _, method := range []string{"proxy-down", "sigstop"} {
		for _, d := range cfg.Durations {
			fmt.Fprintf(cfg.Log, "inject %s for %s\n", method, d)
			in, err := inject(ctx, method, d, drv)
			if err != nil {
				return nil, err
			}
			injs = append(injs, in)
			if err := sleep(cfg.Gap); err != nil {
				return nil, err
			}
		}
	}
	if err := sys.StopClients(ctx, 15*time.Second); err != nil {
		return nil, err
	}
	rep := &Report{
		Runtime: rt.Name(), ProbeIntervalMS: ms(cfg.Interval), LatencyBudgetMS: ms(cfg.LatencyBudget),
		TargetMS: ms(cfg.Interval) + 2, Pass: true,
	}
	tcfg := timeline.Config{LatencyBudget: cfg.LatencyBudget, ClassOf: func(timeline.Op) string { return "all" }}
	for _, group := range []struct {
		name    string
		clients []*system.Client
	}{{"hatest", probes}, {"1s", samplers}} {
		var ops []timeline.Op
		for _, c := range group.clients {
			ops = append(ops, c.Log.Ops()...)
		}
		ws := timeline.Outages(ops, nil, tcfg)
		for _, in := range injs {
			row := measure(in, ws, group.name, cfg.Interval)
			if group.name == "hatest" && math.Abs(row.ErrorMS) > rep.TargetMS+row.UncertaintyMS {
				rep.Pass = false
			}
			rep.Rows = append(rep.Rows, row)
		}
	}
	return rep, nil
}

// inject causes one outage of length d and returns when it really began
// and ended, read from the host clock around the actions that cause it.
func inject(ctx context.Context, method string, d time.Duration, drv *system.Driver) (injection, error) {
	in := injection{method: method, d: d}
	var down, up func(context.Context) error
	switch method {
	case "proxy-down":
		down = func(ctx context.Context) error { return drv.Proxy.SetEnabled(ctx, false) }
		up = func(ctx context.Context) error { return drv.Proxy.SetEnabled(ctx, true) }
	case "sigstop":
		down = func(ctx context.Context) error { return drv.Node.Signal(ctx, syscall.SIGSTOP) }
		up = func(ctx context.Context) error { return drv.Node.Signal(ctx, syscall.SIGCONT) }
	}
	// The outage begins somewhere inside the call that causes it; take the
	// midpoint of the call as its start, and likewise for its end.
	t0 := time.Now().UnixNano()
	if err := down(ctx); err != nil {
		return in, fmt.Errorf("%s: %w", method, err)
	}
	t1 := time.Now().UnixNano()
	time.Sleep(d - time.Duration(t1-t0))
	t2 := time.Now().UnixNano()
	if err := up(context.WithoutCancel(ctx)); err != nil {
		return in, fmt.Errorf("heal %s: %w", method, err)
	}
	t3 := time.Now().UnixNano()
	in.from, in.to = (t0+t1)/2, (t2+t3)/2
	in.uncert = ((t1 - t0) + (t3 - t2)) / 2
	return in, nil
}

// measure sums the windows that began during the injection (give or take
// one probe interval before it), which is what a report would show for it.
func measure(in injection, ws []timeline.Window, sampler string, interval time.Duration) Row {
	row := Row{Method: in.method, InjectedMS: float64(in.to-in.from) / 1e6, Sampler: sampler, UncertaintyMS: float64(in.uncert) / 1e6}
	for _, w := range ws {
		if w.Start >= in.from-int64(interval) && w.Start <= in.to {
			row.MeasuredMS += float64(w.End-w.Start) / 1e6
			row.Windows++
		}
	}
	row.ErrorMS = row.MeasuredMS - row.InjectedMS
	return row
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// Table prints the report for a person.
func Table(w io.Writer, r *Report) {
	fmt.Fprintf(w, "calibration on %s: probe interval %.0f ms, latency budget %.0f ms, target |error| <= %.0f ms + the ± of the injection\n\n",
		r.Runtime, r.ProbeIntervalMS, r.LatencyBudgetMS, r.TargetMS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tsampler\tinjected ms\t± ms\tmeasured ms\terror ms\twindows\t")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.1f\t%+.1f\t%d\t\n", row.Method, row.Sampler, row.InjectedMS, row.UncertaintyMS, row.MeasuredMS, row.ErrorMS, row.Windows)
	}
	tw.Flush()
	verdict := "PASS: every hatest row is within the target"
	if !r.Pass {
		verdict = "FAIL: a hatest row is outside the target"
	}
	fmt.Fprintf(w, "\n%s\n", verdict)
}

// JSON writes the report as indented JSON.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
