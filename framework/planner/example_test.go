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

// A cluster: rolling upgrades, and partitions that leave a quorum even
// with the member the upgrade has down. A cluster of 3 may lose one
// member to a fault at rest and none during its upgrade; one of 5, two
// and one.
func Example_cluster() {
	for _, n := range []int{3, 5} {
		fmt.Printf("%d members: at rest %d, during %d\n", n, planner.Unreachable(n, planner.Between), planner.Unreachable(n, planner.During))
	}
	steps, final := planner.Plan(rand.New(rand.NewPCG(5, 7)), planner.Config{
		Cluster: "kv", Members: []string{"e1", "e2", "e3", "e4", "e5"}, Versions: []string{"v1", "v2"}, MaxFaults: 1,
	})
	for _, st := range steps {
		fmt.Println(st.Description())
		for _, ch := range st.Meta().Children {
			fmt.Println("  ", ch.Description())
		}
	}
	fmt.Println("ends at", final)
	// Output:
	// 3 members: at rest 1, during 0
	// 5 members: at rest 2, during 1
	// concurrently, 2 branches:
	//    fault: partition e2 from e1, e3, e4, e5 for 936ms
	//    in sequence, 2 steps:
	// wait 761ms
	// ends at v2
}

// The version matrix of a cluster of 3 at three versions, and the plan
// of its rollback: two members of three upgraded, rolled back last
// first, then the upgrade of all.
func Example_matrix() {
	c := planner.Config{Cluster: "kv", Members: []string{"e1", "e2", "e3"}, Versions: []string{"v1", "v2", "v3"}, MaxFaults: -1}
	for _, e := range planner.Matrix(c) {
		fmt.Printf("%s: from %s to %s\n", e.Name, e.Start, e.Final)
	}
	rollback := planner.Matrix(c)[3]
	steps, final := rollback.Plan(rand.New(rand.NewPCG(1, 7)))
	for _, st := range steps {
		if !st.Meta().Idle {
			fmt.Println(st.Description())
		}
	}
	fmt.Println(planner.Length(steps), "steps; ends at", final)
	// Output:
	// N-1 -> N: from v2 to v3
	// N-2 -> N: from v1 to v3
	// downgrade rehearsal: from v2 to v3
	// rollback at 50%: from v2 to v3
	// rolling upgrade v2 -> v3 of e1, e2 only (2 of 3 members: rollback at 50%), 1s apart
	// roll back e2, e1 to v2, 1s apart
	// rolling upgrade v2 -> v3 of e1, e2, e3, 1s apart
	// 14 steps; ends at v3
}
