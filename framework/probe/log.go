package probe

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"sync"

	"github.com/hatest/hatest/framework/timeline"
)

// Log accumulates one client's op log as it is written: the runtime copies
// the client's stdout into it. It splits the stream into lines, parses each
// one, and keeps every record and every parse error (with its line
// number); nothing is dropped silently. It keeps the records compactly
// (see entry) and makes them on demand: Records as a slice, All one at a
// time. It is safe for concurrent use: one writer and any number of
// readers asking for progress.
type Log struct {
	mu      sync.Mutex
	raw     io.Writer
	rawErr  error
	pending []byte // the current line, not yet ended by a newline
	skip    bool   // the current line is too long; discard to its newline
	line    int
	closed  bool
	dec     decoder
	f       fields // the line being parsed
	entries entries
	strs    strtab
	extras  []extra // by entry index
	errs    []error
	ops     int // op records among records
	ok      int64
	failed  int64
	summary *Record // the last summary record, nil when none
	// downSince is the start of the oldest failed op not yet followed by
	// a success that started after it: the client's open outage, for
	// progress lines. 0 when the client is up.
	downSince int64
	// round and roundErr are the highest read-back round a round line
	// ended so far, and that line's err.
	round    int
	roundErr string
}

// NewLog makes a Log. When raw is not nil, every byte written to the Log
// is copied to it first (the op-log artifact file). An error writing raw
// is recorded among Errors and stops the copy; parsing goes on.
func NewLog(raw io.Writer) *Log {
	l := &Log{}
	l.strs.init()
	if raw != nil {
		l.raw = raw
	}
	return l
}

// Write parses every complete line in p. It never fails: bad lines are
// recorded as errors, so that the copy of a client's output is never cut
// short.
func (l *Log) Write(p []byte) (int, error) {
	n := len(p)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		if len(bytes.TrimSpace(p)) > 0 {
			l.errs = append(l.errs, fmt.Errorf("op log: %d bytes written after close", len(p)))
		}
		return n, nil
	}
	// The raw copy is the op log kept beside the report, which hatest
	// analyze reads again: it holds exactly what was parsed.
	if l.raw != nil && l.rawErr == nil {
		if _, err := l.raw.Write(p); err != nil {
			l.rawErr = err
			l.errs = append(l.errs, fmt.Errorf("op log copy: %w", err))
		}
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i >= 0 && len(l.pending) == 0 && !l.skip {
			l.endLine(p[:i]) // the whole line is in p: parse it there
			p = p[i+1:]
			continue
		}
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if !l.skip {
			if len(l.pending)+len(chunk) > MaxLine+1 { // room for a '\r'
				l.skip, l.pending = true, l.pending[:0]
			} else {
				l.pending = append(l.pending, chunk...)
			}
		}
		if i < 0 {
			break
		}
		l.endLine(l.pending)
		p = p[i+1:]
	}
	l.f = fields{} // it held bytes of p
	return n, nil
}

// endLine parses line, which is l.pending or a line of the bytes being
// written, and keeps its record. l.mu is held.
func (l *Log) endLine(line []byte) {
	l.line++
	line = bytes.TrimSuffix(line, []byte("\r"))
	tooLong := l.skip || len(line) > MaxLine
	l.pending, l.skip = l.pending[:0], false // line's bytes stay until the next Write
	if tooLong {
		l.errs = append(l.errs, &LineError{l.line, fmt.Errorf("line longer than %d bytes", MaxLine)})
		return
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	f := &l.f
	t, err := parse(&l.dec, f, line)
	if err != nil {
		l.errs = append(l.errs, &LineError{l.line, err})
		return
	}
	e, hasExtra := entryOf(f, t, &l.strs)
	if hasExtra {
		l.extras = append(l.extras, extra{at: l.entries.n, sent: f.sent, failed: f.failed, interval: f.interval, skipped: f.skipped, round: f.round})
	}
	switch typeNames[t] {
	case "", TypeOp:
		l.ops++
		if f.ok {
			l.ok++
			if f.start >= l.downSince {
				l.downSince = 0
			}
		} else {
			l.failed++
			if l.downSince == 0 || f.start < l.downSince {
				l.downSince = f.start
			}
		}
	case TypeSummary:
		r := f.record(t, nil)
		l.summary = &r
	case TypeRound:
		if f.round > l.round {
			l.round, l.roundErr = f.round, l.strs.at(e.str[sErr])
		}
	}
	l.entries.add(&e)
}

// Close parses a last line that has no newline. Call it when the client's
// output has ended; it is idempotent. Writes after Close are not parsed.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if len(l.pending) > 0 || l.skip {
		l.endLine(l.pending)
	}
	return nil
}

// Records is every parsed line, in order: ops, read-backs, summaries. It
// makes a new slice on every call; the Log keeps its records compactly,
// and All reads them without making one. The records' strings and Values
// are the Log's own: do not change them.
func (l *Log) Records() []Record {
	v := l.view()
	out := make([]Record, 0, v.n)
	v.each(func(r *Record) bool {
		out = append(out, *r)
		return true
	})
	return out
}

// All is every record parsed before the loop began, in order, as Records
// gives them but made one at a time: reading a million records takes no
// slice of a million. The loop runs without the Log's lock.
func (l *Log) All() iter.Seq[Record] {
	return func(yield func(Record) bool) {
		l.view().each(func(r *Record) bool { return yield(*r) })
	}
}

// Len is how many records have been parsed so far.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.entries.n
}

// view is what the Log holds now, to read without its lock.
func (l *Log) view() view {
	l.mu.Lock()
	defer l.mu.Unlock()
	return view{blocks: l.entries.blocks, n: l.entries.n, ops: l.ops, strs: l.strs.blocks, extras: l.extras}
}

// Ops is every op line as a timeline.Op, in log order.
func (l *Log) Ops() []timeline.Op {
	v := l.view()
	out := make([]timeline.Op, 0, v.ops)
	v.entries(func(_ int, e *entry) bool {
		if e.isOp() {
			out = append(out, v.op(e))
		}
		return true
	})
	return out
}

// Summary is the client's last summary line, if it wrote one.
func (l *Log) Summary() (Record, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.summary == nil {
		return Record{}, false
	}
	return *l.summary, true
}

// Errors is every malformed line (each a *LineError wrapping ErrMalformed)
// and any error copying the raw log. Before Close, a last line still
// waiting for its newline is reported too, as incomplete.
func (l *Log) Errors() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]error(nil), l.errs...)
	if !l.closed && (len(l.pending) > 0 || l.skip) {
		out = append(out, &LineError{l.line + 1, fmt.Errorf("incomplete line (%d bytes so far, no newline)", len(l.pending))})
	}
	return out
}

// DownSince returns when the client's current outage began (the start of
// its oldest failed op that no later-started success has followed), or
// 0 when it is up. It is a live estimate for progress lines; the report's
// windows come from Outages.
func (l *Log) DownSince() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.downSince
}

// Round is the highest read-back round the client has ended so far (its
// round line was parsed), 0 before the first, and that round line's err:
// why the client could not read back through some via, "" when it could.
// A caller that asked for round n waits until Round is n or more.
func (l *Log) Round() (n int, err string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.round, l.roundErr
}

// Counts is how many op lines so far succeeded and failed (by their ok
// field; the latency budget does not apply), for live progress.
func (l *Log) Counts() (ok, failed int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ok, l.failed
}

// Lines is how many lines (empty ones included) have ended so far.
func (l *Log) Lines() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.line
}
