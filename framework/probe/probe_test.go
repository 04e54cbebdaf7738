package probe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/hatest/hatest/framework/timeline"
)

const (
	opLine   = `{"client":"c1","n":1,"class":"write","conn":"new","start":100,"end":200,"ok":true,"version":"v2","role":"primary","server":"d0","key":"c1-000001","seq":7,"applied":150}`
	failLine = `{"client":"c1","n":2,"class":"read","start":300,"end":400,"err":"dial: connection refused"}`
	rbLine   = `{"type":"readback","client":"c1","key":"c1-000001","seq":7,"found":true}`
	sumLine  = `{"type":"summary","client":"c1","sent":2,"failed":1}`
)

var (
	opRec   = Record{Client: "c1", N: 1, Class: "write", Conn: "new", Start: 100, End: 200, OK: true, Version: "v2", Role: "primary", Server: "d0", Key: "c1-000001", Seq: 7, Applied: 150}
	failRec = Record{Client: "c1", N: 2, Class: "read", Start: 300, End: 400, Err: "dial: connection refused"}
	rbRec   = Record{Type: TypeReadback, Client: "c1", Key: "c1-000001", Seq: 7, Found: true}
	sumRec  = Record{Type: TypeSummary, Client: "c1", Sent: 2, Failed: 1}
)

// readAll reads every record and every error string of in.
func readAll(in io.Reader) ([]Record, []string, error) {
	r := NewReader(in)
	var (
		recs []Record
		errs []string
	)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, errs, nil
		}
		if errors.Is(err, ErrMalformed) {
			errs = append(errs, err.Error())
			continue
		}
		if err != nil {
			return recs, errs, err
		}
		recs = append(recs, rec)
	}
}

var readerTests = []struct {
	name string
	in   string
	recs []Record
	errs []string
}{
	{name: "empty"},
	{name: "only blank lines", in: "\n\n  \n\r\n"},
	{name: "all line types", in: strings.Join([]string{opLine, failLine, rbLine, sumLine}, "\n") + "\n", recs: []Record{opRec, failRec, rbRec, sumRec}},
	{name: "explicit op type", in: `{"type":"op","client":"c1","start":1,"end":1}` + "\n", recs: []Record{{Type: TypeOp, Client: "c1", Start: 1, End: 1}}},
	{name: "no newline at the end", in: opLine, recs: []Record{opRec}},
	{name: "CRLF and blank lines skipped, still counted", in: "\r\n" + opLine + "\r\n\n" + `{` + "\r\n", recs: []Record{opRec},
		errs: []string{"op log line 4: invalid JSON: unexpected end of JSON input"}},
	{name: "unknown fields are fine", in: `{"client":"c1","start":1,"end":2,"extra":[1,2]}` + "\n", recs: []Record{{Client: "c1", Start: 1, End: 2}}},
	{
		name: "malformed lines are errors with their numbers, and reading goes on",
		in: strings.Join([]string{
			opLine,
			`not json`,
			`{"client":"c1","start":300,"end":200}`,
			`{"client":"c1","end":200}`,
			`{"start":1,"end":2}`,
			`{"type":"bogus","client":"c1"}`,
			`{"type":"readback","client":"c1"}`,
			`{"client":"c1","start":"soon","end":2}`,
			`{"client":"c1","start":1,"end":2} trailing`,
			`[1,2]`,
			`null`,
			sumLine,
		}, "\n"),
		recs: []Record{opRec, sumRec},
		errs: []string{
			"op log line 2: invalid JSON: invalid character 'o' in literal null (expecting 'u')",
			"op log line 3: op has end before start",
			"op log line 4: op has no start time",
			"op log line 5: no client",
			`op log line 6: unknown type "bogus"`,
			"op log line 7: readback has no key",
			"op log line 8: invalid JSON: json: cannot unmarshal string into Go struct field Record.start of type int64",
			"op log line 9: invalid JSON: invalid character 't' after top-level value",
			"op log line 10: invalid JSON: json: cannot unmarshal array into Go value of type probe.Record",
			"op log line 11: no client",
		},
	},
	{
		name: "a line longer than MaxLine is an error; the next line is read",
		in:   `{"client":"c1","err":"` + strings.Repeat("x", MaxLine) + `"}` + "\n" + opLine + "\n",
		recs: []Record{opRec},
		errs: []string{fmt.Sprintf("op log line 1: line longer than %d bytes", MaxLine)},
	},
	{
		name: "a too-long last line without newline",
		in:   opLine + "\n" + strings.Repeat("y", MaxLine+1),
		recs: []Record{opRec},
		errs: []string{fmt.Sprintf("op log line 2: line longer than %d bytes", MaxLine)},
	},
	{
		name: "a line of exactly MaxLine bytes is fine",
		in:   exactLine(MaxLine) + "\r\n",
		recs: []Record{{Client: "c1", Start: 1, End: 2, Err: strings.Repeat("z", MaxLine-len(exactLine(0)))}},
	},
}

// exactLine is a valid op line of n bytes (n >= its minimal length).
func exactLine(n int) string {
	base := `{"client":"c1","start":1,"end":2,"err":""}`
	if n == 0 {
		return base
	}
	return `{"client":"c1","start":1,"end":2,"err":"` + strings.Repeat("z", n-len(base)) + `"}`
}

func TestReader(t *testing.T) {
	for _, tt := range readerTests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"whole", "one byte at a time"} {
				var in io.Reader = strings.NewReader(tt.in)
				if mode != "whole" {
					in = iotest.OneByteReader(in)
				}
				recs, errs, err := readAll(in)
				if err != nil {
					t.Fatalf("%s: unexpected error %v", mode, err)
				}
				if !reflect.DeepEqual(recs, tt.recs) {
					t.Errorf("%s: records\n got %+v\nwant %+v", mode, recs, tt.recs)
				}
				if !reflect.DeepEqual(errs, tt.errs) {
					t.Errorf("%s: errors\n got %q\nwant %q", mode, errs, tt.errs)
				}
			}
		})
	}
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(strings.NewReader(opLine+"\n"), iotest.ErrReader(boom)))
	if rec, err := r.Next(); err != nil || rec != opRec {
		t.Fatalf("first Next = %+v, %v", rec, err)
	}
	for range 2 {
		_, err := r.Next()
		if !errors.Is(err, boom) || errors.Is(err, ErrMalformed) {
			t.Fatalf("Next after I/O error = %v, want boom, not malformed", err)
		}
	}
}

func TestLineErrorIs(t *testing.T) {
	_, err := NewReader(strings.NewReader("{\n")).Next()
	var le *LineError
	if !errors.As(err, &le) || le.Line != 1 || !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %#v, want *LineError line 1 wrapping ErrMalformed", err)
	}
}

func TestRecordOp(t *testing.T) {
	want := timeline.Op{Client: "c1", Class: "write", Conn: "new", Start: 100, End: 200, OK: true, Version: "v2", Role: "primary", Server: "d0"}
	if got := opRec.Op(); got != want {
		t.Errorf("Op() = %+v, want %+v", got, want)
	}
}

// TestLog feeds every reader test through a Log in awkward pieces and
// expects the same records and errors as the Reader.
func TestLog(t *testing.T) {
	for _, tt := range readerTests {
		t.Run(tt.name, func(t *testing.T) {
			sizes := []int{1, 7, 4096, len(tt.in) + 1}
			if len(tt.in) > 64<<10 {
				sizes = []int{4093, 64 << 10, len(tt.in) + 1} // byte-sized writes of a MiB are slow under -race
			}
			for _, size := range sizes {
				var raw bytes.Buffer
				l := NewLog(&raw)
				in := []byte(tt.in)
				for len(in) > 0 {
					n := min(size, len(in))
					if w, err := l.Write(in[:n]); w != n || err != nil {
						t.Fatalf("Write = %d, %v; want %d, nil", w, err, n)
					}
					in = in[n:]
				}
				if err := l.Close(); err != nil {
					t.Fatal(err)
				}
				if raw.String() != tt.in {
					t.Errorf("size %d: raw copy differs from input", size)
				}
				var errs []string
				for _, err := range l.Errors() {
					if !errors.Is(err, ErrMalformed) {
						t.Errorf("size %d: error %v does not wrap ErrMalformed", size, err)
					}
					errs = append(errs, err.Error())
				}
				recs := l.Records()
				if len(recs) == 0 {
					recs = nil
				}
				if !reflect.DeepEqual(recs, tt.recs) {
					t.Errorf("size %d: records\n got %+v\nwant %+v", size, recs, tt.recs)
				}
				if !reflect.DeepEqual(errs, tt.errs) {
					t.Errorf("size %d: errors\n got %q\nwant %q", size, errs, tt.errs)
				}
			}
		})
	}
}

func TestLogAccessors(t *testing.T) {
	l := NewLog(nil)
	if _, ok := l.Summary(); ok {
		t.Error("Summary before any summary line")
	}
	fmt.Fprintf(l, "%s\n%s\n%s\n%s\n", opLine, failLine, rbLine, sumLine)
	if got := l.Ops(); !reflect.DeepEqual(got, []timeline.Op{opRec.Op(), failRec.Op()}) {
		t.Errorf("Ops = %+v", got)
	}
	if s, ok := l.Summary(); !ok || s != sumRec {
		t.Errorf("Summary = %+v, %v", s, ok)
	}
	if ok, failed := l.Counts(); ok != 1 || failed != 1 {
		t.Errorf("Counts = %d, %d; want 1, 1", ok, failed)
	}
	if n := len(l.Records()); n != 4 {
		t.Errorf("Records: %d, want 4", n)
	}
	if l.Lines() != 4 {
		t.Errorf("Lines = %d, want 4", l.Lines())
	}
	// A pending line is reported as incomplete until Close parses it.
	io.WriteString(l, `{"client":"c1","start":5,`)
	errs := l.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "op log line 5: incomplete line") {
		t.Errorf("Errors with a pending line = %v", errs)
	}
	l.Close()
	l.Close()
	errs = l.Errors()
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "op log line 5: invalid JSON") {
		t.Errorf("Errors after Close = %v", errs)
	}
	io.WriteString(l, opLine+"\n")
	if errs := l.Errors(); len(errs) != 2 || !strings.Contains(errs[1].Error(), "after close") {
		t.Errorf("Errors after a write after Close = %v", errs)
	}
	if n := len(l.Records()); n != 4 {
		t.Errorf("a write after Close was parsed: %d records", n)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

func TestLogRawError(t *testing.T) {
	fw := &failWriter{}
	l := NewLog(fw)
	io.WriteString(l, opLine+"\n")
	io.WriteString(l, failLine+"\n")
	if len(l.Records()) != 2 {
		t.Errorf("parsing stopped with the raw copy")
	}
	errs := l.Errors()
	if len(errs) != 1 || errs[0].Error() != "op log copy: disk full" || fw.n != 1 {
		t.Errorf("errors = %v, raw writes = %d; want one copy error, one write", errs, fw.n)
	}
}

// TestLogConcurrent writes from several goroutines (whole lines each) while
// others read progress; run with -race.
func TestLogConcurrent(t *testing.T) {
	l := NewLog(&bytes.Buffer{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				fmt.Fprintf(l, `{"client":"c%d","n":%d,"start":%d,"end":%d,"ok":%v}`+"\n", w, i+1, i+1, i+2, i%3 != 0)
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			l.Counts()
			l.Ops()
			l.Errors()
			n := len(l.Records())
			for r := range l.All() {
				if r.Client == "" {
					t.Error("All gave a record without a client")
				}
				n--
			}
			if n > 0 {
				t.Errorf("All gave fewer records than Records did before it")
			}
		}
	}()
	wg.Wait()
	<-done
	ok, failed := l.Counts()
	if ok+failed != 2000 || failed != 4*167 || len(l.Ops()) != 2000 || len(l.Errors()) != 0 {
		t.Errorf("ok %d failed %d ops %d errors %v", ok, failed, len(l.Ops()), l.Errors())
	}
}
