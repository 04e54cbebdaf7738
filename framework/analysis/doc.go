// Package analysis turns what a scenario run recorded into its result:
// outage windows attributed along each client's path, the probe's
// schedule, statistics, latency buckets, failovers, the integrity check,
// the read-back rounds (check.ReadBack, labelled by the timeline's
// "readback-N" events), the version lane, the start-up overhead, the headline figures per client
// group (groups.go) and the members' restarts found from the phase events
// of their replacements (restarts.go). Analyze is pure: data in,
// data out. Save and Load keep a run's record beside its report, so that
// it can be analysed again with newer code (hatest analyze).
//
//	Recorded{events, clients' op logs, lifecycle} ──Analyze──▶ result.Scenario ──check rules──▶ verdicts
//	     │                                                         ▲
//	     └──Save(dir) ─ recorded.json + logs/*.ops.jsonl ──Load(dir)─┘
//
// See Example, and Example_groups for the figures per client group.
package analysis
