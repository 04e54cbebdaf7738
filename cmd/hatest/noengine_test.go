package main

import (
	"strings"
	"testing"
)

// --runtime docker with no engine: one clear line, exit 2, nothing run.
func TestRunWithoutDockerEngine(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	code, _, stderr := hatest(t, "run", "--runtime", "docker", "--report-dir", t.TempDir(), suite)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != exitUsage || len(lines) != 1 || !strings.Contains(lines[0], "no docker engine answers") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 and one line saying no docker engine answers", code, stderr)
	}
}
