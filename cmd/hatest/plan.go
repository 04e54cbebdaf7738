package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/settings"
)

func init() {
	commands = append(commands, &command{
		name: "plan", summary: "print a scenario's plan tree; runs nothing",
		usage: "plan [--seed N] NAME [PKG]",
		help: `Builds the named scenario's plan from the seed and prints it as a numbered
tree, exactly as 'hatest run' prints it before running. Nothing is started.
The same seed always gives the same plan. PKG defaults to ./scenarios.

Examples:
  hatest plan 'overlord in-service upgrade v1 to v2'
  hatest plan --seed 7 'seeded random upgrade plan'`,
		run: runPlan,
	})
}

func runPlan(args []string, stdout, _ io.Writer) error {
	c := find("plan")
	fs := flags(c, stdout)
	seed := fs.String("seed", "", "seed for randomized plans (default: chosen at random and printed)")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return usageErr("plan takes a scenario name and optionally a package; 'hatest list' shows the names")
	}
	name, pkg := fs.Arg(0), "./scenarios"
	if fs.NArg() == 2 {
		pkg = fs.Arg(1)
	}
	if *seed == "" {
		*seed = strconv.FormatInt(time.Now().UnixNano()%1_000_000, 10)
	} else if _, err := strconv.ParseInt(*seed, 10, 64); err != nil {
		return usageErr("--seed %q is not a whole number; give a seed such as 42", *seed)
	}
	ctx := context.Background()
	bin, dir, err := compile(ctx, pkg, nil, true)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(bin))
	out := filepath.Join(filepath.Dir(bin), "plan.txt")
	cmd := exec.CommandContext(ctx, bin, "-ginkgo.no-color", "-ginkgo.silence-skips")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), settings.EnvChild+"=1", settings.EnvPlanOnly+"="+out, settings.EnvSeed+"="+*seed,
		settings.EnvPackage+"="+pkg, settings.EnvFocus+"="+settings.Focus(name))
	log, runErr := cmd.CombinedOutput()
	plan, err := os.ReadFile(out)
	if err != nil || len(plan) == 0 {
		if runErr != nil && !strings.Contains(string(log), "Ran 0 of") {
			return usageErr("plan %q: the suite failed: %s", name, firstLine(lastLines(string(log), 8)))
		}
		return usageErr("no scenario named %q in %s; 'hatest list %s' shows the names", name, pkg, pkg)
	}
	fmt.Fprint(stdout, string(plan))
	return nil
}
