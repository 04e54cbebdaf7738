package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/hatest/hatest/framework/health"
	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/internal/lockedbuf"
)

// dataPath is where a node's DataDir volume is mounted.
const dataPath = "/data"

// filesPath is the directory a node's NodeSpec.Files are put in.
const filesPath = "/hatest/files"

// logTail is how many log lines a readiness error carries.
const logTail = 20

// drainTimeout bounds how long removal waits for a container's output.
const drainTimeout = 5 * time.Second

// listenAddr is where a container listens for a port: every interface
// of its own network namespace.
func listenAddr(port string) string { return ":" + port }

// Start creates the node's sandbox on the run network (alias spec.Name,
// name hatest-sandbox-<run>-<spec.Name>), which publishes spec.Ports on
// 127.0.0.1, then the program's container in the sandbox's network
// namespace (name hatest-<run>-<spec.Name>), and waits until it is ready. On a readiness failure it returns the node and
// an error wrapping runtime.ErrNotReady with the node's last log lines.
func (r *Runtime) Start(ctx context.Context, spec runtime.NodeSpec) (runtime.Node, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("start %q: %w", spec.Name, err)
	}
	tag, err := r.Image(ctx, spec.Software, spec.Version)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	n, err := r.startNode(ctx, spec, tag, false)
	if n == nil {
		return nil, err
	}
	return n, err
}

// Reserve returns "<name>:<port>" for each port of spec.Ports: the node's
// alias on the run network, which is its Endpoint(port).Internal once it
// runs (see runtime.Runtime). It has no side effects: the alias is the
// name, and inside the network the ports are the program's own, so
// nothing needs holding. HostPorts pins are External and are checked by
// Start.
func (r *Runtime) Reserve(spec runtime.NodeSpec) (map[string]string, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("reserve %q: %w", spec.Name, err)
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("reserve %s: runtime closed", spec.Name)
	}
	out := make(map[string]string, len(spec.Ports))
	for _, p := range spec.Ports {
		out[p] = internalAddr(spec.Name, p)
	}
	return out, nil
}

// internalAddr is a node's address for port on the run network.
func internalAddr(name, port string) string { return name + ":" + port }

// startNode registers a node and runs its container.
func (r *Runtime) startNode(ctx context.Context, spec runtime.NodeSpec, tag string, internal bool) (*node, error) {
	spec.Files = maps.Clone(spec.Files) // put the same ones at every Restart
	n := &node{
		internal: internal,
		rt:       r,
		spec:     spec,
		version:  spec.Version,
		cname:    "hatest-" + r.id + "-" + spec.Name,
		buf:      &lockedbuf.Buffer{},
	}
	r.mu.Lock()
	switch {
	case r.closed:
		r.mu.Unlock()
		return nil, fmt.Errorf("start %s: runtime closed", spec.Name)
	case r.nodes[spec.Name] != nil:
		r.mu.Unlock()
		return nil, fmt.Errorf("start %s: a node of that name already runs in this run", spec.Name)
	}
	r.nodes[spec.Name] = n
	r.order = append(r.order, n)
	r.mu.Unlock()

	if spec.DataDir {
		n.volume = n.cname + "-data"
		if _, err := r.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: n.volume, Labels: r.nodeLabels(spec.Name)}); err != nil {
			return n, fmt.Errorf("start %s: create volume %s: %w", spec.Name, n.volume, err)
		}
	}
	if !internal {
		if err := n.startSandbox(ctx); err != nil {
			return n, err
		}
	}
	if err := n.run(ctx, tag); err != nil {
		return n, err
	}
	return n, nil
}

func (r *Runtime) nodeLabels(name string) map[string]string {
	l := maps.Clone(r.labels)
	l[labelNode] = name
	return l
}

// node is one container-backed runtime.Node: its sandbox (see sandbox.go)
// and its program's container. Restart replaces the program's container;
// everything else about it stays.
type node struct {
	rt     *Runtime
	spec   runtime.NodeSpec
	cname  string
	volume string
	buf    *lockedbuf.Buffer
	// internal marks the toxiproxy node, which Restart does not support.
	internal bool

	mu        sync.Mutex
	version   string
	id        string            // the program's container
	sandbox   string            // the sandbox container; "" for toxiproxy
	external  map[string]string // port -> 127.0.0.1:<mapped>
	ip        string            // the node's address on the run network
	followed  string            // the container whose output is followed
	logsDone  chan struct{}     // closed when the current container's output ends
	logCancel context.CancelFunc

	side sidecar // its netfault sidecar, see netfault.go
}

var _ runtime.Node = (*node)(nil)

func (n *node) Name() string { return n.spec.Name }

func (n *node) Version() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.version
}

// ID returns the ID of the program's current container.
func (n *node) ID() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.id
}

// Endpoint returns "<name>:<port>" inside the run network and
// "127.0.0.1:<published port>" on the host (empty for a port not in
// NodeSpec.Ports). Both are the sandbox's, so they stay the same across
// Restart.
func (n *node) Endpoint(port string) runtime.Endpoint {
	n.mu.Lock()
	defer n.mu.Unlock()
	return runtime.Endpoint{Internal: internalAddr(n.spec.Name, port), External: n.external[port]}
}

// Logs returns a snapshot of what the node wrote so far to the streams that
// NodeSpec.Stdout and Stderr did not take, across restarts.
func (n *node) Logs() io.Reader { return bytes.NewReader(n.buf.Bytes()) }

// run creates and starts a container for n's program at image tag and
// waits until it is ready. A node with a sandbox (every node but
// toxiproxy) runs in the sandbox's network namespace, with no network,
// alias or published port of its own; toxiproxy's container has its own.
func (n *node) run(ctx context.Context, tag string) error {
	r := n.rt
	spec := n.spec
	start := time.Now()
	n.mu.Lock()
	sandbox := n.sandbox
	ext := n.external
	n.mu.Unlock()
	var exposed []string
	bindings := network.PortMap{}
	if sandbox == "" {
		for _, p := range spec.Ports {
			port := network.MustParsePort(p + "/tcp")
			exposed = append(exposed, port.String())
			host := "" // a free one
			if pin, ok := spec.HostPorts[p]; ok {
				host = strconv.Itoa(pin)
			}
			bindings[port] = []network.PortBinding{{HostIP: loopback, HostPort: host}}
		}
	}
	timeout := spec.ReadyTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	var strategy wait.Strategy
	switch {
	case spec.ReadyHTTP != "" && spec.Ready != "":
		strategy = &ready{check: health.HTTP(spec.Ready, spec.ReadyHTTP), port: spec.Ready, addr: ext[spec.Ready], timeout: timeout}
	case spec.Ready != "":
		strategy = &ready{check: health.TCP(spec.Ready), port: spec.Ready, addr: ext[spec.Ready], timeout: timeout}
	}
	var mounts []mount.Mount
	if n.volume != "" {
		mounts = []mount.Mount{{Type: mount.TypeVolume, Source: n.volume, Target: dataPath}}
	}
	// Files are copied into the created container before it starts (no
	// shell needed: it works FROM scratch); every run, so every Restart,
	// copies them again.
	var files []testcontainers.ContainerFile
	for _, name := range slices.Sorted(maps.Keys(spec.Files)) {
		files = append(files, testcontainers.ContainerFile{
			Reader:            strings.NewReader(spec.Files[name]),
			ContainerFilePath: path.Join(filesPath, name),
			FileMode:          0o644,
		})
	}
	req := testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{
			Image:        tag,
			Name:         n.cname,
			Cmd:          spec.ExpandArgs(listenAddr, dataPath, filesPath),
			Files:        files,
			Env:          spec.Env,
			Labels:       r.nodeLabels(spec.Name),
			ExposedPorts: exposed,
			WaitingFor:   strategy,
			HostConfigModifier: func(hc *container.HostConfig) {
				init := true
				hc.Init = &init // docker-init as PID 1 forwards TERM and reaps
				hc.Mounts = append(hc.Mounts, mounts...)
				hc.Privileged = false
				hc.LogConfig = logConfig()
				if sandbox != "" {
					hc.NetworkMode = container.NetworkMode("container:" + sandbox)
					return
				}
				hc.PortBindings = bindings
				hc.NetworkMode = container.NetworkMode(r.network)
				// toxiproxy dials each upstream in its accept loop,
				// without a deadline. An address where nothing answers
				// (not a node of the run: a node's address is its
				// sandbox's, which refuses while the program is down)
				// swallows the dial, which would hold every later
				// connection of the proxy, and its API, for the
				// kernel's two minutes of SYN retries. One retry ends
				// such a dial in about 3 s. The setting is the
				// container's own network namespace's.
				hc.Sysctls = map[string]string{"net.ipv4.tcp_syn_retries": "1"}
			},
			LifecycleHooks: []testcontainers.ContainerLifecycleHooks{{
				// Post-start hooks run before the readiness wait, so the
				// output streams while the node comes up.
				PostStarts: []testcontainers.ContainerHook{func(_ context.Context, c testcontainers.Container) error {
					n.follow(c.GetContainerID())
					return nil
				}},
			}},
		},
		Started: true,
		Logger:  tcLogger(nil),
	}
	if sandbox == "" {
		req.Networks = []string{r.network}
		req.NetworkAliases = map[string][]string{r.network: {spec.Name}}
	}
	c, err := testcontainers.GenericContainer(ctx, req)
	if c != nil {
		n.mu.Lock()
		n.id = c.GetContainerID()
		n.mu.Unlock()
	}
	if err != nil {
		if perr := portTaken(err, spec.HostPorts); perr != nil {
			return fmt.Errorf("start %s: %w", spec.Name, perr)
		}
		if c == nil {
			return fmt.Errorf("start %s: %w", spec.Name, err)
		}
		n.follow(c.GetContainerID()) // in case the hook never ran
		return fmt.Errorf("start %s: %w within %v: %v%s", spec.Name, runtime.ErrNotReady, timeout, cause(err), n.tail())
	}
	if sandbox == "" {
		if err := n.inspectPorts(ctx); err != nil {
			return err
		}
	}
	ports := fmtPorts(n.externals())
	if n.internal {
		ports = proxyAPIPort + "->" + n.Endpoint(proxyAPIPort).External + ", proxies on 8000.."
	}
	r.logf("%s: %s ready in %v (%s)", spec.Name, tag, time.Since(start).Round(time.Millisecond), ports)
	return nil
}

// externals returns a copy of the node's published addresses.
func (n *node) externals() map[string]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return maps.Clone(n.external)
}

// inspectPorts records the published ports and the address of a node
// without a sandbox (toxiproxy's) from its container.
func (n *node) inspectPorts(ctx context.Context) error {
	r := n.rt
	spec := n.spec
	ins, err := r.cli.ContainerInspect(ctx, n.ID(), client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("start %s: inspect: %w", spec.Name, err)
	}
	ext, err := published(ins.Container.NetworkSettings.Ports, spec.Ports)
	if err != nil {
		return fmt.Errorf("start %s: %w", spec.Name, err)
	}
	ip := ""
	if es := ins.Container.NetworkSettings.Networks[r.network]; es != nil && es.IPAddress.IsValid() {
		ip = es.IPAddress.String()
	}
	n.mu.Lock()
	n.external = ext
	n.ip = ip
	n.mu.Unlock()
	return nil
}

// published returns 127.0.0.1:<host port> for each of ports, from a
// container's port map.
func published(pm network.PortMap, ports []string) (map[string]string, error) {
	ext := map[string]string{}
	for _, p := range ports {
		for _, b := range pm[network.MustParsePort(p+"/tcp")] {
			if b.HostIP.IsValid() && b.HostIP != loopback {
				continue
			}
			ext[p] = "127.0.0.1:" + b.HostPort
			break
		}
		if ext[p] == "" {
			return nil, fmt.Errorf("port %s was not published", p)
		}
	}
	return ext, nil
}

var hostPortRE = regexp.MustCompile(`127\.0\.0\.1:([0-9]+)`)

// portTaken returns runtime.PortInUse for the pinned port that a failed
// container start says is taken, or nil if err says no such thing. The
// engine says "Bind for 127.0.0.1:N failed: port is already allocated"
// when another container holds it and "listen tcp4 127.0.0.1:N: bind:
// address already in use" when another process does.
func portTaken(err error, pins map[string]int) error {
	s := err.Error()
	if len(pins) == 0 || !strings.Contains(s, "port is already allocated") && !strings.Contains(s, "address already in use") {
		return nil
	}
	ports := slices.Sorted(maps.Keys(pins))
	for _, m := range hostPortRE.FindAllStringSubmatch(s, -1) {
		for _, p := range ports {
			if strconv.Itoa(pins[p]) == m[1] {
				return runtime.PortInUse(p, pins[p])
			}
		}
	}
	// The engine named no pinned port: name them all.
	var names []string
	for _, p := range ports {
		names = append(names, fmt.Sprintf("%s (127.0.0.1:%d)", p, pins[p]))
	}
	return fmt.Errorf("one of ports %s: %w; free it or pin another host port", strings.Join(names, ", "), runtime.ErrPortInUse)
}

func fmtPorts(ext map[string]string) string {
	var s []string
	for p, e := range ext {
		s = append(s, p+"->"+e)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// cause strips testcontainers-go's layers of context from a start error.
func cause(err error) string {
	s := err.Error()
	for _, p := range []string{"start container: ", "started hook: ", "wait until ready: "} {
		if i := strings.LastIndex(s, p); i >= 0 {
			s = s[i+len(p):]
		}
	}
	return s
}

// follow streams the container's output into the node's writers until the
// container has exited and all of its output is delivered (see
// copyOutput). It starts once per container.
func (n *node) follow(id string) {
	n.mu.Lock()
	if n.followed == id {
		n.mu.Unlock()
		return
	}
	n.id, n.followed = id, id
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	n.logsDone, n.logCancel = done, cancel
	n.mu.Unlock()

	stdout, stderr := n.spec.Stdout, n.spec.Stderr
	if stdout == nil {
		stdout = n.buf
	}
	if stderr == nil {
		stderr = n.buf
	}
	// Notes about the delivery go to the node's log and, when the caller
	// keeps its stderr (a client's), there too: an incomplete op log then
	// says why beside it.
	var notes io.Writer = n.buf
	if n.spec.Stderr != nil {
		notes = io.MultiWriter(n.buf, n.spec.Stderr)
	}
	go func() {
		defer close(done)
		defer cancel()
		n.copyOutput(ctx, id, stdout, stderr, notes)
	}()
}

// drained waits until the current container's output stream has ended.
func (n *node) drained(ctx context.Context) error {
	n.mu.Lock()
	done := n.logsDone
	n.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: output still streaming: %w", n.spec.Name, ctx.Err())
	}
}

// tail returns the last log lines of the current container, formatted for
// an error message.
func (n *node) tail() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rc, err := n.rt.cli.ContainerLogs(ctx, n.ID(), client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: strconv.Itoa(logTail)})
	if err != nil {
		return fmt.Sprintf("\n(no log: %v)", err)
	}
	defer rc.Close()
	var b bytes.Buffer
	_, _ = stdcopy.StdCopy(&b, &b, rc) // what arrived before an error is the best there is
	s := strings.TrimRight(b.String(), "\n")
	if s == "" {
		return "\n(" + n.spec.Name + " wrote nothing)"
	}
	return fmt.Sprintf("\nlast log lines of %s:\n%s", n.spec.Name, s)
}

// Signal sends sig to the node's main process through docker-init, which
// forwards it. SIGSTOP and SIGCONT cannot be forwarded (docker-init itself
// would stop), so they freeze and thaw the whole container with the cgroup
// freezer, like Pause and Resume: every process of the node stops, as the
// process runtime's SIGSTOP to the process group does.
func (n *node) Signal(ctx context.Context, sig syscall.Signal) error {
	switch sig {
	case syscall.SIGSTOP:
		return n.Pause(ctx)
	case syscall.SIGCONT:
		return n.Resume(ctx)
	}
	if _, err := n.rt.cli.ContainerKill(ctx, n.ID(), client.ContainerKillOptions{Signal: signalName(sig)}); err != nil {
		return fmt.Errorf("signal %s %v: %w", n.spec.Name, sig, err)
	}
	return nil
}

// signalName is what the Docker API takes: the signal's name, or its
// number for one without a name.
func signalName(sig syscall.Signal) string {
	if s := unix.SignalName(sig); s != "" {
		return s
	}
	return strconv.Itoa(int(sig))
}

// Pause freezes every process of the node (docker pause). Pausing a paused
// node does nothing.
func (n *node) Pause(ctx context.Context) error {
	if _, err := n.rt.cli.ContainerPause(ctx, n.ID(), client.ContainerPauseOptions{}); err != nil {
		if strings.Contains(err.Error(), "already paused") {
			return nil
		}
		return fmt.Errorf("pause %s: %w", n.spec.Name, err)
	}
	return nil
}

// Resume thaws the node. Resuming a node that is not paused does nothing.
func (n *node) Resume(ctx context.Context) error {
	if _, err := n.rt.cli.ContainerUnpause(ctx, n.ID(), client.ContainerUnpauseOptions{}); err != nil {
		if strings.Contains(err.Error(), "not paused") {
			return nil
		}
		return fmt.Errorf("resume %s: %w", n.spec.Name, err)
	}
	return nil
}

// Stop sends SIGTERM, waits up to grace (to the nanosecond, unlike docker
// stop), then sends SIGKILL, and returns once the container has exited and
// its output is drained. A paused node is thawed first so it can handle
// the SIGTERM. Stopping a stopped node does nothing.
func (n *node) Stop(ctx context.Context, grace time.Duration) error {
	// The proxies in front of the node stay on its address: that is the
	// sandbox's, which outlives the program and refuses connections at
	// once while no program listens, so nothing needs re-pointing (see
	// sandbox.go).
	id := n.ID()
	cli := n.rt.cli
	ins, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("stop %s: %w", n.spec.Name, err)
	}
	if ins.Container.State == nil || !ins.Container.State.Running {
		return n.drained(ctx)
	}
	if ins.Container.State.Paused {
		if err := n.Resume(ctx); err != nil {
			return fmt.Errorf("stop %s: %w", n.spec.Name, err)
		}
	}
	exited := n.waitCh(ctx, id)
	if _, err := cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "SIGTERM"}); err != nil && !notRunning(err) {
		return fmt.Errorf("stop %s: %w", n.spec.Name, err)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-exited:
	case <-t.C:
		if _, err := cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "SIGKILL"}); err != nil && !notRunning(err) {
			return fmt.Errorf("stop %s: %w", n.spec.Name, err)
		}
		select {
		case <-exited:
		case <-ctx.Done():
			return fmt.Errorf("stop %s: %w", n.spec.Name, ctx.Err())
		}
	case <-ctx.Done():
		return fmt.Errorf("stop %s: %w", n.spec.Name, ctx.Err())
	}
	return n.drained(ctx)
}

func notRunning(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "is not running") || cerrdefs.IsNotFound(err))
}

// waitCh returns a channel that is closed when container id is not running
// (or cannot be waited for).
func (n *node) waitCh(ctx context.Context, id string) <-chan struct{} {
	ch := make(chan struct{})
	res := n.rt.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	go func() {
		defer close(ch)
		select {
		case <-res.Result:
		case err := <-res.Error:
			_ = err // either way the wait is over
		}
	}()
	return ch
}

// Wait blocks until the node's main process exits and its output is
// drained, and returns its exit code (128+n for a signal n).
func (n *node) Wait(ctx context.Context) (int, error) {
	res := n.rt.cli.ContainerWait(ctx, n.ID(), client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case r := <-res.Result:
		if r.Error != nil && r.Error.Message != "" {
			return int(r.StatusCode), fmt.Errorf("wait %s: %s", n.spec.Name, r.Error.Message)
		}
		if err := n.drained(ctx); err != nil {
			return int(r.StatusCode), fmt.Errorf("wait %s: %w", n.spec.Name, err)
		}
		return int(r.StatusCode), nil
	case err := <-res.Error:
		return -1, fmt.Errorf("wait %s: %w", n.spec.Name, err)
	}
}

// Restart replaces the program's container with a new one at version: the
// same name, arguments, environment, files (put afresh, as first given)
// and data volume, in the same sandbox, so the same alias, IP and
// published ports. The old one gets SIGTERM and the runtime's restart
// grace (WithRestartGrace) before SIGKILL; its output is drained before it
// is removed.
func (n *node) Restart(ctx context.Context, version string) error {
	if n.internal {
		return fmt.Errorf("restart %s: not supported", n.spec.Name)
	}
	tag, err := n.rt.Image(ctx, n.spec.Software, version)
	if err != nil {
		return fmt.Errorf("restart %s: %w", n.spec.Name, err)
	}
	n.rt.mu.Lock()
	closed := n.rt.closed
	n.rt.mu.Unlock()
	if closed {
		return fmt.Errorf("restart %s: runtime closed", n.spec.Name)
	}
	start := time.Now()
	if err := n.Stop(ctx, n.rt.restartGrace); err != nil {
		return fmt.Errorf("restart %s: %w", n.spec.Name, err)
	}
	if _, err := n.rt.cli.ContainerRemove(ctx, n.ID(), client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("restart %s: remove old container: %w", n.spec.Name, err)
	}
	n.mu.Lock()
	n.version = version
	n.mu.Unlock()
	if err := n.run(ctx, tag); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	n.rt.logf("%s: restarted at %s in %v", n.spec.Name, version, time.Since(start).Round(time.Millisecond))
	return nil
}

// remove removes the node's netfault sidecar, kills the program's
// container, drains its output and removes it, then its sandbox and its
// volume.
func (n *node) remove(ctx context.Context) error {
	cli := n.rt.cli
	// A sidecar that will not go is swept by its label later; the rest of
	// the node, its output first, must not wait on it.
	serr := n.removeSidecar(ctx)
	var derr error
	if id := n.ID(); id != "" {
		if _, err := cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "SIGKILL"}); err == nil {
			// A frozen container dies only once thawed.
			_, _ = cli.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}) // fails when it was not frozen
		}
		dctx, cancel := context.WithTimeout(ctx, drainTimeout)
		derr = n.drained(dctx)
		cancel()
		n.mu.Lock()
		if n.logCancel != nil {
			n.logCancel()
		}
		n.mu.Unlock()
		if _, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("remove %s: %w", n.spec.Name, err)
		}
	}
	if err := n.removeSandbox(ctx); err != nil {
		return err
	}
	if n.volume != "" {
		if _, err := cli.VolumeRemove(ctx, n.volume, client.VolumeRemoveOptions{Force: true}); err != nil && !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("remove volume %s: %w", n.volume, err)
		}
	}
	if serr != nil {
		return serr
	}
	if derr != nil {
		return fmt.Errorf("remove: %w", derr)
	}
	return nil
}
