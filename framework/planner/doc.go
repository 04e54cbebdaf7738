// Package planner builds a randomized upgrade plan from a seed, the way
// CockroachDB's mixed-version tests do: the upgrade path (with
// skip-version hops when the versions allow them), which faults are
// inserted and where, and the order of the nodes all come from one random
// source, so the same seed gives the same plan and a failure can be
// replayed exactly.
//
//	steps, final := planner.For(s, planner.Config{
//		Service: "driver", Versions: []string{"v1", "v2"},
//	})
//	s.Step(steps...)
//	s.Expect(check.LastServedBy(final))
//
// # Plans are data
//
// Draw draws the plan as Data: its items in order (upgrades and faults,
// each fault with the rule that drew it, its parameters and members, each
// item with the wait after it), and Data.Build builds the very steps Plan
// gives from it. For, which scenarios call, records the data on the
// scenario (results.json's plan_data, hatest plan --json), and uses the
// plan a plan file gives (hatest run --plan) in place of the drawn one
// once Data.For has checked it fits the topology. A rule is one function
// for both: it draws each number through its budget, which records it
// when the plan is drawn and gives it back when it is built from data.
// Data.Chain, Needs and Keep say what hatest shrink may drop: a fault
// during an upgrade goes with it, a rollback's halves go together, and
// no upgrade may go nowhere.
//
// Faults are drawn only where they are valid for the topology: the rules
// are declared once, in the table faults in rules.go, each with where it
// may go (between upgrades, or during one) and what the topology needs
// for it (a standby pair, a cluster). The plans some seeds draw are kept
// as golden plan trees in testdata/. See Example.
//
// In cluster mode each hop is a rolling upgrade of the members, and the
// faults are below the proxy, between members: a minority isolated or
// partitioned from the rest, a member cut from its clients, a few
// percent of one member's packets lost, its egress rate-limited (faults
// below the proxy need the Docker runtime: see package fault). A rule
// never picks members itself: it draws them from a budget of how many
// may be unreachable where it goes (Unreachable), so that a majority
// always reaches each other, counting the member a rolling upgrade has
// down. A cluster of 3 may have one member cut off between upgrades
// and none during one; no plan asks for a partition WithoutQuorum. See Example (Cluster).
//
//	steps, final := planner.For(s, planner.Config{
//		Cluster: "nats", Members: nats.Names(), Versions: []string{v214, v215},
//	})
//
// # The version matrix
//
// A drawn path is whatever the seed picks. The version matrix names the
// paths that real upgrade failures need, one Kind each; N is the last of
// Versions:
//
//	Kind         entry name           path
//	Upgrade      N-1 -> N             the upgrade every release ships
//	SkipVersion  N-2 -> N             one hop over a release (needs 3 versions)
//	Rehearsal    downgrade rehearsal  N-1 -> N -> N-1 -> N, everything each time
//	Rollback     rollback at 50%      N-1 -> N on the first ceil(50 % of the
//	                                  members), those rolled back to N-1 in
//	                                  reverse order, then N-1 -> N on all
//
// Matrix(c) lists the entries c's versions and topology can give, each
// with a stable name, the version to declare the topology at (Start) and
// the one it ends at (N); one it cannot give is left out, not faked. A
// scenario runs one entry: set Config.Kind (the entry's Config has it),
// declare the topology at its Start, and step its Plan, drawn from the
// seed like any plan, faults and waits included. See Example (Matrix).
//
//	e := planner.Matrix(c)[i] // or planner.Config{..., Kind: planner.Rehearsal}
//	svc := s.Overlord("driver", e.Start)
//	steps, final := e.For(s)
//
// A rollback (RollbackAt, Config.RollbackAt for the share) is the bad
// canary: the operator stops a rolling upgrade part-way and takes back
// the members already upgraded, the last one first, so that every member
// runs N-1 again. The Rollback plan then upgrades all, as CockroachDB's
// rollbacks do, so that it too ends at N. On a cluster the members are
// its Members in declared order. A standby pair's are its secondary, then
// its primary, as a switchover upgrade takes them: up to 50 % the
// secondary alone is upgraded and rolled back (the clients, on the
// primary, should see nothing); above it the whole switchover is,
// undone by preparing the secondary at N-1 and switching over again. A
// single overlord service has one member, so its rollback is: upgrade,
// roll back, upgrade, which is the downgrade rehearsal under other
// names; Matrix leaves it out there (Plan still builds it on request).
//
// How long the entries are, in leaf steps with no fault (each fault
// drawn adds two: itself and a wait), with the golden tree of each in
// testdata/matrix-*.golden:
//
//	                     N-1 -> N  N-2 -> N  rehearsal  rollback at 50%
//	overlord service        2         2          6         (left out)
//	standby pair            4         4         12            8
//	cluster of 3            6         6         18           14
//
// # The bound
//
// A plan is at most Config.MaxSteps leaf steps long (DefaultMaxSteps,
// 40, says why). A plan that would be longer loses its faults, the last
// in the plan first, until it fits: the faults are what the planner adds
// to the path, and dropping them keeps the rest as the seed drew it. If
// the path alone is longer, the scenario asked for more than the bound
// (the rehearsal of a cluster of 7 is 42 steps): Plan panics in one line
// with the length and the bound, and the scenario fails before anything
// starts, at `hatest plan` as at `hatest run`. Raise MaxSteps for it.
package planner
