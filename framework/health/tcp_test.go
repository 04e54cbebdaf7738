package health

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// serve accepts connections on a 127.0.0.1 listener and hands each to
// handle, until the test ends.
func serve(t *testing.T, handle func(*net.TCPConn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			handle(c.(*net.TCPConn))
		}
	}()
	return l.Addr().String()
}

// hold keeps accepted connections open, silent, until the test ends.
func hold(t *testing.T) func(*net.TCPConn) {
	return func(c *net.TCPConn) { t.Cleanup(func() { c.Close() }) }
}

func TestTCP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		addr func(t *testing.T) string
		want string // "" for ready, else a part of the error
	}{
		{"silent server", func(t *testing.T) string { return serve(t, hold(t)) }, ""},
		{"server that greets", func(t *testing.T) string {
			return serve(t, func(c *net.TCPConn) {
				c.Write([]byte("INFO {}\r\n"))
				t.Cleanup(func() { c.Close() })
			})
		}, ""},
		{"listener that never accepts", func(t *testing.T) string {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			return l.Addr().String() // the kernel completes the handshake
		}, ""},
		{"nothing listening", freeAddr, "connect: connection refused"},
		// What Docker's userland proxy does when nobody listens inside.
		{"closed at once", func(t *testing.T) string {
			return serve(t, func(c *net.TCPConn) { c.Close() })
		}, "connection closed at once (nobody listening behind the port yet)"},
		{"reset at once", func(t *testing.T) string {
			return serve(t, func(c *net.TCPConn) { c.SetLinger(0); c.Close() })
		}, "connection closed at once"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := tc.addr(t)
			err := TCP("4222").Probe(context.Background(), Map(map[string]string{"4222": addr}))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Probe = %v, want ready", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), addr)):
				t.Errorf("Probe = %v, want an error naming %s and containing %q", err, addr, tc.want)
			}
		})
	}
}

func TestTCPNoAddress(t *testing.T) {
	t.Parallel()
	err := TCP("4222").Probe(context.Background(), Map(map[string]string{"8222": "127.0.0.1:1"}))
	if err == nil || err.Error() != "port 4222: no address (is it a port of the node?)" {
		t.Errorf("Probe = %v", err)
	}
}

// A silence cut short by the context is not taken for a listening server.
func TestTCPContextEndsWhileReading(t *testing.T) {
	t.Parallel()
	addr := serve(t, hold(t))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := TCP("4222").Probe(ctx, Map(map[string]string{"4222": addr}))
	if err == nil || !strings.Contains(err.Error(), "connected, but context deadline exceeded") {
		t.Errorf("Probe = %v, want the deadline named", err)
	}
}

func TestTCPString(t *testing.T) {
	t.Parallel()
	c := TCP("4222")
	if got, want := c.String(), "TCP :4222 accepts connections"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := c.Ports(); len(got) != 1 || got[0] != "4222" {
		t.Errorf("Ports = %q", got)
	}
}
