//go:build unix

package probe

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// Real SIGUSR1s to this process: each begins the next round; after stop a
// SIGUSR1 neither begins a round nor kills the process.
func TestRoundsSIGUSR1(t *testing.T) {
	began := make(chan int, 10)
	stop := Rounds(func(n int) { began <- n })
	for want := 1; want <= 2; want++ {
		if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-began:
			if n != want {
				t.Fatalf("round %d, want %d", n, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no round %d within 5s of SIGUSR1", want)
		}
	}
	stop()
	stop() // again: a no-op
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-began:
		t.Fatalf("round %d after stop", n)
	case <-time.After(100 * time.Millisecond):
	}
}
