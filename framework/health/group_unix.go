//go:build unix

package health

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own, and makes the
// cancel of its context kill that whole group.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// killGroup kills what is left of cmd's process group after the program
// ended, so that an attempt leaves nothing running. Call it only while
// the group is known to have members, lest its id name another group.
func killGroup(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
