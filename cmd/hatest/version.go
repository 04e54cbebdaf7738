package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func init() {
	commands = append(commands, &command{
		name: "version", summary: "print version information",
		usage: "version",
		help: `Prints hatest's version, the commit it was built from and the Go version.

Example:
  hatest version`,
		run: runVersion,
	})
}

func runVersion(args []string, stdout, _ io.Writer) error {
	c := find("version")
	fs := flags(c, stdout)
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	version, commit, dirty := "(devel)", "unknown", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
				if len(commit) > 12 {
					commit = commit[:12]
				}
			case "vcs.modified":
				if s.Value == "true" {
					dirty = " (modified)"
				}
			}
		}
	}
	fmt.Fprintf(stdout, "hatest %s\ncommit %s%s\n%s %s/%s\n", version, commit, dirty, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
