// Package system owns the running system under test of one scenario: the
// runtime it runs on, its nodes and proxies, the reference system's
// overlord and clients, your own programs and clusters, and the recorder
// that puts every step, fault and system event on the scenario's
// timeline.
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
//	round, err := sys.ReadBack(ctx, "after the upgrade to v2", 0) // every client reads back every value
//	err = sys.StopClients(ctx, 15*time.Second)
//	sys.StopWatching() // before the runtime closes: its exits are asked for
//
// Every service of the topology is a Service, kept by name: an overlord
// and its drivers, a program of your own (StartService), each member of a
// cluster of your own (StartCluster), a bare driver. A cluster's members
// start at once, each with its own name, data directory and proxy; their
// arguments are templates that name each other (runtime.ExpandMembers,
// over addresses runtime.Runtime.Reserve fixed before the start), and a
// readiness check (package health) gates the start and every replacement:
//
//	ClusterSpec ──Validate──▶ Reserve e1, e2, e3 ──▶ ExpandMembers ──▶ start all ──▶ each passes Ready
//	                                                                      │
//	Program.Replace(version, Replacement) ◀── upgrade.Replace, Rolling ───┘
//	   stop asked ─▶ exited ─▶ started ─▶ healthy   (PhaseEvents: the timeline's four phases)
//
// A Replacement closes the member's proxy and then sends SIGTERM, or, with
// Drain, sends its Signal (SIGUSR2: NATS's lame-duck mode) with the proxy
// open, so that the program drains its own clients.
//
// Every node of the system under test (not a client) is watched for
// exits: one that no Stop, Restart or signal of the framework asked for is
// an Unexpected event on the timeline, with its exit code and last log
// lines (exits.go). An overlord reports its drivers' deaths itself, each
// saying whether it was asked for (Overlord.TimelineEvents). ReadBack asks
// every client for a read-back round (SIGUSR1) and waits for each to end
// it (readback.go).
//
// See Example, which compiles.
package system
