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
// See Example.
package plan
