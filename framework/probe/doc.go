// Package probe owns the op log: the JSON-lines format a probe client
// writes on its stdout (one Record per line: ops, read-backs, a summary),
// a streaming parser for it, and Log, which the runtime streams a client's
// output into while it runs. For clients written in Go it also has what
// every probe needs: Every, an absolute open-loop schedule that never
// drops a tick; AppendJSON, which writes a Record as json.Marshal would
// without allocating; Shown, how a value appears in a line; and Rounds and
// ReadBack, the read-back rounds a client runs on SIGUSR1.
//
//	client stdout ──▶ Log.Write ──┬──▶ raw copy (the op-log artifact file)
//	                              ├──▶ lines ──▶ parse ──▶ entries ──▶ Records() / All() / Ops() / Summary()
//	                              │                  └──▶ Errors() (line number + reason)
//	                              └──▶ Counts(), Round() (live progress, the last read-back round ended)
//
// A line is read by a decoder that knows the one shape AppendJSON writes,
// without reflection or allocation; a line in any other shape goes to
// encoding/json, so that every line gives the Record json.Unmarshal
// gives. A Log keeps each record as a 96-byte entry without pointers, the
// strings that repeat from line to line (client, class, conn, err,
// version, role, server, via) once each: a million lines of the
// reference client cost 160 MB. Records makes a slice of them (272 bytes
// a record); All makes them one at a time, and costs nothing more.
//
// A line is a JSON object; "type" is "op" (or absent), "readback",
// "round" or "summary". Every line names its client; an op line has
// start > 0 and end >= start (Unix ns, host clock), and "sched", when it
// was due by the client's schedule (start - sched is the client's own lag;
// a log without it still parses, its lag unknown):
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
// Values. Write, incr and read lines, and readback lines, may say the
// value written, returned, read or found ("value"), as Shown gives it:
// the value itself up to 64 bytes of valid UTF-8 ("" is the empty value;
// no "value" means the client did not say), else a short form with the
// value's length and SHA-256 that a write and a read of one value give
// alike, so that values are compared by comparing lines:
//
//	{"client":"c1","n":9,"class":"write",...,"key":"c1-000009","seq":43,"value":"café ☃ 9"}
//	{"type":"readback","client":"c1","key":"c1-000010","seq":44,"found":true,"value":"long-10-0123456789abcdefghijklmn… (300 bytes, sha256 eb17113ed081f9c0)"}
//
// Rounds. On its nth SIGUSR1 a client (still running its schedule) reads
// back every key it wrote so far through its route, and through each
// member when it was given several addresses ("via": the address as
// given), marks those readback lines "round":n and ends the round with a
// round line ("err" when a via could not be read). The read-back on stop
// is round 0 (no "round", no round line). Rounds counts the signals and
// runs one round at a time; ReadBack reads the vias at once and writes
// the lines in order:
//
//	{"type":"readback","client":"c1","key":"c1-000007","seq":41,"found":true,"value":"7","round":2}
//	{"type":"readback","client":"c1","key":"c1-000007","found":true,"value":"7","version":"v2","server":"d1","via":"10.0.0.2:7000","round":2}
//	{"type":"round","client":"c1","round":2}
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
//
// and its rounds (ExampleRounds, ExampleReadBack), with write the function
// that writes a line as above, under the same lock:
//
//	stop := probe.Rounds(func(n int) { probe.ReadBack(name, n, writes.ToReadBack(), addrs, read, write) })
//	// ... the schedule, until SIGTERM ...
//	stop()
//	route, _ := probe.ReadBack(name, 0, writes.ToReadBack(), addrs, read, write) // exit 3 when route != nil
package probe
