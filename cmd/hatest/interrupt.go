package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// suiteStopWait bounds how long an interrupted suite may take to clean up
// and write its reports before hatest kills it.
const suiteStopWait = 3 * time.Minute

// interrupts is how hatest run hears SIGINT and SIGTERM: the first cancels
// ctx (its cause names the signal); each one after it arrives on more, for
// stopSuite to pass on. stop stops listening.
type interrupts struct {
	ctx  context.Context
	more chan os.Signal
	stop func()
}

func listenForInterrupts(parent context.Context) *interrupts {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	more := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		first := true
		for {
			select {
			case s := <-sigs:
				if first {
					first = false
					cancel(fmt.Errorf("%s received", sigName(s)))
					continue
				}
				select {
				case more <- s:
				default:
				}
			case <-done:
				return
			}
		}
	}()
	return &interrupts{ctx: ctx, more: more, stop: func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}}
}

func sigName(s os.Signal) string {
	if sig, ok := s.(syscall.Signal); ok {
		if name := unix.SignalName(sig); name != "" {
			return name
		}
	}
	return s.String()
}

// stopSuite interrupts a running suite binary and returns how it exited.
// It sends one SIGINT: Ginkgo then interrupts the running scenario and runs
// its cleanup (the scenario's report with its op logs, the runtime's
// Close, which removes every container, network, volume and process of
// the run), and writes the run's reports. Each further interrupt hatest
// hears is passed on: Ginkgo skips the cleanup on the second and gives up
// on the third. After suiteStopWait the suite is killed.
//
// The suite runs in a process group of its own (see suiteProcAttr), so a
// Ctrl-C at the terminal reaches hatest alone and the suite gets exactly
// one SIGINT: two at once would skip the cleanup and leave the run behind.
func stopSuite(cmd *exec.Cmd, done <-chan error, more <-chan os.Signal, stderr io.Writer) error {
	_ = cmd.Process.Signal(syscall.SIGINT)
	fmt.Fprintln(stderr, "hatest: interrupted; the running scenario stops, cleans up and writes its report (interrupt again to skip the cleanup)")
	t := time.NewTimer(suiteStopWait)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-more:
			_ = cmd.Process.Signal(syscall.SIGINT)
		case <-t.C:
			fmt.Fprintf(stderr, "hatest: the suite did not stop within %v of the interrupt; killing it\n", suiteStopWait)
			_ = cmd.Process.Kill()
			return <-done
		}
	}
}
