// Command echo is the conformance suite's test program, run unchanged by
// every runtime: a line server that answers each line with
// "<version> <line>", where the version is set at link time
// (-ldflags "-X main.version=v1").
//
//	echo -listen ADDR [-data DIR] [-term-delay D] [-never]
//
// It prints "echo <version> starting" to stdout and "echo <version> data
// <DIR>" to stderr at start, and "echo <version> listening on ADDR" once it
// listens. On SIGTERM it prints "got SIGTERM" to stderr, waits -term-delay
// (a program that takes its time to shut down), writes "<version> got
// SIGTERM" to DIR/last-words when it has -data, prints "bye" to stdout and
// exits 0. With -never it prints "never listening, as asked" and never
// listens: a node that never becomes ready.
//
// Two lines use the data directory, to show that it survives a restart:
//
//	write NAME TEXT   store TEXT in DIR/NAME; answers "<version> wrote NAME"
//	read NAME         answers "<version> <content of DIR/NAME>"
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

var version = "dev"

func main() {
	listen := flag.String("listen", ":7000", "TCP address to serve lines on")
	data := flag.String("data", "", "directory for write and read")
	never := flag.Bool("never", false, "never listen")
	termDelay := flag.Duration("term-delay", 0, "on SIGTERM, take this long to shut down")
	flag.Parse()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "got SIGTERM")
		time.Sleep(*termDelay)
		if *data != "" {
			if err := os.WriteFile(filepath.Join(*data, "last-words"), []byte(version+" got SIGTERM"), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}
		fmt.Println("bye")
		os.Exit(0)
	}()

	fmt.Printf("echo %s starting\n", version)
	fmt.Fprintf(os.Stderr, "echo %s data %q\n", version, *data)
	if *never {
		fmt.Fprintln(os.Stderr, "never listening, as asked")
		select {}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("echo %s listening on %s\n", version, *listen)
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go serve(c, *data)
	}
}

// serve answers every line of c until it closes.
func serve(c net.Conn, data string) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSpace(line)
		if _, err := fmt.Fprintf(c, "%s %s\n", version, answer(line, data)); err != nil {
			return
		}
	}
}

// answer is the reply to one line, without the version.
func answer(line, data string) string {
	cmd, rest, _ := strings.Cut(line, " ")
	switch cmd {
	case "write", "read":
		name, text, _ := strings.Cut(rest, " ")
		if data == "" || name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
			return "error: " + cmd + " needs -data and a plain file name"
		}
		path := filepath.Join(data, name)
		if cmd == "write" {
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				return "error: " + err.Error()
			}
			return "wrote " + name
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "error: " + err.Error()
		}
		return string(b)
	}
	return line
}
