package health

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestMain lets the test binary serve as a real command for Command's
// tests: "health-test-dial <addr>" connects to addr and exits 0, or prints
// why it could not and exits 1.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "health-test-dial" {
		c, err := net.DialTimeout("tcp", os.Args[2], time.Second)
		if err != nil {
			os.Stderr.WriteString("trying " + os.Args[2] + "\n" + err.Error() + "\n")
			os.Exit(1)
		}
		c.Close()
		os.Exit(0)
	}
	// A -race binary sleeps 1 s before it exits; not as a helper.
	if _, set := os.LookupEnv("GORACE"); !set {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}

// freeAddr is a 127.0.0.1 address nobody listens on: a port the kernel
// gave and took back.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// scripted is a fake check for Wait's own logic: it answers from errs in
// turn, then blocks until its context ends, returning that.
type scripted struct {
	errs  []error
	calls int
}

func (s *scripted) String() string  { return "scripted" }
func (s *scripted) Ports() []string { return nil }
func (s *scripted) Probe(ctx context.Context, _ Addresser) error {
	s.calls++
	if s.calls <= len(s.errs) {
		return s.errs[s.calls-1]
	}
	<-ctx.Done()
	return ctx.Err()
}

var nowhere = Map(nil)

func TestWaitNotReadyWording(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	start := time.Now()
	err := Wait(context.Background(), TCP("4222"), Map(map[string]string{"4222": addr}), 150*time.Millisecond, 10*time.Millisecond)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Wait took %v with a 150ms timeout", took)
	}
	if !errors.Is(err, ErrNotReady) {
		t.Fatalf("err = %v, want ErrNotReady", err)
	}
	want := "not ready after 150ms: TCP :4222 accepts connections (last check: dial tcp " + addr + ": connect: connection refused)"
	if err.Error() != want {
		t.Errorf("err =\n%s\nwant\n%s", err, want)
	}
}

func TestWaitKeepsTheLastAttemptThatFinished(t *testing.T) {
	t.Parallel()
	refused := errors.New("refused")
	for _, tc := range []struct {
		name string
		errs []error
		want string
	}{
		{"an attempt cut by the timeout is not the last check", []error{refused},
			"not ready after 100ms: scripted (last check: refused)"},
		{"unless it is the only one", nil,
			"not ready after 100ms: scripted (last check: context deadline exceeded)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Wait(context.Background(), &scripted{errs: tc.errs}, nowhere, 100*time.Millisecond, time.Millisecond)
			if err == nil || err.Error() != tc.want {
				t.Errorf("err = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestWaitCanceled(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := Wait(ctx, TCP("4222"), Map(map[string]string{"4222": addr}), 10*time.Second, 10*time.Millisecond)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Wait took %v after a cancel at 50ms", took)
	}
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrNotReady) {
		t.Fatalf("err = %v, want context.Canceled and not ErrNotReady", err)
	}
	prefix := "waiting for TCP :4222 accepts connections: context canceled (last check: dial tcp " + addr
	if !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("err =\n%s\nwant it to start\n%s", err, prefix)
	}
}

func TestWaitReadyAtOnceWithDefaults(t *testing.T) {
	t.Parallel()
	s := &scripted{errs: []error{nil}}
	if err := Wait(context.Background(), s, nowhere, 0, 0); err != nil || s.calls != 1 {
		t.Errorf("err = %v after %d calls, want nil after 1", err, s.calls)
	}
}

func TestWaitBadArguments(t *testing.T) {
	t.Parallel()
	if err := Wait(context.Background(), nil, nowhere, 0, 0); err == nil || !strings.Contains(err.Error(), "nil check") {
		t.Errorf("nil check: err = %v", err)
	}
	if err := Wait(context.Background(), TCP("1"), nil, 0, 0); err == nil || !strings.Contains(err.Error(), "nil Addresser") {
		t.Errorf("nil Addresser: err = %v", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ports := []string{"4222", "8222"}
	for _, tc := range []struct {
		name  string
		check Check
		ports []string
		want  string // "" for nil, else a part of the error
	}{
		{"tcp declared", TCP("4222"), ports, ""},
		{"http declared", HTTP("8222", "/healthz").Status(204).BodyContains("ok"), ports, ""},
		{"command declared", Command("sh", "-c", "test -n ${ADDR:4222}${ADDR:8222}"), ports, ""},
		{"command on a port name", Command("x", "${ADDR:admin}"), []string{"admin"}, ""},
		{"command without ports", Command("true"), nil, ""},
		{"nil", nil, ports, "health check is nil"},
		{"tcp undeclared", TCP("4223"), ports, "health check TCP :4223 accepts connections: port 4223 is not a port of the node (it declares 4222, 8222); add it"},
		{"no ports declared", TCP("4222"), nil, "(it declares none)"},
		{"port name", TCP("admin"), []string{"4222", "admin"}, ""},
		{"empty port", TCP(""), []string{""}, `port "" is not a port; give a number such as "8222" or a port name`},
		{"port with space", HTTP("8 222", "/"), []string{"8 222"}, `port "8 222" is not a port`},
		{"http status", HTTP("8222", "/").Status(42), ports, "status 42 is not an HTTP status"},
		{"http timeout", HTTP("8222", "/").Timeout(0), ports, "timeout 0s is not positive"},
		{"http nil predicate", HTTP("8222", "/").Body("that is JSON", nil), ports, `body predicate "that is JSON" is nil`},
		{"http zero value", HTTPCheck{}, ports, "make it with health.HTTP"},
		{"command empty", Command(), ports, "no program"},
		{"command unclosed", Command("x", "${ADDR:8222"), ports, "without a closing }"},
		{"command bad port", Command("x", "${ADDR:}"), ports, `${ADDR:}: port "" is not a port`},
		{"command undeclared", Command("x", "${ADDR:8222}", "${ADDR:6222}"), ports, "port 6222 is not a port of the node"},
		{"command timeout", Command("true").Timeout(-time.Second), ports, "timeout -1s is not positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(tc.check, tc.ports)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("err has more than one line: %q", err)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 500)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "(empty)"},
		{"blank", " \r\n\t ", "(empty)"},
		{"one line", "ok", `"ok"`},
		{"lines and runs of space", "  line one\r\n\n\tline  two\x00end\n", `"line one line two end"`},
		{"invalid utf-8", "a\xffb", `"a` + "\uFFFD" + `b"`},
		{"long", long, `"` + long[:2*199] + `…"`},
		{"exactly the limit", long[:2*excerptLen], `"` + long[:2*excerptLen] + `"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := excerpt([]byte(tc.in))
			if got != tc.want {
				t.Errorf("excerpt(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if n := utf8.RuneCountInString(strings.Trim(got, `"`)); n > excerptLen {
				t.Errorf("excerpt has %d characters, more than %d", n, excerptLen)
			}
		})
	}
}
