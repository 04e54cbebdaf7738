// Package upgrade holds the upgrade strategies a scenario runs as plan
// steps. Each is a step whose Meta says what it acts on and that it
// expects an outage, so that windows it causes on its services' clients
// count as planned, and windows outside it do not.
//
//	s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
//
// ViaOverlord is the seed's in-service upgrade: the overlord kills the
// driver and starts the newer version in its place while clients retry.
// Switchover, Downgrade and WithRollback (upgrade, check, roll back if it
// fails) work on the reference overlord too.
//
// Replace is the upgrade of a program or a cluster member of your own:
// hatest replaces its node at the new version, keeping its name, address
// and data, and puts each phase on the timeline (asked to stop, exited,
// started, healthy: passed its readiness check). By default the member's
// proxy closes first and SIGTERM follows; Drain(sig, grace) sends sig with
// the proxy open instead, for the program's own drain (NATS's lame-duck
// mode on SIGUSR2).
//
// Rolling goes over replicas or members one at a time, through the
// overlord or by Replace, with PauseFor between them; OrderBy(LeaderLast(fn))
// asks the running cluster for its leader when it begins and takes that
// member last; GateBy runs a check after each; As("downgrade") names it;
// Shuffled draws the order from the scenario's seed; Abort rolls back.
//
//	s.Step(upgrade.Rolling(nats.Names(), "v2.14.10", "v2.15.3").
//		OrderBy(upgrade.LeaderLast(leader)).
//		Drain(syscall.SIGUSR2, 10*time.Second).PauseFor(2*time.Second))
//
// See Example.
package upgrade
