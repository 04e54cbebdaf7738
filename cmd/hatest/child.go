package main

import (
	"os/exec"
	"syscall"
)

// suiteProcAttr runs the suite binary in a process group of its own, so
// that a Ctrl-C at the terminal reaches hatest alone, which passes one
// SIGINT on (stopSuite). When hatest itself dies, even by SIGKILL, the
// suite notices it was orphaned (settings.EnvChild) and interrupts itself
// once: it then interrupts its scenario, cleans up what it started and
// writes the reports of what ran. No parent-death signal is asked for:
// with it the suite got two interrupts, and Ginkgo skips the cleanup on
// the second.
func suiteProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
