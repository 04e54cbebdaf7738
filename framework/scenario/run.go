package scenario

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	gtypes "github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/system"
	"github.com/hatest/hatest/framework/timeline"
	"github.com/hatest/hatest/reports"
)

// runState is one scenario in flight. Whatever happens, finish analyses
// what was recorded and writes the report exactly once.
type runState struct {
	s       *S
	cfg     Config
	dir     string
	rt      runtime.Runtime
	sys     *system.System
	start   time.Time // time zero: the topology and the clients started
	stepErr error
	done    bool
	res     result.Scenario
	// sysEvents are the overlords' own event logs, by service name.
	sysEvents map[string][]system.OverlordEvent
	step      atomic.Value // the step running now, for progress lines
	setupErr  string       // why the runtime or topology could not start
	// begun is when the scenario began, before the runtime started
	// anything; topologyReady when its runtime, nodes and proxies were
	// ready (zero if never). With the first op they give its start-up.
	begun, topologyReady time.Time
	// paths is what each client depends on, and service the service it
	// sends to, by client name: attribution and integrity read them.
	paths   map[string][]string
	service map[string]string
	// location is where the scenario is declared, file:line.
	location string
}

// ProgressPrefix starts the progress lines a scenario prints while it
// runs; hatest run redraws them in place on a terminal.
const ProgressPrefix = "hatest: progress | "

// progress prints a progress line every interval until the returned
// function is called: the step, the elapsed time, the ops so far, and the
// clients that are down now and for how long.
func (r *runState) progress(every time.Duration) func() {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			var ok, bad int64
			var down []string
			now := time.Now().UnixNano()
			for _, c := range r.sys.Clients() {
				o, f := c.Log.Counts()
				ok, bad = ok+o, bad+f
				if since := c.Log.DownSince(); since != 0 {
					down = append(down, fmt.Sprintf("%s %.0fms", c.Name, float64(now-since)/1e6))
				}
			}
			step, _ := r.step.Load().(string)
			line := fmt.Sprintf("%s | %s | %.1fs | ops %d ok, %d failed", r.s.name, step, time.Since(r.start).Seconds(), ok, bad)
			if len(down) > 0 {
				line += " | down now: " + strings.Join(down, ", ")
			}
			fmt.Fprintln(os.Stderr, ProgressPrefix+line)
		}
	}()
	return func() { close(done); <-finished }
}

func run(ctx ginkgo.SpecContext, name, location string, labels []string, body func(*S)) {
	begun := time.Now()
	c, err := settings()
	if err != nil {
		ginkgo.Fail("hatest: " + err.Error())
	}
	s := declare(name, labels, c.Seed, body)
	plan := s.Plan()
	if c.PlanOnly != "" {
		if err := appendPlan(c.PlanOnly, plan); err != nil {
			ginkgo.Fail("hatest: " + err.Error())
		}
		return
	}
	r := &runState{
		s: s, cfg: c, dir: filepath.Join(c.ReportDir, Slug(name)), start: time.Now(), begun: begun,
		sysEvents: map[string][]system.OverlordEvent{},
		paths:     map[string][]string{}, service: map[string]string{},
		location: location,
	}
	logf("%s: plan\n  %s", name, strings.Join(plan, "\n  "))

	// Cleanup is registered before anything can fail: Ginkgo runs it in
	// reverse order, so the report is written first, then the runtime is
	// closed, whether the scenario passed, failed or was interrupted.
	ginkgo.DeferCleanup(func(ctx context.Context) {
		if r.rt != nil {
			if err := r.rt.Close(ctx); err != nil {
				logf("%s: cleanup: %v", name, err)
			}
		}
	}, ginkgo.NodeTimeout(2*time.Minute))
	ginkgo.DeferCleanup(func(ctx context.Context) { r.finish(ctx, false) }, ginkgo.NodeTimeout(2*time.Minute))

	rt, err := newRuntime(ctx, c, runID(name))
	r.rt = rt
	if err != nil {
		r.setupErr = fmt.Sprintf("start the %s runtime: %v", c.Runtime, err)
		ginkgo.Fail(r.setupErr)
	}
	r.sys = system.New(rt, ginkgo.GinkgoWriter)
	if err := r.startTopology(ctx); err != nil {
		r.setupErr = err.Error()
		ginkgo.Fail(err.Error())
	}
	r.start = time.Now()
	stopProgress := r.progress(time.Second)
	defer stopProgress()
	if err := r.runSteps(ctx); err != nil {
		r.stepErr = err
		ginkgo.Fail(err.Error())
	}
	r.finish(ctx, true)
}

func (r *runState) startTopology(ctx context.Context) error {
	for _, svc := range r.s.svcs {
		if _, err := r.sys.StartOverlord(ctx, svc.spec); err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
	}
	if err := r.startPrograms(ctx); err != nil {
		return fmt.Errorf("start the topology: %w", err)
	}
	r.topologyReady = time.Now()
	for _, cd := range r.s.clients {
		spec := cd.spec
		addrs, err := r.clientAddrs(cd.target)
		if err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
		spec.Addrs = addrs
		cs, err := r.sys.StartClients(ctx, spec)
		for _, c := range cs {
			if c != nil {
				r.paths[c.Name] = r.pathOf(cd.target)
				r.service[c.Name] = cd.target.Name
			}
		}
		if err != nil {
			return fmt.Errorf("start the topology: %w", err)
		}
	}
	return nil
}

// runSteps runs warm-up, the declared steps and settle, each recorded on
// the timeline under its number in the plan (warm-up is 2: 1 starts the
// topology).
func (r *runState) runSteps(ctx context.Context) error {
	all := append([]Step{labelled{Wait(r.s.warmup), fmt.Sprintf("warm up for %s", r.s.warmup)}}, r.s.steps...)
	all = append(all, labelled{Wait(r.s.settle), fmt.Sprintf("settle for %s", r.s.settle)})
	for i, st := range all {
		if err := r.runStep(ctx, fmt.Sprint(i+2), st); err != nil {
			return err
		}
	}
	return nil
}

// runStep runs one step as event kind-num; a step made of steps runs its
// children as kind-num.1, kind-num.2, ...
func (r *runState) runStep(ctx context.Context, num string, st Step) error {
	if p, ok := st.(parent); ok {
		kids := p.Children()
		child := func(j int) string { return fmt.Sprintf("%s.%d", num, j+1) }
		if sq, ok := st.(sequential); ok && sq.Sequential() {
			for j, ch := range kids {
				if err := r.runStep(ctx, child(j), ch); err != nil {
					return err
				}
			}
			return nil
		}
		return runAll(kids, func(j int, ch Step) error { return r.runStep(ctx, child(j), ch) })
	}
	r.step.Store(num + " " + st.Description())
	idle, _ := st.(interface{ Idle() bool })
	end := r.sys.Events.BeginEvent(timeline.Event{
		ID: stepKind(st) + "-" + num, Kind: stepKind(st), Desc: st.Description(),
		ExpectOutage: expects(st), Idle: idle != nil && idle.Idle(), Targets: targets(st),
	})
	logf("%s: %s %s", r.s.name, num, st.Description())
	err := st.Run(ctx, r.sys)
	end()
	if err != nil {
		return fmt.Errorf("step %s %q failed: %w", num, st.Description(), err)
	}
	return nil
}

// labelled gives a built-in step a plan-like description.
type labelled struct {
	Step
	desc string
}

func (l labelled) Description() string { return l.desc }

// Idle passes on whether the labelled step only waits (the warm-up and
// the settle do): an embedded interface does not promote it.
func (l labelled) Idle() bool {
	i, ok := l.Step.(interface{ Idle() bool })
	return ok && i.Idle()
}

// finish stops the clients, collects everything, analyses it, evaluates
// the expectations and writes the report. It runs once: at the end of a
// normal run (evaluate true: a failed expectation fails the spec) or from
// cleanup after a failure or interrupt.
func (r *runState) finish(ctx context.Context, evaluate bool) {
	if r.done {
		return
	}
	r.done = true
	end := time.Now()
	var collectErr error
	if r.sys != nil {
		r.step.Store("stop the clients; they read back their writes")
		collectErr = r.sys.StopClients(ctx, 15*time.Second)
		for _, o := range r.overlords() {
			evs, err := o.Events(ctx)
			if err != nil {
				collectErr = errors.Join(collectErr, err)
				continue
			}
			r.sysEvents[o.Spec.Name] = evs
			for _, e := range o.TimelineEvents(evs) {
				r.sys.Events.Add(e)
			}
		}
	}
	r.res = analyze(r, end)
	// Failures that no measurement can change: the setup, a step, the
	// collection of the op logs, or Ginkgo's own (a timeout, an
	// interrupt). With flake attempts Ginkgo's report still holds the
	// attempt before's failure until this one ends: only a failure of
	// this attempt counts.
	var hard []string
	rep := ginkgo.CurrentSpecReport()
	if rep.Failed() && !rep.Failure.TimelineLocation.Time.Before(r.begun) {
		hard = append(hard, rep.Failure.Message)
		r.res.Interrupted = rep.State.Is(types.SpecStateInterrupted | types.SpecStateAborted)
	}
	if collectErr != nil {
		hard = append(hard, "collect: "+collectErr.Error())
	}
	if evaluate {
		// Every verdict is made here, once, before any report is written:
		// the built-in ones, the scenario's own, and the budgets file's.
		rules := []gtypes.GomegaMatcher{}
		for _, b := range check.Builtins() {
			rules = append(rules, b)
		}
		rules = append(rules, r.s.expects...)
		if r.cfg.Budgets != nil {
			for _, b := range r.cfg.Budgets.Rules(r.s.name, r.s.labels) {
				rules = append(rules, b)
			}
		}
		_ = check.Evaluate(&r.res, rules...)
	}
	r.res.SetupError = r.setupErr
	r.res.Status = check.Status(r.res.Assertions, len(hard) > 0)
	r.res.Passed = r.res.Status == result.StatusPassed
	r.res.Invalid = check.Invalidity(r.res.Assertions)
	if !r.res.Passed {
		r.res.Failure = failure(r.res, hard, r.cfg.Seed)
		r.keepArtifacts()
	}
	r.res = keep(r.res)
	if err := reports.WriteScenario(r.dir, &r.res); err != nil {
		logf("%s: write report: %v", r.s.name, err)
	}
	logf("%s: %s; report %s", r.s.name, verdict(r.res), filepath.Join(r.dir, "report.html"))
	if evaluate && !r.res.Passed {
		ginkgo.Fail(r.res.Failure)
	}
}

// failure is the failure message of a scenario that did not pass: for an
// invalid one, why its numbers cannot be trusted; for a failed one, what
// failed. It ends with where the scenario is declared, the seed and the
// replay command.
func failure(res result.Scenario, hard []string, seed int64) string {
	var lines []string
	if res.Status == result.StatusInvalid {
		lines = append(lines, "INVALID: "+res.Invalid+" (the run's numbers cannot be vouched for; this is no verdict on the system)")
	} else {
		lines = append(lines, hard...)
		for _, a := range res.Assertions {
			if !a.Passed && !a.Invalid {
				lines = append(lines, a.Message)
			}
		}
	}
	tail := fmt.Sprintf("seed %d; replay: %s", seed, res.Replay)
	if res.Location != "" {
		tail = fmt.Sprintf("scenario at %s; %s", res.Location, tail)
	}
	return strings.Join(append(lines, tail), "\n")
}

func (r *runState) overlords() []*system.Overlord {
	var out []*system.Overlord
	for _, svc := range r.s.svcs {
		if o := r.sys.Overlord(svc.Name); o != nil {
			out = append(out, o)
		}
	}
	return out
}

// keepArtifacts writes op logs and node logs next to a failed scenario's
// report.
func (r *runState) keepArtifacts() {
	if r.sys == nil {
		return
	}
	if err := os.MkdirAll(filepath.Join(r.dir, "logs"), 0o755); err != nil {
		return
	}
	save := func(name string, data []byte) {
		rel := filepath.Join("logs", name)
		if os.WriteFile(filepath.Join(r.dir, rel), data, 0o644) == nil {
			r.res.Artifacts = append(r.res.Artifacts, result.Artifact{Name: name, Path: rel})
		}
	}
	for _, c := range r.sys.Clients() {
		save(c.Name+".ops.jsonl", c.Raw.Bytes())
		save(c.Name+".stderr.log", []byte(c.Stderr.String()))
	}
	for _, o := range r.overlords() {
		if b, err := readAll(o.Node); err == nil {
			save(o.Spec.Name+".log", b)
		}
	}
	r.keepProgramLogs(save)
}

func verdict(s result.Scenario) string {
	v := "PASSED"
	switch {
	case s.Status == result.StatusInvalid:
		v = "INVALID (" + s.Invalid + ")"
	case !s.Passed:
		v = "FAILED"
	}
	if s.Attempt > 1 {
		earlier, _, _ := strings.Cut(s.EarlierFailure, "\n")
		if s.Passed {
			v += fmt.Sprintf(" on attempt %d (FLAKY: the attempt before failed: %s)", s.Attempt, earlier)
		} else {
			v += fmt.Sprintf(" on attempt %d (the attempt before failed too: %s)", s.Attempt, earlier)
		}
	}
	line := fmt.Sprintf("%s: max outage %.1fms over %d windows, %d ops, %d failed",
		v, s.Summary.MaxWindowMS, s.Summary.Windows, s.Summary.Ops, s.Summary.FailedOps)
	if s.Startup.TotalMS >= 0 {
		line += fmt.Sprintf(", start-up %.0fms", s.Startup.TotalMS)
	}
	return line
}

func appendPlan(path string, plan []string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	defer f.Close()
	_, err = fmt.Fprintln(f, strings.Join(plan, "\n"))
	return err
}

func runID(name string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "hatest: "+format+"\n", args...)
}
