package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/reports"
)

// These tests run each scenario of testdata/setup, which cannot start,
// through `hatest run`, and check what a user gets for an environment
// error: exit 2, one line on stderr that names what was wrong, nothing
// else about it on stderr, and the reports all the same.

const setupSuite = "./testdata/setup"

// setupFails runs the setup suite's scenario on runtime rt and checks
// every promise of a setup error. The error line must contain each of
// names; unique, the most telling of them, must stand on that line and on
// no other line of stderr. It returns the report directory.
func setupFails(t *testing.T, rt, scenario, unique string, names ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	began := time.Now()
	code, stdout, stderr := hatest(t, "run", "--runtime", rt, "--seed", "1", "--report-dir", dir,
		"--focus", "^"+regexp.QuoteMeta(scenario)+"$", setupSuite)
	took := time.Since(began)
	t.Logf("hatest run took %v; stderr:\n%s", took.Round(time.Millisecond), stderr)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d (an environment error)\nstdout:\n%s", code, exitUsage, stdout)
	}
	// Compiling the suite and building the images come first; the error
	// itself must come at once (never ready: after its 3 s timeout).
	if took > 3*time.Minute {
		t.Fatalf("a setup error took %v to be reported", took)
	}

	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	prefix := `hatest run: scenario "` + scenario + `" could not start: `
	var line string
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			if line != "" {
				t.Fatalf("two error lines on stderr:\n%s\n%s", line, l)
			}
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no line on stderr starts %q", prefix)
	}
	if lines[len(lines)-1] != line {
		t.Fatalf("the error is not the last line of stderr: %q follows it", lines[len(lines)-1])
	}
	for _, n := range append([]string{unique}, names...) {
		if !strings.Contains(line, n) {
			t.Fatalf("the error line does not name %q:\n%s", n, line)
		}
	}
	for _, l := range lines {
		if l != line && strings.Contains(l, unique) {
			t.Fatalf("stderr says %q again, besides the error line:\n%s", unique, l)
		}
		if noise.MatchString(l) {
			t.Fatalf("stderr has Ginkgo's report or a stack trace:\n%s", l)
		}
	}
	if !strings.Contains(stdout, "FAIL  "+scenario) || !strings.Contains(stdout, "could not start") {
		t.Fatalf("stdout does not list %q as not started:\n%s", scenario, stdout)
	}

	// The reports are written all the same, and say what happened.
	run, err := reports.ReadRun(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(run.Scenarios) != 1 {
		t.Fatalf("results.json has %d scenarios, want 1", len(run.Scenarios))
	}
	if s := run.Scenarios[0]; s.Scenario != scenario || s.Passed || !strings.Contains(s.SetupError, unique) || s.Runtime != rt {
		t.Fatalf("results.json: scenario %q on %s, passed %v, setup error %q; want %q on %s, not passed, its setup error naming %q",
			s.Scenario, s.Runtime, s.Passed, s.SetupError, scenario, rt, unique)
	}
	for _, f := range []string{"index.html", "junit.xml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.Contains(string(b), scenario) {
			t.Fatalf("%s does not mention %q", f, scenario)
		}
	}
	return dir
}

// noise is what Ginkgo's report or a Go stack trace looks like.
var noise = regexp.MustCompile(`^\s*(\[FAILED\]|\[PANICKED\]|•|-{10,}|Summarizing|Ran \d+ of|FAIL!|--- FAIL|goroutine \d+|panic:)|\.go:\d+`)

// busyPort holds a 127.0.0.1 port for the test and passes it to the setup
// suite, whose "port in use" scenario pins its server's port 9000 there.
// It returns what the error must say: "port 9000 (127.0.0.1:<port>)" (the
// plan, on stderr too, says "pinned to 127.0.0.1:<port>").
func busyPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	t.Setenv("HATEST_SETUP_BUSY_PORT", port)
	return "port 9000 (" + addr + ")"
}

func TestSetupPortInUseProcess(t *testing.T) {
	setupFails(t, "process", "setup: port in use", busyPort(t), "port already in use", "kv")
}

func TestSetupPortInUseDocker(t *testing.T) {
	dockerEngine(t)
	setupFails(t, "docker", "setup: port in use", busyPort(t), "port already in use", "kv")
}

func TestSetupMissingBinary(t *testing.T) {
	setupFails(t, "process", "setup: missing binary", "/nonexistent/hatest-setup/kv-server", "binary not found")
}

func TestSetupMissingImage(t *testing.T) {
	dockerEngine(t)
	setupFails(t, "docker", "setup: missing image", "hatest-does-not-exist:v1", "not found locally", "never pulls")
}

// The never-ready error names the node and quotes its log, and the log is
// kept next to the report.
func neverReady(t *testing.T, rt string) {
	const said = "mute v1: up, and never listening"
	dir := setupFails(t, rt, "setup: never ready", said, "kv", "did not become ready")
	b, err := os.ReadFile(filepath.Join(dir, "setup-never-ready", "logs", "kv.log"))
	if err != nil || !strings.Contains(string(b), said) {
		t.Fatalf("the node's log is not kept with the report: %q, %v", b, err)
	}
}

func TestSetupNeverReadyProcess(t *testing.T) { neverReady(t, "process") }

func TestSetupNeverReadyDocker(t *testing.T) {
	dockerEngine(t)
	neverReady(t, "docker")
}

// A cluster's bad declarations and a member that is never ready are
// environment errors too: one line, exit 2, naming what is wrong.
func TestSetupClusterErrors(t *testing.T) {
	setupFails(t, "process", "setup: cluster names a stranger", "no member e4 (members: e1, e2)", "cluster kv", "${ADDR:e4:9000}")
	setupFails(t, "process", "setup: cluster pins one port twice", "host port 19999 is pinned twice", "e1", "e2")
	dir := setupFails(t, "process", "setup: cluster member never ready", "mute v1: up, and never listening", "cluster kv: member e", "not ready after 3s", "TCP")
	if _, err := os.Stat(filepath.Join(dir, "setup-cluster-member-never-ready", "logs", "e1.log")); err != nil {
		t.Fatalf("the member's log is not kept with the report: %v", err)
	}

	// Faults below the proxy are refused before anything starts: what
	// they name, their numbers, the quorum they leave, the runtime.
	setupFails(t, "process", "setup: partition names a stranger",
		"e4 is not a node of this scenario (nodes: e1, e2): name a cluster member, a program or a service", "partition e1 from e4")
	setupFails(t, "process", "setup: loss of 150%",
		"loss of 150%: give a percentage above 0 and at most 100", "drop 150% of the packets e1 sends")
	setupFails(t, "process", "setup: ring of two",
		"cluster kv has 2 members (e1, e2); a ring needs at least 4", "partition cluster kv into a ring")
	setupFails(t, "process", "setup: partition leaves no quorum",
		"leaves no quorum of e1 e2 (no member reaches a majority); call WithoutQuorum() if that is what the scenario tests", "partition e1 from e2")
	setupFails(t, "process", "setup: partition on the process runtime",
		"needs the Docker runtime: the process runtime has no network of a member's own to cut (run with --runtime docker)", "partition e1 from e2")
}

// A delay needs the kernel's sch_netem, which this machine's kernel
// lacks: the Docker runtime's probe, before anything starts, says so in
// one line, and nothing stands in for it.
func TestSetupNetemDocker(t *testing.T) {
	dockerEngine(t)
	setupFails(t, "docker", "setup: delay without netem", "sch_netem", "delay the packets kv sends by 50ms")
}

// dockerEngine fails the test when no Docker engine answers, unless
// HATEST_SKIP_DOCKER=1 asks to skip it, as every Docker test of the
// project does.
func dockerEngine(t *testing.T) {
	t.Helper()
	err := exec.Command("docker", "info").Run()
	if err == nil {
		return
	}
	if os.Getenv("HATEST_SKIP_DOCKER") == "1" {
		t.Skipf("HATEST_SKIP_DOCKER=1: skipping a docker test (docker info: %v)", err)
	}
	t.Fatalf("no docker engine answers (docker info: %v); start one, or set HATEST_SKIP_DOCKER=1", err)
}
