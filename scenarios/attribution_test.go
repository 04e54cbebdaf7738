package scenarios_test

import (
	"fmt"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/fault"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/scenario"
	"github.com/hatest/hatest/framework/upgrade"
)

// Causes come from the client's own path (issue 11): a rolling upgrade of
// three replicas while web-2's client link is slow. The latency on web-2
// overlaps web-1's upgrade, but web-1's clients do not go through web-2:
// their windows must name web-1's upgrade and never the fault, which only
// web-2's clients can blame. The failover breakdown must list web-1's
// upgrade for them.
var _ = scenario.It("causes come from each client's own path", Label("measurement", "rolling"), func(s *scenario.S) {
	web := s.Replicas("web", 3, "v1")
	// A replica's process restarts in a few ms, which only clients at 5 ms
	// see; on Docker a restart takes longer, and six clients at 5 ms fall
	// behind their schedule on two cores, so there the suite's 20 ms.
	every := probeEvery
	if scenario.Runtime() == "process" {
		every = 5 * time.Millisecond
	}
	for _, r := range web {
		s.Clients(2, r, scenario.Every(every)) // two, so that a restart is seen by one at least; more would overload two cores on Docker
	}
	s.LatencyBudget(150 * time.Millisecond)
	rolling := upgrade.Rolling(scenario.Names(web), "v1", "v2")
	rolling.Pause = 500 * time.Millisecond
	s.Step(scenario.Concurrently(
		fault.For(fault.Latency("web-2", 250*time.Millisecond, 0), 2500*time.Millisecond),
		rolling,
	))
	s.Expect(
		causesOnPath("web-1", "web-2"),
		check.LastServedBy("v2"),
		check.NoLostWrites(),
	)
})

// causesOnPath is the verdict of the scenario above: every window of
// upgraded's clients names upgraded's upgrade step, and no window of a
// client off faulted's path names the fault on faulted; at least one
// window of faulted's clients does, and the failover breakdown lists
// upgraded's step.
func causesOnPath(upgraded, faulted string) check.Rule {
	return check.Rule{
		Name: fmt.Sprintf("%s's clients blame %s's upgrade, and only %s's clients blame the fault on %s", upgraded, upgraded, faulted, faulted),
		Judge: func(s *result.Scenario) (check.Outcome, string) {
			step := stepID(s, "step", "upgrade "+upgraded+" ")
			flt := stepID(s, "fault", "on link "+faulted+" ")
			if step == "" || flt == "" {
				return check.Fail, fmt.Sprintf("no upgrade step of %s (%q) or no fault on %s (%q) on the timeline", upgraded, step, faulted, flt)
			}
			path := map[string][]string{}
			for _, c := range s.Clients {
				path[c.Name] = c.Path
			}
			var problems []string
			upgradedWindows, faultedWindows := 0, 0
			for _, w := range s.Windows {
				p, ok := path[w.Client]
				if !ok || len(p) == 0 {
					problems = append(problems, fmt.Sprintf("client %s has no path", w.Client))
					continue
				}
				at := fmt.Sprintf("window of %s %s at %.1fms (causes %v)", w.Client, w.Class, w.StartMS, w.Causes)
				blamesFault := slices.Contains(w.Causes, flt)
				if blamesFault && !slices.Contains(p, faulted) {
					problems = append(problems, at+" blames "+flt+", which is not on its path "+strings.Join(p, ", "))
				}
				if slices.Contains(p, faulted) && blamesFault {
					faultedWindows++
				}
				if slices.Contains(p, upgraded) {
					upgradedWindows++
					if !slices.Contains(w.Causes, step) {
						problems = append(problems, at+" does not name "+step+", the upgrade of "+upgraded)
					}
				}
			}
			if upgradedWindows == 0 {
				problems = append(problems, "no client of "+upgraded+" saw its upgrade")
			}
			if faultedWindows == 0 {
				problems = append(problems, "no client of "+faulted+" blamed "+flt)
			}
			if !slices.ContainsFunc(s.Failovers, func(f result.Failover) bool { return f.Cause == step }) {
				problems = append(problems, "the failover breakdown has no row for "+step)
			}
			if len(problems) > 0 {
				return check.Fail, strings.Join(problems, "; ")
			}
			return check.Pass, fmt.Sprintf("%d windows of %s's clients name %s; %d windows of %s's clients name %s, no other client's does",
				upgradedWindows, upgraded, step, faultedWindows, faulted, flt)
		},
	}
}

// stepID is the ID of the first event of kind whose description contains
// desc, or "".
func stepID(s *result.Scenario, kind, desc string) string {
	for _, st := range s.Steps {
		if st.Kind == kind && strings.Contains(st.Desc, desc) {
			return st.ID
		}
	}
	return ""
}
