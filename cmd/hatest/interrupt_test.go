package main

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hatest/hatest/reports"
)

// longScenario runs for five minutes unless interrupted.
const longScenario = "setup: long"

// TestInterrupt starts `hatest run` on a long scenario, interrupts it in
// the middle and checks that it stops promptly, writes every report with
// the scenario marked as not passed and its op log kept, and leaves
// nothing running: no container, network or volume of the run, no child
// process. A Ctrl-C at a terminal signals hatest's whole process group;
// SIGTERM (from kill or a CI timeout) reaches hatest alone. Docker is used
// when an engine answers, local processes always.
func TestInterrupt(t *testing.T) {
	bin := buildHatest(t)
	rts := runtimesHere(t)
	for _, rt := range rts {
		t.Run(rt+"/ctrl-c", func(t *testing.T) { interrupt(t, bin, rt, syscall.SIGINT, true) })
	}
	// SIGTERM on the runtime with the most to clean up.
	rt := rts[len(rts)-1]
	t.Run(rt+"/sigterm", func(t *testing.T) { interrupt(t, bin, rt, syscall.SIGTERM, false) })
}

// interrupt runs the long scenario on rt and sends sig in its middle, to
// hatest's process group (a Ctrl-C at the terminal) or to hatest alone.
func interrupt(t *testing.T, bin, rt string, sig syscall.Signal, group bool) {
	dir := filepath.Join(t.TempDir(), "out")
	j := startJob(t, bin, func(l string) bool { return strings.Contains(l, longScenario+": 3 wait") },
		"run", "--runtime", rt, "--focus", "^"+longScenario+"$", "--report-dir", dir, setupSuite)
	cmd, exited, logDone, inStep, stop := j.cmd, j.exited, j.logDone, j.seen, j.stop
	log, stdout := &j.log, &j.stdout

	// Wait until the scenario is in its long step and its client has
	// recorded some ops.
	select {
	case <-inStep:
	case err := <-exited:
		<-logDone
		t.Fatalf("hatest exited before the scenario got going (%v):\n%s%s", err, stdout.String(), log.String())
	case <-time.After(3 * time.Minute):
		stop()
		t.Fatalf("the scenario never reached its long step:\n%s", log.String())
	}
	time.Sleep(time.Second)

	// What runs now: every process below hatest, and for Docker the run.
	procs := descendants(cmd.Process.Pid)
	_, _, runID := runningSuite(t, procs, rt)

	target := cmd.Process.Pid
	if group {
		target = -target
	}
	sent := time.Now()
	if err := syscall.Kill(target, sig); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	select {
	case waitErr = <-exited:
	case <-time.After(time.Minute):
		stop()
		t.Fatalf("hatest still ran a minute after %v; its output:\n%s", sig, log.String())
	}
	took := time.Since(sent)
	<-logDone
	t.Logf("%v to exit after %v; stderr:\n%s", took.Round(time.Millisecond), sig, log.String())

	var ee *exec.ExitError
	if !errors.As(waitErr, &ee) || ee.ExitCode() != exitFail {
		t.Fatalf("exit: %v; want exit code %d (not every scenario passed)", waitErr, exitFail)
	}
	if !strings.Contains(log.String(), "interrupted: "+sigName(sig)+" received") {
		t.Fatalf("stderr does not say the run was interrupted by %v", sig)
	}

	// The reports: the scenario did not pass, and its op log is kept.
	run, err := reports.ReadRun(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(run.Scenarios) != 1 {
		t.Fatalf("results.json has %d scenarios, want the interrupted one", len(run.Scenarios))
	}
	s := run.Scenarios[0]
	if s.Scenario != longScenario || s.Passed || !strings.Contains(s.Failure, "Interrupted") || s.Summary.Ops == 0 {
		t.Fatalf("results.json: %q passed %v with %d ops, failure %q; want it not passed, interrupted, with ops",
			s.Scenario, s.Passed, s.Summary.Ops, s.Failure)
	}
	kept := false
	for _, a := range s.Artifacts {
		if a.Name != "c1.ops.jsonl" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, s.Slug, a.Path))
		if err != nil || bytes.Count(b, []byte("\n")) == 0 {
			t.Fatalf("op log %s: %d bytes, %v", a.Path, len(b), err)
		}
		kept = true
	}
	if !kept {
		t.Fatalf("the op log of c1 is not kept: artifacts %+v", s.Artifacts)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "index.html")); err != nil || !bytes.Contains(b, []byte(longScenario)) {
		t.Fatalf("index.html does not show the scenario: %v", err)
	}
	if status := junitStatus(t, filepath.Join(dir, "junit.xml"), longScenario); status != "interrupted" {
		t.Fatalf("junit.xml: the scenario's status is %q, want interrupted", status)
	}

	nothingRemains(t, procs, runID)
}

// junitStatus returns the status junit.xml gives the test case name.
func junitStatus(t *testing.T, path, name string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name   string `xml:"name,attr"`
				Status string `xml:"status,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Name == name {
				return c.Status
			}
		}
	}
	t.Fatalf("junit.xml has no test case %q", name)
	return ""
}

// proc is one process as /proc showed it.
type proc struct {
	pid     int
	start   string // start time in clock ticks since boot: tells a reused pid apart
	cmdline string
}

func (p proc) String() string { return fmt.Sprintf("%d %s", p.pid, p.cmdline) }

// alive reports whether p still runs: its pid exists, started at the same
// time, and is not a zombie.
func (p proc) alive() bool {
	now, ok := readProc(p.pid)
	return ok && now.start == p.start
}

// stat returns the fields of /proc/<pid>/stat after the command name
// (state, ppid, pgrp, ...; the start time is the 20th), or nil.
func stat(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(b)
	if f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]); len(f) >= 20 {
		return f
	}
	return nil
}

// readProc reads pid's /proc entry; ok is false if it is gone or a zombie.
func readProc(pid int) (p proc, ok bool) {
	f := stat(pid)
	if f == nil || f[0] == "Z" || f[0] == "X" {
		return p, false
	}
	cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return proc{pid: pid, start: f[19], cmdline: strings.TrimSpace(strings.ReplaceAll(string(cmd), "\x00", " "))}, true
}

// descendants returns every live process below pid.
func descendants(pid int) map[int]proc {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f := stat(p); f != nil {
			if ppid, err := strconv.Atoi(f[1]); err == nil {
				children[ppid] = append(children[ppid], p)
			}
		}
	}
	out := map[int]proc{}
	queue := []int{pid}
	for len(queue) > 0 {
		for _, c := range children[queue[0]] {
			if p, ok := readProc(c); ok {
				out[c] = p
			}
			queue = append(queue, c)
		}
		queue = queue[1:]
	}
	return out
}

// buildHatest builds the hatest binary into a temporary directory.
// job is hatest run as a job of its own, as a shell makes it (a Ctrl-C
// at the terminal signals its process group), with its stderr read line
// by line into log; read log whole once logDone is closed. seen is closed
// at the first line the job's match accepts.
type job struct {
	cmd           *exec.Cmd
	stdout        bytes.Buffer
	log           strings.Builder
	exited        chan error
	seen, logDone chan struct{}
}

func startJob(t *testing.T, bin string, match func(line string) bool, args ...string) *job {
	t.Helper()
	j := &job{cmd: exec.Command(bin, args...), exited: make(chan error, 1), seen: make(chan struct{}), logDone: make(chan struct{})}
	j.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, w := io.Pipe()
	j.cmd.Stdout, j.cmd.Stderr = &j.stdout, w
	if err := j.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-j.cmd.Process.Pid, syscall.SIGKILL) })
	go func() { err := j.cmd.Wait(); w.Close(); j.exited <- err }()
	go func() {
		defer close(j.logDone)
		sc := bufio.NewScanner(stderr)
		seen := false
		for sc.Scan() {
			j.log.WriteString(sc.Text() + "\n")
			if !seen && match(sc.Text()) {
				seen = true
				close(j.seen)
			}
		}
	}()
	return j
}

// stop ends the job at once, for a test that fails before it ends.
func (j *job) stop() {
	_ = syscall.Kill(-j.cmd.Process.Pid, syscall.SIGKILL)
	<-j.logDone
}

func buildHatest(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hatest")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build hatest: %v\n%s", err, out)
	}
	return bin
}

// runningSuite finds, among the processes below hatest, the suite binary
// (its pid and path) and, on Docker, the run ID of its containers. It fails
// the test when there is no suite, when a process run has fewer than the
// suite, a server and a client, or when a Docker run has no container (the
// leak check that follows would prove nothing).
func runningSuite(t *testing.T, procs map[int]proc, rt string) (pid int, bin, runID string) {
	t.Helper()
	for p, pr := range procs {
		if strings.Contains(pr.cmdline, "suite.test") {
			pid, bin = p, strings.Fields(pr.cmdline)[0]
		}
	}
	if pid == 0 {
		t.Fatalf("no suite binary among hatest's processes: %v", procs)
	}
	if rt == "process" && len(procs) < 3 {
		t.Fatalf("processes below hatest: %v; want the suite, the server and the client at least", procs)
	}
	if rt == "docker" {
		out, err := exec.Command("docker", "ps", "--filter", "label=hatest.pid="+strconv.Itoa(pid), "--format", `{{.Label "hatest.run"}}`).Output()
		if err != nil {
			t.Fatalf("docker ps: %v", err)
		}
		runID, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
		if runID == "" {
			t.Fatalf("no container of the suite (pid %d) runs: nothing to clean up, the check would prove nothing", pid)
		}
	}
	return pid, bin, runID
}

// runtimesHere is the runtimes a test can use on this machine: local
// processes always, Docker when an engine answers (and it says when not).
func runtimesHere(t *testing.T) []string {
	t.Helper()
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Logf("no docker engine answers (docker info: %v): on local processes only", err)
		return []string{"process"}
	}
	return []string{"process", "docker"}
}

// nothingRemains fails the test for every process of procs still alive
// and, when runID is set, every container, network or volume of that run.
func nothingRemains(t *testing.T, procs map[int]proc, runID string) {
	t.Helper()
	for pid, p := range procs {
		if p.alive() {
			t.Errorf("process %d outlived the run: %s", pid, p.cmdline)
		}
	}
	if runID != "" {
		if left := labelled(t, "label=hatest.run="+runID); left != "" {
			t.Errorf("resources of run %s remain:\n%s", runID, left)
		}
	}
}
