package system

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/internal/lockedbuf"
)

// ClientSpec declares a group of probe clients.
type ClientSpec struct {
	Count    int
	Prefix   string        // client names are Prefix1..PrefixN; default "c"
	Group    string        // the group's name, if the scenario named it
	Version  string        // client build; default "v1"
	Addrs    []string      // driver addresses as the clients' network sees them
	Interval time.Duration // open-loop schedule; default 5 ms
	Timeout  time.Duration // per-op deadline; default 500 ms
	Naive    bool          // never reconnect: the client bug hatest must catch
	Args     []string      // extra client flags
	// Software is the client program: the reference client
	// (reference.ClientSoftware, the DSL's default) or any program that
	// keeps the client contract of docs/your-own-system.md.
	Software runtime.Software
}

// Client is one running probe client and everything it has written.
type Client struct {
	Name    string
	Version string
	Group   string // the group the scenario named, or ""
	// Interval is the client's schedule: one op every Interval.
	Interval time.Duration
	Node     runtime.Node
	Log      *probe.Log // parsed op log, filled while the client runs
	Raw      *bytes.Buffer
	Stderr   *lockedbuf.Buffer
	exit     int
	waited   bool
}

// StartClients starts spec.Count clients, all at once.
func (s *System) StartClients(ctx context.Context, spec ClientSpec) ([]*Client, error) {
	if spec.Prefix == "" {
		spec.Prefix = "c"
	}
	if spec.Version == "" {
		spec.Version = "v1"
	}
	if spec.Interval == 0 {
		spec.Interval = 5 * time.Millisecond
	}
	if spec.Timeout == 0 {
		spec.Timeout = 500 * time.Millisecond
	}
	if len(spec.Addrs) == 0 {
		return nil, fmt.Errorf("start clients: no driver address to send to")
	}
	if spec.Software.Name == "" {
		return nil, fmt.Errorf("start clients: no software: give ClientSpec.Software (reference.ClientSoftware() for the reference client)")
	}
	mode := "recover"
	if spec.Naive {
		mode = "naive"
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		out  = make([]*Client, spec.Count)
		errs []error
	)
	for i := range spec.Count {
		c := &Client{
			Name: fmt.Sprintf("%s%d", spec.Prefix, i+1), Version: spec.Version, Group: spec.Group, Interval: spec.Interval,
			Raw: &bytes.Buffer{}, Stderr: &lockedbuf.Buffer{},
		}
		c.Log = probe.NewLog(c.Raw)
		out[i] = c
		args := append([]string{
			"-name", c.Name, "-addr", strings.Join(spec.Addrs, ","),
			"-interval", spec.Interval.String(), "-timeout", spec.Timeout.String(),
			"-mode", mode,
		}, spec.Args...)
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.start(ctx, runtime.NodeSpec{
				Name: c.Name, Version: spec.Version, Software: spec.Software,
				Args: args, Stdout: c.Log, Stderr: c.Stderr,
			}, false)
			mu.Lock()
			defer mu.Unlock()
			c.Node = n
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	s.mu.Lock()
	for _, c := range out {
		if c.Node != nil {
			s.clients = append(s.clients, c)
		}
	}
	s.mu.Unlock()
	if len(errs) > 0 {
		return out, errs[0]
	}
	s.logf("started %d clients (%s) -> %s every %s", spec.Count, spec.Version, strings.Join(spec.Addrs, ","), spec.Interval)
	return out, nil
}

// StopClients asks every client to finish (SIGTERM): each stops its
// schedule, waits for its in-flight ops, reads back what it wrote and
// reports its totals. It waits up to grace for all of them, then kills the
// rest. Their logs are complete when it returns.
func (s *System) StopClients(ctx context.Context, grace time.Duration) error {
	clients := s.Clients()
	var wg sync.WaitGroup
	errs := make([]error, len(clients))
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.stop(ctx, grace)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) stop(ctx context.Context, grace time.Duration) error {
	if c.waited {
		return nil
	}
	if err := c.Node.Signal(ctx, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop %s: %w", c.Name, err)
	}
	wctx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	code, err := c.Node.Wait(wctx)
	if err != nil {
		_ = c.Node.Signal(context.WithoutCancel(ctx), syscall.SIGKILL)
		code, err = c.Node.Wait(context.WithoutCancel(ctx))
		if err != nil {
			return fmt.Errorf("stop %s: %w", c.Name, err)
		}
		c.exit, c.waited = code, true
		_ = c.Log.Close()
		return fmt.Errorf("stop %s: it did not finish within %s and was killed", c.Name, grace)
	}
	c.exit, c.waited = code, true
	// The client has exited and its output is drained: a last line
	// without a newline is now complete, or an error.
	_ = c.Log.Close()
	return nil
}

// ExitCode is the client's exit code once it was stopped.
func (c *Client) ExitCode() int { return c.exit }
