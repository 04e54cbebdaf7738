// Package runner runs a plan on a runtime, without Ginkgo: it starts the
// topology (overlords, programs, clusters, then the clients, each with its path),
// runs the plan's nodes in order (a group's children one after another or
// all at once, each leaf one event on the timeline under its plan ID),
// and collects what was recorded for the analysis: every client's op log,
// the timeline, and the nodes' lifecycle for the version lane. It keeps
// every op log and node log beside the report, which is what hatest
// analyze reads again.
//
//	plan.Plan ──New(rt)──▶ Start ──▶ Steps ──▶ Collect ──▶ analysis.Recorded
//	                                               └──▶ KeepArtifacts(dir): logs/*.ops.jsonl, node logs
//
// See Example.
package runner
