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
	"github.com/hatest/hatest/framework/runtime/docker"
	"github.com/hatest/hatest/framework/runtime/process"
	"github.com/hatest/hatest/framework/scenario"
)

func init() {
	commands = append(commands, &command{
		name: "calibrate", summary: "measure hatest's own accuracy on outages of known length",
		usage: "calibrate [--runtime auto|docker|process] [--interval 5ms] [--out FILE]",
		help: `Starts a driver behind toxiproxy and two clients: hatest's open-loop probe
and a one-probe-a-second sampler (the common practice). It injects outages of
50 ms, 200 ms and 1 s, first by taking the proxy down, then by SIGSTOP of the
driver, and prints what each sampler measured against what was injected.

The target is |error| <= probe interval + 2 ms for every hatest row; the exit
code is 1 when a row misses it. Takes about 20 s.

Examples:
  hatest calibrate
  hatest calibrate --runtime process --out calibration.json`,
		run: runCalibrate,
	})
}

func runCalibrate(args []string, stdout, stderr io.Writer) error {
	c := find("calibrate")
	fs := flags(c, stdout)
	rtName := fs.String("runtime", "auto", "auto, docker or process")
	interval := fs.Duration("interval", 5*time.Millisecond, "hatest's probe interval (at least 1ms)")
	out := fs.String("out", "", "also write the report as JSON to this file")
	if err := parse(c, fs, args, stdout); err != nil {
		return err
	}
	if *interval < time.Millisecond {
		return usageErr("--interval %s is below 1ms; the probe schedules one op per interval", *interval)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	name, why, err := scenario.ChooseRuntime(ctx, *rtName)
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
	rep, err := calibrate.Run(ctx, rt, calibrate.Config{Interval: *interval, Log: stderr})
	if err != nil {
		return failed("calibrate: %v", err)
	}
	calibrate.Table(stdout, rep)
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return usageErr("--out %s: %v", *out, err)
		}
		defer f.Close()
		if err := calibrate.JSON(f, rep); err != nil {
			return usageErr("--out %s: %v", *out, err)
		}
	}
	if !rep.Pass {
		return failed("a hatest row missed the target of %.0f ms", rep.TargetMS)
	}
	return nil
}
