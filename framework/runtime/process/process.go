//go:build unix

package process

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	mrand "math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/build"
)

// Errors of this runtime beyond those of package runtime.
var (
	// ErrDockerOnly is returned for a Build that only Docker can run: an
	// Image or a Dir with a Dockerfile.
	ErrDockerOnly = errors.New("build needs docker")
	// ErrNotRunning is returned when a node whose process has exited is
	// signalled, paused or resumed.
	ErrNotRunning = errors.New("node is not running")
	// ErrClosed is returned by a Runtime, or a node of it, after Close.
	ErrClosed = errors.New("runtime closed")
)

// Option configures New.
type Option func(*config)

type config struct {
	runID        string
	tempDir      string
	log          io.Writer
	restartGrace time.Duration
}

// WithRunID sets the run's ID, which names its temporary directory. By default
// it is random.
func WithRunID(id string) Option { return func(c *config) { c.runID = id } }

// WithTempDir sets the directory under which the run's temporary directory is
// made. By default it is os.TempDir().
func WithTempDir(dir string) Option { return func(c *config) { c.tempDir = dir } }

// WithLog sets where the runtime reports what it starts and stops, and where
// the embedded toxiproxy logs its warnings. By default nothing is logged.
func WithLog(w io.Writer) Option { return func(c *config) { c.log = w } }

// WithRestartGrace sets how long Restart waits after SIGTERM before it kills
// the old process group (default runtime.DefaultRestartGrace), as the
// Docker runtime's option of the same name does.
func WithRestartGrace(d time.Duration) Option { return func(c *config) { c.restartGrace = d } }

// Runtime runs nodes as child processes of this process and proxies in an
// embedded toxiproxy server. It implements runtime.Runtime.
type Runtime struct {
	cfg   config
	dir   string // the run's temporary directory
	logMu sync.Mutex

	mu     sync.Mutex
	closed bool
	nodes  map[string]*Node
	order  []*Node
	ports  map[int]portOwner         // host ports handed out in this run
	held   map[string]map[string]int // node name -> port -> host port, from Reserve or Start

	binMu sync.Mutex
	bins  map[string]string // software/version directory -> main binary

	tpMu sync.Mutex
	tp   *embedded

	closeOnce sync.Once
	closeErr  error
}

var _ runtime.Runtime = (*Runtime)(nil)

// New makes the run's temporary directory and returns a runtime. Nothing
// runs until Start or Proxy. It returns the runtime even on error when it
// made something, so Close can remove it.
func New(ctx context.Context, opts ...Option) (*Runtime, error) {
	cfg := config{tempDir: os.TempDir(), restartGrace: runtime.DefaultRestartGrace}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.runID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		cfg.runID = hex.EncodeToString(b[:])
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("process runtime: %w", err)
	}
	if err := os.MkdirAll(cfg.tempDir, 0o755); err != nil {
		return nil, fmt.Errorf("process runtime: %w", err)
	}
	dir, err := os.MkdirTemp(cfg.tempDir, "hatest-"+safeName(cfg.runID)+"-")
	if err != nil {
		return nil, fmt.Errorf("process runtime: %w", err)
	}
	// Nodes run in directories of their own: the paths they are given
	// (${DATA}, ${FILE:..}) must not depend on the working directory.
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return &Runtime{
		cfg:   cfg,
		dir:   dir,
		nodes: map[string]*Node{},
		ports: map[int]portOwner{},
		held:  map[string]map[string]int{},
		bins:  map[string]string{},
	}, nil
}

// Name returns "process".
func (r *Runtime) Name() string { return "process" }

// RunID returns the run's ID.
func (r *Runtime) RunID() string { return r.cfg.runID }

// Dir returns the run's temporary directory, which Close removes. Nodes
// run in Dir/nodes/<name>, their data is in Dir/nodes/<name>/data and
// their NodeSpec.Files in Dir/nodes/<name>/files.
func (r *Runtime) Dir() string { return r.dir }

func (r *Runtime) logf(format string, args ...any) {
	if r.cfg.log == nil {
		return
	}
	r.logMu.Lock()
	defer r.logMu.Unlock()
	fmt.Fprintf(r.cfg.log, "process: "+format+"\n", args...)
}

// Start starts a node and waits until it is ready. See runtime.Runtime.
func (r *Runtime) Start(ctx context.Context, spec runtime.NodeSpec) (runtime.Node, error) {
	n, err := r.start(ctx, spec)
	if n == nil {
		return nil, err
	}
	return n, err
}

func (r *Runtime) start(ctx context.Context, spec runtime.NodeSpec) (*Node, error) {
	name := spec.Name
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("start %q: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	// Reserve the name before the (possibly slow) build.
	r.mu.Lock()
	switch {
	case r.closed:
		r.mu.Unlock()
		return nil, fmt.Errorf("start %s: %w", name, ErrClosed)
	case r.nodes[name] != nil:
		r.mu.Unlock()
		return nil, fmt.Errorf("start %s: a node of that name exists in this run", name)
	}
	// Close sees the node from here on and marks it closed, so that a
	// start racing with Close launches nothing.
	spec.Files = maps.Clone(spec.Files) // put the same ones at every Restart
	n := &Node{rt: r, name: name, spec: spec, out: &output{}}
	r.nodes[name] = n
	r.order = append(r.order, n)
	r.mu.Unlock()
	started := false
	defer func() {
		if !started {
			r.mu.Lock()
			delete(r.nodes, name)
			r.order = slices.DeleteFunc(r.order, func(m *Node) bool { return m == n })
			r.mu.Unlock()
		}
	}()

	exe, err := r.binary(ctx, spec.Software, spec.Version)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	ports, fresh, err := r.allocPorts(name, spec.Ports, spec.HostPorts, true)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	n.ports = ports
	n.dir = filepath.Join(r.dir, "nodes", name)
	n.data = filepath.Join(n.dir, "data")
	n.files = filepath.Join(n.dir, "files")
	if err := os.MkdirAll(n.data, 0o755); err != nil {
		r.releasePorts(name, fresh)
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if err := n.putFiles(); err != nil {
		r.releasePorts(name, fresh)
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	n.args = spec.ExpandArgs(func(port string) string {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(n.ports[port]))
	}, n.data, n.files)
	n.env = environ(spec.Env)
	began := time.Now()
	p, err := n.launch(exe, spec.Version)
	if err != nil {
		r.releasePorts(name, fresh)
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	started = true
	if err := n.waitReady(ctx, p); err != nil {
		return n, fmt.Errorf("start %s: %w", name, err)
	}
	r.logf("%s %s ready in %v (pid %d, ports %v)", name, spec.Version, time.Since(began).Round(time.Millisecond), p.pid, n.ports)
	return n, nil
}

// Reserve gives each port of spec.Ports a 127.0.0.1 port now, before the
// node spec.Name starts: a free one, or the one spec.HostPorts pins. The
// later Start of a node of that name, and its every Restart, listen
// exactly there. It returns "127.0.0.1:<port>" by port, which is what the
// node's Endpoint(port).Internal will be. See runtime.Runtime.
//
// Nothing holds a reserved port open until the node starts: it is kept
// from the other nodes of the run, not from the rest of the machine.
// Start checks that it is still free and fails with runtime.ErrPortInUse
// if not.
func (r *Runtime) Reserve(spec runtime.NodeSpec) (map[string]string, error) {
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("reserve %q: %w", spec.Name, err)
	}
	ports, fresh, err := r.allocPorts(spec.Name, spec.Ports, spec.HostPorts, false)
	if err != nil {
		return nil, fmt.Errorf("reserve %s: %w", spec.Name, err)
	}
	out := make(map[string]string, len(ports))
	for p, host := range ports {
		out[p] = net.JoinHostPort("127.0.0.1", strconv.Itoa(host))
	}
	if len(fresh) > 0 {
		r.logf("reserved %s ports %v", spec.Name, ports)
	}
	return out, nil
}

// portOwner is the node and port a host port of the run belongs to.
type portOwner struct{ node, port string }

// allocPorts gives each port of node name a 127.0.0.1 port: the one it has
// already (from Reserve, or an earlier Start), else the pinned one
// (NodeSpec.HostPorts), else a free one, and records it for the node. It
// holds every listener open until all are chosen so that no two coincide,
// and never hands out a port twice in one run. forStart checks that the
// ports the node had already are still free, as they must be for it to
// listen there. fresh lists the host ports this call handed out.
func (r *Runtime) allocPorts(name string, ports []string, pins map[string]int, forStart bool) (out map[string]int, fresh []int, err error) {
	out = map[string]int{}
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	// bind checks that host is free on this machine and keeps it so
	// until every port is chosen.
	bind := func(p string, host int) error {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(host)))
		if err != nil {
			return portInUse(p, host, err)
		}
		lns = append(lns, ln)
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, ErrClosed
	}
	held := r.held[name]
	for _, p := range ports {
		pin, pinned := pins[p]
		if host, ok := held[p]; ok {
			if pinned && pin != host {
				return nil, nil, fmt.Errorf("port %s has 127.0.0.1:%d already, not the pinned 127.0.0.1:%d: pin it when it is first reserved", p, host, pin)
			}
			if forStart {
				if err := bind(p, host); err != nil {
					return nil, nil, err
				}
			}
			out[p] = host
			continue
		}
		if !forStart && r.nodes[name] != nil {
			return nil, nil, fmt.Errorf("port %s: %s is started already, without it", p, name)
		}
		if pinned {
			if o, ok := r.ports[pin]; ok {
				return nil, nil, fmt.Errorf("port %s (127.0.0.1:%d) is %s's port %s in this run: %w; pin another host port", p, pin, o.node, o.port, runtime.ErrPortInUse)
			}
			if err := bind(p, pin); err != nil {
				return nil, nil, err
			}
			out[p] = pin
			continue
		}
		for tries := 0; ; tries++ {
			ln, err := listenFree(tries)
			if err != nil {
				return nil, nil, fmt.Errorf("port %s: %w", p, err)
			}
			lns = append(lns, ln)
			host := ln.Addr().(*net.TCPAddr).Port
			if _, taken := r.ports[host]; !taken || tries > 100 {
				out[p] = host
				break
			}
		}
	}
	if r.held[name] == nil {
		r.held[name] = map[string]int{}
	}
	for _, p := range ports {
		if _, ok := r.held[name][p]; ok {
			continue
		}
		host := out[p]
		r.held[name][p] = host
		r.ports[host] = portOwner{node: name, port: p}
		fresh = append(fresh, host)
	}
	return out, fresh, nil
}

// releasePorts gives back the host ports that allocPorts handed out to
// node name; the ones it had before stay its own.
func (r *Runtime) releasePorts(name string, hosts []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, host := range hosts {
		if o, ok := r.ports[host]; ok && o.node == name {
			delete(r.ports, host)
			delete(r.held[name], o.port)
		}
	}
	if len(r.held[name]) == 0 {
		delete(r.held, name)
	}
}

// Ports are chosen below the kernel's range of ephemeral ports, from
// which every outgoing connection on the machine takes its local port: a
// port chosen there is free when it is chosen and may be some
// connection's by the time the node binds it (a busy test run made it
// happen: "bind: address already in use"). Below the range only another
// listener can take it.
const lowestPort = 10000

// listenFree listens on a free 127.0.0.1 port below the ephemeral range,
// drawn at random; after 50 tries, or where the range leaves too little
// room below it, on any free port.
func listenFree(tries int) (net.Listener, error) {
	if lo, ok := ephemeralLow(); ok && lo-lowestPort > 1000 && tries < 50 {
		for range 50 {
			host := lowestPort + mrand.IntN(lo-lowestPort)
			if ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(host))); err == nil {
				return ln, nil
			}
		}
	}
	return net.Listen("tcp", "127.0.0.1:0")
}

// ephemeralLow is the lowest port of the kernel's ephemeral range.
func ephemeralLow() (int, bool) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, false
	}
	lo, err := strconv.Atoi(f[0])
	return lo, err == nil
}

func portInUse(port string, host int, err error) error {
	if err == nil || errors.Is(err, syscall.EADDRINUSE) {
		return runtime.PortInUse(port, host)
	}
	return fmt.Errorf("port %s (127.0.0.1:%d): %w", port, host, err)
}

// waitPortsFree waits until every port can be bound again, for Restart:
// the old process group may take a moment to let go of them.
func waitPortsFree(ctx context.Context, ports map[string]int) error {
	deadline := time.Now().Add(2 * time.Second)
	for p, host := range ports {
		for {
			ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(host)))
			if err == nil {
				ln.Close()
				break
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return portInUse(p, host, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// environ is this process's environment plus env, in a stable order.
func environ(env map[string]string) []string {
	out := os.Environ()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}

// Proxy creates a toxiproxy proxy in the embedded server, listening on a
// free 127.0.0.1 port and forwarding to upstream.Internal. The server and
// its HTTP API (on another free 127.0.0.1 port, see ToxiproxyURL) start on
// the first call. The proxy is a *toxi.Proxy.
func (r *Runtime) Proxy(ctx context.Context, name string, upstream runtime.Endpoint) (runtime.Proxy, error) {
	if upstream.Internal == "" {
		return nil, fmt.Errorf("proxy %s: upstream has no address", name)
	}
	srv, err := r.toxiproxy()
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", name, err)
	}
	began := time.Now()
	p, err := srv.CreateProxy(ctx, name, "127.0.0.1:0", upstream.Internal)
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", name, err)
	}
	r.logf("proxy %s %s -> %s in %v", name, p.Listen(), upstream.Internal, time.Since(began).Round(time.Microsecond))
	return p, nil
}

// Close kills every process group this runtime started (SIGCONT, then
// SIGKILL) and waits for them, stops the embedded toxiproxy and removes
// the run's temporary directory. It does all of that even when ctx has
// ended, and returns the first call's result on every call.
func (r *Runtime) Close(ctx context.Context) error {
	r.closeOnce.Do(func() { r.closeErr = r.close() })
	return r.closeErr
}

func (r *Runtime) close() error {
	r.mu.Lock()
	r.closed = true
	nodes := append([]*Node(nil), r.order...)
	r.ports, r.held = map[int]portOwner{}, map[string]map[string]int{} // reservations end with the run
	r.mu.Unlock()
	var errs []error
	var procs []*proc
	for _, n := range nodes {
		if p := n.shut(); p != nil {
			procs = append(procs, p)
		}
	}
	timeout := time.After(killWait)
	for _, p := range procs {
		select {
		case <-p.done:
		case <-timeout:
			errs = append(errs, fmt.Errorf("close: pid %d did not exit after SIGKILL", p.pid))
		}
	}
	r.tpMu.Lock()
	if r.tp != nil {
		errs = append(errs, r.tp.close())
	}
	r.tp = nil
	r.tpMu.Unlock()
	if err := os.RemoveAll(r.dir); err != nil {
		errs = append(errs, fmt.Errorf("close: %w", err))
	}
	r.logf("closed run %s (%d nodes)", r.cfg.runID, len(nodes))
	return errors.Join(errs...)
}

// killWait bounds the wait for a SIGKILLed process to be reaped.
const killWait = 10 * time.Second

// binary returns the executable for software at version: the Build's
// Binary or its Package built, and when the build has Extra binaries, a
// copy of it in a directory of the run that holds the extras too.
func (r *Runtime) binary(ctx context.Context, sw runtime.Software, version string) (string, error) {
	b, ok := sw.Versions[version]
	if !ok {
		return "", fmt.Errorf("%s has no build for version %q", sw.Name, version)
	}
	exe, err := resolve(ctx, b)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", sw.Name, version, err)
	}
	if len(b.Extra) == 0 {
		return exe, nil
	}
	main := sw.Name
	if main == "" {
		main = filepath.Base(exe)
	}
	dir := filepath.Join(r.dir, "bin", safeName(main)+"-"+safeName(version))
	r.binMu.Lock()
	defer r.binMu.Unlock()
	if p, ok := r.bins[dir]; ok {
		return p, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s %s: %w", sw.Name, version, err)
	}
	files := map[string]string{safeName(main): exe}
	for name, eb := range b.Extra {
		if !validName(name) {
			return "", fmt.Errorf("%s %s: extra %q: not a file name", sw.Name, version, name)
		}
		if name == safeName(main) {
			return "", fmt.Errorf("%s %s: extra %q has the main binary's name", sw.Name, version, name)
		}
		p, err := resolve(ctx, eb)
		if err != nil {
			return "", fmt.Errorf("%s %s: extra %s: %w", sw.Name, version, name, err)
		}
		files[name] = p
	}
	for name, src := range files {
		if err := place(src, filepath.Join(dir, name)); err != nil {
			return "", fmt.Errorf("%s %s: %w", sw.Name, version, err)
		}
	}
	p := filepath.Join(dir, safeName(main))
	r.bins[dir] = p
	return p, nil
}

// resolve turns one Build into an executable path. Binary wins over
// Module and Package, so one Build can serve both runtimes; a Module build
// is the released program from the module proxy (build.Module).
func resolve(ctx context.Context, b runtime.Build) (string, error) {
	switch {
	case b.Binary != "":
		p, err := filepath.Abs(b.Binary)
		if err != nil {
			return "", err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return "", fmt.Errorf("%w: %s; build it there, or point Build.Binary at an executable", runtime.ErrNoBinary, p)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return "", fmt.Errorf("%w: %s is not an executable file", runtime.ErrNoBinary, p)
		}
		return p, nil
	case b.Module != "":
		p, err := build.Module(ctx, b.Module, b.ModuleVersion, b.Package)
		if err != nil {
			return "", err
		}
		return filepath.Abs(p)
	case b.Package != "":
		p, err := build.Binary(ctx, b.Package, b.LDFlags)
		if err != nil {
			return "", err
		}
		return filepath.Abs(p)
	case b.Image != "":
		return "", fmt.Errorf("image %s: %w; the process runtime needs Build.Package or Build.Binary", b.Image, ErrDockerOnly)
	case b.Dir != "":
		return "", fmt.Errorf("dockerfile in %s: %w; the process runtime needs Build.Package or Build.Binary", b.Dir, ErrDockerOnly)
	}
	return "", errors.New("empty build: set Package, Module or Binary")
}

// place puts the file src at dst: a hard link when the file systems allow
// it, otherwise a copy.
func place(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".copy-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o755)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// safeName makes s usable as one path element.
func safeName(s string) string {
	s = unsafeChars.ReplaceAllString(s, "_")
	if s == "" || s == "." || s == ".." {
		s = "_" + s
	}
	return s
}

// validName reports whether s can name a node or a file as it is.
func validName(s string) bool { return s != "" && safeName(s) == s }
