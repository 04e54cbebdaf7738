// Package system owns the running system under test of one scenario: the
// runtime it runs on, its nodes and proxies, the reference system's
// overlord and clients, your own programs, and the recorder that puts
// every step, fault and system event on the scenario's timeline.
//
// Steps (packages upgrade, fault and step) act on a *System; package
// runner builds it from a plan and collects what it recorded.
//
//	sys := system.New(rt, os.Stderr)
//	o, err := sys.StartOverlord(ctx, system.OverlordSpec{Name: "driver", Version: "v1", Software: reference.OverlordSoftware()})
//	clients, err := sys.StartClients(ctx, system.ClientSpec{Count: 4, Addrs: o.Addrs(), Software: reference.ClientSoftware()})
//	end := sys.Events.BeginEvent(timeline.Event{ID: "step-3", Kind: timeline.KindStep, Desc: "upgrade driver v1 -> v2", ExpectOutage: true})
//	_, err = o.Upgrade(ctx, "v2", system.Replacement{})
//	end()
//	err = sys.StopClients(ctx, 15*time.Second)
//
// See Example, which compiles.
package system
