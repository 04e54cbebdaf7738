package settings

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/gate"
	"github.com/hatest/hatest/framework/runtime/auto"
)

// The variables.
const (
	EnvRuntime   = "HATEST_RUNTIME"    // auto (default), docker or process
	EnvReportDir = "HATEST_REPORT_DIR" // default: hatest-out at the module root
	EnvSeed      = "HATEST_SEED"       // default: chosen at random and printed
	EnvPlanOnly  = "HATEST_PLAN_ONLY"  // a file: write each focused plan there, run nothing
	EnvPackage   = "HATEST_PACKAGE"    // the suite's package, for replay commands
	EnvPlanFile  = "HATEST_PLAN_FILE"  // a plan file: the plan to run in place of the drawn one
	// EnvFocus is a regular expression matched against scenario names
	// (Ginkgo's own -ginkgo.focus also sees the suite's description).
	// Scenarios it does not match are not declared at all.
	EnvFocus = "HATEST_FOCUS"
	// EnvChild is set by hatest run in the suite binaries it starts. Tests
	// that drive hatest run themselves skip when they find it, so that a
	// suite never starts itself again.
	EnvChild = "HATEST_CHILD"
	// EnvBudgets is a budgets file (docs/gating.md). Its limits become
	// verdicts of each scenario they apply to, judged in the suite with
	// every other verdict, before any report is written.
	EnvBudgets = "HATEST_BUDGETS"
	// EnvAnalyze is a report directory of an earlier run: each scenario
	// of the suite found there is analysed and judged again from what it
	// recorded (hatest analyze), and nothing runs.
	EnvAnalyze = "HATEST_ANALYZE"
)

// Config is the suite-wide configuration.
type Config struct {
	Runtime   string // "docker" or "process" once chosen; "none" when nothing runs
	Why       string // one line: why that runtime
	ReportDir string
	Seed      int64
	PlanOnly  string
	Analyze   string // the report directory to analyse again; "" to run
	Package   string
	Commit    string
	// PlanFile is the plan file to run in place of the plan the seed
	// draws (hatest run --plan), and Plan its bytes; "" and nil when none
	// was given.
	PlanFile string
	Plan     []byte
	// Budgets are the limits of the budgets file named by EnvBudgets; nil
	// when none was given.
	Budgets *gate.Budgets
}

// Read reads the configuration from the environment. The runtime is
// chosen here, so that the whole suite uses one.
func Read() (Config, error) {
	c := Config{PlanOnly: os.Getenv(EnvPlanOnly), Package: os.Getenv(EnvPackage), Analyze: os.Getenv(EnvAnalyze)}
	if c.Package == "" {
		// Under plain go test the working directory is the package's.
		c.Package = "./scenarios"
		if root, err := moduleRoot(); err == nil {
			if wd, err := os.Getwd(); err == nil {
				if rel, err := filepath.Rel(root, wd); err == nil && !strings.HasPrefix(rel, "..") {
					c.Package = "./" + filepath.ToSlash(rel)
				}
			}
		}
	}
	c.ReportDir = os.Getenv(EnvReportDir)
	if c.ReportDir == "" {
		root, err := moduleRoot()
		if err != nil {
			return c, err
		}
		c.ReportDir = filepath.Join(root, "hatest-out")
	}
	if s := os.Getenv(EnvSeed); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return c, fmt.Errorf("%s=%q is not a whole number; give a seed such as 42", EnvSeed, s)
		}
		c.Seed = n
	} else {
		c.Seed = time.Now().UnixNano() % 1_000_000
	}
	c.Commit = gitCommit()
	if f := os.Getenv(EnvPlanFile); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvPlanFile, err)
		}
		c.PlanFile, c.Plan = f, b
	}
	if f := os.Getenv(EnvBudgets); f != "" {
		b, err := gate.LoadBudgets(f)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvBudgets, err)
		}
		c.Budgets = b
	}
	if c.PlanOnly != "" || c.Analyze != "" {
		c.Runtime, c.Why = "none", "nothing runs"
		return c, nil
	}
	rt, why, err := auto.Choose(context.Background(), os.Getenv(EnvRuntime))
	c.Runtime, c.Why = rt, why
	return c, err
}

// Replay is the command that reruns exactly the scenario called name with
// c's seed and runtime.
func Replay(c Config, name string) string {
	if c.PlanFile != "" {
		return fmt.Sprintf("hatest run --runtime %s --plan %s %s %s", c.Runtime, ShellQuote(c.PlanFile), ShellQuote(name), c.Package)
	}
	return fmt.Sprintf("hatest run --runtime %s --seed %d --focus %s %s", c.Runtime, c.Seed, ShellQuote(Focus(name)), c.Package)
}

// Focus is a Ginkgo focus expression that matches exactly the scenarios
// with these names.
func Focus(names ...string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = regexpQuote(n)
	}
	if len(parts) == 1 {
		return "^" + parts[0] + "$"
	}
	return "^(" + strings.Join(parts, "|") + ")$"
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ShellQuote puts s in single quotes for a shell: what a replay command
// prints.
func ShellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		wd, _ := os.Getwd()
		return wd, nil
	}
	return filepath.Dir(mod), nil
}

func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
