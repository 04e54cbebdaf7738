package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/runtime/auto"
	"github.com/hatest/hatest/framework/shrink"
)

func init() {
	commands = append(commands, &command{
		name: "shrink", summary: "shrink a failing plan to the smallest plan that still fails the same way",
		usage: "shrink [flags] DIR|FILE|NAME [PKG]",
		help: `Takes a plan that fails and looks for the smallest plan that still fails for
the same reason, by running candidate plans for real: delta debugging
(ddmin) over its upgrades and faults, then lower durations and intensities
(a 2s partition that fails at 300ms is reported as about 300ms); waits are
kept as drawn. Only plans the planner draws (planner.For) can be shrunk:
they are data.

The plan to shrink is one of:
  DIR   a report directory of a failed run (hatest run --report-dir), or one
        scenario's directory in it: its results.json carries the plan
  FILE  a plan file (hatest plan --json, or an earlier shrink's)
  NAME  a scenario, with --seed N: the plan that seed draws
A report or a plan file has its own seed, which every run uses; --seed is
refused with one. --runtime defaults to the report's runtime, else auto.

A candidate keeps the plan valid: a fault during an upgrade goes with that
upgrade, a rollback's two halves go together, and no upgrade is left going
nowhere. It counts as failing only when it fails for the same reason as the
original: the same verdict and the same failed checks (a lost write stays a
lost write). A budgets file's breaches are not a reason: shrink runs
without one. A failure for another reason is another bug: it is reported
apart, with the plan that showed it (other-N.json), and never counts. An
INVALID run (its numbers cannot be vouched for) counts as not failing.

Each candidate runs up to --runs times and reproduces when --reproduce of
them fail the same way; the runs stop as soon as the answer is known. The
original and the minimal plan each run --runs times in full: their
reproduction rates are printed. --max-runs and --timeout bound the search
(--max-runs keeps k runs back for the minimal plan, and --explain's runs
count too); when either is spent, or on Ctrl-C, or when a run cannot start,
shrink stops and writes the best plan so far. A live line shows the runs
made, the plan's size now and the best.

Written to --out: original-plan.json, minimal-plan.json (run it with the
replay command printed), shrink.json (every candidate, the rates, other
failures), shrink.html (the original's and the minimal plan's timelines
on one time axis), other-N.json (the first plan of each other failure) and
runs/ (every run's plan and report). An --out that holds what is shrunk is
refused; one that holds an earlier shrink loses only that shrink's files.

--explain then reruns the minimal plan without each item that windows are
blamed on and reports by how many ms the outage changed: "without it, the
window is gone" is measured, not inferred.

Exit codes: 0 the minimal plan was found; 1 shrink stopped early (budget,
timeout, Ctrl-C) with the best so far written, or was stopped before the
original's runs were done; 2 bad usage or environment: the plan passed every
run ("nothing to shrink"), a plan file that is malformed or does not fit its
scenario, a report with no failed plan, a run that could not start (the best
so far is written).

Examples:
  hatest shrink hatest-out
  hatest shrink --runtime process --seed 19 'lazy build killed' ./cmd/hatest/testdata/shrink
  hatest shrink --runs 1 --max-runs 30 --explain plan.json`,
		run: runShrink,
	})
}

type shrinkOpts struct {
	seed, runtime, out, timeout string
	runs, reproduce, maxRuns    int
	explain, quiet              bool
}

func runShrink(args []string, stdout, stderr io.Writer) error {
	c := find("shrink")
	fs := flags(c, stdout)
	var o shrinkOpts
	fs.StringVar(&o.seed, "seed", "", "with NAME: the seed whose plan failed")
	fs.StringVar(&o.runtime, "runtime", "", "where the candidates run: auto, docker or process (default: the report's runtime, else auto)")
	fs.StringVar(&o.out, "out", "hatest-shrink", "directory for the plans, the report and every run; an earlier shrink's files there are replaced")
	fs.StringVar(&o.timeout, "timeout", "60m", "stop after this long and keep the best plan so far")
	fs.IntVar(&o.runs, "runs", 3, "k: run each candidate up to k times")
	fs.IntVar(&o.reproduce, "reproduce", 2, "r: a candidate reproduces when r of its k runs fail the same way (at most --runs)")
	fs.IntVar(&o.maxRuns, "max-runs", 100, "stop after this many runs and keep the best plan so far")
	fs.BoolVar(&o.explain, "explain", false, "then rerun the minimal plan without each item windows are blamed on, and report the outage without it")
	fs.BoolVar(&o.quiet, "q", false, "quiet: no progress lines")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return usageErr("shrink takes a report directory, a plan file or a scenario name (with --seed), and optionally a package")
	}
	if o.runs < 1 {
		return usageErr("--runs %d: give 1 or more", o.runs)
	}
	if o.reproduce < 1 || o.reproduce > o.runs {
		return usageErr("--reproduce %d: give 1 to --runs (%d)", o.reproduce, o.runs)
	}
	if o.maxRuns < 2*o.runs {
		return usageErr("--max-runs %d: give at least twice --runs (%d), for the original and the minimal plan", o.maxRuns, 2*o.runs)
	}
	timeout, err := time.ParseDuration(o.timeout)
	if err != nil || timeout <= 0 {
		return usageErr("--timeout %q is not a duration; give one such as 30m", o.timeout)
	}
	if o.seed != "" {
		if _, err := strconv.ParseInt(o.seed, 10, 64); err != nil {
			return usageErr("--seed %q is not a whole number; give a seed such as 42", o.seed)
		}
	}
	src, err := shrinkSource(fs.Arg(0), fs.Arg(1), o.seed)
	if err != nil {
		return err
	}
	if err := checkShrinkDir(o.out, src.given); err != nil {
		return err
	}
	if o.runtime == "" {
		o.runtime = "auto"
		if src.ref != nil && src.ref.Runtime != "" {
			o.runtime = src.ref.Runtime // shrink where it failed
		}
	}
	rt, why, err := auto.Choose(context.Background(), o.runtime)
	if err != nil {
		return usageErr("%v", err)
	}

	intr := listenForInterrupts(context.Background())
	defer intr.stop()
	ctx, cancel := context.WithTimeout(intr.ctx, timeout)
	defer cancel()
	stopped := func(err error) error {
		if ctx.Err() != nil {
			return failed("stopped before the first run (%v); nothing shrunk", context.Cause(ctx))
		}
		return err
	}
	bin, pkgDir, err := compile(ctx, src.pkg, stderr, true)
	if err != nil {
		return stopped(err)
	}
	defer os.RemoveAll(filepath.Dir(bin))
	if src.kind == fromName {
		_, data, err := planOf(ctx, bin, pkgDir, src.pkg, src.name, src.seed, "")
		if err != nil {
			return stopped(err)
		}
		if data == nil {
			return usageErr("scenario %q draws no plan as data (planner.For): only such plans can be shrunk", src.name)
		}
		if err := src.setData(data); err != nil {
			return err
		}
	}
	// A plan that does not fit its scenario is refused before anything
	// runs, and before --out is cleared.
	check := filepath.Join(filepath.Dir(bin), "original-plan.json")
	if err := os.WriteFile(check, src.data.JSON(), 0o644); err != nil {
		return usageErr("write %s: %v", check, err)
	}
	if _, _, err := planOf(ctx, bin, pkgDir, src.pkg, src.name, src.seed, check); err != nil {
		return stopped(err)
	}
	if err := clearShrinkDir(o.out); err != nil {
		return err
	}
	original := filepath.Join(o.out, "original-plan.json")
	if err := os.WriteFile(original, src.data.JSON(), 0o644); err != nil {
		return usageErr("write %s: %v", original, err)
	}
	sh := &shrinker{o: o, src: src, rt: rt, bin: bin, pkgDir: pkgDir, more: intr.more, began: time.Now(),
		same: map[string][]string{}, others: map[string]*shrinkOther{},
		live: newLiveLine(stderr, stderr == io.Writer(os.Stderr) && isTerminal(os.Stderr))}
	if o.quiet {
		sh.live.out = nil
	} else {
		fmt.Fprintf(stderr, "hatest: shrinking %q (%d items, %d steps) on runtime %s (%s); k=%d, r=%d, at most %d runs\n",
			src.name, len(src.data.Items), src.data.Steps, rt, why, o.runs, o.reproduce, o.maxRuns)
	}
	defer sh.live.done()
	return sh.shrink(ctx, stdout, stderr)
}

// shrinkSource is the plan to shrink: from a report directory, a plan
// file, or a scenario's name and a seed (its data is drawn later, once
// the suite is compiled). A plan file or report has its own seed: the
// plan's, which its replay uses too, so --seed is refused with one.
func shrinkSource(arg, pkg, seed string) (*source, error) {
	src := &source{given: arg, pkg: pkg, seed: seed}
	info, err := os.Stat(arg)
	switch {
	case err == nil && info.IsDir():
		src.kind = fromReport
		if err := src.fromReport(arg); err != nil {
			return nil, err
		}
	case err == nil:
		src.kind = fromFile
		d, err := readPlanFile(arg)
		if err != nil {
			return nil, err
		}
		src.data = d
	default:
		if seed == "" {
			return nil, usageErr("%s is no report directory or plan file; to shrink the plan of scenario %q give the seed of the failing run: --seed N", arg, arg)
		}
		src.kind, src.name = fromName, arg
		if src.pkg == "" {
			src.pkg = "./scenarios"
		}
		return src, nil
	}
	if seed != "" {
		return nil, usageErr("--seed %s: %s holds its plan, drawn with seed %d, which its runs and replay use; leave --seed out", seed, arg, src.data.Seed)
	}
	if src.data.Scenario == "" {
		return nil, usageErr("the plan in %s names no scenario; write it with hatest plan --json", arg)
	}
	src.name = src.data.Scenario
	if src.pkg == "" {
		src.pkg = src.data.Package
	}
	if src.pkg == "" {
		src.pkg = "./scenarios"
	}
	src.seed = strconv.FormatInt(src.data.Seed, 10)
	return src, nil
}

// shrinkFiles are what shrink writes to --out, and all it ever removes
// there.
var shrinkFiles = []string{"original-plan.json", "minimal-plan.json", "shrink.json", "shrink.html", "runs"}

// checkShrinkDir refuses an --out that is not empty and holds no earlier
// shrink, one that holds what is being shrunk (clearing it would lose
// it), and one that cannot be written. Nothing is removed yet.
func checkShrinkDir(dir, input string) error {
	absDir, err1 := filepath.Abs(dir)
	absIn, err2 := filepath.Abs(input)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absDir, absIn); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return usageErr("%s is inside --out %s, which shrink clears; copy it out, or choose another --out", input, dir)
		}
	}
	return checkOutDir(dir, "original-plan.json", "--out", "--out", "shrink")
}

// clearShrinkDir removes an earlier shrink's files from dir, and only
// them, just before this one writes its own.
func clearShrinkDir(dir string) error {
	files, _ := filepath.Glob(filepath.Join(dir, "other-*.json"))
	for _, name := range shrinkFiles {
		files = append(files, filepath.Join(dir, name))
	}
	for _, f := range files {
		if err := os.RemoveAll(f); err != nil {
			return usageErr("clear --out %s: %v; remove it, or choose another --out", dir, err)
		}
	}
	return nil
}

// liveLine is the progress line: redrawn in place on a terminal, else
// one line per run.
type liveLine struct {
	out  io.Writer // nil: quiet
	tty  bool
	last string
}

func newLiveLine(out io.Writer, tty bool) *liveLine { return &liveLine{out: out, tty: tty} }

func (l *liveLine) show(p shrink.Progress, runs int, began time.Time) {
	if l.out == nil {
		return
	}
	what := fmt.Sprintf("%d candidates", p.Candidates)
	if p.Phase == "reproduce" {
		what = "measuring a plan's rate" // Reproduce counts no candidates
	}
	line := fmt.Sprintf("shrink: %d runs, %s, %s; plan now %d items, best %d; %s: %s",
		runs, what, format.Duration(float64(time.Since(began).Milliseconds())), p.Size, p.Best, p.Phase, p.Trying)
	if l.tty {
		fmt.Fprintf(l.out, "\r\033[K%s", truncate(line, 160))
		l.last = line
		return
	}
	if line != l.last {
		fmt.Fprintln(l.out, line)
		l.last = line
	}
}

func (l *liveLine) done() {
	if l.tty && l.last != "" {
		fmt.Fprint(l.out, "\r\033[K")
		l.last = ""
	}
}

// truncate cuts s to n runes.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
