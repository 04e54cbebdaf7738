package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes, the same for every command.
const (
	exitPass  = 0 // everything passed
	exitFail  = 1 // a scenario failed or was invalid, a budget was breached, a regression was found
	exitUsage = 2 // bad usage, config or environment
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // the synopsis line after "hatest "
	help    string // what it does, with an example
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands []*command

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs hatest with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		if len(args) > 1 {
			if c := find(args[1]); c != nil {
				commandHelp(stdout, c)
				return exitPass
			}
		}
		usage(stdout)
		return exitPass
	}
	c := find(name)
	if c == nil {
		fmt.Fprintf(stderr, "hatest: unknown command %q; run 'hatest help' for the list\n", name)
		return exitUsage
	}
	err := c.run(args[1:], stdout, stderr)
	if err == nil {
		return exitPass
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitPass
	}
	var e *exitError
	if errors.As(err, &e) {
		if e.msg != "" {
			fmt.Fprintf(stderr, "hatest %s: %s\n", name, e.msg)
		}
		return e.code
	}
	fmt.Fprintf(stderr, "hatest %s: %v\n", name, err)
	return exitUsage
}

// exitError carries an exit code and a one-line message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

func failed(format string, args ...any) error {
	return &exitError{code: exitFail, msg: fmt.Sprintf(format, args...)}
}

func find(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `hatest proves a service can be upgraded, and can survive faults, without its
clients noticing, and says in milliseconds how much they noticed when they did.

Usage:
  hatest <command> [flags] [args]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Exit codes: 0 pass; 1 a scenario failed or was invalid (its numbers cannot
be trusted), a budget was breached or a regression was found; 2 bad usage,
config or environment.

Run 'hatest help <command>' or 'hatest <command> --help' for a command's flags.
Example:
  hatest run --label-filter gate ./scenarios
`)
}

func commandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: hatest %s\n\n%s\n", c.usage, strings.TrimSpace(c.help))
}

// flags makes a FlagSet whose --help prints the command's help and whose
// parse errors become one-line usage errors.
func flags(c *command, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	_ = stdout
	return fs
}

// parse parses args, printing help on --help and turning errors into
// one-line usage errors.
func parse(c *command, fs *flag.FlagSet, args []string, stdout io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		commandHelp(stdout, c)
		fmt.Fprintln(stdout, "\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return flag.ErrHelp
	}
	if err != nil {
		return usageErr("%v; run 'hatest %s --help' for its flags", err, c.name)
	}
	return nil
}
