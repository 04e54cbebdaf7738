// Command echo is the runtimes' test program, run unchanged by
// runtime/docker, runtime/process and the conformance suite: a line server
// that answers each line with "<version> <answer>", where the version is set
// at link time (-ldflags "-X main.version=v1"), plus switches that make it
// misbehave on purpose.
//
//	echo [-listen ADDR] [-data DIR] [-http ADDR] [-http-ready-after D]
//	     [-delay D] [-term-delay D | -ignore-term] [-term-burst N] [-spawn] [-never]
//	echo -crash
//	echo -version
//
// At start, with -data, it counts its boots in DIR/boots; then it prints
// "echo <version> starting (boot N)" to stdout (N is 0 without -data) and
// "echo <version> data <DIR, quoted>" to stderr. It waits -delay, listens on
// -listen (":7000"), serves GET /healthz on -http if set, and prints
// "echo <version> listening on <-listen>" to stdout. /healthz answers 503
// until -http-ready-after has passed since start, then 200 "ok". The program
// exits 1 when it cannot listen on either address, and 2, printing the
// error and a short usage to stderr, on a flag it does not know.
//
// Signals: on SIGTERM it prints "got SIGTERM" to stderr, waits -term-delay
// (a program that takes its time to shut down), writes "<version> got
// SIGTERM" to DIR/last-words when it has -data, prints "bye" to stdout and
// exits 0. With -ignore-term it ignores SIGTERM: only SIGKILL ends it.
//
// The other switches:
//
//	-never     print "never listening, as asked" to stderr and never listen:
//	           a node that never becomes ready
//	-spawn     start "echo -never" as a child in the same process group,
//	           sharing stdout and stderr, and print "child <pid>" to stdout
//	-crash     print "boom 01" to "boom 30" to stderr, nothing else, and
//	           exit 3: a node that dies before it is ready
//	-version   print the version and exit 0
//
// Lines it answers besides plain echo, each reply "<version> <answer>":
//
//	write NAME TEXT   store TEXT in DIR/NAME; answers "wrote NAME"
//	read NAME         the content of DIR/NAME (NAME a plain file name)
//	boots             "boots=N", N the boot count, this boot included
//	env NAME          the value of the environment variable NAME
//	sibling NAME      what "NAME -version" prints, NAME the file next to
//	                  this binary (a Build's Extra)
//	anything else     the line itself
//
// A request that fails answers "error: ..." after the version.
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
	"strconv"
	"strings"
	"syscall"
	"time"
)

var version = "dev"

const usage = `usage: echo [-listen ADDR] [-data DIR] [-http ADDR] [-http-ready-after D]
            [-delay D] [-term-delay D | -ignore-term] [-term-burst N] [-spawn] [-never]
       echo -crash
       echo -version
`

func main() {
	began := time.Now()
	listen := flag.String("listen", ":7000", "TCP address to serve lines on")
	data := flag.String("data", "", "directory for the boot count, write, read and last-words")
	httpAddr := flag.String("http", "", "if set, serve GET /healthz here")
	httpAfter := flag.Duration("http-ready-after", 0, "answer /healthz 503 until this long after start")
	delay := flag.Duration("delay", 0, "wait this long before listening")
	termDelay := flag.Duration("term-delay", 0, "on SIGTERM, take this long to shut down")
	ignoreTerm := flag.Bool("ignore-term", false, "ignore SIGTERM")
	termBurst := flag.Int("term-burst", 0, "on SIGTERM, print this many 100-byte lines to stdout before exiting")
	spawn := flag.Bool("spawn", false, "start a child that never listens in the same process group")
	never := flag.Bool("never", false, "never listen (a node that never becomes ready)")
	crash := flag.Bool("crash", false, "print 30 lines to stderr and exit 3")
	showVersion := flag.Bool("version", false, "print the version and exit")
	// A short usage, so that a bad flag's error stays within the last
	// lines of output that a runtime quotes when a node dies at start.
	flag.Usage = func() {
		fmt.Fprint(os.Stderr, usage)
	}
	flag.Parse()

	switch {
	case *showVersion:
		fmt.Println(version)
		return
	case *crash:
		for i := 1; i <= 30; i++ {
			fmt.Fprintf(os.Stderr, "boom %02d\n", i)
		}
		os.Exit(3)
	}

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

	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	} else {
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
			w := bufio.NewWriterSize(os.Stdout, 64<<10)
			for i := 1; i <= *termBurst; i++ {
				line := fmt.Sprintf("burst %d of %d ", i, *termBurst)
				fmt.Fprintf(w, "%s%s\n", line, strings.Repeat(".", 99-len(line)))
			}
			fmt.Fprintln(w, "bye")
			w.Flush()
			os.Exit(0)
		}()
	}

	fmt.Printf("echo %s starting (boot %d)\n", version, boots)
	fmt.Fprintf(os.Stderr, "echo %s data %q\n", version, *data)
	if *spawn {
		self, _ := os.Executable()
		c := exec.Command(self, "-never")
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
		if err := c.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "spawn:", err)
			os.Exit(1)
		}
		fmt.Printf("child %d\n", c.Process.Pid)
	}
	if *never {
		fmt.Fprintln(os.Stderr, "never listening, as asked")
		for {
			time.Sleep(time.Hour) // not select{}: with -ignore-term nothing else runs
		}
	}
	time.Sleep(*delay)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *httpAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
			if time.Since(began) < *httpAfter {
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
	fmt.Printf("echo %s listening on %s\n", version, *listen)
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go serve(c, *data, boots)
	}
}

// serve answers every line of c until it closes.
func serve(c net.Conn, data string, boots int) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSpace(line)
		if _, err := fmt.Fprintf(c, "%s %s\n", version, answer(line, data, boots)); err != nil {
			return
		}
	}
}

// answer is the reply to one line, without the version.
func answer(line, data string, boots int) string {
	cmd, arg, _ := strings.Cut(line, " ")
	switch cmd {
	case "write", "read":
		name, text, _ := strings.Cut(arg, " ")
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
		return strings.TrimSpace(string(b))
	case "boots":
		return "boots=" + strconv.Itoa(boots)
	case "env":
		return os.Getenv(arg)
	case "sibling":
		self, err := os.Executable()
		if err != nil {
			return "error: " + err.Error()
		}
		out, err := exec.Command(filepath.Join(filepath.Dir(self), arg), "-version").Output()
		if err != nil {
			return "error: " + err.Error()
		}
		return strings.TrimSpace(string(out))
	}
	return line
}
