package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hatest/hatest/framework/runner"
)

// progress filters a suite's stderr. Progress lines (runner.ProgressPrefix)
// are redrawn in place on a terminal, one live line for the running
// scenario; elsewhere (CI, a pipe) they become plain timestamped lines,
// one when the step changes and at most one every 5 s otherwise. All other
// lines pass through unchanged.
type progress struct {
	out  io.Writer
	tty  bool
	mu   sync.Mutex
	buf  []byte
	live bool
	last struct {
		step string
		at   time.Time
	}
}

func newProgress(out io.Writer, tty bool) *progress { return &progress{out: out, tty: tty} }

// isTerminal is true when f is a terminal and CI is not set.
func isTerminal(f *os.File) bool {
	if os.Getenv("CI") != "" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.line(string(p.buf[:i]))
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

func (p *progress) line(l string) {
	text, isProgress := strings.CutPrefix(l, runner.ProgressPrefix)
	if !isProgress {
		p.clear()
		fmt.Fprintln(p.out, l)
		return
	}
	if p.tty {
		if len(text) > 150 {
			text = text[:149] + "…"
		}
		fmt.Fprintf(p.out, "\r\033[K%s", text)
		p.live = true
		return
	}
	fields := strings.SplitN(text, " | ", 3)
	step := strings.Join(fields[:min(2, len(fields))], " | ")
	if step == p.last.step && time.Since(p.last.at) < 5*time.Second {
		return
	}
	p.last.step, p.last.at = step, time.Now()
	fmt.Fprintf(p.out, "%s %s\n", time.Now().Format("15:04:05"), text)
}

func (p *progress) clear() {
	if p.live {
		fmt.Fprint(p.out, "\r\033[K")
		p.live = false
	}
}

// Close ends a live line and flushes a last unterminated line.
func (p *progress) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.line(string(p.buf))
		p.buf = nil
	}
	p.clear()
	return nil
}
