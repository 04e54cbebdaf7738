// Command liar is a probe client whose account cannot be trusted, for the
// tests of INVALID runs. It takes the flags of every hatest client, sends
// nothing, and writes one successful read op line per -interval, as if the
// service answered. With -claim-extra N its summary says it sent N more
// ops than it wrote lines (an op log with a gap); with -lag D each op line
// says it was due D before it started (a client behind its schedule).
package main

import (
	"encoding/json"
	"flag"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/probe"
)

var version = "dev"

func main() {
	name := flag.String("name", "c1", "client name")
	flag.String("addr", "", "ignored: liar sends nothing")
	interval := flag.Duration("interval", 5*time.Millisecond, "one op line per interval")
	flag.Duration("timeout", 500*time.Millisecond, "ignored")
	flag.String("mode", "recover", "ignored")
	extra := flag.Int64("claim-extra", 0, "say in the summary that this many more ops were sent than written")
	lag := flag.Duration("lag", 0, "say each op was due this long before it started")
	flag.Parse()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	enc := json.NewEncoder(os.Stdout)
	tick := time.NewTicker(*interval)
	defer tick.Stop()
	var n int64
	for {
		select {
		case <-stop:
			_ = enc.Encode(probe.Record{Type: probe.TypeSummary, Client: *name, Sent: n + *extra, Interval: int64(*interval)})
			return
		case <-tick.C:
			n++
			start := time.Now().UnixNano()
			_ = enc.Encode(probe.Record{Client: *name, N: n, Sched: start - int64(*lag), Class: "read", Conn: "reused",
				Start: start, End: start + int64(100*time.Microsecond), OK: true, Version: version})
		}
	}
}
