// Package planner builds a randomized upgrade plan from a seed, the way
// CockroachDB's mixed-version tests do: the upgrade path (with
// skip-version hops when the versions allow them), which faults are
// inserted and where, and the order of the nodes all come from one random
// source, so the same seed gives the same plan and a failure can be
// replayed exactly.
//
//	steps, final := planner.Plan(s.Rand(), planner.Config{
//		Service: "driver", Versions: []string{"v1", "v2"},
//	})
//	s.Step(steps...)
//	s.Expect(check.LastServedBy(final))
//
// Faults are drawn only where they are valid for the topology: the rules
// are declared once, in the table faults in rules.go, each with where it
// may go (between upgrades, or during one) and what the topology needs
// for it (a standby pair). The plans some seeds draw are kept as golden
// plan trees in testdata/. See Example.
package planner
