package health

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Addresser gives the host:port at which the framework reaches a port of
// the node ("8222" -> "127.0.0.1:49123"), or "" when the node has no such
// port. A port is a number or a name the Addresser resolves ("admin").
type Addresser func(port string) string

// Map is the Addresser of a fixed table: port -> host:port.
func Map(addrs map[string]string) Addresser {
	return func(port string) string { return addrs[port] }
}

// Check is one readiness check of a node.
type Check interface {
	// String is one line for plans and errors:
	// `HTTP GET :8222/healthz answers 200 with a body containing "ok"`.
	String() string
	// Ports are the node ports the check uses, so that a declaration can
	// be validated (see Validate).
	Ports() []string
	// Probe makes one attempt: nil means ready; an error says what it saw.
	Probe(ctx context.Context, at Addresser) error
}

// ErrNotReady is wrapped by Wait's error when the check did not pass in
// time.
var ErrNotReady = errors.New("not ready")

const (
	// DefaultTimeout is how long Wait waits when given a zero timeout.
	DefaultTimeout = 30 * time.Second
	// DefaultEvery is Wait's pause between attempts when given zero.
	DefaultEvery = 50 * time.Millisecond
)

// Wait probes c every `every` until it passes, and returns nil, or an
// error wrapping ErrNotReady once timeout has passed:
//
//	not ready after 30s: TCP :4222 accepts connections (last check: dial tcp 127.0.0.1:49123: connect: connection refused)
//
// If ctx ends first, the error says so and wraps ctx's cause. A zero (or
// negative) timeout means DefaultTimeout, a zero every DefaultEvery. An
// attempt still running when the time is up is cut short; the error then
// quotes the last attempt that finished.
func Wait(ctx context.Context, c Check, at Addresser, timeout, every time.Duration) error {
	if c == nil {
		return errors.New("health: nil check; give Wait a check such as health.TCP(port)")
	}
	if at == nil {
		return fmt.Errorf("health: wait for %s: nil Addresser; give the node's address of each port", c)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if every <= 0 {
		every = DefaultEvery
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	deadline, _ := wctx.Deadline()
	var last error
	for {
		err := c.Probe(wctx, at)
		if err == nil {
			return nil
		}
		// An attempt that failed only because the time ran out says
		// nothing about the node: keep the one before. (A dial can fail
		// with its deadline before the context says it is done.)
		cut := wctx.Err() != nil || !time.Now().Before(deadline)
		if !cut || last == nil {
			last = err
		}
		t := time.NewTimer(every)
		select {
		case <-wctx.Done():
			t.Stop()
			if ctx.Err() != nil {
				return fmt.Errorf("waiting for %s: %w (last check: %v)", c, context.Cause(ctx), last)
			}
			return fmt.Errorf("%w after %v: %s (last check: %w)", ErrNotReady, timeout, c, last)
		case <-t.C:
		}
	}
}

// validator is implemented by checks whose arguments can be wrong.
type validator interface{ validate() error }

// Validate says whether c can run against a node that declares ports: c
// is not nil, its arguments are well formed, and every port it uses is
// declared. Its error is one line naming the check and what to change.
func Validate(c Check, ports []string) error {
	if c == nil {
		return errors.New("health check is nil; use health.TCP, HTTP or Command")
	}
	if v, ok := c.(validator); ok {
		if err := v.validate(); err != nil {
			return fmt.Errorf("health check %s: %w", c, err)
		}
	}
	for _, p := range c.Ports() {
		if err := validPort(p); err != nil {
			return fmt.Errorf("health check %s: %w", c, err)
		}
		if !slices.Contains(ports, p) {
			declared := "none"
			if len(ports) > 0 {
				declared = strings.Join(ports, ", ")
			}
			return fmt.Errorf("health check %s: port %s is not a port of the node (it declares %s); add it to the node's ports or check another", c, p, declared)
		}
	}
	return nil
}

// validPort says whether p can name a port: a number ("8222") or a name
// the caller resolves ("admin"), with no space or braces.
func validPort(p string) error {
	if p == "" || strings.ContainsAny(p, " \t\n${}") {
		return fmt.Errorf("port %q is not a port; give a number such as \"8222\" or a port name", p)
	}
	return nil
}

// address is at(port), or an error when the node has no such port.
func address(at Addresser, port string) (string, error) {
	if at == nil {
		return "", errors.New("nil Addresser")
	}
	a := at(port)
	if a == "" {
		return "", fmt.Errorf("port %s: no address (is it a port of the node?)", port)
	}
	return a, nil
}

// excerptLen is the longest excerpt of a body or an output an error quotes.
const excerptLen = 200

// excerpt is b as one short quoted line for an error: runs of white space
// and control characters become one space, invalid UTF-8 becomes U+FFFD,
// and it is cut at excerptLen characters, "…" included.
func excerpt(b []byte) string {
	var sb strings.Builder
	space := false
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r) // utf8.RuneError for invalid bytes
		if sb.Len() > 4*excerptLen {
			break // enough to cut below; the rest is never shown
		}
	}
	s := sb.String()
	if s == "" {
		return "(empty)"
	}
	if utf8.RuneCountInString(s) > excerptLen {
		rs := []rune(s)
		s = string(rs[:excerptLen-1]) + "…"
	}
	return `"` + s + `"`
}
