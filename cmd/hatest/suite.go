package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/hatest/hatest/framework/settings"
)

// spec is one scenario a suite holds.
type spec struct {
	Name   string
	Labels []string
}

// listSpecs asks the suite in pkg which scenarios match the label filter,
// without running any: a Ginkgo dry run with a JSON report.
func listSpecs(ctx context.Context, pkg, labelFilter string) ([]spec, error) {
	bin, dir, err := compile(ctx, pkg, nil, true)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(filepath.Dir(bin))
	report := filepath.Join(filepath.Dir(bin), "dry-run.json")
	args := []string{"-ginkgo.dry-run", "-ginkgo.silence-skips", "-ginkgo.no-color", "-ginkgo.json-report=" + report}
	if labelFilter != "" {
		args = append(args, "-ginkgo.label-filter="+labelFilter)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), settings.EnvChild+"=1", settings.EnvPlanOnly+"="+filepath.Join(filepath.Dir(bin), "plans.txt"))
	if out, err := cmd.CombinedOutput(); err != nil {
		if _, serr := os.Stat(report); serr != nil {
			return nil, usageErr("list %s: %s", pkg, firstLine(lastLines(string(out), 5)))
		}
	}
	b, err := os.ReadFile(report)
	if err != nil {
		return nil, usageErr("list %s: the suite wrote no report: %v", pkg, err)
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		return nil, usageErr("list %s: %v", pkg, err)
	}
	var out []spec
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType != types.NodeTypeIt || s.State.Is(types.SpecStateSkipped|types.SpecStatePending) {
				continue
			}
			name := strings.TrimSpace(strings.Join(append(s.ContainerHierarchyTexts, s.LeafNodeText), " "))
			out = append(out, spec{Name: name, Labels: s.Labels()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// shard is "i/n": the i-th of n disjoint parts of a selection.
type shard struct{ i, n int }

func parseShard(s string) (shard, error) {
	if s == "" {
		return shard{1, 1}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return shard{}, usageErr("--shard %q is not i/n with 1 <= i <= n, e.g. 2/3", s)
	}
	return shard{i, n}, nil
}

// pick returns the shard's part of specs, which must be sorted: every
// n-th spec starting at the i-th. The parts for i = 1..n are disjoint and
// together are all of specs, whatever machine computes them.
func (sh shard) pick(specs []spec) []spec {
	var out []spec
	for k, s := range specs {
		if k%sh.n == sh.i-1 {
			out = append(out, s)
		}
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
