package probe

import (
	"encoding/json"
	"math"
	"testing"
)

var (
	empty  = ""
	quoted = "ü \"q\" \n <x>"
)

var appendTests = []Record{
	{},
	{Client: "c1"},
	{Client: "c1", N: 7, Sched: 1700000000000000000, Class: "write", Conn: "reused", Start: 1700000000000100000, End: 1700000000000900000,
		OK: true, Version: "v2", Role: "primary", Server: "v2-4242", Key: "c1-000007", Seq: 41, Applied: 1700000000000500000},
	{Client: "c1", N: 8, Class: "read", Conn: "new", Start: 1, End: 2, Err: "dial: connect: connection refused"},
	{Type: TypeReadback, Client: "c1", Key: "c1-000007", Seq: 41, Found: true},
	{Type: TypeReadback, Client: "c1", Key: "c1-000008", Seq: 42, Found: true, Value: &empty, Via: "127.0.0.1:7001", Round: 2},
	{Type: TypeReadback, Client: "c1", Key: "c1-000009", Value: &quoted},
	{Type: TypeRound, Client: "c1", Round: 1, Err: "no member answered"},
	{Type: TypeSummary, Client: "c1", Sent: 8, Failed: 1, Interval: 5000000, Skipped: 3},
	{Client: `quote " backslash \ slash / <tag> & amp`, Err: "ctl \x00\x01\b\f\n\r\t\x1f\x7f end"},
	{Client: "utf8 é ü 日本 😀 \u2028 \u2029 bad \xff\xfe \xe2\x82 end", Key: "\xed\xa0\x80"},
	{Client: "c", N: -1, Sched: math.MinInt64, Start: math.MaxInt64, End: -5, Seq: math.MaxUint64, Applied: -1, Sent: math.MaxInt64},
}

// AppendJSON writes exactly what json.Marshal writes.
func TestAppendJSON(t *testing.T) {
	for _, r := range appendTests {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendJSON(nil, &r); string(got) != string(want) {
			t.Errorf("AppendJSON(%+v)\n got %s\nwant %s", r, got, want)
		}
		// Appending keeps what the buffer held.
		if got := AppendJSON([]byte("x\n"), &r); string(got) != "x\n"+string(want) {
			t.Errorf("AppendJSON after a prefix: %s", got)
		}
	}
}

func TestAppendJSONAllocates(t *testing.T) {
	r := appendTests[2]
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { buf = AppendJSON(buf[:0], &r) }); n != 0 {
		t.Errorf("%v allocations per record, want 0", n)
	}
}

func FuzzAppendJSON(f *testing.F) {
	for _, r := range appendTests {
		f.Add(r.Type, r.Client, r.Class, r.Err, r.Key, r.N, r.Start, r.Seq, r.OK, r.Found)
	}
	f.Fuzz(func(t *testing.T, typ, client, class, errs, key string, n, start int64, seq uint64, ok, found bool) {
		r := Record{Type: typ, Client: client, N: n, Sched: start - n, Class: class, Conn: class + key, Start: start, End: start + n,
			OK: ok, Err: errs, Version: typ + errs, Role: client, Server: key, Key: key, Seq: seq, Applied: n ^ start,
			Sent: n, Failed: -n, Interval: start, Skipped: n / 3, Found: found, Via: class, Round: int(n)}
		if found {
			r.Value = &errs
		}
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendJSON(nil, &r); string(got) != string(want) {
			t.Errorf("AppendJSON\n got %s\nwant %s", got, want)
		}
	})
}

func BenchmarkAppendJSON(b *testing.B) {
	r := appendTests[2]
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendJSON(buf[:0], &r)
	}
}

func BenchmarkMarshal(b *testing.B) {
	r := appendTests[2]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
}
