// Package reports renders the result of a run: results.json and report.json
// (the data), report.html (one scenario, self-contained, readable offline),
// index.html (the run) and, on request, junit.xml (JUnit). Rendering is a
// pure function of result data; a thin layer on top writes the files.
//
//	result.Run ──► WriteRun(dir) ──► dir/results.json        RunJSON
//	                               dir/index.html          IndexHTML (links ↓, relative)
//	                               dir/<slug>/report.json  ScenarioJSON ◄─ WriteScenario
//	                               dir/<slug>/report.html  ScenarioHTML
//	ReadRun(dir) ◄── dir/results.json;  Merge(shards...) ──► one run
//
// The HTML is built with html/template from embedded templates: every string
// from the result is escaped, nothing is fetched over the network, and the
// page reads fine without JavaScript. The timeline never draws one element
// per op: it draws outage windows (merged for display when they crowd a lane,
// see MaxMarksPerLane) and latency buckets, so a scenario of a million ops
// renders in milliseconds into a page well under 2 MB.
//
// Usage:
//
//	run, err := reports.ReadRun("out/shard-1")           // results.json or its directory
//	if err != nil { return err }
//	other, err := reports.ReadRun("out/shard-2/results.json")
//	if err != nil { return err }
//	merged, err := reports.Merge(run, other)             // duplicate slugs are an error
//	if err != nil { return err }
//	return reports.WriteRun("out/all", merged)           // index.html, results.json, per-scenario reports
//
// Or render one scenario to any writer:
//
//	err := reports.ScenarioHTML(os.Stdout, &scenario)
//
// The JSON format is specified in docs/report-format.md.
package reports
