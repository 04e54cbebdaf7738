package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/hatest/hatest/framework/runtime"
)

// Faults below the proxy are applied by a node's netfault sidecar: a
// container of the netfault program (see its package) that joins the
// node's network namespace, the sandbox's ("container:<sandbox>"; for
// toxiproxy, its own container's), with NET_ADMIN and no other
// capability, for the node's whole life, across Restart. It starts on
// the node's first NetFault; each fault is a Docker exec of the program
// in it, and so is each heal.
//
//	NetFault(a, cut from b) ──exec "netfault apply {...}"──▶ sidecar of a
//	                                                           │ netlink
//	                           a's namespace: nftables table hatest_<id>
//
// Sidecars carry the run's labels and the node's, so Close and Sweep
// remove them like any container of the run: a node's before its
// sandbox.

// netfaultPackage is built into the image of every netfault sidecar. It
// is a package path, not internal, so that a user's module can build it.
const netfaultPackage = "github.com/hatest/hatest/framework/runtime/docker/netfault"

var netfaultSoftware = builtin("netfault", netfaultPackage)

// netfaultBin is the program's path in its image.
const netfaultBin = "/netfault"

// labelNetfault marks a netfault sidecar.
const labelNetfault = "hatest.netfault"

// The sidecar program's exit codes besides 0 and 1.
const (
	netfaultUsage       = 2
	netfaultUnsupported = 3
)

var _ runtime.NetFaulter = (*Runtime)(nil)

// netfaults is a runtime's answer to the netem probe, once it has one.
type netfaults struct {
	mu     sync.Mutex
	probed bool
	netem  error
}

// sidecar is a node's netfault sidecar; id is "" until it starts.
type sidecar struct {
	mu sync.Mutex
	id string
}

// NetFault applies f inside the network namespace of node (ProxyHost:
// the run's toxiproxy), through the node's netfault sidecar, which it
// starts on the node's first fault. f.Peers name nodes of the run; each
// becomes its address on the run network. Applied.Span is when the
// kernel took it, as the sidecar read the clock. Netem kinds fail at once, with
// an error wrapping runtime.ErrUnsupported, where NetProbe says the
// kernel cannot do them.
func (r *Runtime) NetFault(ctx context.Context, node string, f runtime.NetFault) (runtime.Applied, error) {
	what := fmt.Sprintf("%s on %s", f.Kind, node)
	if err := f.Validate(); err != nil {
		return runtime.Applied{}, fmt.Errorf("net fault on %s: %w", node, err)
	}
	n, err := r.faultNode(node)
	if err != nil {
		return runtime.Applied{}, fmt.Errorf("%s: %w", what, err)
	}
	req := struct {
		runtime.NetFault
		Self string
	}{f, n.addr()}
	req.Peers = make([]string, len(f.Peers))
	for i, p := range f.Peers {
		if req.Peers[i], err = r.peerAddr(p); err != nil {
			return runtime.Applied{}, fmt.Errorf("%s: %w", what, err)
		}
	}
	if f.Kind.Netem() {
		if err := r.probeNetem(ctx); err != nil {
			return runtime.Applied{}, fmt.Errorf("%s: %w", what, err)
		}
	}
	js, err := json.Marshal(req)
	if err != nil {
		return runtime.Applied{}, fmt.Errorf("%s: %w", what, err)
	}
	side, err := n.sidecar(ctx)
	if err != nil {
		return runtime.Applied{}, fmt.Errorf("%s: %w", what, err)
	}
	out, err := r.netfault(ctx, side, "apply", string(js))
	if err != nil {
		return runtime.Applied{}, fmt.Errorf("%s: %w", what, err)
	}
	id, times, _ := strings.Cut(strings.TrimSpace(out), " ")
	at, err := span(times)
	if err != nil {
		return runtime.Applied{}, fmt.Errorf("%s: netfault apply printed %q", what, out)
	}
	var mu sync.Mutex
	var healed runtime.Span
	heal := func(ctx context.Context) (runtime.Span, error) {
		mu.Lock()
		defer mu.Unlock()
		if !healed.Acked.IsZero() {
			return healed, nil
		}
		out, err := r.netfault(ctx, side, "heal", id)
		if err != nil {
			return runtime.Span{}, fmt.Errorf("heal %s: %w", what, err)
		}
		if healed, err = span(out); err != nil {
			return runtime.Span{}, fmt.Errorf("heal %s: netfault heal printed %q", what, out)
		}
		return healed, nil
	}
	r.logf("%s: applied (%s)", what, id)
	return runtime.Applied{Span: at, Heal: heal}, nil
}

// span reads the sidecar's "<sent> <acked>" (Unix nanoseconds).
func span(s string) (runtime.Span, error) {
	sent, acked, _ := strings.Cut(strings.TrimSpace(s), " ")
	a, err := unixNanos(sent)
	if err != nil {
		return runtime.Span{}, err
	}
	b, err := unixNanos(acked)
	if err != nil || b.Before(a) {
		return runtime.Span{}, fmt.Errorf("bad span %q", s)
	}
	return runtime.Span{Sent: a, Acked: b}, nil
}

func unixNanos(s string) (time.Time, error) {
	ns, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, ns), nil
}

// NetProbe reports whether this machine can apply faults of kind. NetCut,
// NetLoss and NetRate need nftables and tbf, which the sidecar's image
// carries no fallback for and the kernels Docker runs on have. The netem
// kinds need the kernel's sch_netem: the first call starts a throwaway
// sidecar, with no network but its own loopback, that adds a netem qdisc
// there and removes it; the answer is kept for the runtime's life.
func (r *Runtime) NetProbe(ctx context.Context, kind runtime.NetKind) error {
	switch kind {
	case runtime.NetCut, runtime.NetLoss, runtime.NetRate:
		return nil
	case runtime.NetDelay, runtime.NetReorder, runtime.NetDuplicate:
		if err := r.probeNetem(ctx); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		return nil
	}
	return fmt.Errorf("unknown network fault kind %q", kind)
}

// probeNetem returns the netem probe's answer, probing once per runtime.
// An error that is not the kernel's answer (the engine did not) is not
// kept.
func (r *Runtime) probeNetem(ctx context.Context) error {
	r.nf.mu.Lock()
	defer r.nf.mu.Unlock()
	if r.nf.probed {
		return r.nf.netem
	}
	id, err := r.startSidecar(ctx, "hatest-netfault-probe-"+r.id, "none", maps.Clone(r.labels))
	if id != "" {
		defer r.removeContainer(ctx, id)
	}
	if err == nil {
		_, err = r.netfault(ctx, id, "probe", string(runtime.NetDelay))
	}
	if err != nil && !errors.Is(err, runtime.ErrUnsupported) {
		return fmt.Errorf("netem probe: %w", err)
	}
	r.nf.probed, r.nf.netem = true, err
	return err
}

// faultNode returns the node a NetFault names.
func (r *Runtime) faultNode(name string) (*node, error) {
	r.mu.Lock()
	n, closed := r.nodes[name], r.closed
	r.mu.Unlock()
	switch {
	case closed:
		return nil, errors.New("runtime closed")
	case n == nil && name == runtime.ProxyHost:
		return nil, errors.New("no toxiproxy runs in this run (it starts with the first proxy)")
	case n == nil:
		return nil, fmt.Errorf("no node named %q in this run", name)
	}
	return n, nil
}

// peerAddr returns the address on the run network of the node named
// name.
func (r *Runtime) peerAddr(name string) (string, error) {
	r.mu.Lock()
	n := r.nodes[name]
	r.mu.Unlock()
	if n == nil {
		return "", fmt.Errorf("peer %q: no node of that name in this run", name)
	}
	ip := n.addr()
	if ip == "" {
		return "", fmt.Errorf("peer %q has no address on the run network yet", name)
	}
	return ip, nil
}

// NetReady starts the netfault sidecars of nodes, at once, so that their
// first faults are not slowed by it (a sidecar takes 150-200 ms to start,
// more on a busy machine).
func (r *Runtime) NetReady(ctx context.Context, nodes ...string) error {
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, name := range nodes {
		r.mu.Lock()
		n := r.nodes[name]
		r.mu.Unlock()
		if n == nil && name == runtime.ProxyHost {
			continue
		}
		n, err := r.faultNode(name)
		if err != nil {
			errs[i] = fmt.Errorf("make %s ready for network faults: %w", name, err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := n.sidecar(ctx); err != nil {
				errs[i] = fmt.Errorf("make %s ready for network faults: %w", name, err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// addr is the node's address on the run network.
func (n *node) addr() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ip
}

// sidecar returns the ID of n's netfault sidecar, starting it in the
// namespace n's address lives in (its sandbox's, or toxiproxy's own) if
// it does not run yet.
func (n *node) sidecar(ctx context.Context) (string, error) {
	n.side.mu.Lock()
	defer n.side.mu.Unlock()
	if n.side.id != "" {
		return n.side.id, nil
	}
	n.mu.Lock()
	holder := n.sandbox
	if holder == "" {
		holder = n.id
	}
	n.mu.Unlock()
	r := n.rt
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	switch {
	case closed:
		return "", errors.New("runtime closed")
	case holder == "":
		return "", fmt.Errorf("%s has no network namespace yet", n.spec.Name)
	}
	start := time.Now()
	id, err := r.startSidecar(ctx, "hatest-netfault-"+r.id+"-"+n.spec.Name, container.NetworkMode("container:"+holder), r.nodeLabels(n.spec.Name))
	if err != nil {
		if id != "" {
			r.removeContainer(ctx, id)
		}
		return "", err
	}
	n.side.id = id
	r.logf("%s: netfault sidecar ready in %v", n.spec.Name, time.Since(start).Round(time.Millisecond))
	return id, nil
}

// removeSidecar removes n's netfault sidecar, if it has one, before its
// sandbox goes.
func (n *node) removeSidecar(ctx context.Context) error {
	n.side.mu.Lock()
	defer n.side.mu.Unlock()
	if n.side.id == "" {
		return nil
	}
	if _, err := n.rt.cli.ContainerRemove(ctx, n.side.id, client.ContainerRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove netfault sidecar of %s: %w", n.spec.Name, err)
	}
	n.side.id = ""
	return nil
}

// startSidecar creates and starts a netfault container in network mode
// mode: NET_ADMIN and no other capability, no new privileges, a read-only
// root. It returns the container's ID when it created one, even on error.
func (r *Runtime) startSidecar(ctx context.Context, name string, mode container.NetworkMode, labels map[string]string) (string, error) {
	tag, err := r.Image(ctx, netfaultSoftware, "")
	if err != nil {
		return "", fmt.Errorf("netfault sidecar: %w", err)
	}
	labels[labelNetfault] = "true"
	res, err := r.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name:   name,
		Config: &container.Config{Image: tag, Cmd: []string{"wait"}, Labels: labels},
		HostConfig: &container.HostConfig{
			NetworkMode:    mode,
			CapDrop:        []string{"ALL"},
			CapAdd:         []string{"NET_ADMIN"},
			SecurityOpt:    []string{"no-new-privileges"},
			ReadonlyRootfs: true,
			LogConfig:      logConfig(),
		},
	})
	if err != nil {
		return "", fmt.Errorf("create netfault sidecar: %w", err)
	}
	if _, err := r.cli.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		return res.ID, fmt.Errorf("start netfault sidecar: %w", err)
	}
	return res.ID, nil
}

// removeContainer removes a container on a fresh context; what it cannot
// remove, Close and Sweep will.
func (r *Runtime) removeContainer(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if _, err := r.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
		r.logf("remove netfault container %s: %v", id, err)
	}
}

// netfault runs the netfault program with args in the sidecar id, with
// the Docker exec API (no shell: the image has none), and returns what
// it printed. A failure's error is what it said on stderr; exit 3 (this
// machine cannot) wraps runtime.ErrUnsupported.
func (r *Runtime) netfault(ctx context.Context, id string, args ...string) (string, error) {
	cr, err := r.cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		Cmd:          append([]string{netfaultBin}, args...),
		AttachStdout: true,
		AttachStderr: true,
	})
	if err != nil {
		return "", fmt.Errorf("exec netfault %s: %w", args[0], err)
	}
	att, err := r.cli.ExecAttach(ctx, cr.ID, client.ExecAttachOptions{})
	if err != nil {
		return "", fmt.Errorf("exec netfault %s: %w", args[0], err)
	}
	defer att.Close()
	stop := context.AfterFunc(ctx, att.Close) // a hijacked connection ignores ctx
	defer stop()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, att.Reader); err != nil {
		return "", fmt.Errorf("exec netfault %s: %w", args[0], errors.Join(ctx.Err(), err))
	}
	// The output ends a moment before the engine records the exit code.
	for {
		ins, err := r.cli.ExecInspect(ctx, cr.ID, client.ExecInspectOptions{})
		if err != nil {
			return "", fmt.Errorf("exec netfault %s: %w", args[0], err)
		}
		if !ins.Running {
			msg := strings.TrimSpace(stderr.String())
			switch ins.ExitCode {
			case 0:
				return stdout.String(), nil
			case netfaultUnsupported:
				return "", runtime.Unsupported(msg) // the sidecar's word: its text names what is missing
			case netfaultUsage:
				return "", fmt.Errorf("netfault refused its input: %s", msg)
			}
			if msg == "" {
				msg = fmt.Sprintf("netfault %s exited with code %d", args[0], ins.ExitCode)
			}
			return "", errors.New(msg)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("exec netfault %s: %w", args[0], ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}
