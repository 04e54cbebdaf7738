// Package framework_test holds the import rules of the framework: the
// layering docs/ARCHITECTURE.md draws, checked with `go list -deps` so
// that it cannot rot.
package framework_test

import (
	"os/exec"
	"strings"
	"testing"
)

const (
	mod        = "github.com/hatest/hatest/"
	ginkgoRoot = "github.com/onsi/ginkgo/v2"
)

// reaches says whether dependency d is the forbidden package bad: a
// prefix when bad ends in "/", the package alone for Ginkgo's root, else
// the package and those under it.
func reaches(d, bad string) bool {
	switch {
	case strings.HasSuffix(bad, "/"):
		return strings.HasPrefix(d, bad)
	case bad == ginkgoRoot:
		return d == bad
	}
	return d == bad || strings.HasPrefix(d, bad+"/")
}

// Groups of packages a rule forbids.
var (
	// Ginkgo's DSL and its machinery; ginkgo/v2/types (the data of a
	// report) is not the DSL.
	ginkgoDSL = []string{ginkgoRoot, "github.com/onsi/ginkgo/v2/internal/"}
	engines   = []string{"github.com/testcontainers/", "github.com/moby/", "github.com/Shopify/toxiproxy/"}
	runtimes  = []string{mod + "framework/runtime/docker", mod + "framework/runtime/process"}
	running   = []string{mod + "framework/system", mod + "framework/runtime", mod + "framework/runner"}
	// The reference system: the core never names it (package
	// fixtures/reference gives the DSL and calibration its builds).
	fixtures  = []string{mod + "fixtures/"}
	declaring = []string{mod + "framework/scenario", mod + "framework/plan", mod + "framework/step", mod + "framework/upgrade", mod + "framework/fault"}
)

func cat(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// rules: each package (and everything it links) must not reach these.
var rules = []struct {
	pkg, why string
	not      []string
}{
	// Pure: data in, data out; testable without Docker, Ginkgo or the
	// running system.
	{"framework/timeline", "pure", cat(ginkgoDSL, engines, runtimes, running, declaring, []string{mod + "framework/result", mod + "framework/check"})},
	{"framework/result", "pure data", cat(ginkgoDSL, engines, running, declaring, []string{mod + "framework/timeline", mod + "framework/check"})},
	{"framework/probe", "pure", cat(ginkgoDSL, engines, running, declaring)},
	{"framework/check", "pure", cat(ginkgoDSL, engines, running, declaring)},
	{"framework/gate", "pure", cat(ginkgoDSL, engines, running, declaring)},
	{"framework/analysis", "pure", cat(ginkgoDSL, engines, running, declaring)},
	{"framework/health", "readiness checks, standard library only", cat(ginkgoDSL, engines, runtimes, running, declaring)},
	{"framework/format", "pure", cat(ginkgoDSL, engines, running, declaring, []string{mod + "framework/result"})},
	{"framework/shrink", "pure: knows nothing of plans or runs", cat(ginkgoDSL, engines, running, declaring, []string{mod + "framework/planner", mod + "framework/result"})},
	{"reports", "renders result data only", cat(ginkgoDSL, engines, running, declaring, []string{mod + "framework/timeline", mod + "framework/check", mod + "framework/analysis"})},
	// The step protocol and the plan know the system's types, never how it
	// runs or the DSL that declares them.
	{"framework/step", "the step protocol", cat(ginkgoDSL, engines, runtimes, []string{mod + "framework/plan", mod + "framework/runner", mod + "framework/scenario"})},
	{"framework/plan", "the declaration", cat(ginkgoDSL, engines, runtimes, []string{mod + "framework/runner", mod + "framework/scenario", mod + "framework/analysis"})},
	{"framework/planner", "draws plans; imports no DSL", cat(ginkgoDSL, engines, runtimes, []string{mod + "framework/scenario", mod + "framework/plan", mod + "framework/runner"})},
	{"framework/upgrade", "makes steps", cat(ginkgoDSL, engines, runtimes, []string{mod + "framework/scenario", mod + "framework/plan", mod + "framework/runner"})},
	{"framework/fault", "makes steps", cat(ginkgoDSL, engines, runtimes, []string{mod + "framework/scenario", mod + "framework/plan", mod + "framework/runner"})},
	// The runner runs plans without Ginkgo; the binding is the only DSL.
	{"framework/runner", "runs plans without Ginkgo", cat(ginkgoDSL, []string{mod + "framework/scenario"})},
	{"framework/system", "runs any system; names no fixture", cat(ginkgoDSL, declaring, fixtures)},
	{"framework/runtime/...", "starts any program; names no fixture", cat(ginkgoDSL, declaring, running[:1], fixtures)},
	{"framework/settings", "suite settings, shared with the CLI", cat(ginkgoDSL, []string{mod + "framework/scenario", mod + "framework/runner"})},
	{"cmd/hatest", "the CLI does not link Ginkgo's DSL", cat(ginkgoDSL, []string{mod + "framework/scenario"})},
}

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "./"+pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ./%s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}

func TestImportRules(t *testing.T) {
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			self := mod + r.pkg
			for _, d := range deps(t, "../"+r.pkg) {
				if d == self {
					continue
				}
				for _, bad := range r.not {
					if reaches(d, bad) {
						t.Errorf("%s (%s) links %s", r.pkg, r.why, d)
					}
				}
			}
		})
	}
}

// Only the Ginkgo binding imports Ginkgo's DSL among the framework's
// packages.
func TestOnlyScenarioImportsGinkgo(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			if imp == ginkgoRoot && f[0] != mod+"framework/scenario" {
				t.Errorf("%s imports Ginkgo's DSL; only framework/scenario may", f[0])
			}
		}
	}
}
