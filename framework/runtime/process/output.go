//go:build unix

package process

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

const (
	// maxLogs bounds what a node keeps for Logs; past it the oldest
	// quarter is dropped.
	maxLogs = 16 << 20
	// maxTail bounds the tail kept for not-ready errors, whoever takes
	// the output.
	maxTail = 16 << 10
	// tailLines is how many lines a not-ready error quotes.
	tailLines = 20
)

// output receives a node's stdout and stderr across all its processes. A
// stream goes to the spec's writer if it has one, otherwise into logs; the
// last maxTail bytes of both always go into tail. Writes are serialised, so
// a spec may pass one writer for both streams.
type output struct {
	mu      sync.Mutex
	logs    bytes.Buffer
	dropped int64
	tail    []byte
}

// stream is one of a node's two output streams.
type stream struct {
	o *output
	w io.Writer // nil: keep for Logs
}

// Write never fails: a failing writer must not stall the child on a full
// pipe.
func (s stream) Write(b []byte) (int, error) {
	o := s.o
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tail = append(o.tail, b...)
	if len(o.tail) > maxTail {
		o.tail = append(o.tail[:0], o.tail[len(o.tail)-maxTail:]...)
	}
	if s.w != nil {
		_, _ = s.w.Write(b)
		return len(b), nil
	}
	o.logs.Write(b)
	if o.logs.Len() > maxLogs {
		drop := o.logs.Len() - maxLogs*3/4
		o.logs.Next(drop)
		o.dropped += int64(drop)
	}
	return len(b), nil
}

// Logs returns a copy of what was kept so far.
func (o *output) Logs() io.Reader {
	o.mu.Lock()
	defer o.mu.Unlock()
	return bytes.NewReader(bytes.Clone(o.logs.Bytes()))
}

// Tail returns the last n lines written to either stream.
func (o *output) Tail(n int) []string {
	o.mu.Lock()
	s := string(o.tail)
	o.mu.Unlock()
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// resetTail forgets the tail, so that a not-ready error quotes only the
// process that failed.
func (o *output) resetTail() {
	o.mu.Lock()
	o.tail = o.tail[:0]
	o.mu.Unlock()
}
