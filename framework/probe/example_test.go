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
