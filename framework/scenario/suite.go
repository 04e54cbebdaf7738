package scenario

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/runtime/auto"
	"github.com/hatest/hatest/framework/settings"
	"github.com/hatest/hatest/reports"
)

// The settings' names, for suites that set them themselves.
const (
	EnvRuntime   = settings.EnvRuntime
	EnvReportDir = settings.EnvReportDir
	EnvSeed      = settings.EnvSeed
	EnvChild     = settings.EnvChild
)

var (
	cfg     settings.Config
	cfgErr  error
	cfgOnce sync.Once

	mu        sync.Mutex
	results   []result.Scenario
	started   time.Time
	nameIndex = map[string]bool{}

	// clientDefaults are RunSuite's: every scenario's clients start from
	// them.
	clientDefaults []ClientOption
)

func setClientDefaults(opts []ClientOption) {
	mu.Lock()
	defer mu.Unlock()
	clientDefaults = opts
}

func suiteClientDefaults() []ClientOption {
	mu.Lock()
	defer mu.Unlock()
	return clientDefaults
}

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
// directory. clientDefaults, if any, apply to every scenario's clients
// before the scenario's own options, such as a suite-wide schedule:
//
//	scenario.RunSuite(t, "my scenarios", scenario.Every(20*time.Millisecond))
func RunSuite(t *testing.T, description string, clientDefaults ...ClientOption) {
	setClientDefaults(clientDefaults)
	gomega.RegisterFailHandler(ginkgo.Fail)
	c, err := config()
	if err != nil {
		t.Fatalf("hatest: %v", err)
	}
	// A write to stderr after hatest died (a closed pipe) must fail, not
	// kill the suite with SIGPIPE in the middle of its cleanup.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	if os.Getenv(settings.EnvChild) != "" {
		go interruptWhenOrphaned(time.Second / 4)
	}
	if c.PlanOnly == "" && c.Analyze == "" {
		fmt.Fprintf(os.Stderr, "hatest: runtime %s (%s); seed %d; reports in %s\n", c.Runtime, c.Why, c.Seed, c.ReportDir)
		if n, err := auto.Sweep(context.Background(), c.Runtime); err != nil {
			fmt.Fprintf(os.Stderr, "hatest: sweep of earlier runs failed: %v\n", err)
		} else if n > 0 {
			fmt.Fprintf(os.Stderr, "hatest: removed %d containers and networks that dead runs left behind\n", n)
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
	if suite.LabelFilter == "" && c.PlanOnly == "" && c.Analyze == "" && c.PlanFile == "" {
		// Negative controls fail on purpose; they run when asked for by
		// label (hatest run --label-filter negative), or by a plan file,
		// which names its scenario.
		suite.LabelFilter = "!negative"
		fmt.Fprintln(os.Stderr, "hatest: no label filter given, so the negative controls are left out (label-filter !negative)")
	}
	if c.PlanOnly != "" {
		rc.Verbose, rc.Succinct = false, true
	}
	ginkgo.RunSpecs(t, description, suite, rc)
}

// config reads the settings once: the runtime is chosen once, so the
// whole suite uses one.
// Runtime is the runtime the suite runs on: "docker" or "process", or
// "none" when nothing runs (hatest plan, list); "" when the settings are
// wrong. A scenario may size its clients by it: a process restarts in a
// few milliseconds, which only a fine schedule sees, while on Docker the
// same clients would fall behind that schedule on a small machine.
func Runtime() string {
	c, err := config()
	if err != nil {
		return ""
	}
	return c.Runtime
}

func config() (settings.Config, error) {
	cfgOnce.Do(func() {
		cfg, cfgErr = settings.Read()
	})
	return cfg, cfgErr
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

func writeRun(c settings.Config) error {
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

var (
	focusOnce sync.Once
	focusRE   *regexp.Regexp
)

// selected reports whether the scenario called name is to be declared:
// it matches HATEST_FOCUS, or there is none. A focus that is not a regular
// expression selects nothing and says so (the CLI checks it first).
func selected(name string) bool {
	focusOnce.Do(func() {
		f := os.Getenv(settings.EnvFocus)
		if f == "" {
			return
		}
		re, err := regexp.Compile(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "hatest: %s=%q is not a regular expression: %v\n", settings.EnvFocus, f, err)
			re = regexp.MustCompile(`$^`)
		}
		focusRE = re
	})
	return focusRE == nil || focusRE.MatchString(name)
}
