package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/reports"
)

func init() {
	commands = append(commands, &command{
		name: "report", summary: "re-render reports from results.json; merge shard outputs",
		usage: "report [--out DIR] DIR...",
		help: `Reads results.json from each DIR (a report directory or the file itself) and
writes index.html, results.json, junit.xml and every scenario's report.html
and report.json to --out, without running anything. With one DIR and no --out
it re-renders that directory in place; with several it merges them (the
shards of one run) into --out, default hatest-out/merged.

Examples:
  hatest report hatest-out
  hatest report --out merged shard-1 shard-2`,
		run: runReport,
	})
}

func runReport(args []string, stdout, _ io.Writer) error {
	c := find("report")
	fs := flags(c, stdout)
	out := fs.String("out", "", "directory to write to (default: the one DIR, or hatest-out/merged)")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErr("report needs at least one report directory or results.json")
	}
	var runs []*result.Run
	for _, d := range fs.Args() {
		r, err := reports.ReadRun(d)
		if err != nil {
			return usageErr("%v", err)
		}
		runs = append(runs, r)
	}
	run, err := reports.Merge(runs...)
	if err != nil {
		return usageErr("%v", err)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("hatest-out", "merged")
		if fs.NArg() == 1 {
			dir = fs.Arg(0)
			if filepath.Base(dir) == "results.json" {
				dir = filepath.Dir(dir)
			}
		}
	}
	// One writer for results.json, index.html and junit.xml, for one run
	// and for merged shards alike.
	if err := reports.WriteRun(dir, run); err != nil {
		return usageErr("write %s: %v", dir, err)
	}
	fmt.Fprintf(stdout, "%d scenarios; report: %s\n", len(run.Scenarios), filepath.Join(dir, "index.html"))
	return nil
}
