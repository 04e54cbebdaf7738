// Command echo is the process runtime's test program: a line server that
// answers with its version, plus modes that misbehave on purpose.
//
//	echo -listen 127.0.0.1:7000 -data DIR   serve lines (see serve)
//	echo -mode exit                         print 30 lines to stderr, exit 3
//	echo -mode hang                         print a line, never listen
//	echo -mode sleep                        sleep until killed
//	echo -mode version                      print the version and exit
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

var version = "dev"

func main() {
	listen := flag.String("listen", "", "line server address")
	httpAddr := flag.String("http", "", "health server address (/healthz)")
	httpAfter := flag.Duration("http-ready-after", 0, "answer /healthz 503 until this long after start")
	data := flag.String("data", "", "data directory")
	mode := flag.String("mode", "serve", "serve, exit, hang, sleep or version")
	termDelay := flag.Duration("term-delay", 0, "on SIGTERM, exit 0 after this delay")
	ignoreTerm := flag.Bool("ignore-term", false, "ignore SIGTERM")
	spawn := flag.Bool("spawn", false, "start a sleeping child in the same process group")
	flag.Parse()

	switch *mode {
	case "exit":
		for i := 1; i <= 30; i++ {
			fmt.Fprintf(os.Stderr, "boom %02d\n", i)
		}
		os.Exit(3)
	case "hang", "sleep":
		fmt.Println("not listening")
		for {
			time.Sleep(time.Hour)
		}
	case "version":
		fmt.Println(version)
		return
	}

	sigs := make(chan os.Signal, 1)
	switch {
	case *ignoreTerm:
		signal.Ignore(syscall.SIGTERM)
	case *termDelay > 0:
		signal.Notify(sigs, syscall.SIGTERM)
		go func() {
			<-sigs
			fmt.Println("terminating")
			time.Sleep(*termDelay)
			os.Exit(0)
		}()
	}
	if *spawn {
		self, _ := os.Executable()
		c := exec.Command(self, "-mode", "sleep")
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "spawn:", err)
			os.Exit(1)
		}
		fmt.Printf("child %d\n", c.Process.Pid)
	}
	if *httpAddr != "" {
		start := time.Now()
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
			if time.Since(start) < *httpAfter {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintln(w, "ok")
		})
		go func() {
			fmt.Fprintln(os.Stderr, http.ListenAndServe(*httpAddr, mux))
			os.Exit(1)
		}()
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("echo %s listening on %s\n", version, ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go serve(c, *data)
	}
}

// serve answers each line of c:
//
//	cat NAME      the content of NAME in the data directory
//	env NAME      the value of the environment variable NAME
//	sibling NAME  the output of NAME -mode version, NAME next to this binary
//	anything      "<version> <line>"
func serve(c net.Conn, data string) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSpace(line)
		var reply string
		switch cmd, arg, _ := strings.Cut(line, " "); cmd {
		case "cat":
			b, err := os.ReadFile(filepath.Join(data, arg))
			reply = strings.TrimSpace(string(b))
			if err != nil {
				reply = "error: " + err.Error()
			}
		case "env":
			reply = os.Getenv(arg)
		case "sibling":
			self, _ := os.Executable()
			out, err := exec.Command(filepath.Join(filepath.Dir(self), arg), "-mode", "version").Output()
			reply = strings.TrimSpace(string(out))
			if err != nil {
				reply = "error: " + err.Error()
			}
		default:
			reply = version + " " + line
		}
		if _, err := fmt.Fprintln(c, reply); err != nil {
			return
		}
	}
}
