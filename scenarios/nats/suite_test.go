package nats_test

import (
	"testing"

	"github.com/hatest/hatest/framework/scenario"
)

// TestNATS runs the NATS catalogue: `go test ./scenarios/nats`, or
// `hatest run ./scenarios/nats`.
func TestNATS(t *testing.T) { scenario.RunSuite(t, "NATS JetStream cluster") }
