package scenario

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	gtypes "github.com/onsi/gomega/types"

	"github.com/hatest/hatest/framework/analysis"
	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/plan"
	"github.com/hatest/hatest/framework/planner"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/runner"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/auto"
	"github.com/hatest/hatest/framework/settings"
	"github.com/hatest/hatest/reports"
)

// spec is one scenario in flight: the Ginkgo side of a runner. Whatever
// happens, finish analyses what was recorded and writes the report exactly
// once.
type spec struct {
	p        *plan.Plan
	cfg      settings.Config
	dir      string
	location string
	begun    time.Time
	rt       runtime.Runtime
	run      *runner.Runner
	setupErr string // why the runtime or topology could not start
	done     bool
}

func run(ctx ginkgo.SpecContext, name, location string, labels []string, body func(*S)) {
	begun := time.Now()
	c, err := config()
	if err != nil {
		ginkgo.Fail("hatest: " + err.Error())
	}
	if c.Analyze != "" {
		// Judged again as it ran: with the plan it ran, a plan file's too.
		if pd := savedPlanData(filepath.Join(c.Analyze, result.Slug(name))); pd != nil {
			c.Plan = pd
		}
	}
	p, err := build(name, labels, c, body)
	if err != nil {
		if c.PlanOnly != "" {
			// hatest plan and run --plan read why from here, not from
			// Ginkgo's output.
			_ = os.WriteFile(c.PlanOnly+".err", []byte(err.Error()), 0o644)
		}
		failEarly(c, name, location, labels, begun, err.Error())
	}
	if c.PlanOnly != "" {
		if err := appendPlan(c.PlanOnly, p.Lines()); err != nil {
			ginkgo.Fail("hatest: " + err.Error())
		}
		if err := writePlanData(c.PlanOnly, p.Data); err != nil {
			ginkgo.Fail("hatest: " + err.Error())
		}
		return
	}
	sp := &spec{p: p, cfg: c, dir: filepath.Join(c.ReportDir, result.Slug(name)), location: location, begun: begun}
	if c.Analyze != "" {
		sp.reanalyse(filepath.Join(c.Analyze, result.Slug(name)))
		return
	}
	logf("%s: plan\n  %s", name, strings.Join(p.Lines(), "\n  "))

	// Cleanup is registered before anything can fail: Ginkgo runs it in
	// reverse order, so the report is written first, then the runtime is
	// closed, whether the scenario passed, failed or was interrupted.
	ginkgo.DeferCleanup(func(ctx context.Context) {
		if sp.rt != nil {
			if err := sp.rt.Close(ctx); err != nil {
				logf("%s: cleanup: %v", name, err)
			}
		}
	}, ginkgo.NodeTimeout(2*time.Minute))
	ginkgo.DeferCleanup(func(ctx context.Context) { sp.finish(ctx, false) }, ginkgo.NodeTimeout(2*time.Minute))

	rt, err := auto.New(ctx, c.Runtime, runID())
	sp.rt = rt
	if err != nil {
		sp.setupErr = fmt.Sprintf("start the %s runtime: %v", c.Runtime, err)
		ginkgo.Fail(sp.setupErr)
	}
	sp.run = runner.New(p, rt, begun, ginkgo.GinkgoWriter, os.Stderr)
	if err := sp.run.Start(ctx); err != nil {
		sp.setupErr = err.Error()
		ginkgo.Fail(err.Error())
	}
	stopProgress := sp.run.Progress(os.Stderr, time.Second)
	defer stopProgress()
	if err := sp.run.Steps(ctx); err != nil {
		ginkgo.Fail(err.Error())
	}
	sp.finish(ctx, true)
}

// finish collects what the run recorded, analyses it, makes every verdict
// and writes the report. It runs once: at the end of a normal run
// (evaluate true: a failed verdict fails the spec) or from cleanup after a
// failure or an interrupt.
func (sp *spec) finish(ctx context.Context, evaluate bool) {
	if sp.done {
		return
	}
	sp.done = true
	// Failures that no measurement can change: the setup, a step, the
	// collection of the op logs, or Ginkgo's own (a timeout, an
	// interrupt). With flake attempts Ginkgo's report still holds the
	// attempt before's failure until this one ends: only a failure of
	// this attempt counts.
	var hard []string
	interrupted := false
	rep := ginkgo.CurrentSpecReport()
	if rep.Failed() && !rep.Failure.TimelineLocation.Time.Before(sp.begun) {
		hard = append(hard, rep.Failure.Message)
		interrupted = rep.State.Is(types.SpecStateInterrupted | types.SpecStateAborted)
	}
	var rec analysis.Recorded
	var artifacts []result.Artifact
	if sp.run != nil {
		var err error
		rec, err = sp.run.Collect(ctx)
		if err != nil {
			hard = append(hard, "collect: "+err.Error())
		}
		artifacts = sp.run.KeepArtifacts(sp.dir)
	} else {
		rec = analysis.Recorded{Name: sp.p.Name, Labels: sp.p.Labels, Plan: sp.p.Lines(), Seed: sp.p.Seed, Start: sp.begun, End: time.Now(), Begun: sp.begun}
	}
	rec.Runtime, rec.Replay, rec.Location = sp.cfg.Runtime, settings.Replay(sp.cfg, sp.p.Name), sp.location
	rec.Failures, rec.SetupError, rec.Interrupted = hard, sp.setupErr, interrupted
	if err := analysis.Save(sp.dir, rec); err != nil {
		logf("%s: %v", sp.p.Name, err)
	}
	res := sp.judge(rec, evaluate)
	res.Artifacts = artifacts
	res.PlanData = sp.p.Data
	res = publish(sp.dir, res, "")
	if evaluate && !res.Passed {
		ginkgo.Fail(res.Failure)
	}
}

// publish keeps res as the scenario's result in the run (a later attempt
// replaces an earlier one), writes its report.json and report.html into
// dir, and says so in one line; how says how it was judged, if not by a
// run ("analysed again: ").
func publish(dir string, res result.Scenario, how string) result.Scenario {
	res = keep(res)
	if err := reports.WriteScenario(dir, &res); err != nil {
		logf("%s: write report: %v", res.Scenario, err)
	}
	logf("%s: %s%s; report %s", res.Scenario, how, verdict(res), filepath.Join(dir, "report.html"))
	return res
}

// build declares and numbers a scenario; a body that panics is an error,
// not a crash of the suite.
func build(name string, labels []string, c settings.Config, body func(*S)) (p *plan.Plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("declare %q: the scenario's body panicked: %v", name, r)
		}
	}()
	defaults := suiteClientDefaults()
	p = plan.Build(plan.DeclareGiven(name, labels, c.Seed, c.Plan, func(s *S) {
		s.ClientDefaults(defaults...)
		body(s)
	}))
	if p.Data != nil {
		d, err := planner.Parse(p.Data)
		if err != nil {
			return nil, fmt.Errorf("declare %q: its plan data: %w", name, err)
		}
		d.Package = c.Package
		p.Data = d.JSON()
	}
	return p, nil
}

// failEarly records a scenario that failed before anything ran or could
// be analysed (its body panicked, its saved run cannot be read), so that
// results.json, junit.xml and index.html list it like any other, and fails
// the spec.
func failEarly(c settings.Config, name, location string, labels []string, begun time.Time, msg string) {
	res := result.Scenario{
		Scenario: name, Slug: result.Slug(name), Labels: labels, Runtime: c.Runtime, Seed: c.Seed,
		StartedAt: begun, Status: result.StatusFailed, Location: location,
		Replay:  settings.Replay(c, name),
		Startup: result.Startup{TotalMS: -1, TopologyMS: -1, ClientsMS: -1},
	}
	res.Failure = failure(res, []string{msg})
	if c.PlanOnly == "" {
		res = publish(filepath.Join(c.ReportDir, res.Slug), res, "")
	}
	ginkgo.Fail(res.Failure)
}

// judge analyses rec and makes every verdict, once, before any report is
// written: the built-in ones, the scenario's own, and the budgets file's
// (evaluate false, after a failure or an interrupt, makes none).
// rec.Failures are failures no verdict can change.
func (sp *spec) judge(rec analysis.Recorded, evaluate bool) result.Scenario {
	res := analysis.Analyze(rec)
	if evaluate {
		rules := []gtypes.GomegaMatcher{}
		for _, b := range check.Builtins() {
			rules = append(rules, b)
		}
		rules = append(rules, sp.p.Expects...)
		if !lists(sp.p.Expects, check.NoUnexpectedExit().Name) {
			// A member that crashed fails every scenario, whatever else
			// it asks: the overlord restarting it does not hide it.
			rules = append(rules, check.NoUnexpectedExit())
		}
		if sp.cfg.Budgets != nil {
			for _, b := range sp.cfg.Budgets.Rules(sp.p.Name, sp.p.Labels) {
				rules = append(rules, b)
			}
		}
		_ = check.Evaluate(&res, rules...)
	} else if !rec.Interrupted && rec.SetupError == "" {
		// A step failed, and no verdict is made on a run cut short; but a
		// crash is a fact on the timeline whatever the step did (the
		// overlord's rollback after failed starts, say), and is named too.
		_ = check.Evaluate(&res, check.NoUnexpectedExit())
	}
	res.Status = check.Status(res.Assertions, len(rec.Failures) > 0)
	res.Passed = res.Status == result.StatusPassed
	if res.Status == result.StatusInvalid {
		res.Invalid = check.Invalidity(res.Assertions)
	}
	if !res.Passed {
		res.Failure = failure(res, rec.Failures)
	}
	return res
}

// reanalyse judges again, with this code, what an earlier run of the
// scenario recorded in dir (hatest analyze), and writes the new report to
// the report directory. Nothing runs.
func (sp *spec) reanalyse(dir string) {
	rec, err := analysis.Load(dir)
	if err != nil {
		failEarly(sp.cfg, sp.p.Name, sp.location, sp.p.Labels, sp.begun, "hatest analyze: "+err.Error())
	}
	if !slices.Equal(rec.Plan[min(1, len(rec.Plan)):], sp.p.Lines()[1:]) {
		logf("%s: its plan has changed since it ran; checks on steps (check.ForStep) follow today's numbering", sp.p.Name)
	}
	// What failed beyond any measurement (a step, the setup, an
	// interrupt) failed then and fails now.
	res := sp.judge(rec, !rec.Interrupted && rec.SetupError == "")
	res.PlanData = sp.p.Data
	if err := copyLogs(dir, sp.dir); err != nil {
		logf("%s: %v", sp.p.Name, err)
	}
	for _, e := range mustList(filepath.Join(sp.dir, "logs")) {
		res.Artifacts = append(res.Artifacts, result.Artifact{Name: e, Path: filepath.Join("logs", e)})
	}
	if err := analysis.Save(sp.dir, rec); err != nil {
		logf("%s: %v", sp.p.Name, err)
	}
	res = publish(sp.dir, res, "analysed again: ")
	if !res.Passed {
		ginkgo.Fail(res.Failure)
	}
}

// copyLogs copies the kept logs of a run from one report directory to
// another (nothing when both are the same).
func copyLogs(from, to string) error {
	if filepath.Clean(from) == filepath.Clean(to) {
		return nil
	}
	names := mustList(filepath.Join(from, "logs"))
	if err := os.MkdirAll(filepath.Join(to, "logs"), 0o755); err != nil {
		return fmt.Errorf("copy logs: %w", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(from, "logs", n))
		if err != nil {
			return fmt.Errorf("copy logs: %w", err)
		}
		if err := os.WriteFile(filepath.Join(to, "logs", n), b, 0o644); err != nil {
			return fmt.Errorf("copy logs: %w", err)
		}
	}
	return nil
}

func mustList(dir string) []string {
	es, _ := os.ReadDir(dir)
	var out []string
	for _, e := range es {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// failure is the failure message of a scenario that did not pass: for an
// invalid one, why its numbers cannot be trusted; for a failed one, what
// failed. It ends with where the scenario is declared, the seed and the
// replay command.
func failure(res result.Scenario, hard []string) string {
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
	tail := fmt.Sprintf("seed %d; replay: %s", res.Seed, res.Replay)
	if res.Location != "" {
		tail = fmt.Sprintf("scenario at %s; %s", res.Location, tail)
	}
	return strings.Join(append(lines, tail), "\n")
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
	line := fmt.Sprintf("%s: max outage %s over %d windows, %d ops, %d failed",
		v, format.MS(s.Summary.MaxWindowMS), s.Summary.Windows, s.Summary.Ops, s.Summary.FailedOps)
	if g := reports.GroupOutages(&s); g != "" {
		line += " (max outage by client group: " + g + ")"
	}
	if s.Startup.TotalMS >= 0 {
		line += fmt.Sprintf(", start-up %.0fms", s.Startup.TotalMS)
	}
	return line
}

// savedPlanData is the plan data of the report in dir (a scenario's
// directory of an earlier run), or nil when it has none.
func savedPlanData(dir string) []byte {
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return nil
	}
	var s struct {
		PlanData json.RawMessage `json:"plan_data"`
	}
	if json.Unmarshal(b, &s) != nil {
		return nil
	}
	return s.PlanData
}

// writePlanData writes a scenario's plan data (a plan file) to
// path+".json", for hatest plan --json; nothing when it has none.
func writePlanData(path string, data []byte) error {
	if data == nil {
		return nil
	}
	if err := os.WriteFile(path+".json", data, 0o644); err != nil {
		return fmt.Errorf("write plan data: %w", err)
	}
	return nil
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

func runID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "hatest: "+format+"\n", args...)
}

// lists says whether rules has a check.Rule of that name.
func lists(rules []gtypes.GomegaMatcher, name string) bool {
	for _, m := range rules {
		if r, ok := m.(check.Rule); ok && r.Name == name {
			return true
		}
	}
	return false
}
