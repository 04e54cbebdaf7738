package health

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCommand(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	listening := serve(t, hold(t))
	refused := freeAddr(t)
	for _, tc := range []struct {
		name  string
		check CommandCheck
		addr  string // of port 8222
		want  string // "" for ready, else a part of the error
	}{
		{"true", Command("true"), "", ""},
		{"false", Command("false"), "", "false exited with code 1 (no output)"},
		{"last line of output", Command("sh", "-c", `echo first; echo "  second   line " >&2; echo; exit 3`), "",
			`sh exited with code 3: "second line"`},
		{"address substituted", Command("sh", "-c", `test "$1" = "at 127.0.0.1:1234!"`, "sh", "at ${ADDR:8222}!"), "127.0.0.1:1234", ""},
		{"address differs", Command("sh", "-c", `test "$1" = "127.0.0.1:1234"`, "sh", "${ADDR:8222}"), "127.0.0.1:4321",
			"sh exited with code 1"},
		{"command that connects", Command(self, "health-test-dial", "${ADDR:8222}"), listening, ""},
		{"command that cannot connect", Command(self, "health-test-dial", "${ADDR:8222}"), refused,
			"exited with code 1: \"dial tcp " + refused + ": connect: connection refused\""},
		{"no such program", Command("hatest-no-such-program"), "", `exec: "hatest-no-such-program": executable file not found`},
		{"no address", Command("true", "${ADDR:6222}"), "127.0.0.1:1", "port 6222: no address"},
		{"malformed", Command("true", "${ADDR:8222"), "127.0.0.1:1", "without a closing }"},
		{"empty", Command(), "", "no program"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.check.Probe(context.Background(), Map(map[string]string{"8222": tc.addr}))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Probe = %v, want ready", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Probe = %v, want it to contain %s", err, tc.want)
			}
		})
	}
}

// An attempt that outlives its deadline is killed with all it started.
func TestCommandTimeout(t *testing.T) {
	t.Parallel()
	start := time.Now()
	err := Command("sh", "-c", "echo waiting; sleep 10 & sleep 10").Timeout(100*time.Millisecond).Probe(context.Background(), nowhere)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Probe took %v with a 100ms timeout", took)
	}
	if err == nil || err.Error() != `sh did not finish within 100ms: "waiting"` {
		t.Errorf("Probe = %v", err)
	}
}

func TestCommandCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := Command("sleep", "10").Probe(ctx, nowhere)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Probe took %v after a cancel at 50ms", took)
	}
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "sleep: context canceled") {
		t.Errorf("Probe = %v, want the cancel named", err)
	}
}

// A program that exits 0 but leaves a child holding its output is ready,
// and the attempt does not wait for the child.
func TestCommandLeavesAChild(t *testing.T) {
	t.Parallel()
	for _, script := range []string{"sleep 10 & echo $! > %s", "sleep 10 >/dev/null 2>&1 & echo $! > %s"} {
		pidFile := filepath.Join(t.TempDir(), "pid")
		start := time.Now()
		err := Command("sh", "-c", fmt.Sprintf(script, pidFile)).Probe(context.Background(), nowhere)
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: Probe took %v", script, took)
		}
		if err != nil {
			t.Errorf("%s: Probe = %v, want ready", script, err)
		}
		b, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		// The child is killed with the check; once reaped by init it is
		// gone. A zombie not yet reaped counts as gone too.
		deadline := time.Now().Add(3 * time.Second)
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the check's child %d still runs after the check", script, pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// alive says whether pid runs: it exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndex(s, ") "); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

func TestCommandString(t *testing.T) {
	t.Parallel()
	c := Command("sh", "-c", "test -n ${ADDR:8222} && test -n ${ADDR:4222}", "", "it's", "${ADDR:8222}")
	want := `command "sh -c 'test -n ${ADDR:8222} && test -n ${ADDR:4222}' '' 'it'\''s' ${ADDR:8222}" exits 0`
	if got := c.String(); got != want {
		t.Errorf("String =\n%s\nwant\n%s", got, want)
	}
	if got := c.Ports(); !slices.Equal(got, []string{"8222", "4222"}) {
		t.Errorf("Ports = %q, want [8222 4222]", got)
	}
}

func TestTail(t *testing.T) {
	t.Parallel()
	var tl tail
	tl.Write([]byte(strings.Repeat("a", tailSize-2)))
	tl.Write([]byte("\nlast"))
	if len(tl.b) != tailSize || tl.last() != `: "last"` {
		t.Errorf("kept %d bytes, last = %s", len(tl.b), tl.last())
	}
	tl.Write([]byte(strings.Repeat("b", 2*tailSize)))
	if len(tl.b) != tailSize || tl.b[0] != 'b' {
		t.Errorf("kept %d bytes starting %q", len(tl.b), tl.b[:1])
	}
}
