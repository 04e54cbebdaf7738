package probe

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the Reader and to a Log: neither may
// panic, every record returned must be valid, every error must be a line
// error or EOF, and both must agree on records and errors.
func FuzzReader(f *testing.F) {
	for _, tt := range readerTests {
		if len(tt.in) < 4096 {
			f.Add([]byte(tt.in), uint8(3))
		}
	}
	f.Add([]byte(opLine+"\n\n"+failLine+"\r\n"+rbLine+"\n"+sumLine), uint8(1))
	f.Add([]byte("{\"client\":\"\\u0000\",\"start\":1,\"end\":1}\n\xff\xfe\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		r := NewReader(bytes.NewReader(data))
		var (
			recs []Record
			errs []string
		)
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("Next did not reach EOF after %d calls", i)
			}
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var le *LineError
				if !errors.Is(err, ErrMalformed) || !errors.As(err, &le) || le.Line < 1 {
					t.Fatalf("error %v is not a line error", err)
				}
				errs = append(errs, err.Error())
				continue
			}
			if verr := rec.Validate(); verr != nil {
				t.Fatalf("Next returned an invalid record %+v: %v", rec, verr)
			}
			recs = append(recs, rec)
		}
		l := NewLog(nil)
		step := int(chunk%16) + 1
		for p := data; len(p) > 0; {
			n := min(step, len(p))
			l.Write(p[:n])
			p = p[n:]
		}
		l.Close()
		lrecs := l.Records()
		if len(lrecs) == 0 {
			lrecs = nil
		}
		var lerrs []string
		for _, err := range l.Errors() {
			lerrs = append(lerrs, err.Error())
		}
		if !reflect.DeepEqual(recs, lrecs) {
			t.Fatalf("Reader and Log disagree on records:\n%+v\n%+v", recs, lrecs)
		}
		if !reflect.DeepEqual(errs, lerrs) {
			t.Fatalf("Reader and Log disagree on errors:\n%q\n%q", errs, lerrs)
		}
	})
}
