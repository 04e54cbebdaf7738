package check_test

import (
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/result"
)

// upgraded is the result of a run in which client c3 could not write for
// 2.3 s while the driver was upgraded.
func upgraded() result.Scenario {
	return result.Scenario{
		Scenario: "upgrade under load",
		Steps:    []result.Step{{ID: "step-2", Desc: "upgrade driver v1 -> v2 via overlord", Kind: "step", StartMS: 1000, EndMS: 3600}},
		Windows: []result.Window{{
			Client: "c3", Class: "write", StartMS: 1204.5, EndMS: 3518.7, DurationMS: 2314.2, Failed: 460,
			Reasons: []string{"dial: connection refused"}, Causes: []string{"step-2"},
		}},
		Summary: result.Summary{Ops: 24000, FailedOps: 460, ErrorRate: 460.0 / 24000, MaxWindowMS: 2314.2, Windows: 1, Clients: 4},
		Clients: []result.Client{
			{Name: "c1", LastVersion: "v2"}, {Name: "c2", LastVersion: "v2"},
			{Name: "c3", LastVersion: "v2"}, {Name: "c4", LastVersion: "v2"},
		},
	}
}

// Judging a result directly: Evaluate records an assertion for each rule
// and returns the first failure; Status makes the scenario's status.
func ExampleEvaluate() {
	res := upgraded()
	err := check.Evaluate(&res, check.MaxOutageBelow(2*time.Second), check.LastServedBy("v2"))
	fmt.Println(err)
	res.Status = check.Status(res.Assertions, false)
	for _, a := range res.Assertions {
		fmt.Printf("%s: passed %v\n", a.Name, a.Passed)
	}
	fmt.Println(res.Status)
	// Output:
	// max outage 2314.2ms > budget 2000ms: client c3 write window at 1204.5ms for 2314.2ms, caused by step-2 (upgrade driver v1 -> v2 via overlord), reasons: dial: connection refused
	// max outage ≤ 2000ms: passed false
	// last served by v2: passed true
	// failed
}

// A custom verdict is a Rule; it never appends an assertion itself.
func ExampleRule() {
	writesShort := check.Rule{Name: "no write window over 2 s", Judge: func(s *result.Scenario) (check.Outcome, string) {
		for _, w := range s.Windows {
			if w.Class == "write" && w.DurationMS > 2000 {
				return check.Fail, fmt.Sprintf("client %s write window at %.1fms for %.1fms", w.Client, w.StartMS, w.DurationMS)
			}
		}
		return check.Pass, "every write window under 2 s"
	}}
	res := upgraded()
	fmt.Println(check.Evaluate(&res, writesShort))
	// Output: client c3 write window at 1204.5ms for 2314.2ms
}
