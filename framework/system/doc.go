// Package system owns the running system under test of one scenario: the
// runtime it runs on, its nodes and proxies, the reference system's
// overlord and clients, and the recorder that puts every step, fault and
// system event on the scenario's timeline.
//
// Steps (package upgrade) and faults (package fault) act on a *System;
// package scenario builds it from the declared topology and tears it down.
//
//	sys := system.New(rt, log)
//	svc, err := sys.StartOverlord(ctx, system.OverlordSpec{Name: "driver", Version: "v1"})
//	clients, err := sys.StartClients(ctx, system.ClientSpec{Count: 4, Target: svc})
//	end := sys.Begin(timeline.KindStep, "upgrade driver v1 -> v2", true)
//	err = svc.Upgrade(ctx, "v2")
//	end(err)
package system
