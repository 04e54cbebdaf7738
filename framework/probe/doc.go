// Package probe owns the op log: the JSON-lines format a probe client
// writes on its stdout (one Record per line: ops, read-backs, a summary),
// a streaming parser for it, and Log, which the runtime streams a client's
// output into while it runs. For clients written in Go it also has the two
// things every probe needs: Every, an absolute open-loop schedule that
// never drops a tick, and AppendJSON, which writes a Record as json.Marshal
// would without allocating.
//
//	client stdout ──▶ Log.Write ──┬──▶ raw copy (the op-log artifact file)
//	                              ├──▶ lines ──▶ Parse ──▶ Records() / Ops() / Summary()
//	                              │                  └──▶ Errors() (line number + reason)
//	                              └──▶ Counts() (live progress)
//
// A line is a JSON object; "type" is "op" (or absent), "readback" or
// "summary". Every line names its client; an op line has start > 0 and
// end >= start (Unix ns, host clock), and "sched", when it was due by the
// client's schedule (start - sched is the client's own lag; a log without
// it still parses, its lag unknown):
//
//	{"client":"c1","n":7,"sched":1699999999999950000,"class":"write","conn":"reused","start":1700000000000000000,"end":1700000000000900000,"ok":true,"version":"v2","role":"primary","server":"driver-0","key":"c1-000007","seq":41,"applied":1700000000000500000}
//	{"client":"c1","n":8,"sched":1700000000004950000,"class":"read","start":1700000000005000000,"end":1700000000005400000,"err":"dial tcp 127.0.0.1:7000: connect: connection refused"}
//	{"type":"readback","client":"c1","key":"c1-000007","seq":41,"found":true}
//	{"type":"summary","client":"c1","sent":8,"failed":1,"interval":5000000,"skipped":1}
//
// A client reads back its failed writes too, so a failed write that was
// applied anyway shows as found. The summary's "interval" is its schedule
// (ns) and "skipped" the ticks that were due when it stopped but never
// issued: sent + skipped is every tick due from its first to its stop.
//
// A malformed line is an error naming its line ("op log line 17: invalid
// JSON: ..."), wrapping ErrMalformed; it is kept, never dropped, and never
// stops the rest of the log from being read.
//
//	r := probe.NewReader(f)
//	for {
//		rec, err := r.Next()
//		if err == io.EOF {
//			break
//		}
//		if errors.Is(err, probe.ErrMalformed) {
//			fmt.Println(err) // and read on
//			continue
//		}
//		if err != nil {
//			return nil, err
//		}
//		if rec.IsOp() {
//			ops = append(ops, rec.Op())
//		}
//	}
//
// A Go client's schedule and op lines (ExampleEvery, in example_test.go,
// is the whole of it; ExampleNewReader runs the loop above):
//
//	_, skipped := probe.Every(ctx, interval, func(n, sched int64) {
//		go func() {
//			rec := probe.Record{Client: name, N: n, Sched: sched, Start: time.Now().UnixNano()}
//			// ... the operation, then End, OK, Err ...
//			out.Write(append(probe.AppendJSON(buf[:0], &rec), '\n')) // under a lock
//		}()
//	})
package probe
