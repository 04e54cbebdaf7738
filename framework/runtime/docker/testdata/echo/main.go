// Command echo is the docker runtime's test program: a line echo server
// that answers "<version> <line>", counts its boots in -data, and reports
// signals on stderr.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var version = "dev"

func main() {
	listen := flag.String("listen", ":7000", "TCP address of the echo service")
	httpAddr := flag.String("http", "", "if set, serve GET /healthz here")
	delay := flag.Duration("delay", 0, "wait this long before listening")
	never := flag.Bool("never", false, "never listen (a node that never becomes ready)")
	termDelay := flag.Duration("term-delay", 0, "on SIGTERM, wait this long before exiting 0")
	data := flag.String("data", "", "directory that keeps a boot counter")
	flag.Parse()

	boots := 0
	if *data != "" {
		f := filepath.Join(*data, "boots")
		b, _ := os.ReadFile(f)
		boots, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		boots++
		if err := os.WriteFile(f, []byte(strconv.Itoa(boots)), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "write boots:", err)
			os.Exit(3)
		}
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "got SIGTERM")
		time.Sleep(*termDelay)
		fmt.Println("bye")
		os.Exit(0)
	}()

	fmt.Printf("echo %s starting (boot %d)\n", version, boots)
	if *never {
		fmt.Fprintln(os.Stderr, "never listening, as asked")
		select {}
	}
	time.Sleep(*delay)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *httpAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
		go func() { fmt.Fprintln(os.Stderr, http.ListenAndServe(*httpAddr, mux)) }()
	}
	fmt.Printf("echo %s listening on %s\n", version, *listen)
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go serve(c, boots)
	}
}

func serve(c net.Conn, boots int) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSpace(line)
		if line == "boots" {
			line = "boots=" + strconv.Itoa(boots)
		}
		if _, err := fmt.Fprintf(c, "%s %s\n", version, line); err != nil {
			return
		}
	}
}
