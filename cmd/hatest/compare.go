package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/hatest/hatest/framework/gate"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/reports"
)

func init() {
	commands = append(commands, &command{
		name: "compare", summary: "the regression gate: compare two runs' outages",
		usage: "compare [--tolerance 0.25] [--abs-tolerance 50ms] [--alpha 0.05] BASE NEW",
		help: `Compares the max and total outage of every scenario in BASE with NEW. Each is a
results.json, a report directory, or a directory of repeated runs (the
repeat-N directories that 'hatest run --repeat N' writes).

A scenario regressed when its median got worse than base × (1 + tolerance) +
abs-tolerance; 0 for either means none at all. The total outage is the worst
client's time in outage windows, overlaps counted once. With 5 or more runs on each side it must also be worse by a
one-sided Mann-Whitney U test at p < alpha, and the p-value is shown: one
run is noise. Prints a table of every scenario and exits 1 on a regression.

Examples:
  hatest compare baseline/results.json hatest-out/results.json
  hatest compare --alpha 0.01 main-repeats/ branch-repeats/`,
		run: runCompare,
	})
}

func runCompare(args []string, stdout, _ io.Writer) error {
	c := find("compare")
	f := flags(c, stdout)
	tol := f.Float64("tolerance", gate.DefaultTolerance, "relative worsening allowed (0.25 = 25%)")
	abs := f.Duration("abs-tolerance", gate.DefaultAbsTolerance, "absolute worsening allowed on top, the noise floor")
	alpha := f.Float64("alpha", gate.DefaultAlpha, "significance level of the test with 5+ runs a side")
	if err := parse(c, f, args, stdout); err != nil {
		return err
	}
	if f.NArg() != 2 {
		return usageErr("compare takes two arguments, BASE and NEW, got %d", f.NArg())
	}
	if *alpha <= 0 || *alpha >= 1 {
		return usageErr("--alpha %v must be between 0 and 1", *alpha)
	}
	if *tol < 0 || math.IsNaN(*tol) || math.IsInf(*tol, 0) {
		return usageErr("--tolerance %v must be 0 or more (0.25 is 25%%; 0 means none)", *tol)
	}
	if *abs < 0 {
		return usageErr("--abs-tolerance %v must be 0 or more (0 means none)", *abs)
	}
	base, err := loadRuns(f.Arg(0))
	if err != nil {
		return usageErr("%v", err)
	}
	next, err := loadRuns(f.Arg(1))
	if err != nil {
		return usageErr("%v", err)
	}
	cmp := gate.Compare(base, next, gate.CompareOptions{Tolerance: tol, AbsTolerance: abs, Alpha: *alpha})
	gate.CompareTable(stdout, cmp)
	if n := cmp.Regressions(); n > 0 {
		return failed("%d scenarios regressed", n)
	}
	return nil
}

// loadRuns reads one run (a results.json or a report directory) or every
// run below a directory of repeats.
func loadRuns(path string) ([]result.Run, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	if !st.IsDir() {
		r, err := reports.ReadRun(path)
		if err != nil {
			return nil, err
		}
		return []result.Run{*r}, nil
	}
	if _, err := os.Stat(filepath.Join(path, "results.json")); err == nil {
		r, err := reports.ReadRun(path)
		if err != nil {
			return nil, err
		}
		return []result.Run{*r}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "results.json" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s holds no results.json; give a results.json or a hatest report directory", path)
	}
	sort.Strings(files)
	var runs []result.Run
	for _, f := range files {
		r, err := reports.ReadRun(f)
		if err != nil {
			return nil, err
		}
		runs = append(runs, *r)
	}
	return runs, nil
}
