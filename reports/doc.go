// Package reports renders the result of a run: results.json and report.json
// (the data), report.html (one scenario, self-contained, readable offline),
// index.html (the run), junit.xml (the run for CI) and shrink.html (what
// `hatest shrink` found). Rendering is a pure
// function of result data; a thin layer on top writes the files. WriteRun
// is the one writer of a run's files, for a plain run and merged shards
// alike, so that they always carry the same verdicts.
//
//	result.Run ──► WriteRun(dir) ──► dir/results.json        RunJSON
//	                               dir/index.html          IndexHTML (links ↓, relative)
//	                               dir/junit.xml           JUnit
//	                               dir/<slug>/report.json  ScenarioJSON ◄─ WriteScenario
//	                               dir/<slug>/report.html  ScenarioHTML
//	ReadRun(dir) ◄── dir/results.json;  Merge(shards...) ──► one run
//
//	reports.Shrink ──► ShrinkHTML ──► shrink.html  (original and minimal run, one time axis)
//
// A scenario has three outcomes (Status): passed, failed and invalid, the
// last when its numbers cannot be vouched for (the probe fell behind its
// schedule). Every view says INVALID and why, never FAIL: the report's
// header and assertions, the index (failed, then invalid, then passed),
// and junit.xml (an <error type="invalid">, not a failure).
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
// and the page of a `hatest shrink`, the original failing run above the
// minimal one on one time axis, both drawn by the scenario page's
// timeline template:
//
//	err := reports.ShrinkHTML(f, &reports.Shrink{Original: orig, Minimal: min, ...})
//
// ExampleMerge and ExampleScenarioHTML, in example_test.go, run the first
// two; ExampleShrinkHTML, in shrink_test.go, the last.
//
// The JSON format is specified in docs/report-format.md.
package reports
