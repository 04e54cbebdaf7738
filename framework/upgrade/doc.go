// Package upgrade holds the upgrade strategies a scenario runs as plan
// steps. Each is a step whose Meta says what it acts on and that it
// expects an outage, so that windows it causes on its services' clients
// count as planned, and windows outside it do not.
//
//	s.Step(upgrade.ViaOverlord("driver", "v1", "v2"))
//
// ViaOverlord is the seed's in-service upgrade: the overlord kills the
// driver and starts the newer version in its place while clients retry.
// See Example.
package upgrade
