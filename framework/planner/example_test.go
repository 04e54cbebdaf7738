package planner_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/hatest/hatest/framework/planner"
)

// The same seed draws the same plan.
func Example() {
	steps, final := planner.Plan(rand.New(rand.NewPCG(42, 7)), planner.Config{Service: "driver", Versions: []string{"v1", "v2"}, MaxFaults: 1})
	for _, st := range steps {
		fmt.Println(st.Description())
		for _, ch := range st.Meta().Children {
			fmt.Println("  ", ch.Description())
		}
	}
	fmt.Println("ends at", final)
	// Output:
	// concurrently, 2 branches:
	//    fault: slicer 64±32 bytes every 1ms on link driver (downstream) for 1.971s
	//    in sequence, 2 steps:
	// wait 773ms
	// ends at v2
}
