package proc

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	self, err := Read(os.Getpid())
	if err != nil || self.Dead() || self.Start == "" {
		t.Fatalf("this process: %+v, %v", self, err)
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGKILL)
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := Read(pid)
		if err == nil && st.Dead() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed, unreaped child is not dead: %+v, %v", st, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Wait()
	if _, err := Read(pid); !errors.Is(err, ErrGone) {
		t.Fatalf("a reaped process: %v, want ErrGone", err)
	}
}
