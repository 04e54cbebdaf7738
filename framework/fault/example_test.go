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
