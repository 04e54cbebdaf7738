package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/gate"
	"github.com/hatest/hatest/framework/planner"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/settings"
	"github.com/hatest/hatest/framework/shrink"
	"github.com/hatest/hatest/reports"
)

// The kinds of source: where the plan to shrink came from.
const (
	fromReport = iota + 1 // a report directory
	fromFile              // a plan file
	fromName              // a scenario and a seed
)

// source is the plan to shrink and where it came from.
type source struct {
	kind            int
	given           string // what the user named
	name, pkg, seed string
	data            planner.Data
	// ref is the failed run the plan came from (a report directory), nil
	// for a plan file or a seed: its failure is the reason to keep.
	ref *result.Scenario
}

// setData takes the plan's data (plan_data of a report, or what a seed
// draws) as the plan to shrink.
func (s *source) setData(raw []byte) error {
	d, err := planner.Parse(raw)
	if err != nil {
		return usageErr("the plan of %q: %v", s.name, err)
	}
	s.data = d
	return nil
}

// fromReport takes the plan of the failed scenario in a report
// directory: a run's (results.json) with one failed scenario whose plan
// is data, or one scenario's (report.json).
func (s *source) fromReport(dir string) error {
	var scens []result.Scenario
	if run, err := reports.ReadRun(filepath.Join(dir, "results.json")); err == nil {
		scens = run.Scenarios
	} else if one := readScenario(dir); one != nil {
		scens = []result.Scenario{*one}
	} else {
		return usageErr("%s holds no hatest report (results.json or report.json): %v", dir, err)
	}
	var failed, passed, bare []result.Scenario
	for _, sc := range scens {
		switch {
		case reports.Status(&sc) != result.StatusFailed && sc.PlanData != nil:
			passed = append(passed, sc)
		case reports.Status(&sc) != result.StatusFailed:
		case sc.PlanData == nil:
			bare = append(bare, sc)
		default:
			failed = append(failed, sc)
		}
	}
	switch {
	case len(failed) == 1:
	case len(failed) > 1:
		var names []string
		for _, f := range failed {
			names = append(names, fmt.Sprintf("%q (%s)", f.Scenario, filepath.Join(dir, f.Slug)))
		}
		return usageErr("%s holds %d failed plans: %s; give one scenario's directory", dir, len(failed), strings.Join(names, ", "))
	case len(bare) > 0:
		return usageErr("%q failed in %s, but draws no plan as data (planner.For): only such plans can be shrunk", bare[0].Scenario, dir)
	case len(passed) > 0:
		return usageErr("nothing to shrink: %q did not fail in %s (%s)", passed[0].Scenario, dir, reports.Status(&passed[0]))
	default:
		return usageErr("no scenario in %s failed: nothing to shrink", dir)
	}
	ref := failed[0]
	s.name, s.ref = ref.Scenario, &ref
	return s.setData(ref.PlanData)
}

// shrinker runs candidate plans of one scenario with one compiled suite.
type shrinker struct {
	o           shrinkOpts
	src         *source
	rt          string
	bin, pkgDir string
	more        <-chan os.Signal
	began       time.Time
	live        *liveLine

	items []shrink.Item
	// want is the reason to keep: the signature of the failure of the
	// report the plan came from, or of the original's first failed run.
	want string
	n    int // runs made
	// same is, for each candidate (by its plan file's bytes), the report
	// directories of its runs that failed the same way, in order.
	same map[string][]string
	// others are the failures for another reason, by signature, with the
	// first plan that showed each: whatever phase ran it.
	others     map[string]*shrinkOther
	otherOrder []string
}

// Knob minimums: the lowest each number may go while it still means
// something. A fault held for less than 50 ms barely happens.
var knobMin = map[string]int64{"hold_ms": 50, "latency_ms": 1, "loss_pct": 1}

// floor is the lowest knob k may go from v: its floor, or v when a plan
// (edited by hand) has it lower already.
func floor(k string, v int64) int64 { return min(knobMin[k], v) }

// itemsOf are shrink's items for the plan: each upgrade or fault, with
// what it needs and the numbers that may be lowered: a fault's duration
// and intensity, but for a rate limit's rate, whose lower is harsher.
// Waits are kept as drawn: lowered to the edge of failing, a wait makes
// a minimal plan that reproduces only now and then (the clients had not
// reconnected after 31 ms in one, and did after 75 ms in another).
func itemsOf(d planner.Data) []shrink.Item {
	out := make([]shrink.Item, len(d.Items))
	for i, it := range d.Items {
		si := shrink.Item{Name: fmt.Sprintf("%d: %s", it.ID, it.Desc), Needs: d.Needs(i)}
		names := make([]string, 0, len(it.Params))
		for k := range it.Params {
			if k != "rate_bytes" {
				names = append(names, k)
			}
		}
		sort.Strings(names)
		for _, k := range names {
			si.Knobs = append(si.Knobs, shrink.Knob{Name: k, Value: it.Params[k], Min: floor(k, it.Params[k])})
		}
		out[i] = si
	}
	return out
}

// plan is the candidate as a plan: the items it keeps, with its values.
func (sh *shrinker) plan(c shrink.Candidate) planner.Data {
	d := sh.src.data
	d.Items = slices.Clone(d.Items)
	for i := range d.Items {
		it := &d.Items[i]
		params := map[string]int64{}
		for k, v := range it.Params {
			params[k] = v
		}
		for j, k := range sh.items[i].Knobs {
			params[k.Name] = c.Values[i][j]
		}
		if len(params) > 0 {
			it.Params = params
		}
		it.Events = nil
	}
	d = d.Keep(c.Keep)
	d.Package = sh.src.pkg
	if n, err := d.Normal(); err == nil {
		d = n // it always builds: Valid let it through, and its numbers are the original's or lower
	}
	return d
}

func (sh *shrinker) valid(keep []bool) bool {
	return sh.src.data.Keep(keep).Chain() == nil
}

// run runs the candidate once, with its own plan file and report
// directory under runs/, and says whether it failed the same way.
func (sh *shrinker) run(ctx context.Context, c shrink.Candidate) (shrink.Run, error) {
	plan := sh.plan(c)
	s, dir, err := sh.runPlan(ctx, plan)
	if err != nil {
		return shrink.Run{}, err
	}
	sig := signature(s, sh.src.data.Topology.Versions)
	switch {
	case sig == "":
		return shrink.Run{}, nil
	case sig == sigInvalid:
		return shrink.Run{Invalid: true}, nil
	case sh.want == "":
		sh.want = sig // the original's first failure is the reason to keep
	}
	if sig != sh.want {
		sh.other(sig, dir)
		return shrink.Run{Other: sig}, nil
	}
	key := string(plan.JSON())
	sh.same[key] = append(sh.same[key], dir)
	return shrink.Run{Same: true}, nil
}

// runPlan runs one plan and returns its scenario's result and report
// directory. A scenario that could not start, or a suite that stopped
// without a report, ends the shrink: the environment is at fault.
func (sh *shrinker) runPlan(ctx context.Context, d planner.Data) (*result.Scenario, string, error) {
	if ctx.Err() != nil {
		return nil, "", context.Cause(ctx)
	}
	sh.n++
	dir := filepath.Join(sh.o.out, "runs", fmt.Sprintf("%03d", sh.n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", usageErr("runs: %v", err)
	}
	file, err := filepath.Abs(filepath.Join(dir, "plan.json"))
	if err != nil {
		return nil, "", usageErr("runs: %v", err)
	}
	if err := os.WriteFile(file, d.JSON(), 0o644); err != nil {
		return nil, "", usageErr("runs: %v", err)
	}
	o := runOpts{seed: sh.src.seed, focus: settings.Focus(sh.src.name), planFile: file, planName: sh.src.name, quiet: true}
	report := filepath.Join(dir, "report")
	run, err := runCompiled(ctx, sh.more, o, sh.rt, sh.src.pkg, sh.bin, sh.pkgDir, report, io.Discard, io.Discard)
	if ctx.Err() != nil {
		return nil, "", context.Cause(ctx)
	}
	if err != nil {
		return nil, "", err
	}
	if len(run.Scenarios) != 1 {
		return nil, "", usageErr("run %s: %d scenarios ran, want %q alone", dir, len(run.Scenarios), sh.src.name)
	}
	s := &run.Scenarios[0]
	if s.SetupError != "" {
		return nil, "", usageErr("scenario %q could not start: %s", s.Scenario, joinLines(s.SetupError))
	}
	if s.PlanData == nil {
		// Its declaration refused the plan: no run of it can be judged.
		return nil, "", usageErr("run %s: scenario %q did not take the plan: %s", dir, s.Scenario, firstLine(s.Failure))
	}
	return s, filepath.Join(report, s.Slug), nil
}

// other records a failure for another reason: how many runs showed it,
// and the plan of the first.
func (sh *shrinker) other(sig, dir string) {
	o, ok := sh.others[sig]
	if !ok {
		o = &shrinkOther{Signature: sig, Plan: filepath.Join(filepath.Dir(filepath.Dir(dir)), "plan.json")}
		sh.others[sig] = o
		sh.otherOrder = append(sh.otherOrder, sig)
	}
	o.Runs++
}

const sigInvalid = "INVALID"

// numbers are what changes from run to run in a failure message.
var numbers = regexp.MustCompile(`-?\d+(\.\d+)?`)

// signature is why a run failed, as shrink compares failures: "" for a
// pass, sigInvalid for a run whose numbers cannot be vouched for, else
// "FAIL: " and the failed checks, sorted. A budgets file's breaches are
// left out: shrink runs without one, and keeps the scenario's own checks. A check's name says its
// budget, which stays; the versions a plan ends at are masked, since a
// shrunk plan may end at another ("last served by V"). A failure no
// check made (a step that failed) is its first line, numbers masked.
func signature(s *result.Scenario, versions []string) string {
	switch reports.Status(s) {
	case result.StatusPassed:
		return ""
	case result.StatusInvalid:
		return sigInvalid
	}
	// The longest first: "v2-lazy" before "v2".
	vs := slices.SortedFunc(slices.Values(versions), func(a, b string) int { return len(b) - len(a) })
	mask := func(t string) string {
		for _, v := range vs {
			t = strings.ReplaceAll(t, v, "V")
		}
		return t
	}
	var names []string
	for _, a := range s.Assertions {
		if !a.Passed && !a.Invalid && !strings.HasPrefix(a.Name, gate.BudgetPrefix) {
			names = append(names, mask(a.Name))
		}
	}
	if len(names) == 0 {
		names = append(names, numbers.ReplaceAllString(mask(firstLine(s.Failure)), "N"))
	}
	sort.Strings(names)
	return "FAIL: " + strings.Join(slices.Compact(names), ", ")
}

// readScenario reads one scenario's report.json.
func readScenario(dir string) *result.Scenario {
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return nil
	}
	var s result.Scenario
	if json.Unmarshal(b, &s) != nil {
		return nil
	}
	return &s
}

// budgetsOnly reports whether s failed only a budgets file's rules.
func budgetsOnly(s *result.Scenario) bool {
	budget := false
	for _, a := range s.Assertions {
		if a.Passed || a.Invalid {
			continue
		}
		if !strings.HasPrefix(a.Name, gate.BudgetPrefix) {
			return false
		}
		budget = true
	}
	return budget
}

// shrink measures the original, shrinks it, measures the minimal plan,
// explains it if asked, and writes everything to --out. Whatever stops
// it once it has a failing plan (the budget, the timeout, Ctrl-C, a run
// that could not start), the best plan so far is written.
func (sh *shrinker) shrink(ctx context.Context, stdout, stderr io.Writer) error {
	sh.items = itemsOf(sh.src.data)
	if ref := sh.src.ref; ref != nil {
		if budgetsOnly(ref) {
			return usageErr("%q failed only its budgets file's rules (%s); shrink judges a scenario by its own checks: shrink a plan that fails one", ref.Scenario, firstLine(ref.Failure))
		}
		sh.want = signature(ref, sh.src.data.Topology.Versions)
	}
	cfg := shrink.Config{
		Items: sh.items, Valid: sh.valid, Run: sh.run, K: sh.o.runs, R: sh.o.reproduce,
		Progress: func(p shrink.Progress) { sh.live.show(p, sh.n, sh.began) },
	}
	orig := shrink.Original(sh.items)

	// The original, k runs in full: its reproduction rate.
	origRate, _, err := shrink.Reproduce(ctx, cfg, orig, sh.o.runs)
	sh.live.done()
	if ctx.Err() != nil {
		return failed("stopped before the original plan's %d runs were done (%s); nothing shrunk", sh.o.runs, context.Cause(ctx))
	}
	if err != nil {
		return runErr(err)
	}
	if origRate.Failed == 0 {
		var why string
		switch {
		case len(sh.otherOrder) > 0:
			why = fmt.Sprintf("the plan did not fail as its report did (%s) in any of %d runs; it failed another way: %s",
				sh.want, origRate.Runs, strings.Join(sh.otherOrder, "; "))
		case origRate.Invalid > 0:
			why = fmt.Sprintf("the plan passed %d of %d, and %d runs were invalid", origRate.Runs-origRate.Invalid, origRate.Runs, origRate.Invalid)
		default:
			why = fmt.Sprintf("the plan passed %d of %d", origRate.Runs, origRate.Runs)
		}
		return usageErr("nothing to shrink: %s; runs are in %s", why, filepath.Join(sh.o.out, "runs"))
	}

	// Shrink, within what is left of the budget: k runs are kept back
	// for the minimal plan.
	cfg.MaxRuns = sh.o.maxRuns - sh.n - sh.o.runs
	out := shrink.Outcome{Best: orig, Stopped: fmt.Sprintf("budget of %d runs spent", sh.o.maxRuns)}
	var runFailed error
	if cfg.MaxRuns >= sh.o.reproduce {
		out, err = shrink.Reduce(ctx, cfg)
		if err != nil && ctx.Err() == nil {
			runFailed = err
			out.Stopped = "a run failed: " + oneError(err)
		}
	}
	best := out.Best
	if best.Keep == nil {
		best = orig
	}

	// The minimal plan, k runs in full, unless shrink was stopped.
	var minRate shrink.Rate
	if ctx.Err() == nil && runFailed == nil {
		minRate, _, err = shrink.Reproduce(ctx, cfg, best, sh.o.runs)
		if err != nil && ctx.Err() == nil {
			runFailed = err
			out.Stopped = "a run failed: " + oneError(err)
		}
	}
	var explain []reports.Counterfactual
	if sh.o.explain && ctx.Err() == nil && runFailed == nil {
		explain = sh.explain(ctx, best)
	}
	sh.live.done()
	if ctx.Err() != nil && out.Stopped == "" {
		out.Stopped = "interrupted"
		if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
			out.Stopped = "timed out"
		}
	}
	werr := sh.write(stdout, stderr, out, best, origRate, minRate, explain)
	if runFailed != nil {
		return runErr(runFailed)
	}
	return werr
}

// runErr is a run's error as shrink exits with it: the environment's
// (a scenario that could not start) as it is, anything else as a usage
// error in one line.
func runErr(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee
	}
	return usageErr("%s", oneError(err))
}
