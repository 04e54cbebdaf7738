// Command mute starts, says so, and never listens: a server that never
// becomes ready. It exits 0 on SIGTERM.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

var version = "dev"

func main() {
	fmt.Printf("mute %s: up, and never listening\n", version)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	<-sigs
}
