package negative_test

import (
	"fmt"
	"regexp"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/internal/negative"
)

// Judge on a run in which one control failed for its reason and another
// passed: the second is a bug in hatest.
func Example() {
	controls := map[string]*regexp.Regexp{
		"negative: amnesia build loses acknowledged writes": regexp.MustCompile(`acknowledged writes lost`),
		"negative: rogue secondary causes split brain":      regexp.MustCompile(`split brain`),
	}
	ran := []result.Scenario{
		{Scenario: "negative: amnesia build loses acknowledged writes", Status: result.StatusFailed, Failure: "3 of 900 acknowledged writes lost"},
		{Scenario: "negative: rogue secondary causes split brain", Status: "passed", Passed: true},
	}
	for _, m := range negative.Judge(ran, controls) {
		fmt.Println(m)
	}
	// Output:
	// negative: rogue secondary causes split brain: PASSED; a negative control that passes is a bug in hatest
}
