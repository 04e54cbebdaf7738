package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNothingLeaksAfterSIGKILL starts `hatest run` on Docker, SIGKILLs
// hatest and its suite binary (each in its own process group) at once, so
// that no cleanup runs, in the middle of a scenario, then runs hatest again. The second run
// must sweep what the first left, and afterwards no container, network or
// volume labelled hatest.run, and no process of either run, may remain.
func TestNothingLeaksAfterSIGKILL(t *testing.T) {
	dockerEngine(t)
	dir := t.TempDir()
	bin := buildHatest(t)
	first := exec.Command(bin, "run", "--runtime", "docker", "-q", "--focus", "^"+upgradeScenario+"$",
		"--report-dir", filepath.Join(dir, "first"), suite)
	first.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var log bytes.Buffer
	first.Stdout, first.Stderr = &log, &log
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until its clients run: the scenario is in the middle. The
	// suite binary labels its containers with its pid.
	deadline := time.Now().Add(3 * time.Minute)
	var suitePID int
	var runID string
	for runID == "" {
		for pid, p := range descendants(first.Process.Pid) {
			if strings.Contains(p.cmdline, "suite.test") {
				suitePID = pid
			}
		}
		if suitePID != 0 {
			out, _ := exec.Command("docker", "ps", "--filter", "label=hatest.pid="+strconv.Itoa(suitePID), "--filter", "name=-c1",
				"--format", `{{.Label "hatest.run"}}`).Output()
			runID, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
		}
		if _, running := readProc(first.Process.Pid); !running {
			_ = first.Wait()
			t.Fatalf("the first run ended before it started its clients:\n%s", log.String())
		}
		if runID == "" && time.Now().After(deadline) {
			_ = syscall.Kill(-first.Process.Pid, syscall.SIGKILL)
			t.Fatalf("the first run never started its clients:\n%s", log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	// The suite runs in a process group of its own (so that a Ctrl-C
	// reaches hatest alone): kill that group first, then hatest's, so
	// that neither can clean up.
	_ = syscall.Kill(-suitePID, syscall.SIGKILL)
	if err := syscall.Kill(-first.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	if left := labelled(t, "label=hatest.run="+runID); left == "" {
		t.Fatalf("SIGKILL left nothing of run %q behind, so the sweep is not tested: the kill came too late", runID)
	}

	second := exec.Command(bin, "run", "--runtime", "docker", "-q", "--focus", "^skew: client v1 with driver v1$",
		"--report-dir", filepath.Join(dir, "second"), suite)
	// Its verdict is not what is tested, only that it ran to the end and
	// swept: on a busy machine its numbers may rightly be INVALID (exit 1).
	out, err := second.CombinedOutput()
	if ee := (*exec.ExitError)(nil); err != nil && (!errors.As(err, &ee) || ee.ExitCode() != exitFail || !strings.Contains(string(out), "1 invalid")) {
		t.Fatalf("the second run failed: %v\n%s", err, out)
	}
	if left := labelled(t, "label=hatest.run="+runID); left != "" {
		t.Fatalf("after the second run, resources of the killed run %s remain:\n%s", runID, left)
	}
	// Other hatest runs may be alive on this engine (a parallel test
	// package); what no run may leave is a resource whose process is dead.
	if orphans := orphaned(t); len(orphans) > 0 {
		t.Fatalf("resources of dead processes remain after a run's sweep:\n%s", strings.Join(orphans, "\n"))
	}
	if procs := processesUnder(dir); len(procs) > 0 {
		t.Fatalf("processes of the runs remain:\n%s", strings.Join(procs, "\n"))
	}
}

// labelled lists the containers, networks and volumes that match filter.
func labelled(t *testing.T, filter string) string {
	t.Helper()
	var all []string
	for _, args := range [][]string{
		{"ps", "-aq", "--filter", filter},
		{"network", "ls", "-q", "--filter", filter},
		{"volume", "ls", "-q", "--filter", filter},
	} {
		out, err := exec.Command("docker", args...).Output()
		if err != nil {
			t.Fatalf("docker %v: %v", args, err)
		}
		if s := strings.TrimSpace(string(out)); s != "" {
			all = append(all, args[0]+": "+strings.ReplaceAll(s, "\n", " "))
		}
	}
	return strings.Join(all, "\n")
}

// processesUnder lists live processes whose command line mentions dir.
func processesUnder(dir string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(dir)) {
			continue
		}
		out = append(out, e.Name()+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return out
}

// orphaned lists hatest containers whose hatest.pid process is not alive.
func orphaned(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("docker", "ps", "-a", "--filter", "label=hatest.run", "--format", `{{.Names}} {{.Label "hatest.pid"}}`).Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	var dead []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, pid, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if _, err := os.Stat("/proc/" + pid); err != nil {
			dead = append(dead, name+" (pid "+pid+")")
		}
	}
	return dead
}
