package health

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"
)

const (
	// tcpDial bounds the connect of one TCP attempt.
	tcpDial = time.Second
	// tcpListen is how long a TCP attempt reads after connecting: a
	// connection that is closed or reset within it had nobody behind it.
	tcpListen = 100 * time.Millisecond
)

// TCP is ready when the node accepts a TCP connection on port and keeps
// it open.
//
// Connecting is not enough. With Docker's userland proxy (the default) a
// published host port accepts connections as soon as the container
// starts, whether or not the program listens inside, and closes them at
// once when it does not. So an attempt connects and then reads for
// 100 ms: a close or a reset within it means nobody is listening yet; a
// silent connection or any data (a greeting) means ready. A program that
// closes every connection at once is never ready by this check; use
// HTTP or Command for it.
func TCP(port string) Check { return tcpCheck{port: port} }

type tcpCheck struct{ port string }

func (c tcpCheck) String() string  { return "TCP :" + c.port + " accepts connections" }
func (c tcpCheck) Ports() []string { return []string{c.port} }

func (c tcpCheck) Probe(ctx context.Context, at Addresser) error {
	addr, err := address(at, c.port)
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: tcpDial}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if errors.Is(err, syscall.ECONNRESET) {
		return closedAtOnce(addr) // the reset came before the dial returned
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetReadDeadline(time.Now().Add(tcpListen)); err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	// If ctx ends while we read, cut the read short and say so, rather
	// than take a short silence for a listening program.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetReadDeadline(time.Now()) })
	defer stop()
	var b [1]byte
	_, err = conn.Read(b[:])
	var ne net.Error
	switch {
	case err == nil:
		return nil // the program greeted us
	case errors.As(err, &ne) && ne.Timeout():
		if ctx.Err() != nil {
			return fmt.Errorf("%s: connected, but %w before it could tell whether anyone listens", addr, context.Cause(ctx))
		}
		return nil // connected, and the program is silent
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return closedAtOnce(addr)
	default:
		return fmt.Errorf("%s: %w", addr, err)
	}
}

func closedAtOnce(addr string) error {
	return fmt.Errorf("%s: connection closed at once (nobody listening behind the port yet)", addr)
}
