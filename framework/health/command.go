package health

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// DefaultCommandTimeout bounds one attempt of a Command check unless
// CommandCheck.Timeout says otherwise.
const DefaultCommandTimeout = 5 * time.Second

// CommandCheck runs a program on the host. It is a value: Timeout returns
// a changed copy.
type CommandCheck struct {
	args    []string
	ports   []string // of ${ADDR:<port>}, in order of first use
	bad     error    // a malformed argument
	timeout time.Duration
}

var _ Check = CommandCheck{}

// Command is ready when the program args[0], run on the host with the
// other arguments, exits 0. "${ADDR:<port>}" in an argument is replaced
// by at(port), the host:port at which the host reaches that port of the
// node; any other text, "${HOME}" included, is passed as is (no shell
// runs unless args name one). The program and all it starts (its process
// group) are killed when an attempt outlives DefaultCommandTimeout (see
// Timeout) or its context. Its error quotes the last line of the
// program's output, stdout and stderr together.
func Command(args ...string) CommandCheck {
	c := CommandCheck{args: slices.Clone(args), timeout: DefaultCommandTimeout}
	for _, a := range args {
		ps, err := addrPorts(a)
		if err != nil && c.bad == nil {
			c.bad = err
		}
		for _, p := range ps {
			if !slices.Contains(c.ports, p) {
				c.ports = append(c.ports, p)
			}
		}
	}
	return c
}

// Timeout bounds each attempt instead of DefaultCommandTimeout.
func (c CommandCheck) Timeout(d time.Duration) CommandCheck {
	c.timeout = d
	return c
}

// String is `command "nats-check --server ${ADDR:4222}" exits 0`, with
// arguments that hold spaces or quotes in single quotes.
func (c CommandCheck) String() string {
	q := make([]string, len(c.args))
	for i, a := range c.args {
		q[i] = shellQuote(a)
	}
	return `command "` + strings.Join(q, " ") + `" exits 0`
}

func (c CommandCheck) Ports() []string { return slices.Clone(c.ports) }

func (c CommandCheck) validate() error {
	switch {
	case len(c.args) == 0 || c.args[0] == "":
		return errors.New("no program; give health.Command the program and its arguments")
	case c.bad != nil:
		return c.bad
	case c.timeout <= 0:
		return fmt.Errorf("timeout %v is not positive", c.timeout)
	}
	return nil
}

// Probe runs the program once.
func (c CommandCheck) Probe(ctx context.Context, at Addresser) error {
	if err := c.validate(); err != nil {
		return err
	}
	args := make([]string, len(c.args))
	for i, a := range c.args {
		var err error
		if args[i], err = expand(a, at); err != nil {
			return err
		}
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cmd := exec.CommandContext(actx, args[0], args[1:]...)
	out := &tail{}
	cmd.Stdout, cmd.Stderr = out, out
	ownGroup(cmd)
	// A child that outlives the program and holds its output open must
	// not hold the attempt: stop reading shortly after the program ends.
	cmd.WaitDelay = 250 * time.Millisecond
	err := cmd.Run()
	if cmd.Process != nil {
		// Whatever the command left behind in its group (a child that
		// held the output open, one that let go of it) goes with it: a
		// check runs every 50 ms and must leave nothing running.
		killGroup(cmd)
	}
	var ee *exec.ExitError
	switch {
	case err == nil, errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState != nil && cmd.ProcessState.Success():
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w%s", args[0], context.Cause(ctx), out.last())
	case actx.Err() != nil:
		return fmt.Errorf("%s did not finish within %v%s", args[0], c.timeout, out.last())
	case errors.As(err, &ee) && ee.Exited():
		return fmt.Errorf("%s exited with code %d%s", args[0], ee.ExitCode(), out.last())
	case errors.As(err, &ee):
		return fmt.Errorf("%s ended: %v%s", args[0], ee.ProcessState, out.last())
	default:
		return err // already names the program: exec: "x": executable file not found in $PATH
	}
}

const addrOpen = "${ADDR:"

// addrPorts lists the ports of the ${ADDR:<port>} in a.
func addrPorts(a string) ([]string, error) {
	var ports []string
	for {
		i := strings.Index(a, addrOpen)
		if i < 0 {
			return ports, nil
		}
		a = a[i+len(addrOpen):]
		j := strings.IndexByte(a, '}')
		if j < 0 {
			return ports, fmt.Errorf("argument has %s without a closing }; write ${ADDR:<port>}", addrOpen)
		}
		if err := validPort(a[:j]); err != nil {
			return ports, fmt.Errorf("${ADDR:%s}: %w", a[:j], err)
		}
		ports = append(ports, a[:j])
		a = a[j+1:]
	}
}

// expand replaces each ${ADDR:<port>} in a by at(port).
func expand(a string, at Addresser) (string, error) {
	var sb strings.Builder
	for {
		i := strings.Index(a, addrOpen)
		if i < 0 {
			sb.WriteString(a)
			return sb.String(), nil
		}
		sb.WriteString(a[:i])
		a = a[i+len(addrOpen):]
		j := strings.IndexByte(a, '}') // addrPorts checked it is there
		addr, err := address(at, a[:j])
		if err != nil {
			return "", err
		}
		sb.WriteString(addr)
		a = a[j+1:]
	}
}

// shellQuote puts a in single quotes when it is empty or holds white
// space, quotes or backslashes.
func shellQuote(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\n'\"\\") {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// tailSize is how much of a program's output an attempt keeps.
const tailSize = 4 << 10

// tail keeps the last tailSize bytes written to it. exec calls Write from
// one goroutine at a time when Stdout and Stderr are the same *tail.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= tailSize {
		t.b = append(t.b[:0], p[len(p)-tailSize:]...)
		return n, nil
	}
	if over := len(t.b) + len(p) - tailSize; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	t.b = append(t.b, p...)
	return n, nil
}

// last is ": <last non-empty line>" for an error, or " (no output)".
func (t *tail) last() string {
	b := bytes.TrimRight(t.b, " \t\r\n")
	if len(b) == 0 {
		return " (no output)"
	}
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return ": " + excerpt(b)
}
