// Package plan owns the declaration of a scenario and its numbered plan.
// A scenario's body declares on an S (the topology, the steps, the
// expectations); Build numbers every step once and returns the Plan: a
// tree of nodes, each with the number the printed plan shows and the
// event ID the runner records on the timeline ("step-4.2", "fault-4.1").
// A Handle (from s.Step or Track) finds its step wherever it ended up, so
// check.ForStep(handle) never targets the wrong step when one is inserted.
//
//	body(s *S) ──Declare──▶ *S ──Build──▶ *Plan ──Lines──▶ "1. start the topology" ...
//	                                        │
//	                                        └─ Nodes: 2 warm-up, 3, 3.1, 3.2 ..., settle ──▶ runner
//
// The topology: s.Overlord, s.Standby and s.Replicas run the reference
// system (its builds come from fixtures/reference); s.Program is one node
// of your own, and s.Cluster a cluster of your own, whose members start at
// once and whose Args are templates naming each other ("${NAME}",
// "${OTHERS:peer:nats}"). Their options: Port, NamedPort (a port with a
// name for templates and checks), Args, Env, DataDir, File (a file the
// program reads, "${FILE:name}"), Ready (a readiness check of package
// health), ReadyTimeout, StopGrace, HostPort and Cluster.Pin. Software
// comes from GoSoftware (a package of your module) or GoModule (a released
// Go program, from the module proxy, at several versions).
//
// s.Clients sends to a service, a cluster member (Cluster.Member) or every
// member (Cluster.All); Named puts the clients in a group, which reports
// and check.ForGroup take together.
//
// See Example.
package plan
