//go:build unix && !linux

package process

import "syscall"

// sysProcAttr puts the child in its own process group. Only Linux can tie
// the child's life to the framework's (Pdeathsig).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// killGroup sends sig to every process in the process group pgid.
func killGroup(pgid int, sig syscall.Signal) error {
	return syscall.Kill(-pgid, sig)
}

// waitExited cannot wait without reaping here; the caller reaps first and
// leaves the group alone afterwards.
func waitExited(pid int) bool { return false }
