// Command pause holds a node's network namespace for the Docker runtime:
// it is the whole program of a node's sandbox container, which owns the
// node's address on the run network and its published ports, while the
// node's program runs in a container that joins the sandbox's namespace.
// It does nothing but wait: it exits 0 on SIGTERM or SIGINT.
//
// The Docker runtime builds it into the image hatest/pause:<sha12> FROM
// scratch, from this package, in the user's own module, as it builds
// toxiproxy; so it lives outside internal/.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	<-ch
}
