package setup_test

import (
	"testing"

	"github.com/hatest/hatest/framework/scenario"
)

// TestSetup runs the suite; hatest run compiles this package and runs it.
func TestSetup(t *testing.T) { scenario.RunSuite(t, "setup errors") }
