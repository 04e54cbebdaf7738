package docker

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/hatest/hatest/framework/health"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// listening waits until the program accepts connections on port.
//
// wait.ForListeningPort(port).SkipInternalCheck() is not enough here: with
// Docker's userland proxy (the default) the published host port accepts a
// connection as soon as the container starts, whether or not the program
// listens, and closes it at once when it does not. So this strategy dials
// the published port and then reads briefly: an immediate EOF or reset
// means the proxy found nobody listening; a read that times out (a silent
// server) or returns data means the program accepted the connection.
type listening struct {
	port    string
	timeout time.Duration
}

var _ wait.Strategy = (*listening)(nil)

func (l *listening) String() string { return "port " + l.port + " accepting connections" }

func (l *listening) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	port := network.MustParsePort(l.port + "/tcp")
	var last error
	// note keeps the last check's error, unless the check failed only
	// because the time ran out: that says nothing about the program.
	note := func(err error) {
		if err != nil && ctx.Err() == nil {
			last = err
		}
	}
	for {
		state, err := target.State(ctx)
		switch {
		case err != nil:
			note(err)
		case state.Status == "exited" || state.Status == "dead":
			return fmt.Errorf("container exited with code %d", state.ExitCode)
		case state.Running:
			err := l.probe(ctx, target, port)
			if err == nil {
				return nil
			}
			note(err)
		}
		select {
		case <-ctx.Done():
			if last == nil {
				return fmt.Errorf("port %s: not accepting connections (%w)", l.port, ctx.Err())
			}
			return fmt.Errorf("port %s: not accepting connections (last check: %w)", l.port, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (l *listening) probe(ctx context.Context, target wait.StrategyTarget, port network.Port) error {
	mapped, err := target.MappedPort(ctx, port.String())
	if err != nil {
		return err
	}
	addr := net.JoinHostPort(loopback.String(), mapped.Port())
	// health.TCP reads briefly after it connects: an immediate EOF is
	// Docker's proxy finding nobody behind the published port.
	return health.TCP(l.port).Probe(ctx, health.Map(map[string]string{l.port: addr}))
}
