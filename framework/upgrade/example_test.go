package upgrade_test

import (
	"fmt"
	"time"

	"github.com/hatest/hatest/framework/upgrade"
)

// A rolling upgrade is a group step: each replica's upgrade is its own
// child, acting on its own replica.
func Example() {
	r := upgrade.Rolling([]string{"web-1", "web-2"}, "v1", "v2")
	r.Pause = 500 * time.Millisecond
	fmt.Println(r.Description())
	for _, ch := range r.Meta().Children {
		fmt.Println(" ", ch.Description(), ch.Meta().Targets)
	}
	// Output:
	// rolling upgrade v1 -> v2 of web-1, web-2, 500ms apart
	//   upgrade web-1 v1 -> v2 [web-1]
	//   wait 500ms []
	//   upgrade web-2 v1 -> v2 [web-2]
}
