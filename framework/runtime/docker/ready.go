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

// ready waits until a health check of the program passes through the
// node's published address for port, or the program's container exits.
//
// wait.ForListeningPort(port).SkipInternalCheck() is not enough for a
// plain port: with Docker's userland proxy (the default) the published
// host port accepts a connection as soon as the namespace exists, whether
// or not the program listens, and closes it at once when it does not.
// health.TCP dials and then reads briefly: an immediate EOF or reset
// means the proxy found nobody listening; a read that times out (a silent
// server) or returns data means the program accepted the connection.
//
// A node's ports are published by its sandbox, not by the program's
// container, so the address is the node's (addr); only toxiproxy, which
// has no sandbox, is asked for its mapped port.
type ready struct {
	check   health.Check
	port    string
	addr    string // 127.0.0.1:<published>; "" to ask the container
	timeout time.Duration
}

var _ wait.Strategy = (*ready)(nil)

func (l *ready) String() string { return l.check.String() }

func (l *ready) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
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
			err := l.probe(ctx, target)
			if err == nil {
				return nil
			}
			note(err)
		}
		select {
		case <-ctx.Done():
			if last == nil {
				return fmt.Errorf("%s: not yet (%w)", l.check, ctx.Err())
			}
			return fmt.Errorf("%s: not yet (last check: %w)", l.check, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (l *ready) probe(ctx context.Context, target wait.StrategyTarget) error {
	addr := l.addr
	if addr == "" {
		mapped, err := target.MappedPort(ctx, network.MustParsePort(l.port+"/tcp").String())
		if err != nil {
			return err
		}
		addr = net.JoinHostPort(loopback.String(), mapped.Port())
	}
	return l.check.Probe(ctx, health.Map(map[string]string{l.port: addr}))
}
