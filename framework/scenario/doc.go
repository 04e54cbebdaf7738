// Package scenario is the DSL scenario authors write, bound to Ginkgo. A
// scenario declares a topology, a sequence of steps (upgrades, faults,
// waits) and its expectations; hatest turns that into a numbered plan,
// prints it, runs it against a real runtime while clients record every
// operation, and writes the outage report whether the scenario passes,
// fails or is interrupted.
//
//	var _ = scenario.It("overlord upgrade v1 to v2", Label("gate"), func(s *scenario.S) {
//		svc := s.Overlord("driver", "v1")
//		s.Clients(4, svc)
//		s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
//		s.Expect(
//			check.MaxOutageBelow(2*time.Second),
//			check.LastServedBy("v2"),
//			check.NoLostWrites(),
//		)
//	})
//
// The flow of one scenario:
//
//	declare (body) ─▶ plan ─▶ start topology ─▶ steps ─▶ stop clients
//	                                              │            │
//	                         events ◀─────────────┘     op logs, read-back
//	                            └──────────▶ analyse ◀─────────┘
//	                                           │
//	                        assertions ─▶ report.json, report.html
//
// The suite file calls scenario.RunSuite(t, "name") instead of RunSpecs;
// it picks the runtime, sweeps leftovers of dead runs and writes the run's
// index, results.json and junit.xml at the end.
package scenario
