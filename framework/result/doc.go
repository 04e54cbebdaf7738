// Package result holds the data of a finished run: what report.json and
// results.json contain. It has no behaviour; timeline and check fill it,
// reports renders it, the CLI gates on it.
//
//	run := result.Run{Schema: result.Schema, Scenarios: []result.Scenario{s}}
//
// (ExampleRun, in example_test.go.)
package result
