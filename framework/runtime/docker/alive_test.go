package docker

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// A process that was killed but not yet reaped (a zombie: a killed suite
// whose parent, hatest, was killed too) is not alive: the sweep must take
// its containers. Before, kill(pid, 0) called it alive and the sweep left
// them, whenever the machine's init reaped late.
func TestZombieIsNotAlive(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if !alive(pid) {
		t.Fatal("a running process is not alive")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Not reaped yet: it is a zombie until Wait.
	deadline := time.Now().Add(5 * time.Second)
	for !zombie(pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !zombie(pid) {
		t.Fatal("the killed child never showed as a zombie")
	}
	if alive(pid) {
		t.Fatal("a zombie counts as alive: the sweep would leave its resources")
	}
	_ = cmd.Wait()
	if alive(pid) {
		t.Fatal("a reaped process counts as alive")
	}
}
