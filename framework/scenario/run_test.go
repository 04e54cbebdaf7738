package scenario

import (
	"testing"

	"github.com/hatest/hatest/framework/result"
)

func TestVerdict(t *testing.T) {
	sum := result.Summary{MaxWindowMS: 41.3, Windows: 2, Ops: 1200, FailedOps: 9}
	for _, tc := range []struct {
		name string
		s    result.Scenario
		want string
	}{
		{"passed, with its start-up",
			result.Scenario{Passed: true, Summary: sum, Startup: result.Startup{TotalMS: 2314.6, TopologyMS: 2200, ClientsMS: 114.6}},
			"PASSED: max outage 41.3ms over 2 windows, 1200 ops, 9 failed, start-up 2315ms"},
		{"failed before any op: no start-up figure",
			result.Scenario{Summary: result.Summary{}, Startup: result.Startup{TotalMS: -1, TopologyMS: -1, ClientsMS: -1}},
			"FAILED: max outage 0.0ms over 0 windows, 0 ops, 0 failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := verdict(tc.s); got != tc.want {
				t.Fatalf("verdict\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
