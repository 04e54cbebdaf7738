// Package upgrade holds the upgrade strategies a scenario runs as plan
// steps. Each is a step that declares whether it expects an outage, so
// that windows it causes count as planned, and windows outside it do not.
//
//	s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
//
// ViaOverlord is the seed's in-service upgrade: the overlord kills the
// driver and starts the newer version in its place while clients retry.
package upgrade
