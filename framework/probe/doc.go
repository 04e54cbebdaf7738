// Package probe owns the op log: the JSON-lines format a probe client
// writes on its stdout (one Record per line: ops, read-backs, a summary),
// a streaming parser for it, and Log, which the runtime streams a client's
// output into while it runs.
//
//	client stdout ──▶ Log.Write ──┬──▶ raw copy (the op-log artifact file)
//	                              ├──▶ lines ──▶ Parse ──▶ Records() / Ops() / Summary()
//	                              │                  └──▶ Errors() (line number + reason)
//	                              └──▶ Counts() (live progress)
//
// A line is a JSON object; "type" is "op" (or absent), "readback" or
// "summary". Every line names its client; an op line has start > 0 and
// end >= start (Unix ns, host clock):
//
//	{"client":"c1","n":7,"class":"write","conn":"reused","start":1700000000000000000,"end":1700000000000900000,"ok":true,"version":"v2","role":"primary","server":"driver-0","key":"c1-000007","seq":41,"applied":1700000000000500000}
//	{"client":"c1","n":8,"class":"read","start":1700000000005000000,"end":1700000000005400000,"err":"dial tcp 127.0.0.1:7000: connect: connection refused"}
//	{"type":"readback","client":"c1","key":"c1-000007","seq":41,"found":true}
//	{"type":"summary","client":"c1","sent":8,"failed":1}
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
//			log.Print(err) // and read on
//			continue
//		}
//		if err != nil {
//			return err
//		}
//		if rec.IsOp() {
//			ops = append(ops, rec.Op())
//		}
//	}
package probe
