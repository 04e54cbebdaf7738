package scenario

import (
	"testing"
	"time"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/settings"
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
		{"passed on a second attempt: flaky, and why",
			result.Scenario{Passed: true, Summary: sum, Startup: result.Startup{TotalMS: -1}, Attempt: 2,
				EarlierFailure: "max outage 2100.0ms > budget 2000ms\nseed 7; replay: ..."},
			"PASSED on attempt 2 (FLAKY: the attempt before failed: max outage 2100.0ms > budget 2000ms): max outage 41.3ms over 2 windows, 1200 ops, 9 failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := verdict(tc.s); got != tc.want {
				t.Fatalf("verdict\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// keep holds one result per scenario: a later attempt replaces the earlier
// one and says which attempt it is and why the one before failed.
func TestKeepReplacesEarlierAttempts(t *testing.T) {
	mu.Lock()
	saved := results
	results = nil
	mu.Unlock()
	t.Cleanup(func() { mu.Lock(); results = saved; mu.Unlock() })

	keep(result.Scenario{Scenario: "a", Failure: "first"})
	keep(result.Scenario{Scenario: "b", Passed: true})
	got := keep(result.Scenario{Scenario: "a", Failure: "second"})
	if got.Attempt != 2 || got.EarlierFailure != "first" {
		t.Fatalf("second attempt: attempt %d, earlier %q; want 2, \"first\"", got.Attempt, got.EarlierFailure)
	}
	got = keep(result.Scenario{Scenario: "a", Passed: true})
	if got.Attempt != 3 || got.EarlierFailure != "second" {
		t.Fatalf("third attempt: attempt %d, earlier %q; want 3, \"second\"", got.Attempt, got.EarlierFailure)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(results) != 2 || results[0].Scenario != "a" || !results[0].Passed || results[1].Scenario != "b" {
		t.Fatalf("results = %+v; want a (passed, last attempt) then b", results)
	}
}

// RunSuite's client defaults reach every scenario's clients, before the
// scenario's own options.
func TestSuiteClientDefaults(t *testing.T) {
	setClientDefaults([]ClientOption{Every(20 * time.Millisecond)})
	t.Cleanup(func() { setClientDefaults(nil) })
	p, err := build("suite defaults", nil, settings.Config{Seed: 1}, func(s *S) {
		svc := s.Overlord("driver", "v1")
		s.Clients(2, svc)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Clients) != 1 || p.Clients[0].Spec.Interval != 20*time.Millisecond {
		t.Fatalf("clients %+v, want one group every 20ms", p.Clients)
	}
}
