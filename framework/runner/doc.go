// Package runner runs a plan on a runtime, without Ginkgo: it starts the
// topology (overlords, programs, clusters, then the clients, each with its path),
// runs the plan's nodes in order (a group's children one after another or
// all at once, each leaf one event on the timeline under its plan ID),
// and collects what was recorded for the analysis: every client's op log,
// the timeline, and the nodes' lifecycle for the version lane. It keeps
// every op log and node log beside the report, which is what hatest
// analyze reads again.
//
// Start refuses, before anything starts, what cannot run, in one line: a
// client group's name, a cluster's option, a fault that names what the
// topology lacks or leaves a cluster no quorum (fault.Checked), a fault
// below the proxy on a runtime that cannot do it. A fault the machine
// cannot do (a delay on a kernel without sch_netem) fails the start too,
// before anything starts.
//
//	plan.Plan ──New(rt)──▶ Start ──▶ Steps ──▶ Collect ──▶ analysis.Recorded
//	                                               └──▶ KeepArtifacts(dir): logs/*.ops.jsonl, node logs
//
// See Example.
package runner
