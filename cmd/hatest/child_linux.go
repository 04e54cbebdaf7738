package main

import (
	"os/exec"
	"syscall"
)

// suiteProcAttr runs the suite binary in a process group of its own, so
// that a Ctrl-C at the terminal reaches hatest alone, which passes one
// SIGINT on (stopSuite); and makes the suite receive SIGINT when hatest
// itself dies, even by SIGKILL: the suite then interrupts its scenario,
// cleans up what it started and writes the reports of what ran.
func suiteProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
}
