package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"

	"github.com/hatest/hatest/framework/planner"
	"github.com/hatest/hatest/framework/settings"
)

// readPlanFile reads and parses a plan file; what is wrong with it is a
// usage error that names the file.
func readPlanFile(path string) (planner.Data, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return planner.Data{}, usageErr("plan file %s: %v", path, unwrapPath(err))
	}
	d, err := planner.Parse(raw)
	if err != nil {
		return planner.Data{}, usageErr("plan file %s: %v", path, err)
	}
	return d, nil
}

// planRun sets o up to run the one scenario of the plan file o.planFile
// (hatest run --plan FILE [NAME [PKG]]) and returns its package.
func planRun(o *runOpts, args []string) ([]string, error) {
	d, err := readPlanFile(o.planFile)
	if err != nil {
		return nil, err
	}
	if len(args) > 2 {
		return nil, usageErr("run --plan takes at most a scenario name and its package; the plan file names both")
	}
	name, pkg := d.Scenario, d.Package
	if len(args) > 0 {
		if name != "" && args[0] != name {
			return nil, usageErr("plan file %s is the plan of scenario %q, not of %q; run it with its own scenario", o.planFile, name, args[0])
		}
		name = args[0]
	}
	if len(args) > 1 {
		pkg = args[1]
	}
	if name == "" {
		return nil, usageErr("plan file %s names no scenario; give its name: hatest run --plan FILE NAME", o.planFile)
	}
	if pkg == "" {
		pkg = "./scenarios"
	}
	if o.focus != "" || o.labels != "" || o.shard != "" {
		return nil, usageErr("run --plan runs the one scenario its file names; leave out --focus, --label-filter and --shard")
	}
	if o.planFile, err = filepath.Abs(o.planFile); err != nil {
		return nil, usageErr("plan file: %v", err)
	}
	o.focus, o.planName = settings.Focus(name), name
	if o.seed == "" {
		o.seed = strconv.FormatInt(d.Seed, 10)
	}
	return []string{pkg}, nil
}

// checkPlanFile compiles o's suite and builds the plan of o's scenario
// from its plan file, running nothing: a file whose plan does not fit
// the scenario is a usage error before anything starts. The run then
// uses the binary it compiled (o.bin).
func checkPlanFile(o *runOpts, pkg string) error {
	ctx := context.Background()
	bin, dir, err := compile(ctx, pkg, nil, true)
	if err != nil {
		return err
	}
	if _, _, err := planOf(ctx, bin, dir, pkg, o.planName, o.seed, o.planFile); err != nil {
		os.RemoveAll(filepath.Dir(bin))
		return err
	}
	o.bin, o.binDir = bin, dir
	return nil
}
