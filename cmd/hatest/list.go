package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

func init() {
	commands = append(commands, &command{
		name: "list", summary: "list the scenarios of a suite, with their labels",
		usage: "list [--label-filter EXPR] [--shard i/n] [PKG]",
		help: `Prints one line per scenario: its name, a tab, then its labels separated by
commas. Runs nothing. PKG defaults to ./scenarios.

--shard i/n prints only the i-th of n disjoint parts of the selection: the
same parts 'hatest run --shard i/n' runs.

Examples:
  hatest list
  hatest list --label-filter 'gate && !negative'
  hatest list --shard 2/3`,
		run: runList,
	})
}

func runList(args []string, stdout, _ io.Writer) error {
	c := find("list")
	fs := flags(c, stdout)
	labels := fs.String("label-filter", "", "Ginkgo label filter, e.g. 'gate && !slow'")
	shardSpec := fs.String("shard", "", "only the i-th of n disjoint parts, e.g. 1/2")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	sh, err := parseShard(*shardSpec)
	if err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErr("list takes one package, got %d", fs.NArg())
	}
	pkg := "./scenarios"
	if fs.NArg() == 1 {
		pkg = fs.Arg(0)
	}
	specs, err := listSpecs(context.Background(), pkg, *labels)
	if err != nil {
		return err
	}
	for _, s := range sh.pick(specs) {
		fmt.Fprintf(stdout, "%s\t%s\n", s.Name, strings.Join(s.Labels, ","))
	}
	return nil
}
