package reports

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/hatest/hatest/framework/result"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// sampleScenario is a small, fixed, failing scenario that uses every part
// of the report: steps, faults, system events, versions, expected,
// unexpected and open windows, a probe-lag window, a recovery tail and an
// unexplained window, latency, failovers (one with unmeasured phases), a
// lost write, failed writes applied anyway and unchecked ones, a client
// whose count does not match, one with an op-log line hatest could not
// parse, clients with and without schedule stats, and artifacts.
func sampleScenario() *result.Scenario {
	s := &result.Scenario{
		Scenario:   "overlord upgrade v1 → v2 under 50 ms latency, then kill",
		Slug:       "overlord-upgrade-latency",
		Labels:     []string{"upgrade", "overlord", "latency"},
		Passed:     false,
		Status:     result.StatusFailed,
		Failure:    "c2 write saw an unexpected outage of 412.6 ms (limit 300 ms), caused by fault-2",
		Location:   "scenarios/overlord_test.go:42",
		Runtime:    "process",
		Seed:       42,
		StartedAt:  t0,
		DurationMS: 12000,
		Startup:    result.Startup{TotalMS: 63.8, TopologyMS: 41.2, ClientsMS: 22.6},
		Plan: []string{
			"1. start driver-0 v1, overlord and 3 clients",
			"2. warm up for 2s",
			"3. inject latency 50ms on driver-0",
			"   3.1 upgrade driver-0 v1 -> v2 via overlord (expects outage)",
			"4. kill driver-0 (SIGKILL)",
			"5. read back every acknowledged write",
		},
		Steps: []result.Step{
			{ID: "step-1", Kind: "step", Desc: "start driver-0 v1, overlord and 3 clients", StartMS: 0, EndMS: 420},
			{ID: "step-2", Kind: "step", Desc: "warm up", StartMS: 420, EndMS: 2420},
			{ID: "fault-1", Kind: "fault", Desc: "latency 50 ms on driver-0 (toxiproxy)", StartMS: 2500, EndMS: 7000},
			{ID: "step-3", Kind: "step", Desc: "upgrade driver-0 v1 → v2 via overlord", StartMS: 3000, EndMS: 3800, ExpectOutage: true},
			{ID: "fault-2", Kind: "fault", Desc: "kill driver-0 (SIGKILL)", StartMS: 8000, EndMS: 8005},
			{ID: "system-1", Kind: "system", Desc: "overlord detected driver-0 death", StartMS: 8040, EndMS: 8040},
			{ID: "system-2", Kind: "system", Desc: "driver-0 ready (v2)", StartMS: 8350, EndMS: 8350},
			{ID: "step-4", Kind: "step", Desc: "read back every acknowledged write", StartMS: 11000, EndMS: 11800},
		},
		Windows: []result.Window{
			win("c1", "read", 3300, 3520, 11, true, "connection refused"),
			win("c1", "write", 3300, 3540, 9, true, "connection refused"),
			win("c2", "write", 3310, 3560, 12, true, "EOF", "connection refused"),
			win("c3", "read", 3305, 3500, 10, true, "connection refused"),
			win("c3", "read", 5200, 5260, 2, false, "latency budget exceeded (52.1 ms > 50 ms)"),
			win("c1", "read", 8001, 8390, 20, false, "EOF", "connection refused"),
			win("c2", "write", 8002, 8414.6, 21, false, "EOF", "connection refused"),
			win("c3", "read", 8003, 8380, 19, false, "EOF"),
			{Client: "c2", Class: "read", StartMS: 11950, EndMS: 12000, DurationMS: 50, Open: true, Failed: 1,
				Reasons: []string{"timeout after 1s"}},
			// driver-0 came back at 3,800 ms and flapped: the recovery tail of step-3
			{Client: "c1", Class: "write", StartMS: 3900, EndMS: 3960, DurationMS: 60, Failed: 3, Tail: true,
				Reasons: []string{"connection refused"}, Causes: []string{"step-3"}, Expected: true},
			// c1 fell behind its own schedule: not the system's doing
			{Client: "c1", Class: "read", StartMS: 6100, EndMS: 6180, DurationMS: 80, Failed: 2, ProbeLag: true,
				Reasons: []string{"latency budget exceeded (81.2 ms > 50 ms)"}, Causes: []string{"probe-lag"}},
			// nothing on c3's path was happening
			win("c3", "read", 10200, 10240, 2, false, "EOF"),
		},
		Summary: result.Summary{
			Ops: 18300, FailedOps: 127, ErrorRate: 127.0 / 18300, MaxWindowMS: 412.6, TotalWindowMS: 2189.6, TotalOutageMS: 1104.2,
			Windows: 12, P50WindowMS: 220, P99WindowMS: 412.6, P50LatencyMS: 0.45, P99LatencyMS: 52.1,
			MaxLatencyMS: 1800, Clients: 3, AnyDownMS: 737.6, AllDownMS: 575,
		},
		Clients: []result.Client{
			{Name: "c1", Version: "v1", Ops: 6150, Failed: 45, Reported: 6150, LastVersion: "v2", LastOKMS: 11998.2,
				Path: []string{"driver-0", "overlord", "proxy-driver-0"},
				Schedule: result.Schedule{Known: true, IntervalMS: 2, NominalRate: 500, AchievedRate: 499.2,
					LagP50MS: 0.04, LagP99MS: 0.9, LagMaxMS: 81.3}},
			{Name: "c2", Version: "v1", Ops: 6048, Failed: 42, Reported: 6050, LastVersion: "v2", LastOKMS: 11949.7,
				Path: []string{"driver-0", "overlord", "proxy-driver-0"},
				Schedule: result.Schedule{Known: true, IntervalMS: 2, NominalRate: 500, AchievedRate: 497.6,
					LagP50MS: 0.05, LagP99MS: 1.2, LagMaxMS: 6.4, Skipped: 3}},
			// an older client: no "sched" on its op lines, no path given
			{Name: "c3", Version: "v1", Ops: 6102, Failed: 40, Reported: -1, LastVersion: "v2", LastOKMS: 11999.1,
				BadLines: []string{"line 6103: unexpected end of JSON input"}},
		},
		Versions: []result.Version{
			{Node: "driver-0", Version: "v1", Role: "primary", StartMS: 420, EndMS: 3300},
			{Node: "driver-0", Version: "v2", Role: "primary", StartMS: 3520, EndMS: 8000},
			{Node: "driver-0", Version: "v2", Role: "primary", StartMS: 8350, EndMS: 12000},
		},
		Failovers: []result.Failover{
			// a latency fault: the system reports no detect or ready event
			{Cause: "fault-1", DetectMS: -1, RestartMS: -1, RecoverMS: -1, TotalMS: 2760},
			{Cause: "step-3", DetectMS: 0, RestartMS: 180, RecoverMS: 40, TotalMS: 220},
			{Cause: "fault-2", DetectMS: 40, RestartMS: 310, RecoverMS: 45, TotalMS: 395},
		},
		Integrity: result.Integrity{
			AckedWrites: 6006, ReadBack: 5993, Indeterminate: 37, AppliedFailed: 5, Unchecked: 12, Checked: true,
			Lost: []result.LostWrite{{Client: "c2", Key: "k-c2-8123", Seq: 8123, AckMS: 7990.2, Found: "missing"}},
		},
		Assertions: []result.Assertion{
			{Name: "expected outage ≤ 500ms", Passed: true, Message: "longest expected window 250.0 ms (c2 write)"},
			{Name: "unexpected outage ≤ 300ms", Passed: false, Message: "c2 write: 412.6 ms from 8,002.0 ms, caused by fault-2 (kill driver-0 (SIGKILL))"},
			{Name: "no lost writes", Passed: false, Message: "1 acknowledged write not found: c2 k-c2-8123 seq 8123"},
			{Name: "no split brain", Passed: true, Message: "one primary at a time"},
		},
		Artifacts: []result.Artifact{
			{Name: "op log c1", Path: "ops/c1.jsonl"},
			{Name: "op log c2", Path: "ops/c2.jsonl"},
			{Name: "driver-0 log", Path: "logs/driver-0.log"},
			{Name: "overlord log", Path: "logs/overlord.log"},
		},
		Replay: "hatest run --runtime process --seed 42 --focus 'overlord-upgrade-latency'",
	}
	for i := 0; i < 120; i++ {
		b := result.Bucket{StartMS: float64(i) * 100, EndMS: float64(i+1) * 100, Ops: 150, P50MS: 0.42, P99MS: 1.3}
		mid := b.StartMS + 50
		switch {
		case mid < 420:
			b.Ops = 0
		case mid >= 3300 && mid < 3500, mid >= 8000 && mid < 8350:
			b.Ops, b.Failed = 0, 0
		case mid >= 2500 && mid < 7000:
			b.Ops, b.P50MS, b.P99MS = 60, 50.6+float64(i%5)*0.1, 54+float64(i%7)
		}
		if mid >= 8350 && mid < 8500 {
			b.P99MS = 180
		}
		s.Latency = append(s.Latency, b)
	}
	return s
}

func win(client, class string, start, end float64, failed int, expected bool, reasons ...string) result.Window {
	w := result.Window{Client: client, Class: class, StartMS: start, EndMS: end, DurationMS: end - start,
		Failed: failed, Reasons: reasons, Expected: expected}
	switch {
	case start >= 3000 && start < 3800:
		w.Causes = []string{"fault-1", "step-3"}
	case start >= 2500 && start < 7000:
		w.Causes = []string{"fault-1"}
	case start >= 8000 && start < 8400:
		w.Causes = []string{"fault-2"}
	}
	return w
}

// sampleRun is five scenarios: an invalid one, a passing one, the failing
// sample, a cluster with client groups, and one from before hatest
// measured start-up.
func sampleRun() *result.Run {
	pass := func(name, slug string, windows []result.Window) result.Scenario {
		s := result.Scenario{
			Scenario: name, Slug: slug, Labels: []string{"upgrade"}, Passed: true, Runtime: "process",
			Seed: 42, StartedAt: t0, DurationMS: 9000, Windows: windows, Replay: "hatest run --seed 42 --focus '" + slug + "'",
			Steps:   []result.Step{{ID: "fault-1", Kind: "fault", Desc: "pause driver-0", StartMS: 4000, EndMS: 4300}},
			Summary: result.Summary{Ops: 12000, Windows: len(windows), Clients: 2},
		}
		for _, w := range windows {
			s.Summary.MaxWindowMS = math.Max(s.Summary.MaxWindowMS, w.EndMS-w.StartMS)
			s.Summary.TotalWindowMS += w.EndMS - w.StartMS
		}
		return s
	}
	standby := pass("standby switchover v1 → v2", "standby-switchover", []result.Window{
		win("c1", "read", 4010, 4180, 3, true, "connection reset"),
		win("c2", "read", 4020, 4160, 2, true, "connection reset"),
	})
	standby.Startup = result.Startup{TotalMS: 2431.7, TopologyMS: 2210.3, ClientsMS: 221.4}
	rolling := pass("rolling restart of 3 nodes", "rolling-restart", nil)
	rolling.Attempt, rolling.EarlierFailure = 2, `max outage 2104.5ms > budget 2000ms <caused by "step-3.3">`
	return &result.Run{
		Schema: result.Schema, Runtime: "process", Seed: 42, StartedAt: t0, Commit: "3f2c1ab9e0d4",
		Scenarios: []result.Scenario{
			*invalidScenario(),
			standby,
			*sampleScenario(),
			*clusterScenario(),
			rolling,
		},
	}
}

// invalidScenario is a run whose probe could not keep its schedule: its
// numbers cannot be vouched for, so it is INVALID, neither passed nor
// failed. Its windows are the clients' own lag.
func invalidScenario() *result.Scenario {
	why := "probe kept its schedule: c2 achieved 763.1 ops/s of its nominal 1,000 (76.3 %, under 99 %); lag p99 3.4 ms > interval 1 ms"
	s := &result.Scenario{
		Scenario: "16 clients at 1 ms", Slug: "many-fast-clients", Labels: []string{"probe", "load"},
		Status: result.StatusInvalid, Invalid: why, Failure: "INVALID: " + why + "\nseed 42; replay: hatest run --seed 42 --focus 'many-fast-clients'",
		Location: "scenarios/load_test.go:17", Runtime: "process", Seed: 42, StartedAt: t0, DurationMS: 5000,
		Replay: "hatest run --seed 42 --focus 'many-fast-clients'",
		Steps:  []result.Step{{ID: "step-1", Kind: "step", Desc: "run 16 clients for 5s", StartMS: 0, EndMS: 5000}},
		Windows: []result.Window{
			{Client: "c2", Class: "read", StartMS: 1200, EndMS: 1420, DurationMS: 220, Failed: 9, ProbeLag: true,
				Reasons: []string{"latency budget exceeded (220.3 ms > 50 ms)"}, Causes: []string{"probe-lag"}},
			{Client: "c2", Class: "read", StartMS: 3100, EndMS: 3180, DurationMS: 80, Failed: 4, ProbeLag: true,
				Reasons: []string{"latency budget exceeded (80.1 ms > 50 ms)"}, Causes: []string{"probe-lag"}},
		},
		Summary: result.Summary{Ops: 8815, FailedOps: 13, ErrorRate: 13.0 / 8815, MaxWindowMS: 220, TotalWindowMS: 300, TotalOutageMS: 220,
			Windows: 2, Clients: 2},
		Clients: []result.Client{
			{Name: "c1", Version: "v1", Ops: 4998, Reported: 4998, LastVersion: "v1", LastOKMS: 4999.2, Path: []string{"kv"},
				Schedule: result.Schedule{Known: true, IntervalMS: 1, NominalRate: 1000, AchievedRate: 999.6,
					LagP50MS: 0.03, LagP99MS: 0.4, LagMaxMS: 2.1}},
			{Name: "c2", Version: "v1", Ops: 3817, Failed: 13, Reported: 3817, LastVersion: "v1", LastOKMS: 4998.7, Path: []string{"kv"},
				Schedule: result.Schedule{Known: true, IntervalMS: 1, NominalRate: 1000, AchievedRate: 763.1,
					LagP50MS: 0.9, LagP99MS: 3.4, LagMaxMS: 221.7, Skipped: 1183}},
		},
		Integrity: result.Integrity{Checked: true, AckedWrites: 4400, ReadBack: 4400, Indeterminate: 2, AppliedFailed: 1},
		Assertions: []result.Assertion{
			{Name: "probe kept its schedule", Invalid: true, Message: "c2 achieved 763.1 ops/s of its nominal 1,000 (76.3 %, under 99 %); lag p99 3.4 ms > interval 1 ms"},
			{Name: "max outage ≤ 1s", Passed: true, Message: "longest window 220.0 ms (c2 read)"},
		},
	}
	return s
}

// largeScenario is a long, busy scenario: 16 clients, 10,000 windows, 500
// latency buckets, 3 nodes, 60 steps and 12 faults over ten minutes, the
// summary of about a million ops.
func largeScenario() *result.Scenario {
	rng := rand.New(rand.NewPCG(1, 2))
	const dur = 600_000.0
	s := &result.Scenario{
		Scenario: "soak: rolling upgrades under faults", Slug: "soak", Labels: []string{"soak", "rolling"},
		Runtime: "docker", Seed: 7, StartedAt: t0, DurationMS: dur,
		Replay: "hatest run --runtime docker --seed 7 --focus soak",
		Summary: result.Summary{Ops: 1_000_000, FailedOps: 25_000, ErrorRate: 0.025, Clients: 16,
			MaxWindowMS: 2000, TotalWindowMS: 1_500_000, TotalOutageMS: 150_000, Windows: 10_000},
	}
	for i := 0; i < 60; i++ {
		st := float64(i) * dur / 60
		s.Steps = append(s.Steps, result.Step{ID: fmt.Sprintf("step-%d", i+1), Kind: "step",
			Desc: fmt.Sprintf("upgrade driver-%d v%d -> v%d", i%3, i/3+1, i/3+2), StartMS: st, EndMS: st + 4000, ExpectOutage: true})
		s.Plan = append(s.Plan, fmt.Sprintf("%d. upgrade driver-%d v%d -> v%d", i+1, i%3, i/3+1, i/3+2))
	}
	for i := 0; i < 12; i++ {
		st := float64(i)*dur/12 + 20_000
		s.Steps = append(s.Steps, result.Step{ID: fmt.Sprintf("fault-%d", i+1), Kind: "fault",
			Desc: "partition driver-1 from the clients", StartMS: st, EndMS: st + 8000})
	}
	for n := 0; n < 3; n++ {
		for i := 0; i < 20; i++ {
			st := float64(i) * dur / 20
			s.Versions = append(s.Versions, result.Version{Node: fmt.Sprintf("driver-%d", n),
				Version: fmt.Sprintf("v%d", i+1), StartMS: st + 500, EndMS: st + dur/20})
		}
	}
	for c := 0; c < 16; c++ {
		s.Clients = append(s.Clients, result.Client{Name: fmt.Sprintf("c%02d", c+1), Ops: 62_500, Reported: 62_500})
	}
	for i := 0; i < 10_000; i++ {
		st := rng.Float64() * dur
		d := 5 + rng.Float64()*400
		class := "read"
		if i%2 == 1 {
			class = "write"
		}
		w := result.Window{Client: fmt.Sprintf("c%02d", i%16+1), Class: class, StartMS: st, EndMS: st + d, DurationMS: d,
			Failed: 1 + rng.IntN(20), Reasons: []string{"EOF", "connection refused"}, Causes: []string{fmt.Sprintf("step-%d", int(st/(dur/60))+1)},
			Expected: rng.IntN(4) != 0}
		s.Windows = append(s.Windows, w)
		s.Summary.TotalWindowMS += d
	}
	for i := 0; i < 500; i++ {
		st := float64(i) * dur / 500
		s.Latency = append(s.Latency, result.Bucket{StartMS: st, EndMS: st + dur/500, Ops: 2000, Failed: 50,
			P50MS: 0.3 + rng.Float64(), P99MS: 2 + rng.Float64()*300})
	}
	for i := 0; i < 20; i++ {
		s.Assertions = append(s.Assertions, result.Assertion{Name: fmt.Sprintf("assertion %d", i), Passed: true, Message: "ok"})
	}
	return s
}

// clusterScenario is a rolling upgrade of a three-member cluster (e1, e2,
// e3) under two client groups: "all", two clients balanced over every
// member, and "e1-only", one client that sees only e1. The single-member
// client is down for 5 s while e1 catches up; the balanced clients see
// about 50 ms per member. e3's restart lacks its exited and ready events,
// so those phases are unknown.
func clusterScenario() *result.Scenario {
	all := []string{"e1", "e2", "e3"}
	ph := func(n int, member, phase, desc string, at float64) result.Step {
		return result.Step{ID: fmt.Sprintf("system-%d", n), Kind: "system", Desc: member + " " + desc, StartMS: at, EndMS: at}
	}
	cw := func(client, class string, start, end float64, step string, failed int) result.Window {
		return result.Window{Client: client, Class: class, StartMS: start, EndMS: end, DurationMS: end - start, Failed: failed,
			Reasons: []string{"nats: no responders available for request"}, Causes: []string{step, "step-3"}, Expected: true}
	}
	rg := func(group string, n int, max float64) result.RestartGroup {
		return result.RestartGroup{Group: group, Windows: n, MaxWindowMS: max, P99WindowMS: max}
	}
	s := &result.Scenario{
		Scenario: "nats cluster rolling upgrade 2.10.0 → 2.11.0", Slug: "nats-rolling-upgrade",
		Labels: []string{"upgrade", "cluster", "nats"}, Passed: true, Status: result.StatusPassed,
		Location: "scenarios/nats_test.go:31", Runtime: "docker", Seed: 42, StartedAt: t0, DurationMS: 22000,
		Startup: result.Startup{TotalMS: 3120.4, TopologyMS: 2890.1, ClientsMS: 230.3},
		Plan: []string{
			"1. start e1, e2, e3 at 2.10.0 and 3 clients",
			"2. warm up for 2s",
			"3. rolling upgrade 2.10.0 -> 2.11.0 of e1, e2, e3, 2s apart (expects outage)",
			"   3.1 upgrade e1 2.10.0 -> 2.11.0",
			"   3.2 upgrade e2 2.10.0 -> 2.11.0",
			"   3.3 upgrade e3 2.10.0 -> 2.11.0",
		},
		Steps: []result.Step{
			{ID: "step-1", Kind: "step", Desc: "start e1, e2, e3 at 2.10.0 and 3 clients", StartMS: 0, EndMS: 300},
			{ID: "step-2", Kind: "step", Desc: "warm up", StartMS: 300, EndMS: 2300},
			{ID: "step-3", Kind: "step", Desc: "rolling upgrade 2.10.0 -> 2.11.0 of e1, e2, e3, 2s apart", StartMS: 2500, EndMS: 20500, ExpectOutage: true},
			{ID: "step-3.1", Kind: "step", Desc: "upgrade e1 2.10.0 -> 2.11.0", StartMS: 2500, EndMS: 8200, ExpectOutage: true},
			ph(1, "e1", "stop", "stop (SIGTERM)", 2510),
			ph(2, "e1", "exited", "exited", 2900),
			ph(3, "e1", "started", "started at 2.11.0", 3100),
			ph(4, "e1", "ready", "healthy", 7550),
			{ID: "step-3.2", Kind: "step", Desc: "upgrade e2 2.10.0 -> 2.11.0", StartMS: 10200, EndMS: 13400, ExpectOutage: true},
			ph(5, "e2", "stop", "stop (SIGTERM)", 10210),
			ph(6, "e2", "exited", "exited", 10600),
			ph(7, "e2", "started", "started at 2.11.0", 10800),
			ph(8, "e2", "ready", "healthy", 13300),
			{ID: "step-3.3", Kind: "step", Desc: "upgrade e3 2.10.0 -> 2.11.0", StartMS: 15400, EndMS: 20500, ExpectOutage: true},
			ph(9, "e3", "stop", "stop (SIGTERM)", 15410),
			ph(10, "e3", "started", "started at 2.11.0", 15900),
		},
		Windows: []result.Window{
			cw("c-all-1", "read", 2515, 2565, "step-3.1", 10),
			cw("c-all-2", "read", 2518, 2556, "step-3.1", 8),
			cw("c-e1", "read", 2520, 7580, "step-3.1", 506),
			cw("c-e1", "write", 2530, 7590, "step-3.1", 506),
			cw("c-all-1", "read", 10215, 10262, "step-3.2", 9),
			cw("c-all-2", "write", 10220, 10251, "step-3.2", 6),
			cw("c-all-2", "read", 15412, 15445, "step-3.3", 6),
			cw("c-all-1", "read", 15415, 15466, "step-3.3", 11),
		},
		Summary: result.Summary{
			Ops: 13200, FailedOps: 1062, ErrorRate: 1062.0 / 13200, MaxWindowMS: 5060, TotalWindowMS: 10370, TotalOutageMS: 5070,
			Windows: 8, P50WindowMS: 47, P99WindowMS: 5060, P50LatencyMS: 0.61, P99LatencyMS: 3.2, MaxLatencyMS: 980,
			Clients: 3, AnyDownMS: 5225, AllDownMS: 38,
		},
		Clients: []result.Client{
			{Name: "c-all-1", Version: "v1", Ops: 4400, Failed: 30, Reported: 4400, LastVersion: "2.11.0", LastOKMS: 21998.1,
				Path: all, Group: "all", Schedule: result.Schedule{Known: true, IntervalMS: 5, NominalRate: 200, AchievedRate: 200,
					LagP50MS: 0.05, LagP99MS: 0.6, LagMaxMS: 2.2}},
			{Name: "c-e1", Version: "v1", Ops: 4400, Failed: 1012, Reported: 4400, LastVersion: "2.11.0", LastOKMS: 21999.3,
				Path: []string{"e1"}, Group: "e1-only", Schedule: result.Schedule{Known: true, IntervalMS: 5, NominalRate: 200, AchievedRate: 199.8,
					LagP50MS: 0.06, LagP99MS: 0.8, LagMaxMS: 3.9}},
			{Name: "c-all-2", Version: "v1", Ops: 4400, Failed: 20, Reported: 4400, LastVersion: "2.11.0", LastOKMS: 21997.6,
				Path: all, Group: "all", Schedule: result.Schedule{Known: true, IntervalMS: 5, NominalRate: 200, AchievedRate: 200,
					LagP50MS: 0.05, LagP99MS: 0.7, LagMaxMS: 2.4}},
		},
		Versions: []result.Version{
			{Node: "e1", Version: "2.10.0", StartMS: -400, EndMS: 2900},
			{Node: "e1", Version: "2.11.0", StartMS: 7550, EndMS: 22000},
			{Node: "e2", Version: "2.10.0", StartMS: -380, EndMS: 10600},
			{Node: "e2", Version: "2.11.0", StartMS: 13300, EndMS: 22000},
			{Node: "e3", Version: "2.10.0", StartMS: -390, EndMS: 15410},
		},
		Failovers: []result.Failover{
			{Cause: "step-3.1", DetectMS: 0, RestartMS: 5050, RecoverMS: 40, TotalMS: 5090},
			{Cause: "step-3.2", DetectMS: 0, RestartMS: 62, RecoverMS: 0, TotalMS: 62},
			{Cause: "step-3.3", DetectMS: 0, RestartMS: -1, RecoverMS: -1, TotalMS: 66},
		},
		Integrity: result.Integrity{AckedWrites: 3000, ReadBack: 2998, Indeterminate: 14, AppliedFailed: 3, Unchecked: 2, Checked: true},
		Groups: []result.GroupFigures{
			{Name: "all", Clients: []string{"c-all-1", "c-all-2"}, Ops: 8800, FailedOps: 50, Windows: 6, MaxWindowMS: 51, P99WindowMS: 51,
				TotalOutageMS: 148, WorstClient: "c-all-1",
				Integrity: result.GroupIntegrity{Checked: true, AckedWrites: 2000, Indeterminate: 4, AppliedFailed: 3}},
			{Name: "e1-only", Clients: []string{"c-e1"}, Ops: 4400, FailedOps: 1012, Windows: 2, MaxWindowMS: 5060, P99WindowMS: 5060,
				TotalOutageMS: 5070, WorstClient: "c-e1",
				Integrity: result.GroupIntegrity{Checked: true, AckedWrites: 1000, Unchecked: 2, Indeterminate: 10}},
		},
		Restarts: []result.MemberRestart{
			{Member: "e1", Step: "step-3.1", From: "2.10.0", To: "2.11.0", AtMS: 2510,
				StopToExitedMS: 390, ExitedToStartedMS: 200, StartedToHealthyMS: 4450, StopToHealthyMS: 5040,
				Windows: 4, MaxWindowMS: 5060, P99WindowMS: 5060, Groups: []result.RestartGroup{rg("all", 2, 50), rg("e1-only", 2, 5060)}},
			{Member: "e2", Step: "step-3.2", From: "2.10.0", To: "2.11.0", AtMS: 10210,
				StopToExitedMS: 390, ExitedToStartedMS: 200, StartedToHealthyMS: 2500, StopToHealthyMS: 3090,
				Windows: 2, MaxWindowMS: 47, P99WindowMS: 47, Groups: []result.RestartGroup{rg("all", 2, 47), rg("e1-only", 0, 0)}},
			// e3 reported neither its exit nor its readiness
			{Member: "e3", Step: "step-3.3", From: "2.10.0", To: "2.11.0", AtMS: 15410,
				StopToExitedMS: -1, ExitedToStartedMS: -1, StartedToHealthyMS: -1, StopToHealthyMS: -1,
				Windows: 2, MaxWindowMS: 51, P99WindowMS: 51, Groups: []result.RestartGroup{rg("all", 2, 51), rg("e1-only", 0, 0)}},
		},
		Assertions: []result.Assertion{
			{Name: "clients c-all-1, c-all-2: max outage ≤ 100ms", Passed: true, Message: "max outage 51.0 ms ≤ budget 100ms: c-all-1 read at 15,415.0 ms, caused by step-3.3"},
			{Name: "clients c-e1: max outage ≤ 6s", Passed: true, Message: "max outage 5,060.0 ms ≤ budget 6s: c-e1 read at 2,520.0 ms, caused by step-3.1"},
		},
		Replay: "hatest run --runtime docker --seed 42 --focus 'nats-rolling-upgrade'",
	}
	for i := 0; i < 110; i++ {
		b := result.Bucket{StartMS: float64(i) * 200, EndMS: float64(i+1) * 200, Ops: 120, P50MS: 0.6, P99MS: 2.1}
		if mid := b.StartMS + 100; mid >= 2520 && mid < 7590 {
			b.Ops, b.Failed, b.P50MS, b.P99MS = 80, 40, 0.7, 3.2
		}
		s.Latency = append(s.Latency, b)
	}
	return s
}
