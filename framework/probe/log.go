package probe

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/hatest/hatest/framework/timeline"
)

// Log accumulates one client's op log as it is written: the runtime copies
// the client's stdout into it. It splits the stream into lines, parses each
// one, and keeps every record and every parse error (with its line
// number); nothing is dropped silently. It is safe for concurrent use: one
// writer and any number of readers asking for progress.
type Log struct {
	mu      sync.Mutex
	raw     io.Writer
	rawErr  error
	pending []byte // the current line, not yet ended by a newline
	skip    bool   // the current line is too long; discard to its newline
	line    int
	closed  bool
	records []Record
	errs    []error
	ops     int // op records among records
	ok      int64
	failed  int64
	summary int // index of the last summary record, -1 when none
	// downSince is the start of the oldest failed op not yet followed by
	// a success that started after it: the client's open outage, for
	// progress lines. 0 when the client is up.
	downSince int64
}

// NewLog makes a Log. When raw is not nil, every byte written to the Log
// is copied to it first (the op-log artifact file). An error writing raw
// is recorded among Errors and stops the copy; parsing goes on.
func NewLog(raw io.Writer) *Log {
	l := &Log{summary: -1}
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
		l.endLine()
		p = p[i+1:]
	}
	return n, nil
}

// endLine parses the pending line. l.mu is held.
func (l *Log) endLine() {
	l.line++
	line := bytes.TrimSuffix(l.pending, []byte("\r"))
	tooLong := l.skip || len(line) > MaxLine
	l.pending, l.skip = l.pending[:0], false
	if tooLong {
		l.errs = append(l.errs, &LineError{l.line, fmt.Errorf("line longer than %d bytes", MaxLine)})
		return
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	rec, err := Parse(line)
	if err != nil {
		l.errs = append(l.errs, &LineError{l.line, err})
		return
	}
	switch {
	case rec.IsOp():
		l.ops++
		if rec.OK {
			l.ok++
			if rec.Start >= l.downSince {
				l.downSince = 0
			}
		} else {
			l.failed++
			if l.downSince == 0 || rec.Start < l.downSince {
				l.downSince = rec.Start
			}
		}
	case rec.Type == TypeSummary:
		l.summary = len(l.records)
	}
	l.records = append(l.records, rec)
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
		l.endLine()
	}
	return nil
}

// Records is every parsed line, in order: ops, read-backs, summaries.
func (l *Log) Records() []Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Record(nil), l.records...)
}

// Ops is every op line as a timeline.Op, in log order.
func (l *Log) Ops() []timeline.Op {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]timeline.Op, 0, l.ops)
	for _, r := range l.records {
		if r.IsOp() {
			out = append(out, r.Op())
		}
	}
	return out
}

// Summary is the client's last summary line, if it wrote one.
func (l *Log) Summary() (Record, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.summary < 0 {
		return Record{}, false
	}
	return l.records[l.summary], true
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
