//go:build !unix

package probe

import "os"

// sigUSR1 does not exist here: Rounds never calls its round.
var sigUSR1 os.Signal
