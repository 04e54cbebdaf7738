// Package scenario is the Ginkgo binding of hatest, and the one package a
// scenario file needs besides the steps and checks it uses. It declares
// each scenario as one Ginkgo spec (It), and runs a suite of them
// (RunSuite); everything else lives in packages of its own:
//
//	plan      the declaration S and the numbered plan tree (Build, Handle)
//	step      the step protocol and its combinators (Wait, Sequence, Concurrently, Do)
//	runner    runs a plan on a runtime and collects what was recorded
//	analysis  what was recorded → the result (pure); saved runs for hatest analyze
//	check     the verdicts: one Rule type, built-in rules, budgets (package gate)
//	settings  the suite's settings, shared with the CLI
//	reports   report.json, report.html, index.html, results.json, junit.xml
//
// The DSL's words (S, Wait, Every, Port, ...) are named here too (dsl.go),
// among them those of a system of your own: Program and Cluster (on S),
// GoSoftware and GoModule for its builds, Port, NamedPort, Args (templates
// such as "${OTHERS:peer:nats}"), File, DataDir, Ready (a check of package
// health), and for its clients ClientSoftware and Named (a client group,
// which check.ForGroup judges):
//
//	nats := s.Cluster("nats", []string{"e1", "e2", "e3"}, "v2.14.10", server,
//		scenario.Port("4222"), scenario.NamedPort("admin", "8222"), scenario.Args(...),
//		scenario.Ready(health.HTTP("admin", "/healthz")), scenario.DataDir())
//	s.Clients(2, nats.All(), scenario.Named("all"), scenario.ClientSoftware(client))
//	s.Step(upgrade.Rolling(nats.Names(), "v2.14.10", "v2.15.3"))
//	s.Expect(check.ForGroup("all").MaxOutageBelow(2 * time.Second))
//
//	var _ = scenario.It("overlord upgrade v1 to v2", Label("gate"), func(s *scenario.S) {
//		svc := s.Overlord("driver", "v1")
//		s.Clients(4, svc)
//		up := s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
//		s.Expect(
//			check.MaxOutageBelow(2*time.Second),
//			check.ForStep(up).MaxOutageBelow(time.Second),
//			check.LastServedBy("v2"),
//			check.NoLostWrites(),
//		)
//	})
//
// One scenario, as It runs it:
//
//	body ─Declare─▶ S ─Build─▶ Plan ─▶ runner: Start, Steps, Collect ─▶ Recorded
//	                                                                       │
//	      report.json, report.html, recorded.json ◀─ verdicts ◀─ Analyze ◀─┘
//
// Every verdict (built-in, the scenario's own, the budgets file's) is made
// once, here, before any report is written. The suite file calls
// scenario.RunSuite(t, "name") instead of RunSpecs; it picks the runtime,
// sweeps leftovers of dead runs and writes the run's index.html,
// results.json and junit.xml at the end. See Example.
package scenario
