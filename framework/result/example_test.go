package result_test

import (
	"fmt"

	"github.com/hatest/hatest/framework/result"
)

// A run of one scenario, as results.json holds it; reports.WriteRun writes
// it, the CLI gates on it.
func ExampleRun() {
	s := result.Scenario{Scenario: "kill primary", Slug: "kill-primary", Status: result.StatusPassed, Passed: true}
	run := result.Run{Schema: result.Schema, Runtime: "process", Scenarios: []result.Scenario{s}}
	for _, s := range run.Scenarios {
		fmt.Println(s.Slug, s.Status)
	}
	// Output: kill-primary passed
}
