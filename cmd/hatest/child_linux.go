package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the suite binary receive SIGINT when hatest itself
// dies, even by SIGKILL: the suite then interrupts its scenario, cleans
// up what it started and writes the reports of what ran.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT}
}
