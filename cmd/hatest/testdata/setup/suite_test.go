package setup_test

import (
	"testing"
	"time"

	"github.com/hatest/hatest/framework/scenario"
)

// TestSetup runs the suite; hatest run compiles this package and runs it.
// Its clients probe every 20 ms: what these scenarios test is the CLI, and
// a client a few milliseconds behind a 5 ms schedule on a busy machine
// (its numbers rightly INVALID) would fail a test for another reason.
func TestSetup(t *testing.T) {
	scenario.RunSuite(t, "setup errors", scenario.Every(20*time.Millisecond))
}
