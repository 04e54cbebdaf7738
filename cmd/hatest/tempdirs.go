package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	procstat "github.com/hatest/hatest/internal/proc"
)

// Each suite binary hatest compiles lives in a temporary directory of its
// own, tempPrefix*, about 31 MB. hatest removes it when the suite is done;
// a hatest that was killed cannot, so every hatest that compiles sweeps
// the ones dead runs left behind. A directory says whose it is in its pid
// file: one line per process that uses it (hatest, then the suite binary),
// "pid start", start being the process's start time (see procStart), so
// that a pid the system gave to another process since is not taken for
// the owner.
const (
	tempPrefix  = "hatest-suite-"
	pidFileName = "hatest.pids"
	// orphanAge is how old a directory without a pid file (one of an
	// older hatest, or one whose pid file is not written yet) must be to
	// be swept.
	orphanAge = time.Hour
)

// makeTempDir creates a temporary directory for a suite binary and writes
// this process into its pid file.
func makeTempDir() (string, error) {
	dir, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		return "", err
	}
	if err := addPID(dir, os.Getpid()); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// addPID records pid as a user of dir, so that dir is not swept while pid
// runs.
func addPID(dir string, pid int) error {
	f, err := os.OpenFile(filepath.Join(dir, pidFileName), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("pid file: %w", err)
	}
	_, werr := fmt.Fprintf(f, "%d %s\n", pid, procStart(pid))
	if err := errors.Join(werr, f.Close()); err != nil {
		return fmt.Errorf("pid file: %w", err)
	}
	return nil
}

// procStart is the start time of process pid (clock ticks since boot, the
// 22nd field of /proc/<pid>/stat), "-" where there is no /proc, and ""
// when pid is gone or a zombie.
func procStart(pid int) string {
	st, err := procstat.Read(pid)
	switch {
	case errors.Is(err, procstat.ErrGone):
		return ""
	case err != nil:
		return "-"
	case st.Dead():
		return ""
	}
	return st.Start
}

// running reports whether the process pid that started at start still
// runs: it exists, is no zombie, and started then (a pid the system gave
// to another process since is not it).
func running(pid int, start string) bool {
	if pid <= 0 {
		return false
	}
	now := procStart(pid)
	switch {
	case now == "":
		return false
	case now == "-" || start == "-":
		// No /proc: whether the pid exists is all there is to know.
		err := syscall.Kill(pid, 0)
		return err == nil || errors.Is(err, syscall.EPERM)
	}
	return now == start
}

// inUse reports whether dir belongs to a live process: one in its pid
// file runs, or it has no pid file and is younger than orphanAge.
func inUse(dir string, now time.Time) bool {
	b, err := os.ReadFile(filepath.Join(dir, pidFileName))
	if errors.Is(err, fs.ErrNotExist) {
		st, err := os.Stat(dir)
		return err == nil && now.Sub(st.ModTime()) < orphanAge
	}
	if err != nil {
		return true // cannot tell: leave it
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		p, start, _ := strings.Cut(strings.TrimSpace(line), " ")
		pid, err := strconv.Atoi(p)
		if err != nil {
			continue
		}
		if running(pid, strings.TrimSpace(start)) {
			return true
		}
	}
	return false
}

// sweepTempDirs removes the tempPrefix* directories in base that no live
// process uses, and returns how many it removed and their size in bytes.
func sweepTempDirs(base string, now time.Time) (n int, size int64) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return 0, 0
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		dir := filepath.Join(base, e.Name())
		if inUse(dir, now) {
			continue
		}
		bytes := dirSize(dir)
		if os.RemoveAll(dir) == nil {
			n++
			size += bytes
		}
	}
	return n, size
}

func dirSize(dir string) int64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

var sweepOnce sync.Once

// sweepLeftovers sweeps the temporary directory once per process, and
// says so on w (when not nil) if it removed anything.
func sweepLeftovers(w io.Writer) {
	sweepOnce.Do(func() {
		n, size := sweepTempDirs(os.TempDir(), time.Now())
		if n > 0 && w != nil {
			fmt.Fprintf(w, "hatest: removed %d temporary %s (%.0f MB) that killed runs left in %s\n",
				n, pluralWord(n, "directory", "directories"), float64(size)/1e6, os.TempDir())
		}
	})
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
