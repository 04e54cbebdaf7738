package rttest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/runtime"
)

// EchoPackage is the import path of the test program; see its doc comment
// for its flags and the lines it answers.
const EchoPackage = "github.com/hatest/hatest/framework/runtime/internal/rttest/testdata/echo"

// Echo is the test program at v1, v2 and v3, each built with its version
// linked in. Each call returns a new Software that a test may change.
func Echo() runtime.Software {
	sw := runtime.Software{Name: "echo", Versions: map[string]runtime.Build{}}
	for _, v := range []string{"v1", "v2", "v3"} {
		sw.Versions[v] = runtime.Build{Package: EchoPackage, LDFlags: "-X main.version=" + v}
	}
	return sw
}

// EchoSpec is a node of Echo at version that listens on port 7000, is
// ready when it does, and has extra arguments after "-listen".
func EchoSpec(name, version string, extra ...string) runtime.NodeSpec {
	return runtime.NodeSpec{
		Name:         name,
		Version:      version,
		Software:     Echo(),
		Args:         append([]string{"-listen", "${LISTEN:7000}"}, extra...),
		Ports:        []string{"7000"},
		Ready:        "7000",
		ReadyTimeout: 30 * time.Second,
	}
}

// Ask sends one line on a new connection to addr and returns the reply
// line and the round trip, dial included; timeout bounds the whole of it.
func Ask(addr, line string, timeout time.Duration) (string, time.Duration, error) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return "", 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(start.Add(timeout))
	if _, err := fmt.Fprintln(c, line); err != nil {
		return "", 0, err
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", 0, err
	}
	return strings.TrimSpace(reply), time.Since(start), nil
}

// MustAsk fails t unless addr answers line with want within 5 s.
func MustAsk(t testing.TB, addr, line, want string) {
	t.Helper()
	got, _, err := Ask(addr, line, 5*time.Second)
	if err != nil {
		t.Fatalf("ask %s %q: %v; want %q", addr, line, err, want)
	}
	if got != want {
		t.Fatalf("ask %s %q = %q; want %q", addr, line, got, want)
	}
}

// MustFail fails t if addr answers "ping" within timeout, and returns the
// error the client saw.
func MustFail(t testing.TB, addr, why string, timeout time.Duration) error {
	t.Helper()
	got, _, err := Ask(addr, "ping", timeout)
	if err == nil {
		t.Fatalf("%s: %s still answered %q", why, addr, got)
	}
	return err
}

// IsTimeout reports whether err is a network timeout: the peer held the
// connection but did not answer.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// FreePort returns a 127.0.0.1 port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Eventually polls cond every 10 ms for up to d and reports whether it
// held.
func Eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// CheckBurst fails t unless out, a node's stdout, holds every line that
// "echo -term-burst n" printed on SIGTERM, in order, followed by "bye".
// what names the case. It is safe to call from several goroutines.
func CheckBurst(t testing.TB, what, out string, n int) {
	t.Helper()
	next := 1
	bye := false
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "burst ") {
			bye = bye || line == "bye"
			continue
		}
		var i, of int
		if _, err := fmt.Sscanf(line, "burst %d of %d ", &i, &of); err != nil || of != n || len(line) != 99 {
			t.Errorf("%s: garbled burst line %q", what, line)
			return
		}
		if i != next {
			t.Errorf("%s: burst line %d after %d: lines %d..%d missing", what, i, next-1, next, i-1)
			return
		}
		next++
	}
	if next-1 != n || !bye {
		t.Errorf("%s: stdout holds %d of %d burst lines (%d bytes), bye %v; its last 200 bytes: %q",
			what, next-1, n, len(out), bye, out[max(0, len(out)-200):])
	}
}
