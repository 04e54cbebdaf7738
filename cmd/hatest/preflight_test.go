package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readOnly makes dir unwritable, for root too (chattr +i), and undoes it
// when the test ends.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if os.Geteuid() != 0 {
		return
	}
	// Root writes anywhere chmod forbids; an immutable directory stops it.
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("running as root and chattr +i fails (%v: %s): cannot make a directory read-only", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", dir).Run() })
}

// TestReportDirNotWritable: a report directory that cannot be written is
// refused before anything runs, with one line: exit 2. It used to be found
// out only after the whole selection ran.
func TestReportDirNotWritable(t *testing.T) {
	for _, c := range []struct {
		name string
		dir  func(t *testing.T) string
	}{
		{"empty read-only dir", func(t *testing.T) string {
			dir := filepath.Join(t.TempDir(), "out")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			readOnly(t, dir)
			return dir
		}},
		{"in a read-only dir", func(t *testing.T) string {
			parent := t.TempDir()
			readOnly(t, parent)
			return filepath.Join(parent, "out")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := c.dir(t)
			start := time.Now()
			code, stdout, stderr := hatest(t, "run", "--runtime", "process", "--report-dir", dir,
				"--focus", "^setup: missing binary$", setupSuite)
			took := time.Since(start)
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if code != exitUsage || len(lines) != 1 || !strings.HasPrefix(lines[0], "hatest run: report dir "+dir+" cannot be written: ") ||
				!strings.HasSuffix(lines[0], "; choose another with --report-dir") {
				t.Fatalf("exit %d, stderr %q; want 2 and one line saying the report dir cannot be written", code, stderr)
			}
			if stdout != "" || took > 10*time.Second {
				t.Fatalf("something ran (%v):\n%s", took, stdout)
			}
			t.Logf("%s", lines[0])
		})
	}
}

// TestSweepTempDirs: the temporary directories of killed runs are swept;
// those of live runs, and young ones without a pid file, are kept.
func TestSweepTempDirs(t *testing.T) {
	base := t.TempDir()
	now := time.Now()
	// A pid that is surely dead: a process that ran and was reaped.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := dead.Process.Pid
	mk := func(name, pids string, age time.Duration) string {
		dir := filepath.Join(base, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "suite.test"), make([]byte, 1000), 0o755); err != nil {
			t.Fatal(err)
		}
		if pids != "" {
			if err := os.WriteFile(filepath.Join(dir, pidFileName), []byte(pids), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(dir, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	self := os.Getpid()
	selfLine := strconv.Itoa(self) + " " + procStart(self) + "\n"
	deadLine := strconv.Itoa(deadPID) + " " + procStart(deadPID) + "\n"
	// A live pid whose start time differs: the pid was given to another
	// process since.
	reused := strconv.Itoa(self) + " 1\n"
	cases := []struct {
		name, pids string
		age        time.Duration
		swept      bool
	}{
		{"hatest-suite-dead", deadLine, 0, true},
		{"hatest-suite-dead-hatest-and-suite", deadLine + deadLine, 0, true},
		{"hatest-suite-live", selfLine, 2 * time.Hour, false},
		{"hatest-suite-hatest-dead-suite-live", deadLine + selfLine, 0, false},
		{"hatest-suite-pid-reused", reused, 0, true},
		{"hatest-suite-old-no-pid-file", "", 2 * time.Hour, true},
		{"hatest-suite-young-no-pid-file", "", time.Minute, false},
		{"other-dead", deadLine, 2 * time.Hour, false},
	}
	for _, c := range cases {
		mk(c.name, c.pids, c.age)
	}
	if err := os.WriteFile(filepath.Join(base, "hatest-suite-a-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	n, size := sweepTempDirs(base, now)
	want := 0
	for _, c := range cases {
		_, err := os.Stat(filepath.Join(base, c.name))
		if gone := os.IsNotExist(err); gone != c.swept {
			t.Errorf("%s: swept %v, want %v", c.name, gone, c.swept)
		}
		if c.swept {
			want++
		}
	}
	if _, err := os.Stat(filepath.Join(base, "hatest-suite-a-file")); err != nil {
		t.Errorf("a file named like a directory was removed")
	}
	if n != want || size < int64(want)*1000 {
		t.Errorf("sweep = %d directories, %d bytes; want %d, at least %d bytes", n, size, want, want*1000)
	}
}

// TestTempDirHasPIDFile: the directory of a suite binary says whose it is,
// so that a sweep leaves it alone while hatest runs.
func TestTempDirHasPIDFile(t *testing.T) {
	dir, err := makeTempDir()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if !strings.HasPrefix(filepath.Base(dir), tempPrefix) {
		t.Fatalf("temp dir %s is not named %s*", dir, tempPrefix)
	}
	b, err := os.ReadFile(filepath.Join(dir, pidFileName))
	if err != nil || !strings.HasPrefix(string(b), strconv.Itoa(os.Getpid())+" ") {
		t.Fatalf("pid file: %q, %v", b, err)
	}
	if n, _ := sweepTempDirs(filepath.Dir(dir), time.Now()); n != 0 {
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("the sweep removed the directory of a live hatest")
		}
	}
}
