package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/hatest/hatest/framework/gate"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/runtime/auto"
	"github.com/hatest/hatest/framework/runtime/build"
	"github.com/hatest/hatest/framework/settings"
	"github.com/hatest/hatest/reports"
)

func init() {
	commands = append(commands, &command{
		name: "run", summary: "run scenario suites and write the reports",
		usage: "run [flags] [PKG...]  |  run --plan FILE [NAME [PKG]]",
		help: `Compiles each package (default ./scenarios) as a Ginkgo test binary, runs its
scenarios on the chosen runtime, and writes index.html, results.json and
junit.xml, plus report.html and report.json per scenario, to the report
directory. The package can be your own Ginkgo suite that imports
github.com/hatest/hatest/framework/scenario.

--runtime auto picks Docker when an engine answers within 2 s, otherwise
local processes, and says which in one line.

Every scenario ends PASS, FAIL or INVALID. INVALID means its numbers cannot
be vouched for (the probe fell behind its schedule, an op log has a gap,
nothing was measured): it is no verdict on the system, and no pass either.
With --budgets, every budget is judged in the suite with the scenario's own
expectations, so results.json, index.html, junit.xml and the exit code
always agree.

--plan FILE runs one scenario with the plan in a plan file (hatest plan
--json writes one; hatest shrink writes the minimal one) in place of the
plan its seed draws, with the file's seed. The file names its scenario and
package: NAME, when given, must be the scenario it names; PKG, when given,
is the suite to find it in (a copy of the suite elsewhere, say). A file that is not a plan
file, or whose plan does not fit the scenario's topology (another service,
other versions or members, a fault its rules do not allow there), is
refused before anything starts, with exit 2.

Exit codes: 0 every scenario passed; 1 a scenario failed or was invalid, or
the run was interrupted; 2 bad usage or environment (for example --runtime
docker with no engine, a report directory that cannot be written, or a
scenario that could not start: a missing image or binary, a node never
ready, a busy port; one line on stderr says which).

Ctrl-C (or SIGTERM) stops the running scenario: it cleans up everything it
started and still writes its report, with the op logs, and the run's
index.html, results.json and junit.xml. A second Ctrl-C skips the cleanup
(the next run's sweep removes what Docker containers remain).

Examples:
  hatest run --label-filter gate
  hatest run --runtime process --focus 'upgrade v1 to v2' ./scenarios
  hatest run --seed 42 --report-dir out ./my/suite
  hatest run --plan hatest-shrink/minimal-plan.json`,
		run: runRun,
	})
}

type runOpts struct {
	runtime, labels, focus, reportDir, timeout string
	seed, shard, budgets, baseline             string
	analyze                                    string // a report directory to analyse again (hatest analyze)
	planFile, planName                         string // a plan file to run in place of the drawn plan (absolute), and its scenario
	bin, binDir                                string // the suite already compiled (run --plan compiles it to check the file), and its package's directory
	repeat, attempts                           int
	verbose, quiet                             bool
}

func runRun(args []string, stdout, stderr io.Writer) error {
	c := find("run")
	fs := flags(c, stdout)
	var o runOpts
	fs.StringVar(&o.runtime, "runtime", "auto", "where the system under test runs: auto, docker or process")
	fs.StringVar(&o.labels, "label-filter", "", "Ginkgo label filter, e.g. 'gate && !slow' (default: all but the negative controls)")
	fs.StringVar(&o.focus, "focus", "", "run only scenarios whose name matches this regular expression")
	fs.StringVar(&o.seed, "seed", "", "seed for randomized plans (default: chosen at random and printed)")
	fs.StringVar(&o.reportDir, "report-dir", "hatest-out", "directory for the reports; replaced if it holds an earlier hatest report")
	fs.StringVar(&o.timeout, "timeout", "60m", "give up on the whole run after this long")
	fs.StringVar(&o.shard, "shard", "", "run only the i-th of n disjoint parts of the selection, e.g. 1/3")
	fs.IntVar(&o.repeat, "repeat", 1, "run each selected scenario this many times and report the spread (flake hunting)")
	fs.IntVar(&o.attempts, "attempts", 1, "give each scenario up to this many attempts: it fails only if every one fails, and a pass after a failure is reported FLAKY")
	fs.StringVar(&o.budgets, "budgets", "", "budgets file (YAML or JSON, see docs/gating.md): a breach fails the scenario")
	fs.StringVar(&o.baseline, "baseline", "", "results.json (or a directory of repeated results) to compare against: a regression fails the run")
	fs.StringVar(&o.planFile, "plan", "", "run this plan file's plan (hatest plan --json, hatest shrink) in place of the drawn one")
	fs.BoolVar(&o.verbose, "v", false, "verbose: show each scenario's plan, steps and Ginkgo's full output")
	fs.BoolVar(&o.quiet, "q", false, "quiet: print only the final verdict and failures")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	pkgs := fs.Args()
	if o.planFile != "" {
		var err error
		if pkgs, err = planRun(&o, pkgs); err != nil {
			return err
		}
	}
	if len(pkgs) == 0 {
		pkgs = []string{"./scenarios"}
	}
	if o.seed != "" {
		if _, err := strconv.ParseInt(o.seed, 10, 64); err != nil {
			return usageErr("--seed %q is not a whole number; give a seed such as 42", o.seed)
		}
	} else {
		o.seed = strconv.FormatInt(time.Now().UnixNano()%1_000_000, 10)
	}
	timeout, err := time.ParseDuration(o.timeout)
	if err != nil || timeout <= 0 {
		return usageErr("--timeout %q is not a duration; give one such as 30m", o.timeout)
	}
	if o.repeat < 1 {
		return usageErr("--repeat %d: give 1 or more", o.repeat)
	}
	if o.attempts < 1 {
		return usageErr("--attempts %d: give 1 or more", o.attempts)
	}
	sh, err := parseShard(o.shard)
	if err != nil {
		return err
	}
	var focusRE *regexp.Regexp
	if o.focus != "" {
		if focusRE, err = regexp.Compile(o.focus); err != nil {
			return usageErr("--focus %q is not a regular expression: %v", o.focus, err)
		}
	}
	var budgets *gate.Budgets
	if o.budgets != "" {
		if budgets, err = gate.LoadBudgets(o.budgets); err != nil {
			return usageErr("%s", oneError(err))
		}
		// The suite reads the file again, from its own directory.
		if o.budgets, err = filepath.Abs(o.budgets); err != nil {
			return usageErr("--budgets: %v", err)
		}
	}
	var baseline []result.Run
	if o.baseline != "" {
		if baseline, err = loadRuns(o.baseline); err != nil {
			return usageErr("--baseline: %v", err)
		}
	}
	if err := prepareReportDir(o.reportDir); err != nil {
		return err
	}
	if o.planFile != "" {
		if err := checkPlanFile(&o, pkgs[0]); err != nil {
			return err
		}
		defer os.RemoveAll(filepath.Dir(o.bin))
	}
	if !o.quiet {
		sweepLeftovers(stderr)
	}
	intr := listenForInterrupts(context.Background())
	defer intr.stop()
	ctx, cancel := context.WithTimeout(intr.ctx, timeout)
	defer cancel()

	var labelFilter types.LabelFilter
	if o.labels != "" && sh.n > 1 {
		if labelFilter, err = types.ParseLabelFilter(o.labels); err != nil {
			return usageErr("--label-filter %q: %v", o.labels, err)
		}
	}

	// What each package runs: everything its filters select, or this
	// shard's part of it. Budgets are checked against every scenario of
	// the suites, whatever the filters select.
	focus := make([]string, len(pkgs))
	var names, labels []string
	for i, pkg := range pkgs {
		focus[i] = o.focus
		if sh.n == 1 && budgets == nil {
			continue
		}
		all, err := listSpecs(ctx, pkg, "")
		if err != nil {
			return err
		}
		for _, s := range all {
			names = append(names, s.Name)
			for _, l := range s.Labels {
				if !slices.Contains(labels, l) {
					labels = append(labels, l)
				}
			}
		}
		if sh.n == 1 {
			continue
		}
		var sel []spec
		for _, s := range all {
			if (focusRE == nil || focusRE.MatchString(s.Name)) && (labelFilter == nil || labelFilter(s.Labels)) {
				sel = append(sel, s)
			}
		}
		part := sh.pick(sel)
		if len(part) == 0 {
			focus[i] = "" // nothing to run: skipped below
			pkgs[i] = ""
			continue
		}
		picked := make([]string, len(part))
		for j, s := range part {
			picked[j] = s.Name
		}
		focus[i] = settings.Focus(picked...)
	}
	if budgets != nil {
		slices.Sort(labels)
		if err := budgets.Validate(names, labels); err != nil {
			return usageErr("%s", oneError(err))
		}
	}

	rt, why, err := auto.Choose(context.Background(), o.runtime)
	if err != nil {
		return usageErr("%v", err)
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "hatest: runtime %s (%s); seed %s\n", rt, why, o.seed)
	}
	if err := clearReportDir(o.reportDir); err != nil {
		return err
	}

	var reps []result.Run
	failedRuns := 0
	for rep := 1; rep <= o.repeat; rep++ {
		dir := o.reportDir
		if o.repeat > 1 {
			dir = filepath.Join(o.reportDir, fmt.Sprintf("repeat-%d", rep))
			if !o.quiet {
				fmt.Fprintf(stderr, "hatest: repetition %d of %d\n", rep, o.repeat)
			}
		}
		var runs []*result.Run
		for i, pkg := range pkgs {
			if pkg == "" {
				continue
			}
			sub := dir
			if len(pkgs) > 1 {
				sub = filepath.Join(dir, fmt.Sprintf("suite-%d", i+1))
			}
			po := o
			po.focus = focus[i]
			r, err := runSuite(ctx, intr.more, po, rt, pkg, sub, stdout, stderr)
			if err != nil {
				return err
			}
			runs = append(runs, r)
		}
		run := &result.Run{Schema: result.Schema, Runtime: rt, StartedAt: time.Now(), Scenarios: []result.Scenario{}}
		if len(runs) > 0 {
			if run, err = reports.Merge(runs...); err != nil {
				return usageErr("merge reports: %v", err)
			}
		} else if !o.quiet {
			fmt.Fprintf(stderr, "hatest: shard %s of this selection is empty; nothing to run\n", o.shard)
		}
		if budgets != nil {
			// The suite judged the budgets with every other verdict;
			// they are read back from its assertions, never applied here.
			if err := budgetsJudged(budgets, run); err != nil {
				return err
			}
			if bs := gate.Breaches(*run); len(bs) > 0 {
				fmt.Fprintln(stdout, "budget breaches:")
				gate.BreachTable(stdout, bs)
			} else if gate.Judged(*run) > 0 {
				fmt.Fprintln(stdout, "budgets checked: none breached")
			} else {
				fmt.Fprintln(stdout, "budgets checked: none applies to the scenarios that ran")
			}
		}
		if len(pkgs) > 1 || len(runs) == 0 {
			if err := reports.WriteRun(dir, run); err != nil {
				return usageErr("write reports: %v", err)
			}
		}
		if !allPassed(run) {
			failedRuns++
		}
		if o.repeat == 1 || !o.quiet {
			printRun(run, dir, stdout)
		}
		reps = append(reps, *run)
	}

	var verdicts []error
	for _, r := range reps {
		for _, s := range r.Scenarios {
			if s.SetupError != "" {
				// The environment, not the release: exit 2, one line.
				verdicts = append(verdicts, usageErr("scenario %q could not start: %s", s.Scenario, joinLines(s.SetupError)))
			}
		}
	}
	if o.repeat > 1 {
		fmt.Fprintln(stdout)
		gate.RepeatTable(stdout, gate.Repeats(reps))
	}
	if failedRuns > 0 {
		verdicts = append(verdicts, failed("%s", failureSummary(reps)))
	}
	if len(reps) == 1 && len(reps[0].Scenarios) == 0 && sh.n == 1 {
		return usageErr("no scenario matched; check --label-filter and --focus (hatest list shows them)")
	}
	if baseline != nil {
		cmp := gate.Compare(baseline, reps, gate.CompareOptions{})
		fmt.Fprintln(stdout)
		gate.CompareTable(stdout, cmp)
		if n := cmp.Regressions(); n > 0 {
			verdicts = append(verdicts, failed("%d scenarios regressed against the baseline %s, or ran with numbers that cannot be vouched for", n, o.baseline))
		}
	}
	if len(verdicts) > 0 {
		return verdicts[0]
	}
	return nil
}

// budgetsJudged makes sure the suite judged the budgets: a scenario that
// passed, to which a budget applies, has a budget assertion. A suite built
// with a hatest framework that does not read settings.EnvBudgets has none,
// and its budgets would silently not be checked.
func budgetsJudged(b *gate.Budgets, run *result.Run) error {
	for _, s := range run.Scenarios {
		if !s.Passed || len(b.Rules(s.Scenario, s.Labels)) == 0 {
			continue
		}
		if !slices.ContainsFunc(s.Assertions, func(a result.Assertion) bool { return strings.HasPrefix(a.Name, gate.BudgetPrefix) }) {
			return usageErr("the suite did not judge the budgets of %q: it is built with a hatest framework older than this CLI, which does not read %s; update its github.com/hatest/hatest requirement", s.Scenario, settings.EnvBudgets)
		}
	}
	return nil
}

// oneError puts an error of several lines (a budgets file with several
// problems) on one line.
func oneError(err error) string {
	return strings.Join(strings.Split(strings.TrimSpace(err.Error()), "\n"), "; ")
}

// failureSummary is the one-line reason for exit 1: how many scenarios
// failed and how many were invalid.
func failureSummary(reps []result.Run) string {
	failedScen, invalidScen := map[string]bool{}, map[string]bool{}
	total := map[string]bool{}
	for _, r := range reps {
		for _, s := range r.Scenarios {
			total[s.Scenario] = true
			switch reports.Status(&s) {
			case result.StatusFailed:
				failedScen[s.Scenario] = true
			case result.StatusInvalid:
				invalidScen[s.Scenario] = true
			}
		}
	}
	if len(reps) == 1 {
		var parts []string
		if n := len(failedScen); n > 0 {
			parts = append(parts, fmt.Sprintf("%d failed", n))
		}
		if n := len(invalidScen); n > 0 {
			parts = append(parts, fmt.Sprintf("%d invalid (the numbers cannot be trusted; see why above)", n))
		}
		return fmt.Sprintf("%d of %d scenarios did not pass: %s", len(failedScen)+len(invalidScen), len(total), strings.Join(parts, ", "))
	}
	bad := map[string]bool{}
	for k := range failedScen {
		bad[k] = true
	}
	for k := range invalidScen {
		bad[k] = true
	}
	return fmt.Sprintf("%d of %d scenarios did not pass every one of %d runs", len(bad), len(total), len(reps))
}

// runSuite compiles pkg as a test binary and runs it. The binary writes
// its reports to dir; runSuite returns what it wrote. When ctx ends (an
// interrupt, the timeout) it stops the suite with stopSuite, passing on
// the interrupts that arrive on more.
func runSuite(ctx context.Context, more <-chan os.Signal, o runOpts, rt, pkg, dir string, stdout, stderr io.Writer) (*result.Run, error) {
	if o.bin != "" {
		return runCompiled(ctx, more, o, rt, pkg, o.bin, o.binDir, dir, stdout, stderr)
	}
	bin, pkgDir, err := compile(ctx, pkg, stderr, o.quiet)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(filepath.Dir(bin))
	return runCompiled(ctx, more, o, rt, pkg, bin, pkgDir, dir, stdout, stderr)
}

// runCompiled runs a suite compile built, as runSuite does: hatest
// shrink runs one binary many times.
func runCompiled(ctx context.Context, more <-chan os.Signal, o runOpts, rt, pkg, bin, pkgDir, dir string, stdout, stderr io.Writer) (*result.Run, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, usageErr("report dir %s: %v", dir, err)
	}
	args := []string{"-test.timeout=0", "-ginkgo.no-color"}
	if o.verbose {
		args = append(args, "-test.v", "-ginkgo.v")
	}
	if o.labels != "" {
		args = append(args, "-ginkgo.label-filter="+o.labels)
	}
	if o.attempts > 1 {
		args = append(args, fmt.Sprintf("-ginkgo.flake-attempts=%d", o.attempts))
	}

	cmd := exec.Command(bin, args...)
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(),
		settings.EnvRuntime+"="+rt, settings.EnvReportDir+"="+absDir,
		settings.EnvSeed+"="+o.seed, settings.EnvPackage+"="+pkg, settings.EnvChild+"=1",
		settings.EnvFocus+"="+o.focus, settings.EnvBudgets+"="+o.budgets, settings.EnvAnalyze+"="+o.analyze,
		settings.EnvPlanFile+"="+o.planFile)
	prog := newProgress(stderr, stderr == io.Writer(os.Stderr) && isTerminal(os.Stderr) && !o.verbose)
	defer prog.Close()
	// Ginkgo's own report (stdout) calls every spec that did not pass
	// FAILED, an INVALID one too: it is shown with -v only, and when the
	// suite ends without a report of its own. hatest prints each
	// scenario's verdict and why.
	var ginkgoOut tailBuffer
	cmd.Stdout, cmd.Stderr = &ginkgoOut, prog
	if o.verbose {
		cmd.Stdout = stdout
	}
	if o.quiet {
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	}
	suiteProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, usageErr("start %s: %v", pkg, err)
	}
	// The suite uses the binary's directory too: not to be swept while it
	// runs, even if hatest is killed.
	_ = addPID(filepath.Dir(bin), cmd.Process.Pid)
	// An interrupt reaches the suite, which cleans up and still writes the
	// reports of what ran.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-ctx.Done():
		msgs := stderr
		if o.quiet {
			msgs = io.Discard
		}
		waitErr = stopSuite(cmd, done, more, msgs)
	}
	run, rerr := reports.ReadRun(filepath.Join(absDir, "results.json"))
	if rerr != nil {
		if !o.quiet {
			_, _ = stderr.Write(ginkgoOut.Bytes())
		}
		if waitErr != nil {
			return nil, usageErr("suite %s stopped before it wrote a report (%v); see its output above", pkg, waitErr)
		}
		return nil, usageErr("suite %s wrote no report: %v", pkg, rerr)
	}
	if ctx.Err() != nil {
		return run, failed("interrupted: %v; reports of what ran are in %s", context.Cause(ctx), dir)
	}
	var ee *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &ee) {
		return nil, usageErr("suite %s: %v", pkg, waitErr)
	}
	if waitErr != nil && allPassed(run) {
		return run, failed("suite %s exited with %v although every scenario passed; see its output above", pkg, waitErr)
	}
	return run, nil
}

// compile builds pkg as a test binary in a temporary directory and
// returns its path and the package's directory.
func compile(ctx context.Context, pkg string, stderr io.Writer, quiet bool) (bin, dir string, err error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", pkg).CombinedOutput()
	if err != nil {
		return "", "", usageErr("cannot find package %s: %s", pkg, firstLine(string(out)))
	}
	dir = strings.TrimSpace(string(out))
	sweepLeftovers(nil)
	tmp, err := makeTempDir()
	if err != nil {
		return "", "", usageErr("temp dir: %v; set TMPDIR to a writable directory", err)
	}
	bin = filepath.Join(tmp, "suite.test")
	if !quiet {
		fmt.Fprintf(stderr, "hatest: compiling %s\n", pkg)
	}
	// Linked once for its sources (build.Suite), then this run's own copy:
	// the cache may prune its file while a long run still needs it.
	cached, err := build.Suite(ctx, pkg)
	if err == nil {
		err = linkOrCopy(cached, bin)
	}
	switch {
	case errors.Is(err, build.ErrNoTests):
		os.RemoveAll(tmp)
		return "", "", usageErr("package %s has no tests to run: it needs a _test.go file that calls scenario.RunSuite", pkg)
	case err != nil:
		os.RemoveAll(tmp)
		return "", "", usageErr("compile %s: %s", pkg, strings.TrimSpace(err.Error()))
	}
	return bin, dir, nil
}

// linkOrCopy puts the file at src at dst: a hard link where both are on
// one file system, else a copy.
func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// prepareReportDir empties dir if it holds an earlier hatest report,
// refuses a non-empty directory that does not, and makes sure the reports
// can be written there, before anything runs.
func prepareReportDir(dir string) error {
	return checkOutDir(dir, "results.json", "report dir", "--report-dir", "hatest report")
}

// checkOutDir refuses an output directory that is not empty and holds no
// marker (a file of the command's earlier output), and one that cannot be
// written. label names it in a message, flag is the option that chooses
// it, and what is what the marker says the directory holds.
func checkOutDir(dir, marker, label, flag, what string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return usageErr("%s %s: %v; choose another with %s", label, dir, unwrapPath(err), flag)
	case len(entries) == 0:
	default:
		if _, err := os.Stat(filepath.Join(dir, marker)); err != nil {
			return usageErr("%s %s is not empty and holds no earlier %s; choose another with %s", label, dir, what, flag)
		}
	}
	if err := writable(dir); err != nil {
		return usageErr("%s %s cannot be written: %v; choose another with %s", label, dir, err, flag)
	}
	return nil
}

// clearReportDir removes the earlier report prepareReportDir found, just
// before the run writes a new one: a run that stops at a usage error
// before it starts leaves the earlier report as it was.
func clearReportDir(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "results.json")); err != nil {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return usageErr("clear report dir %s: %v; remove it, or choose another with --report-dir", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErr("report dir %s: %v; choose another with --report-dir", dir, err)
	}
	return nil
}

// writable creates dir and writes, syncs and removes a file in it: a
// read-only or full directory fails now, not after the whole run.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return unwrapPath(err)
	}
	f, err := os.CreateTemp(dir, ".hatest-write-check-*")
	if err != nil {
		return unwrapPath(err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, 64<<10))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return unwrapPath(err)
}

// unwrapPath drops the path from a *fs.PathError: the message names the
// directory already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// allPassed reports whether every scenario of r passed: a failed or an
// invalid one did not.
func allPassed(r *result.Run) bool {
	for i := range r.Scenarios {
		if reports.Status(&r.Scenarios[i]) != result.StatusPassed {
			return false
		}
	}
	return true
}

// printRun prints one line per scenario and where the report is.
func printRun(r *result.Run, dir string, stdout io.Writer) {
	count := map[string]int{}
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		status := reports.Status(s)
		count[status]++
		mark := reports.StatusWord(status)
		if s.SetupError != "" {
			fmt.Fprintf(stdout, "%s  %-50s could not start; see stderr and results.json\n", mark, s.Scenario)
			continue
		}
		if status == result.StatusInvalid {
			fmt.Fprintf(stdout, "%s  %-47s the numbers cannot be trusted: %s\n", mark, s.Scenario, joinLines(reports.InvalidWhy(s)))
			continue
		}
		flaky := ""
		if s.Passed && s.Attempt > 1 {
			flaky = fmt.Sprintf("  FLAKY: passed on attempt %d; the one before failed: %s", s.Attempt, firstLine(s.EarlierFailure))
		}
		fmt.Fprintf(stdout, "%s  %-50s max outage %8.1f ms  windows %3d  ops %7d  failed %6d%s\n",
			mark, s.Scenario, s.Summary.MaxWindowMS, s.Summary.Windows, s.Summary.Ops, s.Summary.FailedOps, flaky)
		if g := reports.GroupOutages(s); g != "" {
			fmt.Fprintf(stdout, "      max outage by client group: %s\n", g)
		}
		if status == result.StatusFailed {
			fmt.Fprintf(stdout, "      why: %s\n", firstLine(s.Failure))
		}
	}
	fmt.Fprintf(stdout, "%d scenarios, %d passed, %d failed, %d invalid; report: %s\n",
		len(r.Scenarios), count[result.StatusPassed], count[result.StatusFailed], count[result.StatusInvalid], filepath.Join(dir, "index.html"))
}

// joinLines puts a message of several lines (an error quoting a node's
// last log lines) on one line: " | " between lines, a space after a line
// that ends in a colon.
func joinLines(s string) string {
	var b strings.Builder
	for l := range strings.Lines(s) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ")
			} else {
				b.WriteString(" | ")
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// tailBuffer keeps the last 64 KB written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - 64<<10; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// Bytes is what it kept.
func (t *tailBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.buf...)
}
