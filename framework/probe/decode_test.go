package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// parseJSON is Parse as it was before the decoder: encoding/json, then
// Validate. Parse must agree with it on every line.
func parseJSON(line []byte) (Record, error) {
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return Record{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if err := r.Validate(); err != nil {
		return Record{}, err
	}
	return r, nil
}

// checkLine fails t when the decoder takes line and gives anything but
// what encoding/json gives, or when Parse and parseJSON disagree. It says
// whether the decoder took the line.
func checkLine(t *testing.T, line []byte) bool {
	t.Helper()
	var (
		d decoder
		f fields
	)
	fast := d.decode(&f, line)
	if fast {
		var want Record
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatalf("decoder took %q, which encoding/json rejects: %v", line, err)
		}
		got := f.record(0, nil)
		got.Type = string(f.typ) // record takes the type checked, and this one may not be
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoder and encoding/json differ on %q:\n got %s\nwant %s", line, show(got), show(want))
		}
	}
	got, gerr := Parse(line)
	want, werr := parseJSON(line)
	if !reflect.DeepEqual(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Fatalf("Parse(%q) = %s, %v; encoding/json gives %s, %v", line, show(got), gerr, show(want), werr)
	}
	return fast
}

// show prints r with its value, not the value's address.
func show(r Record) string {
	v := "<nil>"
	if r.Value != nil {
		v = fmt.Sprintf("%q", *r.Value)
	}
	r.Value = nil
	return fmt.Sprintf("%+v value=%s", r, v)
}

// randomRecord is a record with strings of awkward pieces and numbers at
// the edges of their types.
func randomRecord(rng *rand.Rand) Record {
	pieces := []string{"", "a", "c1-000007", " ", "é", "日本", "😀", "\u2028", "\u2029", "\ufffd", "\x00", "\x1f", "\x7f",
		"\n", "\r", "\t", "\"", "\\", "/", "<", ">", "&", "\xff", "\xed\xa0\x80", "\xe2\x82", "\\u0041", "null"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	ints := []int64{0, 1, -1, 9, 10, 1_700_000_000_000_000_000, math.MaxInt64, math.MinInt64, math.MaxInt32 + 1, math.MinInt32 - 1}
	num := func() int64 {
		if rng.IntN(2) == 0 {
			return ints[rng.IntN(len(ints))]
		}
		return rng.Int64() >> rng.IntN(64)
	}
	types := []string{"", TypeOp, TypeSummary, TypeReadback, TypeRound, "bogus"}
	r := Record{
		Type: types[rng.IntN(len(types))], Client: str(), N: num(), Sched: num(), Class: str(), Conn: str(),
		Start: num(), End: num(), OK: rng.IntN(2) == 0, Err: str(), Version: str(), Role: str(), Server: str(),
		Key: str(), Seq: []uint64{0, 1, math.MaxUint64, 1e19, rng.Uint64()}[rng.IntN(5)], Applied: num(),
		Sent: num(), Failed: num(), Interval: num(), Skipped: num(), Found: rng.IntN(2) == 0, Via: str(), Round: int(num()),
	}
	if rng.IntN(3) > 0 {
		v := str()
		r.Value = &v
	}
	return r
}

// Every line AppendJSON writes takes the decoder's fast path, and gives
// what encoding/json gives: the clients' lines never fall back.
func TestDecodeAppendJSON(t *testing.T) {
	var lines [][]byte
	for _, r := range appendTests {
		lines = append(lines, AppendJSON(nil, &r))
	}
	lines = append(lines, bytes.Split(bytes.TrimSuffix(opLogFixture(3000), []byte("\n")), []byte("\n"))...)
	rng := rand.New(rand.NewPCG(7, 7))
	for range 3000 {
		r := randomRecord(rng)
		lines = append(lines, AppendJSON(nil, &r))
	}
	for _, line := range lines {
		if !checkLine(t, line) {
			t.Errorf("decoder fell back on a line AppendJSON wrote: %s", line)
		}
	}
}

// Lines in a shape the decoder does not know go to encoding/json, and
// lines in its shape but spaced or escaped differently do not.
func TestDecodeShapes(t *testing.T) {
	for _, tt := range []struct {
		line string
		fast bool
	}{
		{` { "client" : "c1" ,	"start" : 1 , "end" : 2 } `, true},
		{`{}`, true},
		{`{"client":"c1","start":1,"end":2,"client":"c2","value":"a","value":"b"}`, true},
		{`{"client":"c\/1 \u00e9\u2028\u0000\u001F\uFFFF \"\\\b\f\n\r\t","start":1,"end":2}`, true},
		{`{"client":"c1","n":-0,"start":1,"end":2,"ok":false,"found":true,"round":-9223372036854775808}`, true},
		{`{"client":"c1","start":1,"end":2,"seq":18446744073709551615}`, true},
		{`{"client":"c1","start":1,"end":2,"value":""}`, true},

		{`{"client":"c1","start":1,"end":2,"extra":[1,2]}`, false},
		{`{"Client":"c1","start":1,"end":2}`, false},
		{`{"cl\u0069ent":"c1","start":1,"end":2}`, false},
		{`{"client":null,"start":1,"end":2}`, false},
		{`{"client":"c1","start":1,"end":2,"value":null}`, false},
		{`{"client":"c1","start":1.0,"end":2}`, false},
		{`{"client":"c1","start":1e3,"end":2000}`, false},
		{`{"client":"c1","start":01,"end":2}`, false},
		{`{"client":"c1","start":9223372036854775808,"end":2}`, false},
		{`{"client":"c1","start":1,"end":2,"seq":-0}`, false},
		{`{"client":"c1","start":1,"end":2,"seq":18446744073709551616}`, false},
		{`{"client":"c1","start":1,"end":2,"ok":1}`, false},
		{`{"client":"c1","start":"1","end":2}`, false},
		{`{"client":"\ud83d\ude00","start":1,"end":2}`, false},
		{`{"client":"\ud83d","start":1,"end":2}`, false},
		{"{\"client\":\"c\xff\",\"start\":1,\"end\":2}", false},
		{"{\"client\":\"c\x01\",\"start\":1,\"end\":2}", false},
		{`{"client":"c\x","start":1,"end":2}`, false},
		{`{"client":"c\u12","start":1,"end":2}`, false},
		{`{"client":"c1","start":1,"end":2} x`, false},
		{`{"client":"c1","start":1,"end":2,}`, false},
		{`{"client":"c1" "start":1}`, false},
		{`{"client":"c1","start":1,"end":2`, false},
		{`{"client":"c1","ok":tru}`, false},
		{"\ufeff{\"client\":\"c1\"}", false},
		{`[1,2]`, false},
		{`null`, false},
		{``, false},
	} {
		if got := checkLine(t, []byte(tt.line)); got != tt.fast {
			t.Errorf("decoder took %q: %v, want %v", tt.line, got, tt.fast)
		}
	}
}

// FuzzDecode: whatever the line, the decoder either declines it or gives
// exactly encoding/json's Record, and Parse gives what encoding/json and
// Validate give, error text included.
func FuzzDecode(f *testing.F) {
	for _, tt := range readerTests {
		for line := range strings.SplitSeq(tt.in, "\n") {
			if len(line) < 4096 {
				f.Add([]byte(line))
			}
		}
	}
	for _, r := range appendTests {
		f.Add(AppendJSON(nil, &r))
	}
	for line := range bytes.SplitSeq(opLogFixture(50), []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"client":"c\/1 \u00e9\ud83d\ude00 \"\\","start":1,"end":2,"seq":18446744073709551615,"round":-1}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		checkLine(t, line)
	})
}

// A Log gives back exactly the records it was written, through both its
// compact store's edges: values absent, empty and shared, summary numbers
// and rounds beyond int32 (kept apart), more repeating strings than it
// indexes, and more records than a block holds.
func TestLogStore(t *testing.T) {
	var in []byte
	in = append(in, opLogFixture(20_000)...)
	for i := range maxIndex + 10 {
		in = fmt.Appendf(in, `{"client":"c1","start":%d,"end":%[1]d,"err":"port %d","via":"v%d"}`+"\n", i+1, i, i%3)
	}
	in = append(in, `{"type":"round","client":"c1","round":4294967296,"err":"r"}`+"\n"...)
	in = append(in, `{"type":"summary","client":"c2","sent":-1,"failed":2,"interval":3,"skipped":4,"round":5}`+"\n"...)
	in = append(in, `{"type":"readback","client":"c1","key":"k","value":"","found":true}`+"\n"...)

	var want []Record
	for line := range bytes.SplitSeq(bytes.TrimSuffix(in, []byte("\n")), []byte("\n")) {
		r, err := parseJSON(line)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	l := NewLog(nil)
	for p := in; len(p) > 0; {
		n := min(1000, len(p))
		l.Write(p[:n])
		p = p[n:]
	}
	l.Close()
	if errs := l.Errors(); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	got := l.Records()
	if len(got) != len(want) || l.Len() != len(want) {
		t.Fatalf("%d records, Len %d; want %d", len(got), l.Len(), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("record %d:\n got %s\nwant %s", i, show(got[i]), show(want[i]))
		}
	}
	var all []Record
	for r := range l.All() {
		all = append(all, r)
	}
	if !reflect.DeepEqual(all, got) {
		t.Error("All and Records differ")
	}
	for i := range l.All() {
		_ = i
		break // stopping early is fine
	}
	var ops []Record
	for _, r := range want {
		if r.IsOp() {
			ops = append(ops, r)
		}
	}
	lops := l.Ops()
	if len(lops) != len(ops) {
		t.Fatalf("%d ops, want %d", len(lops), len(ops))
	}
	for i, op := range lops {
		if op != ops[i].Op() {
			t.Fatalf("op %d = %+v, want %+v", i, op, ops[i].Op())
		}
	}
	if s, ok := l.Summary(); !ok || !reflect.DeepEqual(s, want[len(want)-2]) {
		t.Errorf("Summary = %s, %v", show(s), ok)
	}
	if n, why := l.Round(); n != 4294967296 || why != "r" {
		t.Errorf("Round = %d, %q", n, why)
	}
}

// A Log's records cost what they hold, not an allocation per line or
// field: the strings that repeat are kept once, and the rest share
// blocks.
func TestLogAllocations(t *testing.T) {
	in := opLogFixture(20_000)
	var l *Log
	allocs := testing.AllocsPerRun(1, func() {
		l = NewLog(nil)
		for p := in; len(p) > 0; {
			n := min(ingestChunk, len(p))
			l.Write(p[:n])
			p = p[n:]
		}
		l.Close()
	})
	per := allocs / 20_000
	t.Logf("%.4f allocations a line", per)
	if per > 0.05 {
		t.Errorf("%.3f allocations a line, want at most 0.05", per)
	}
	if l.Len() != 20_000 {
		t.Errorf("%d records", l.Len())
	}
}
