package network_test

import (
	"regexp"
	"testing"

	"github.com/hatest/hatest/internal/negative"
)

// NegativeControls names, for every negative control of this suite, the
// reason its failure must give, as scenarios/controls_test.go does for
// the catalogue's: the test below runs them through the hatest CLI, as a
// release gate would, and checks that each one failed for that reason.
var NegativeControls = map[string]*regexp.Regexp{
	"negative: naive failover makes two primaries under a partition": regexp.MustCompile(`split brain in service pair: p-[0-9a-f]{8}-\d+ and s-[0-9a-f]{8}-\d+ both acknowledged writes as primary`),
}

func TestNegativeControls(t *testing.T) {
	negative.Check(t, "../../cmd/hatest", NegativeControls)
}
