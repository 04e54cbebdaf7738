//go:build unix

package probe

import (
	"os"
	"syscall"
)

// sigUSR1 asks a client for a read-back round.
var sigUSR1 os.Signal = syscall.SIGUSR1
