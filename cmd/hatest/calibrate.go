package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/calibrate"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/auto"
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/process"
)

func init() {
	commands = append(commands, &command{
		name: "calibrate", summary: "measure hatest's own accuracy on outages of known length",
		usage: "calibrate [--runtime auto|docker|process] [--interval 5ms] [--keep DIR] [--out FILE]",
		help: `Starts a driver behind toxiproxy and two clients: hatest's open-loop probe
(one op every --interval) and a one-probe-a-second sampler (the common
practice). It injects outages of 50 ms, 200 ms, 700 ms and 1 s, first by taking
the proxy down, then by SIGSTOP of the driver (a freeze of its container on
Docker). On Docker it then cuts the driver from its clients for 50 ms,
200 ms and 700 ms with an nftables rule in the driver's own network
namespace, below toxiproxy (nft-cut; the rule refuses each packet, and its
± is how long the kernel took to acknowledge the rule and its removal, as
the sidecar read the clock around its netlink calls); the
process runtime has no network of a node's own and says "not run". It prints one table: per outage, the injected length and how well it
is known (±), what each sampler measured and its error, the ratio of the
1 s sampler's error to hatest's, and a verdict. 700 ms is there because at
whole seconds a one-second sampler is right by construction.

The target is |hatest error| <= interval + 2 ms on every row. A row outside it
is marked "backlog" when it is a SIGSTOP longer than the target by no more
than the time the driver took after SIGCONT to serve the requests queued
while it was stopped (by its own "applied" clock; it must exceed the ±):
clients really waited. It is INVALID when
the error fits within the target plus what a busy machine adds: hatest's
probe itself behind its schedule near the outage's start or end (the op
lines' "sched"), the system already failing before anything was injected
(for a row that is too long), and the ± of the injected length. Such a row
says nothing either way. Any other row outside the target is a MISS, and so
is an outage hatest found no window for, unless its probe was behind its
schedule for the whole outage. The last line says PASS, FAIL (a MISS) or INVALID; the exit code is 1
on FAIL and on INVALID. The op logs of every row not plainly within the
target are written to --keep DIR (default: a new directory under $TMPDIR),
named in the output. Takes about 25 s (35 s on Docker).

Examples:
  hatest calibrate
  hatest calibrate --runtime process --interval 1ms
  hatest calibrate --runtime docker --keep calibration-logs --out calibration.json`,
		run: runCalibrate,
	})
}

func runCalibrate(args []string, stdout, stderr io.Writer) error {
	c := find("calibrate")
	fs := flags(c, stdout)
	rtName := fs.String("runtime", "auto", "auto, docker or process")
	interval := fs.Duration("interval", 5*time.Millisecond, "hatest's probe interval, 1ms to 25ms")
	keep := fs.String("keep", "", "write the op logs of rows outside the target here (default: a new directory under $TMPDIR)")
	out := fs.String("out", "", "also write the report as JSON to this file")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("calibrate takes no arguments, got %q", fs.Arg(0))
	}
	if *interval < time.Millisecond {
		return usageErr("--interval %s is below 1ms; the probe schedules one op per interval", *interval)
	}
	if *interval > maxCalibrateInterval {
		return usageErr("--interval %s is above %s, half the shortest outage (50ms): it could fall between two probes", *interval, maxCalibrateInterval)
	}
	// Find out now, not after the run, that the report or the logs
	// cannot be written.
	var outFile *os.File
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return usageErr("--out: %v", err)
		}
		defer f.Close()
		outFile = f
	}
	if *keep != "" {
		if err := os.MkdirAll(*keep, 0o755); err != nil {
			return usageErr("--keep: %v", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	name, why, err := auto.Choose(ctx, *rtName)
	if err != nil {
		return usageErr("%v", err)
	}
	fmt.Fprintf(stderr, "hatest: runtime %s (%s)\n", name, why)
	var rt runtime.Runtime
	if name == "docker" {
		rt, err = docker.New(ctx)
	} else {
		rt, err = process.New(ctx)
	}
	if rt != nil {
		defer rt.Close(context.Background())
	}
	if err != nil {
		return usageErr("start the %s runtime: %v", name, err)
	}
	rep, err := calibrate.Run(ctx, rt, calibrate.Config{Interval: *interval, Keep: *keep, Log: stderr})
	if rep != nil {
		calibrate.Table(stdout, rep)
	}
	if err != nil {
		return failed("calibrate: %v", err)
	}
	if outFile != nil {
		if err := calibrate.JSON(outFile, rep); err != nil {
			return failed("--out %s: %v", *out, err)
		}
		if err := outFile.Close(); err != nil {
			return failed("--out %s: %v", *out, err)
		}
	}
	if !rep.Pass {
		return failed("%s", calibrate.Verdict(rep))
	}
	return nil
}

// maxCalibrateInterval is the longest probe interval calibrate accepts:
// half the shortest outage it injects.
const maxCalibrateInterval = 25 * time.Millisecond
