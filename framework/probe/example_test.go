package probe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/timeline"
)

// readOps reads the ops of an op log, saying what is wrong with each
// malformed line and reading on.
func readOps(f io.Reader) ([]timeline.Op, error) {
	var ops []timeline.Op
	r := probe.NewReader(f)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, probe.ErrMalformed) {
			fmt.Println(err) // and read on
			continue
		}
		if err != nil {
			return nil, err
		}
		if rec.IsOp() {
			ops = append(ops, rec.Op())
		}
	}
	return ops, nil
}

func ExampleNewReader() {
	log := `{"client":"c1","n":7,"class":"write","start":1700000000000000000,"end":1700000000000900000,"ok":true,"version":"v2"}
{"client":"c1","n":8,"class":"read","start":1700000000005000000,"end":1700000000005400000,"err":"connection refused"}
{"client":"c1","n":9,
{"type":"summary","client":"c1","sent":8,"failed":1}
`
	ops, err := readOps(strings.NewReader(log))
	if err != nil {
		fmt.Println(err)
	}
	for _, op := range ops {
		fmt.Printf("%s %s ok=%v %q\n", op.Client, op.Class, op.OK, op.Err)
	}
	// Output:
	// op log line 3: invalid JSON: unexpected end of JSON input
	// c1 write ok=true ""
	// c1 read ok=false "connection refused"
}

// A run's Log, read as the analysis reads it: every record, one at a
// time, and the lines that could not be parsed.
func ExampleLog_All() {
	l := probe.NewLog(nil)
	io.WriteString(l, `{"client":"c1","n":1,"class":"write","start":1700000000000000000,"end":1700000000000900000,"ok":true,"key":"c1-000001","value":"plain-1"}
{"client":"c1","n":2,"class":"read","start":1700000000005000000,"end":1700000000005400000,"err":"connection refused"}
{"client":"c1","n":3,
{"type":"summary","client":"c1","sent":3,"failed":1}
`)
	l.Close()
	for rec := range l.All() {
		switch {
		case rec.Type == probe.TypeSummary:
			fmt.Printf("summary: sent %d, failed %d\n", rec.Sent, rec.Failed)
		case rec.Value != nil:
			fmt.Printf("%s %s = %q\n", rec.Class, rec.Key, *rec.Value)
		default:
			fmt.Printf("%s ok=%v %q\n", rec.Class, rec.OK, rec.Err)
		}
	}
	fmt.Println(l.Errors())
	// Output:
	// write c1-000001 = "plain-1"
	// read ok=false "connection refused"
	// summary: sent 3, failed 1
	// [op log line 3: invalid JSON: unexpected end of JSON input]
}

// A Go client's schedule and op lines: one op every interval, each in its
// own goroutine, so that a slow answer never delays the next op.
func ExampleEvery() {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var (
		mu  sync.Mutex // one line at a time on stdout
		buf []byte
		wg  sync.WaitGroup
	)
	_, skipped := probe.Every(ctx, 5*time.Millisecond, func(n, sched int64) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := probe.Record{Client: "c1", N: n, Sched: sched, Class: "read", Start: time.Now().UnixNano()}
			// ... the operation, then End, OK, Err ...
			rec.End, rec.OK = time.Now().UnixNano(), true
			mu.Lock()
			defer mu.Unlock()
			buf = append(probe.AppendJSON(buf[:0], &rec), '\n')
			os.Stdout.Write(buf)
		}()
	})
	wg.Wait()
	fmt.Fprintf(os.Stderr, "%d ticks skipped\n", skipped)
}

// ReadBack reads a client's keys through its route and through each
// member, and writes the lines of one round with the client's own writer.
func ExampleReadBack() {
	var (
		mu  sync.Mutex // the op log's lock: the one op lines take
		buf []byte
	)
	write := func(r *probe.Record) {
		mu.Lock()
		defer mu.Unlock()
		buf = append(probe.AppendJSON(buf[:0], r), '\n')
		os.Stdout.Write(buf)
	}
	// What each member holds: m2 lost c1-000002's value, and m3 is down.
	held := map[string]map[string]string{
		"":   {"c1-000001": "1", "c1-000002": ""},
		"m1": {"c1-000001": "1", "c1-000002": ""},
		"m2": {"c1-000001": "1"},
	}
	read := func(via string, keys []string) ([]probe.Record, error) {
		kv, ok := held[via]
		if !ok {
			return nil, errors.New("dial: connection refused")
		}
		var recs []probe.Record
		for _, k := range keys {
			v, found := kv[k]
			r := probe.Record{Key: k, Found: found}
			if found {
				r.Value = probe.Shown(v)
			}
			recs = append(recs, r)
		}
		return recs, nil
	}
	_, members := probe.ReadBack("c1", 1, []string{"c1-000001", "c1-000002"}, []string{"m1", "m2", "m3"}, read, write)
	fmt.Println(members)
	// Output:
	// {"type":"readback","client":"c1","key":"c1-000001","found":true,"value":"1","round":1}
	// {"type":"readback","client":"c1","key":"c1-000002","found":true,"value":"","round":1}
	// {"type":"readback","client":"c1","key":"c1-000001","found":true,"value":"1","via":"m1","round":1}
	// {"type":"readback","client":"c1","key":"c1-000002","found":true,"value":"","via":"m1","round":1}
	// {"type":"readback","client":"c1","key":"c1-000001","found":true,"value":"1","via":"m2","round":1}
	// {"type":"readback","client":"c1","key":"c1-000002","via":"m2","round":1}
	// {"type":"round","client":"c1","err":"m3: dial: connection refused","round":1}
	// m3: dial: connection refused
}

// A client's read-back rounds: round n on its nth SIGUSR1, while its
// schedule goes on, and round 0 once it stopped. (Compiled, not run: it
// waits for signals.)
func ExampleRounds() {
	var (
		name   = "c1"
		addrs  = []string{"10.0.0.1:7000", "10.0.0.2:7000"} // -addr
		writes probe.Writes                                 // what it wrote, acknowledged or failed
		mu     sync.Mutex                                   // the op log's lock
		buf    []byte
	)
	write := func(r *probe.Record) {
		mu.Lock()
		defer mu.Unlock()
		buf = append(probe.AppendJSON(buf[:0], r), '\n')
		os.Stdout.Write(buf)
	}
	read := func(via string, keys []string) ([]probe.Record, error) {
		// Read keys through the client's route (via "") or the member at
		// via; one Record per key: Key, Found, Seq, Value (probe.Shown),
		// Version, Server, Start, End.
		return nil, errors.New("not in this example")
	}
	stop := probe.Rounds(func(n int) { probe.ReadBack(name, n, writes.ToReadBack(), addrs, read, write) })

	// ... probe.Every(ctx, interval, ...) until SIGTERM, then wait for the
	// operations in flight ...

	stop() // the rounds already asked for end first
	if route, _ := probe.ReadBack(name, 0, writes.ToReadBack(), addrs, read, write); route != nil {
		os.Exit(3) // the writes were not checked
	}
}
