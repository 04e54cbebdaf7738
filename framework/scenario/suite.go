package scenario

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/hatest/hatest/framework/gate"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/reports"
)

// Settings of a suite run. The hatest CLI sets them through the
// environment of the test binary; `go test` users may set them too.
const (
	EnvRuntime   = "HATEST_RUNTIME"    // auto (default), docker or process
	EnvReportDir = "HATEST_REPORT_DIR" // default: hatest-out at the module root
	EnvSeed      = "HATEST_SEED"       // default: chosen at random and printed
	EnvPlanOnly  = "HATEST_PLAN_ONLY"  // a file: write each focused plan there, run nothing
	EnvReplay    = "HATEST_REPLAY"     // how to rerun: "hatest" (default) or "go test"
	EnvPackage   = "HATEST_PACKAGE"    // the suite's package, for replay commands
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
)

// Config is the suite-wide configuration, read once.
type Config struct {
	Runtime   string // "docker" or "process" once chosen
	Why       string // one line: why that runtime
	ReportDir string
	Seed      int64
	PlanOnly  string
	Package   string
	Commit    string
	// Budgets are the limits of the budgets file named by EnvBudgets; nil
	// when none was given.
	Budgets *gate.Budgets
}

var (
	cfg     Config
	cfgErr  error
	cfgOnce sync.Once

	mu        sync.Mutex
	results   []result.Scenario
	started   time.Time
	nameIndex = map[string]bool{}
)

func register(name string) {
	mu.Lock()
	defer mu.Unlock()
	if nameIndex[name] {
		panic(fmt.Sprintf("two scenarios are named %q; names must be unique", name))
	}
	nameIndex[name] = true
}

// RunSuite runs the Ginkgo suite of scenarios in place of RunSpecs: it
// chooses the runtime, sweeps what dead runs left behind, and after the
// last spec writes index.html, results.json and junit.xml to the report
// directory.
func RunSuite(t *testing.T, description string) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	c, err := settings()
	if err != nil {
		t.Fatalf("hatest: %v", err)
	}
	// A write to stderr after hatest died (a closed pipe) must fail, not
	// kill the suite with SIGPIPE in the middle of its cleanup.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	if os.Getenv(EnvChild) != "" {
		go interruptWhenOrphaned(time.Second / 4)
	}
	if c.PlanOnly == "" {
		fmt.Fprintf(os.Stderr, "hatest: runtime %s (%s); seed %d; reports in %s\n", c.Runtime, c.Why, c.Seed, c.ReportDir)
		if c.Runtime == "docker" {
			if n, err := docker.Sweep(context.Background()); err != nil {
				fmt.Fprintf(os.Stderr, "hatest: sweep of earlier runs failed: %v\n", err)
			} else if n > 0 {
				fmt.Fprintf(os.Stderr, "hatest: removed %d containers and networks that dead runs left behind\n", n)
			}
		}
	}
	started = time.Now()
	ginkgo.ReportAfterSuite("hatest reports", func(r ginkgo.Report) {
		if c.PlanOnly != "" {
			return
		}
		if err := writeRun(c); err != nil {
			fmt.Fprintf(os.Stderr, "hatest: %v\n", err)
		}
	})
	suite, rc := ginkgo.GinkgoConfiguration()
	if suite.LabelFilter == "" && c.PlanOnly == "" {
		// Negative controls fail on purpose; they run when asked for by
		// label (hatest run --label-filter negative).
		suite.LabelFilter = "!negative"
		fmt.Fprintln(os.Stderr, "hatest: no label filter given, so the negative controls are left out (label-filter !negative)")
	}
	if c.PlanOnly != "" {
		rc.Verbose, rc.Succinct = false, true
	}
	ginkgo.RunSpecs(t, description, suite, rc)
}

// settings reads the configuration once. The runtime is chosen here so
// the whole suite uses one.
func settings() (Config, error) {
	cfgOnce.Do(func() {
		cfg, cfgErr = readSettings()
	})
	return cfg, cfgErr
}

func readSettings() (Config, error) {
	c := Config{PlanOnly: os.Getenv(EnvPlanOnly), Package: os.Getenv(EnvPackage)}
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
	if f := os.Getenv(EnvBudgets); f != "" {
		b, err := gate.LoadBudgets(f)
		if err != nil {
			return c, fmt.Errorf("%s: %w", EnvBudgets, err)
		}
		c.Budgets = b
	}
	if c.PlanOnly != "" {
		c.Runtime, c.Why = "none", "plan only"
		return c, nil
	}
	rt, why, err := ChooseRuntime(context.Background(), os.Getenv(EnvRuntime))
	c.Runtime, c.Why = rt, why
	return c, err
}

// ChooseRuntime resolves "auto", "docker" or "process" ("" is auto). auto
// picks Docker when an engine answers within two seconds, else process.
func ChooseRuntime(ctx context.Context, want string) (name, why string, err error) {
	switch want {
	case "", "auto":
		start := time.Now()
		if err := docker.Available(ctx, 2*time.Second); err != nil {
			return "process", "auto: no docker engine answered, so local processes", nil
		}
		return "docker", fmt.Sprintf("auto: a docker engine answered in %s", time.Since(start).Round(time.Millisecond)), nil
	case "docker":
		if err := docker.Available(ctx, 5*time.Second); err != nil {
			return "", "", fmt.Errorf("%w", err)
		}
		return "docker", "asked for docker", nil
	case "process":
		return "process", "asked for local processes", nil
	}
	return "", "", fmt.Errorf("unknown runtime %q: use auto, docker or process", want)
}

// newRuntime makes a fresh runtime for one scenario, so that each has its
// own network and leaves nothing behind.
func newRuntime(ctx context.Context, c Config, runID string) (runtime.Runtime, error) {
	switch c.Runtime {
	case "docker":
		return docker.New(ctx, docker.WithRunID(runID))
	case "process":
		return process.New(ctx, process.WithRunID(runID))
	}
	return nil, fmt.Errorf("no runtime %q", c.Runtime)
}

// keep adds a scenario's result to the run's. A later attempt of the same
// scenario (Ginkgo's --flake-attempts) replaces the earlier one and carries
// its failure, so results.json has one entry per scenario and a flaky pass
// is marked as one.
func keep(s result.Scenario) result.Scenario {
	mu.Lock()
	defer mu.Unlock()
	for i, prev := range results {
		if prev.Scenario == s.Scenario {
			s.Attempt = max(prev.Attempt, 1) + 1
			s.EarlierFailure = prev.Failure
			results[i] = s
			return s
		}
	}
	results = append(results, s)
	return s
}

func writeRun(c Config) error {
	mu.Lock()
	run := result.Run{
		Schema: result.Schema, Runtime: c.Runtime, Seed: c.Seed,
		StartedAt: started, Commit: c.Commit,
		Scenarios: append([]result.Scenario(nil), results...),
	}
	mu.Unlock()
	// One writer for results.json, index.html and junit.xml, from the
	// same verdicts: they cannot disagree.
	if err := reports.WriteRun(c.ReportDir, &run); err != nil {
		return fmt.Errorf("write run report: %w", err)
	}
	fmt.Fprintf(os.Stderr, "hatest: report %s\n", filepath.Join(c.ReportDir, "index.html"))
	return nil
}

// interruptWhenOrphaned interrupts the suite once the hatest process that
// started it is gone (its parent changes): the suite runs in a process
// group of its own, so nobody else would tell it. The interrupt makes
// Ginkgo stop the running scenario, which cleans up and writes its
// report, as after Ctrl-C.
func interruptWhenOrphaned(every time.Duration) {
	parent := os.Getppid()
	for range time.Tick(every) {
		if os.Getppid() != parent {
			fmt.Fprintln(os.Stderr, "hatest: the hatest process that started this suite is gone; interrupting the suite so that it cleans up and writes its reports")
			_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
			return
		}
	}
}

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

var (
	focusOnce sync.Once
	focusRE   *regexp.Regexp
)

// selected reports whether the scenario called name is to be declared:
// it matches HATEST_FOCUS, or there is none. A focus that is not a regular
// expression selects nothing and says so (the CLI checks it first).
func selected(name string) bool {
	focusOnce.Do(func() {
		f := os.Getenv(EnvFocus)
		if f == "" {
			return
		}
		re, err := regexp.Compile(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "hatest: %s=%q is not a regular expression: %v\n", EnvFocus, f, err)
			re = regexp.MustCompile(`$^`)
		}
		focusRE = re
	})
	return focusRE == nil || focusRE.MatchString(name)
}
