package reports_test

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/reports"
)

// shard writes a run of one scenario to dir, as one shard of a suite does.
func shard(dir, name, slug string) error {
	return reports.WriteRun(dir, &result.Run{Schema: result.Schema, Runtime: "process", Scenarios: []result.Scenario{{
		Scenario: name, Slug: slug, Status: result.StatusPassed, Passed: true, Runtime: "process",
	}}})
}

// Two shards of a suite merged into one run: one index.html, results.json
// and junit.xml, and a report per scenario.
func ExampleMerge() {
	out, err := os.MkdirTemp("", "reports-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)
	if err := shard(filepath.Join(out, "shard-1"), "kill primary", "kill-primary"); err != nil {
		fmt.Println(err)
		return
	}
	if err := shard(filepath.Join(out, "shard-2"), "rolling upgrade", "rolling-upgrade"); err != nil {
		fmt.Println(err)
		return
	}

	run, err := reports.ReadRun(filepath.Join(out, "shard-1")) // results.json or its directory
	if err != nil {
		fmt.Println(err)
		return
	}
	other, err := reports.ReadRun(filepath.Join(out, "shard-2", "results.json"))
	if err != nil {
		fmt.Println(err)
		return
	}
	merged, err := reports.Merge(run, other) // duplicate slugs are an error
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := reports.WriteRun(filepath.Join(out, "all"), merged); err != nil {
		fmt.Println(err)
		return
	}

	_ = fs.WalkDir(os.DirFS(filepath.Join(out, "all")), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fmt.Println(path)
		}
		return err
	})
	// Output:
	// index.html
	// junit.xml
	// kill-primary/report.html
	// kill-primary/report.json
	// results.json
	// rolling-upgrade/report.html
	// rolling-upgrade/report.json
}

// One scenario's page, to any writer.
func ExampleScenarioHTML() {
	s := result.Scenario{Scenario: "kill primary", Slug: "kill-primary", Status: result.StatusPassed, Passed: true}
	if err := reports.ScenarioHTML(io.Discard, &s); err != nil {
		fmt.Println(err)
	}
	// Output:
}
