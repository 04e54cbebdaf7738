package settings_test

import (
	"fmt"

	"github.com/hatest/hatest/framework/settings"
)

// Focus and Replay are how hatest names exactly one scenario to run again.
func Example() {
	c := settings.Config{Runtime: "docker", Seed: 42, Package: "./scenarios"}
	fmt.Println(settings.Focus("upgrade v1 to v2 (gate)"))
	fmt.Println(settings.Replay(c, "upgrade v1 to v2 (gate)"))
	// Output:
	// ^upgrade v1 to v2 \(gate\)$
	// hatest run --runtime docker --seed 42 --focus '^upgrade v1 to v2 \(gate\)$' ./scenarios
}
