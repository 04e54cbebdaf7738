package network_test

import (
	"testing"
	"time"

	"github.com/hatest/hatest/framework/scenario"
)

// TestNetwork runs the suite: `go test ./scenarios/network` (Docker), or
// `hatest run ./scenarios/network`.
func TestNetwork(t *testing.T) { scenario.RunSuite(t, "faults below the proxy") }

// probeEvery is the clients' interval: 20 ms, not the default 5. Each node
// here has a fault sidecar beside it and toxiproxy in between, on two
// cores; at 5 ms a client's schedule lag reached a p99 of 8.2 ms in a CI
// run and made the switchover scenario INVALID twice over. Its budget is
// 4 s and the negative control's verdict is a count of primaries: 20 ms of
// resolution costs neither anything.
const probeEvery = 20 * time.Millisecond
