package probe

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

// ingestLines is how many lines BenchmarkLogIngest reads per op.
const ingestLines = 1_000_000

// ingestChunk is the size of each Write: what the runtime's copy of a
// client's stdout passes on at a time (io.Copy's buffer).
const ingestChunk = 32 << 10

var ingest = sync.OnceValue(func() []byte { return opLogFixture(ingestLines) })

// opLogFixture is an op log of n lines as the reference client writes
// one (fixtures/client): one client, an op every millisecond, about half
// reads and half writes (values of every shape, as Value and Shown give
// them), a few incrs, every tenth op on a new connection, 2 % failures
// (a refused dial, a timeout, an i/o timeout naming its own port), a
// version change half way, then a read-back round through the route and
// a member, its round line, the read-back on stop and the summary.
func opLogFixture(n int) []byte {
	const (
		name     = "c1"
		t0       = int64(1_700_000_000_000_000_000)
		interval = int64(1_000_000)
	)
	rng := rand.New(rand.NewPCG(1, 2))
	keyOf := func(n int64) string {
		s := strconv.FormatInt(n, 10)
		for len(s) < 6 {
			s = "0" + s
		}
		return name + "-" + s
	}
	var (
		b      = make([]byte, 0, n*260)
		keys   []string
		values = map[string]*string{}
		seqs   = map[string]uint64{}
		seq    uint64
		writes int64
		failed int64
		count  int64
	)
	line := func(r *Record) { b = append(AppendJSON(b, r), '\n') }
	rbs := n / 100 // readback lines: a round through route and member, then the stop
	ops := n - rbs - 2
	for i := 1; i <= ops; i++ {
		n := int64(i)
		sched := t0 + (n-1)*interval
		r := Record{Client: name, N: n, Sched: sched, Conn: "reused", Start: sched + 20_000 + rng.Int64N(200_000)}
		r.End = r.Start + 200_000 + rng.Int64N(1_800_000)
		if n%10 == 0 {
			r.Conn = "new"
		}
		r.Version, r.Role, r.Server = "v1", "primary", "driver-0"
		if i > ops/2 {
			r.Version, r.Server = "v2", "driver-1"
		}
		switch p := rng.Float64(); {
		case p < 0.45:
			writes++
			r.Class, r.Key, r.Value = "write", keyOf(n), Shown(Value(writes, n))
		case p < 0.5:
			r.Class, r.Key = "incr", name+"-counter"
		default:
			r.Class = "read"
			if len(keys) > 0 {
				r.Key = keys[rng.IntN(len(keys))]
			} else {
				r.Key = keyOf(0)
			}
		}
		switch p := rng.Float64(); {
		case p < 0.005:
			r.Err, r.Version, r.Role, r.Server = "dial tcp 127.0.0.1:7000: connect: connection refused", "", "", ""
		case p < 0.01:
			r.Err = "timeout after 500ms"
		case p < 0.02:
			r.Err = "read tcp 127.0.0.1:" + strconv.Itoa(32768+rng.IntN(28000)) + "->127.0.0.1:7000: i/o timeout"
		default:
			r.OK = true
			seq++
			r.Seq = seq
			switch r.Class {
			case "write":
				r.Applied = r.Start + 100_000
				keys = append(keys, r.Key)
				values[r.Key], seqs[r.Key] = r.Value, seq
			case "incr":
				count++
				r.Applied = r.Start + 100_000
				r.Value = Shown(strconv.FormatInt(count, 10))
			default:
				r.Value, r.Seq = values[r.Key], seqs[r.Key]
			}
		}
		if !r.OK {
			failed++
		}
		line(&r)
	}
	end := t0 + int64(ops)*interval
	readback := func(key, via string, round int) {
		r := Record{Type: TypeReadback, Client: name, Key: key, Seq: seqs[key], Found: true, Value: values[key],
			Start: end, End: end + 300_000, Version: "v2", Role: "primary", Server: "driver-1", Via: via, Round: round}
		line(&r)
	}
	for i := range rbs / 3 {
		k := keys[len(keys)-1-i]
		readback(k, "", 1)
		readback(k, "10.0.0.2:7000", 1)
	}
	line(&Record{Type: TypeRound, Client: name, Round: 1})
	for i := range rbs - rbs/3*2 {
		readback(keys[len(keys)-1-i], "", 0)
	}
	line(&Record{Type: TypeSummary, Client: name, Sent: int64(ops), Failed: failed, Interval: interval})
	return b
}

// BenchmarkLogIngest reads a million op-log lines the way a run does: the
// runtime writes a client's stdout into a Log as it comes (32 KiB at a
// time, lines torn across writes), closes it when the client has exited,
// and the runner hands its records and errors to the analysis.
//
//	records             as the runner does now: Records, a slice of them
//	all                 All instead: the records one at a time, no slice
//	records+raw-buffer  records, with the raw copy in a bytes.Buffer, as
//	                    package system gives it (the artifact file's bytes)
func BenchmarkLogIngest(b *testing.B) {
	in := ingest()
	for _, bb := range []struct {
		name string
		raw  func() io.Writer
		read func(l *Log) int
	}{
		{"records", func() io.Writer { return io.Discard }, func(l *Log) int { return len(l.Records()) }},
		{"all", func() io.Writer { return io.Discard }, func(l *Log) int {
			n := 0
			for range l.All() {
				n++
			}
			return n
		}},
		{"records+raw-buffer", func() io.Writer { return &bytes.Buffer{} }, func(l *Log) int { return len(l.Records()) }},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				l := NewLog(bb.raw())
				for p := in; len(p) > 0; {
					n := min(ingestChunk, len(p))
					l.Write(p[:n])
					p = p[n:]
				}
				l.Close()
				if n, errs := bb.read(l), l.Errors(); n != ingestLines || len(errs) != 0 {
					b.Fatalf("%d records, %d errors", n, len(errs))
				}
				if _, ok := l.Summary(); !ok {
					b.Fatal("no summary")
				}
			}
		})
	}
}
