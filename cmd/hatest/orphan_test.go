package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hatest/hatest/reports"
)

// TestSuiteOutlivesHatest SIGKILLs hatest alone in the middle of a
// scenario. The suite binary runs on in its own process group, hears that
// hatest died, and must still stop its scenario, clean up everything it
// started and write its reports: its stderr, a pipe to the dead hatest,
// must not kill it (SIGPIPE). Afterwards no process or container of the
// run may remain, and the temporary directory of the suite binary is
// swept. The local processes always, Docker when an engine answers.
func TestSuiteOutlivesHatest(t *testing.T) {
	bin := buildHatest(t)
	for _, rt := range runtimesHere(t) {
		t.Run(rt, func(t *testing.T) { outlive(t, bin, rt) })
	}
}

func outlive(t *testing.T, bin, rt string) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "out")
	logPath := filepath.Join(tmp, "hatest.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	readLog := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	cmd := exec.Command(bin, "run", "--runtime", rt, "--focus", "^"+longScenario+"$", "--report-dir", dir, setupSuite)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// hatest writes to a file; the suite's stderr is a pipe hatest reads,
	// which breaks when hatest dies.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hatestPID := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var procs map[int]proc
	t.Cleanup(func() {
		_ = syscall.Kill(-hatestPID, syscall.SIGKILL)
		for pid := range procs {
			if p, ok := readProc(pid); ok && p.start == procs[pid].start {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})

	// Wait until the scenario is in its long step.
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(readLog(), longScenario+": 3 wait") {
		select {
		case err := <-exited:
			t.Fatalf("hatest exited before the scenario got going (%v):\n%s", err, readLog())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scenario never reached its long step:\n%s", readLog())
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)

	procs = descendants(hatestPID)
	suitePID, suiteBin, runID := runningSuite(t, procs, rt)

	// Kill hatest, and hatest alone.
	if err := syscall.Kill(hatestPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	killed := time.Now()
	for {
		if _, alive := readProc(suitePID); !alive {
			break
		}
		if time.Since(killed) > 3*time.Minute {
			t.Fatalf("the suite still ran 3 minutes after hatest was killed:\n%s", readLog())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("the suite exited %v after hatest was killed; log:\n%s", time.Since(killed).Round(time.Millisecond), readLog())

	// The reports of what ran are written.
	run, err := reports.ReadRun(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatalf("results.json: %v (the suite died before it wrote its reports)", err)
	}
	if len(run.Scenarios) != 1 {
		t.Fatalf("results.json has %d scenarios, want the interrupted one", len(run.Scenarios))
	}
	if s := run.Scenarios[0]; s.Scenario != longScenario || s.Passed || s.Summary.Ops == 0 {
		t.Fatalf("results.json: %q passed %v with %d ops; want it not passed, with ops", s.Scenario, s.Passed, s.Summary.Ops)
	}
	for _, f := range []string{"index.html", "junit.xml"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || !bytes.Contains(b, []byte(longScenario)) {
			t.Errorf("%s does not show the scenario: %v", f, err)
		}
	}

	nothingRemains(t, procs, runID)
	// hatest could not remove the suite binary's directory; the next
	// hatest sweeps it, now that neither process runs.
	binDir := filepath.Dir(suiteBin)
	if _, err := os.Stat(binDir); err != nil {
		t.Logf("the suite binary's directory %s is gone already (%v)", binDir, err)
		return
	}
	sweepTempDirs(filepath.Dir(binDir), time.Now())
	if _, err := os.Stat(binDir); err == nil {
		t.Errorf("the directory of the killed run's suite binary, %s, was not swept", binDir)
	}
}
