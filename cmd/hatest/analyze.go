package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hatest/hatest/framework/analysis"
	"github.com/hatest/hatest/framework/gate"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/settings"
	"github.com/hatest/hatest/reports"
)

func init() {
	commands = append(commands, &command{
		name: "analyze", summary: "judge a kept run again with today's code; runs nothing",
		usage: "analyze [flags] DIR [PKG]",
		help: `Reads the report directory DIR of an earlier hatest run, and for each of its
scenarios analyses again what the run recorded (its op logs and timeline,
kept in DIR/<scenario>/recorded.json and logs/): the outage windows, their
causes, the integrity check, and every verdict, the scenario's own included.
Nothing is started. The suite PKG (default ./scenarios) is compiled to learn
each scenario's expectations, so a changed expectation is judged too. The
new reports go to --report-dir; DIR is left as it was.

Use it to re-judge old runs after hatest's analysis changed, or to try a
budget on a run without running it again (--budgets).

Exit codes as for run: 0 every scenario passed; 1 one failed or was invalid;
2 bad usage (DIR holds no results.json, or no scenario of it kept what it
recorded).

Examples:
  hatest analyze hatest-out
  hatest analyze --budgets budgets.yaml --report-dir rejudged hatest-out ./scenarios`,
		run: runAnalyze,
	})
}

func runAnalyze(args []string, stdout, stderr io.Writer) error {
	c := find("analyze")
	fs := flags(c, stdout)
	var o runOpts
	fs.StringVar(&o.reportDir, "report-dir", "hatest-analyze", "directory for the new reports; replaced if it holds an earlier hatest report")
	fs.StringVar(&o.budgets, "budgets", "", "budgets file (YAML or JSON, see docs/gating.md) to judge the runs against")
	fs.BoolVar(&o.verbose, "v", false, "verbose: Ginkgo's full output")
	fs.BoolVar(&o.quiet, "q", false, "quiet: print only the final verdict and failures")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return usageErr("analyze takes a report directory and optionally a package, got %d arguments", fs.NArg())
	}
	dir, pkg := fs.Arg(0), "./scenarios"
	if fs.NArg() == 2 {
		pkg = fs.Arg(1)
	}
	old, err := reports.ReadRun(dir)
	if err != nil {
		return usageErr("%v", err)
	}
	if filepath.Base(dir) == "results.json" {
		dir = filepath.Dir(dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return usageErr("%s: %v", dir, err)
	}
	out, _ := filepath.Abs(o.reportDir)
	if within(out, abs) || within(abs, out) {
		return usageErr("--report-dir %s overlaps %s, the directory being analysed (it would be cleared); give another", o.reportDir, dir)
	}
	var names, labels []string
	for _, s := range old.Scenarios {
		labels = append(labels, s.Labels...)
		if _, err := os.Stat(filepath.Join(abs, s.Slug, analysis.RecordedFile)); err == nil {
			names = append(names, s.Scenario)
		} else if !o.quiet {
			fmt.Fprintf(stderr, "hatest: %s kept no %s; it cannot be analysed again\n", s.Scenario, analysis.RecordedFile)
		}
	}
	if len(names) == 0 {
		return usageErr("no scenario in %s kept what it recorded (%s); runs of hatest before analyze existed did not", dir, analysis.RecordedFile)
	}
	if o.budgets != "" {
		b, err := gate.LoadBudgets(o.budgets)
		if err != nil {
			return usageErr("%s", oneError(err))
		}
		slices.Sort(labels)
		if err := b.Validate(names, slices.Compact(labels)); err != nil {
			return usageErr("%s", oneError(err))
		}
		if o.budgets, err = filepath.Abs(o.budgets); err != nil {
			return usageErr("%v", err)
		}
	}
	if err := prepareReportDir(o.reportDir); err != nil {
		return err
	}
	if err := clearReportDir(o.reportDir); err != nil {
		return err
	}
	intr := listenForInterrupts(context.Background())
	defer intr.stop()
	o.focus, o.analyze, o.seed = settings.Focus(names...), abs, fmt.Sprint(old.Seed)
	run, err := runSuite(intr.ctx, intr.more, o, "none", pkg, o.reportDir, stdout, stderr)
	if err != nil {
		return err
	}
	if len(run.Scenarios) < len(names) && !o.quiet {
		fmt.Fprintf(stderr, "hatest: %d of the %d scenarios kept in %s are not in %s any more\n", len(names)-len(run.Scenarios), len(names), dir, pkg)
	}
	printRun(run, o.reportDir, stdout)
	if !allPassed(run) {
		return failed("%s (analysed again from %s)", failureSummary([]result.Run{*run}), dir)
	}
	return nil
}

// within says whether path is dir or lies below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
