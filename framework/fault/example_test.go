package fault_test

import (
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/fault"
)

// A fault held as a step: the plan shows it as a fault, with what it acts
// on, and whether its outage is planned.
func Example() {
	st := fault.For(fault.Kill(fault.Driver("web-2")), 500*time.Millisecond).Expected()
	m := st.Meta()
	fmt.Println(st.Description())
	fmt.Println(m.Kind, m.Targets, m.ExpectsOutage)
	// Output:
	// fault: SIGKILL primary driver of web-2 for 500ms
	// fault [web-2] true
}

// A partition of a cluster's members is checked before anything starts:
// cutting a cluster of two in half leaves it no quorum, which a scenario
// must ask for.
func ExamplePartition() {
	t := fault.Topology{Clusters: map[string][]string{"nats": {"e1", "e2"}}, Nodes: []string{"e1", "e2"}}
	cut := fault.Partition([]string{"e1"}, []string{"e2"})
	fmt.Println(fault.For(cut, 5*time.Second).Description())
	fmt.Println(cut.Check(t))
	fmt.Println(cut.WithoutQuorum().Check(t))
	fmt.Println(fault.KeepsQuorum([]string{"e1", "e2", "e3"}, fault.Isolate("nats", "e1").Blocked([]string{"e1", "e2", "e3"})))
	// Output:
	// fault: partition e1 from e2 for 5s
	// partition e1 from e2 leaves no quorum of e1 e2 (no member reaches a majority); call WithoutQuorum() if that is what the scenario tests
	// <nil>
	// true
}
