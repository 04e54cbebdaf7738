package scenarios_test

import (
	"testing"

	"github.com/hatest/hatest/framework/scenario"
)

func TestScenarios(t *testing.T) {
	scenario.RunSuite(t, "hatest scenarios")
}
