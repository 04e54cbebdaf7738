package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/settings"
)

func init() {
	commands = append(commands, &command{
		name: "plan", summary: "print a scenario's plan tree; runs nothing",
		usage: "plan [--seed N] [--json] NAME [PKG]",
		help: `Builds the named scenario's plan from the seed and prints it as a numbered
tree, exactly as 'hatest run' prints it before running. Nothing is started.
The same seed always gives the same plan. PKG defaults to ./scenarios.

A plan the planner draws (framework/planner) shows its whole version
path, faults and waits: the seeded random plans, and the version matrix's
scenarios, one per entry (N-1 -> N, N-2 -> N, the downgrade rehearsal, a
rollback part-way through a rolling upgrade). A plan longer than the
planner's bound (Config.MaxSteps, 40 leaf steps by default) is refused
here as at 'hatest run', in one line with its length and the bound.

--json writes the plan as data instead, a plan file: its upgrades and
faults in order, each with the parameters the seed drew (hold_ms,
latency_ms, the members it acts on) and the wait after it. Edit it, run it
with 'hatest run --plan FILE NAME', shrink it with 'hatest shrink'. Only a
plan the planner draws has data; a plan written by hand in the scenario
is refused.

Examples:
  hatest plan 'overlord in-service upgrade v1 to v2'
  hatest plan --seed 7 'seeded random upgrade plan'
  hatest plan --seed 7 'matrix: rollback at 50% on a standby pair'
  hatest plan --seed 7 --json 'seeded random upgrade plan' > plan.json`,
		run: runPlan,
	})
}

func runPlan(args []string, stdout, _ io.Writer) error {
	c := find("plan")
	fs := flags(c, stdout)
	seed := fs.String("seed", "", "seed for randomized plans (default: chosen at random and printed)")
	asJSON := fs.Bool("json", false, "write the plan as data (a plan file for hatest run --plan and hatest shrink)")
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
	plan, data, err := planOf(ctx, bin, dir, pkg, name, *seed, "")
	if err != nil {
		return err
	}
	if *asJSON {
		if data == nil {
			return usageErr("scenario %q draws no plan as data (planner.For), so it has no plan file; hatest plan without --json shows its plan", name)
		}
		_, err = stdout.Write(data)
		return err
	}
	fmt.Fprint(stdout, string(plan))
	return nil
}

// planOf builds the plan of scenario name in a compiled suite, running
// nothing: its numbered lines, and its plan data (nil when it draws no
// plan as data). A plan file given (planFile) is checked against the
// scenario's topology as a run would: one that does not fit is a usage
// error.
func planOf(ctx context.Context, bin, dir, pkg, name, seed, planFile string) (lines, data []byte, err error) {
	out := filepath.Join(filepath.Dir(bin), "plan.txt")
	_ = os.Remove(out)
	_ = os.Remove(out + ".json")
	_ = os.Remove(out + ".err")
	cmd := exec.CommandContext(ctx, bin, "-ginkgo.no-color", "-ginkgo.silence-skips")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), settings.EnvChild+"=1", settings.EnvPlanOnly+"="+out, settings.EnvSeed+"="+seed,
		settings.EnvPackage+"="+pkg, settings.EnvFocus+"="+settings.Focus(name), settings.EnvPlanFile+"="+planFile)
	log, runErr := cmd.CombinedOutput()
	lines, err = os.ReadFile(out)
	if err != nil || len(lines) == 0 {
		if why, err := os.ReadFile(out + ".err"); err == nil {
			// The declaration failed; the child says why.
			if _, after, ok := strings.Cut(string(why), "panicked: plan file: "); ok && planFile != "" {
				return nil, nil, usageErr("plan file %s does not fit scenario %q: %s", planFile, name, after)
			}
			return nil, nil, usageErr("plan %q: %s", name, firstLine(string(why)))
		}
		if runErr != nil && !strings.Contains(string(log), "Ran 0 of") {
			return nil, nil, usageErr("plan %q: the suite failed: %s", name, suiteFailure(string(log)))
		}
		return nil, nil, usageErr("no scenario named %q in %s; 'hatest list %s' shows the names", name, pkg, pkg)
	}
	data, err = os.ReadFile(out + ".json")
	if err != nil {
		data = nil
	}
	return lines, data, nil
}

// failedLine is the line of a Ginkgo report that says why a spec failed
// ("  [FAILED] declare ...: the scenario's body panicked: ...").
var failedLine = regexp.MustCompile(`(?m)^\s+\[FAILED\] (\S.*)$`)

// suiteFailure is why the suite failed, in one line: the first spec's
// failure message (a scenario whose declaration panicked, a plan over the
// planner's bound), or else the start of the suite's last lines.
func suiteFailure(log string) string {
	if m := failedLine.FindStringSubmatch(log); m != nil {
		return strings.TrimSpace(m[1])
	}
	return firstLine(lastLines(log, 8))
}
