//go:build linux

package process

import (
	"syscall"
	"unsafe"
)

// sysProcAttr puts the child in its own process group, so that a signal
// reaches everything it started, and has the kernel SIGKILL it when the
// thread that started it dies, so that a framework killed with SIGKILL
// leaves no node behind. (Go never ends a thread that an unlocked goroutine
// ran on, so "the thread" is "the framework" here.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup sends sig to every process in the process group pgid.
func killGroup(pgid int, sig syscall.Signal) error {
	return syscall.Kill(-pgid, sig)
}

const (
	pPID     = 1         // P_PID
	wEXITED  = 0x4       // WEXITED
	wNOWAIT  = 0x1000000 // WNOWAIT
	sizeInfo = 128       // sizeof(siginfo_t)
)

// waitExited blocks until the child pid has exited but leaves it unreaped,
// so that its pid, which is also its process group's id, cannot be reused
// while the caller signals the group. It reports false if it could not
// wait.
func waitExited(pid int) bool {
	var info [sizeInfo]byte
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid),
			uintptr(unsafe.Pointer(&info[0])), wEXITED|wNOWAIT, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		return errno == 0
	}
}
