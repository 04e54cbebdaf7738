// Package proc reads what Linux's /proc says of a process: its state and
// when it started. The Docker sweep and hatest's sweep of temporary
// directories both ask whether a process still runs, and a killed process
// that no one has reaped yet (a zombie) does not.
//
//	st, err := proc.Read(pid)
//	if errors.Is(err, proc.ErrGone) || err == nil && st.Dead() {
//		// its leftovers may go
//	}
package proc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// ErrGone: /proc has no such process. ErrNoProc: there is no /proc to ask
// (another system), or what it said could not be read.
var (
	ErrGone   = errors.New("no such process")
	ErrNoProc = errors.New("no /proc to ask")
)

// Stat is a process as /proc/<pid>/stat describes it.
type Stat struct {
	State byte   // 'R', 'S', ..., 'Z' for a zombie, 'X' for dead
	Start string // when it started, in clock ticks since boot: with the pid, its identity
}

// Dead reports whether the process has exited and only waits to be
// reaped.
func (s Stat) Dead() bool { return s.State == 'Z' || s.State == 'X' }

// Read reads /proc/<pid>/stat.
func Read(pid int) (Stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat("/proc/self/stat"); serr == nil {
			return Stat{}, ErrGone
		}
	}
	if err != nil {
		return Stat{}, fmt.Errorf("%w: %v", ErrNoProc, err)
	}
	// The fields after the command, which is in parentheses and may
	// itself hold ") ".
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 20 || len(f[0]) != 1 {
		return Stat{}, fmt.Errorf("%w: /proc/%d/stat: unexpected %q", ErrNoProc, pid, s)
	}
	return Stat{State: f[0][0], Start: f[19]}, nil
}
