//go:build !linux

package main

import (
	"os/exec"
	"syscall"
)

// suiteProcAttr runs the suite binary in a process group of its own, so
// that a Ctrl-C at the terminal reaches hatest alone, which passes one
// SIGINT on (stopSuite). There is no parent-death signal outside Linux;
// the next run's sweep removes what an orphaned suite leaves behind.
func suiteProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
