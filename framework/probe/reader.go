package probe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/hatest/hatest/framework/timeline"
)

// MaxLine is the longest op-log line accepted, newline excluded. A longer
// line is a malformed line; reading goes on with the next one.
const MaxLine = 1 << 20

// ErrMalformed is wrapped by every error about one bad op-log line. Such an
// error concerns that line only: the next call to Next reads on.
var ErrMalformed = errors.New("malformed op log line")

// LineError is a malformed op-log line: its number (from 1, counting
// empty lines) and what is wrong with it. It wraps ErrMalformed.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("op log line %d: %v", e.Line, e.Err) }

// Unwrap gives both ErrMalformed and the cause, so errors.Is works on
// either.
func (e *LineError) Unwrap() []error { return []error{ErrMalformed, e.Err} }

// Reader reads op-log records one line at a time.
type Reader struct {
	br   *bufio.Reader
	line int
	buf  []byte
	err  error // sticky I/O error or io.EOF
	dec  decoder
	f    fields
	last [nStr]string // each field's last string, to repeat rather than copy
}

// NewReader reads the op log in r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Line is the number of the line last read, from 1.
func (r *Reader) Line() int { return r.line }

// Next returns the next record. Empty lines are skipped. At the end it
// returns io.EOF. A malformed line gives a *LineError wrapping
// ErrMalformed, and the following call reads on; any other error (from the
// underlying reader) is returned again by every later call.
func (r *Reader) Next() (Record, error) {
	for {
		if r.err != nil {
			return Record{}, r.err
		}
		line, tooLong, err := r.readLine()
		if err != nil && (err != io.EOF || (len(line) == 0 && !tooLong)) {
			if err != io.EOF {
				err = fmt.Errorf("op log after line %d: %w", r.line, err)
			}
			r.err = err
			return Record{}, err
		}
		if err == io.EOF {
			r.err = io.EOF // the last line had no newline; report it now, EOF next
		}
		r.line++
		if tooLong {
			return Record{}, &LineError{r.line, fmt.Errorf("line longer than %d bytes", MaxLine)}
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		t, err := parse(&r.dec, &r.f, line)
		if err != nil {
			return Record{}, &LineError{r.line, err}
		}
		return r.f.record(t, &r.last), nil
	}
}

// readLine reads one line without its newline. A line longer than MaxLine
// is consumed to its end and reported as tooLong. err is io.EOF when the
// input ended (line may then hold a last line without a newline).
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		if !tooLong {
			if len(r.buf)+len(chunk) > MaxLine+2 { // room for "\r\n"
				tooLong = true
				r.buf = r.buf[:0]
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		line = bytes.TrimSuffix(r.buf, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !tooLong && len(line) > MaxLine {
			tooLong = true
		}
		if tooLong {
			line = nil
		}
		return line, tooLong, err
	}
}

// Parse decodes and validates one op-log line (without its newline).
// Errors are short and lowercase; Reader and Log add the line number.
func Parse(line []byte) (Record, error) {
	var (
		d decoder
		f fields
	)
	t, err := parse(&d, &f, line)
	if err != nil {
		return Record{}, err
	}
	return f.record(t, nil), nil
}

// parse decodes line into f, by d when the line is in the shape d knows
// and by encoding/json when it is not, and validates it. It gives the
// line's type as its number in typeNames.
func parse(d *decoder, f *fields, line []byte) (uint8, error) {
	if !d.decode(f, line) {
		if err := decodeJSON(f, line); err != nil {
			return 0, err
		}
	}
	return f.check()
}

// Validate checks the rules every line must follow: a known type, a
// client, and for op lines a start time and an end not before it.
func (r Record) Validate() error {
	switch r.Type {
	case "", TypeOp, TypeSummary, TypeReadback, TypeRound:
	default:
		return unknownType(r.Type)
	}
	return validate(r.Type, r.Client != "", r.Key != "", r.Start, r.End, r.Round)
}

func unknownType(t string) error { return fmt.Errorf("unknown type %q", t) }

// validate is Validate for a line of known type typ.
func validate(typ string, client, key bool, start, end int64, round int) error {
	if !client {
		return errors.New("no client")
	}
	switch typ {
	case "", TypeOp:
		if start <= 0 {
			return errors.New("op has no start time")
		}
		if end < start {
			return errors.New("op has end before start")
		}
	case TypeReadback:
		if !key {
			return errors.New("readback has no key")
		}
	case TypeRound:
		if round <= 0 {
			return errors.New("round line has no round number")
		}
	}
	return nil
}

// IsOp says whether r is an op line (type "op" or no type).
func (r Record) IsOp() bool { return r.Type == "" || r.Type == TypeOp }

// Op converts an op line to the timeline's Op.
func (r Record) Op() timeline.Op {
	return timeline.Op{
		Client: r.Client, Class: r.Class, Conn: r.Conn,
		Sched: r.Sched, Start: r.Start, End: r.End, OK: r.OK, Err: r.Err,
		Version: r.Version, Role: r.Role, Server: r.Server,
	}
}
