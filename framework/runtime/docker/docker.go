package docker

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/runtime/toxi"
	"github.com/hatest/hatest/internal/proc"
)

// LabelHost names the host whose process made a resource; Sweep only judges
// the PIDs of resources made on its own host (or carrying no such label).
const LabelHost = "hatest.host"

// labelNode names the node a container runs.
const labelNode = "hatest.node"

// cleanupTimeout bounds Close and Sweep, which run on a fresh context.
const cleanupTimeout = 30 * time.Second

// Runtime runs nodes as containers on one Docker network per run. It
// implements runtime.Runtime.
type Runtime struct {
	id           string
	network      string
	cli          *testcontainers.DockerClient
	log          io.Writer
	restartGrace time.Duration
	pingTimeout  time.Duration
	labels       map[string]string

	mu      sync.Mutex
	closed  bool
	nodes   map[string]*node
	order   []*node // nodes in start order, for Close
	volumes map[string]bool

	proxyMu  sync.Mutex
	proxySrv *proxyServer

	nf netfaults // see netfault.go
}

var _ runtime.Runtime = (*Runtime)(nil)

type config struct {
	runID        string
	log          io.Writer
	restartGrace time.Duration
	pingTimeout  time.Duration
}

// Option configures New.
type Option func(*config)

// WithRunID sets the run ID that names and labels everything the runtime
// makes (default: 8 random hex digits). It must be a valid Docker name
// fragment: letters, digits, '_', '.', '-'.
func WithRunID(id string) Option { return func(c *config) { c.runID = id } }

// WithLog sends one progress line per image build, container start, restart
// and cleanup to w.
func WithLog(w io.Writer) Option { return func(c *config) { c.log = w } }

// WithRestartGrace sets how long Restart waits after SIGTERM before it kills
// the old container (default runtime.DefaultRestartGrace).
func WithRestartGrace(d time.Duration) Option { return func(c *config) { c.restartGrace = d } }

// WithPingTimeout sets how long New waits for the engine to answer
// (default 3 s).
func WithPingTimeout(d time.Duration) Option { return func(c *config) { c.pingTimeout = d } }

var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// New connects to the Docker engine, removes what dead hatest processes
// left behind (Sweep) and creates the run's network "hatest-<run id>". If no
// engine answers it returns an error wrapping runtime.ErrNoEngine.
//
// It sets TESTCONTAINERS_RYUK_DISABLED=true, DOCKER_AUTH_CONFIG={} (when
// unset) and TESTCONTAINERS_HOST_OVERRIDE=localhost (when unset and the
// engine is local) before testcontainers-go reads its configuration.
func New(ctx context.Context, opts ...Option) (*Runtime, error) {
	cfg := config{restartGrace: runtime.DefaultRestartGrace, pingTimeout: 3 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.runID == "" {
		cfg.runID = randomID()
	}
	if !validName.MatchString(cfg.runID) {
		return nil, fmt.Errorf("docker runtime: invalid run id %q (letters, digits, '_', '.', '-')", cfg.runID)
	}
	host, err := ping(ctx, cfg.pingTimeout)
	if err != nil {
		return nil, err
	}
	setEnv(host)
	cli, err := newClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("docker runtime: %w", err)
	}
	r := &Runtime{
		id:           cfg.runID,
		network:      "hatest-" + cfg.runID,
		cli:          cli,
		log:          cfg.log,
		restartGrace: cfg.restartGrace,
		pingTimeout:  cfg.pingTimeout,
		labels:       Labels(cfg.runID),
		nodes:        map[string]*node{},
		volumes:      map[string]bool{},
	}
	if n, err := sweep(ctx, cli); err != nil {
		r.logf("sweep: %v", err)
	} else if n > 0 {
		r.logf("sweep: removed %d leftovers of dead hatest processes", n)
	}
	if _, err := cli.NetworkCreate(ctx, r.network, client.NetworkCreateOptions{Driver: "bridge", Labels: r.labels}); err != nil {
		return nil, fmt.Errorf("docker runtime: create network %s: %w", r.network, err)
	}
	r.logf("run %s: network %s on %s", r.id, r.network, host)
	return r, nil
}

// Available reports whether a Docker engine answers within timeout; the
// error wraps runtime.ErrNoEngine. It touches no testcontainers-go state.
func Available(ctx context.Context, timeout time.Duration) error {
	_, err := ping(ctx, timeout)
	return err
}

// Labels returns the labels every resource of run carries.
func Labels(run string) map[string]string {
	host, _ := os.Hostname()
	return map[string]string{
		runtime.LabelRun: run,
		runtime.LabelPID: strconv.Itoa(os.Getpid()),
		LabelHost:        host,
	}
}

// Name returns "docker".
func (r *Runtime) Name() string { return "docker" }

// ID returns the run ID.
func (r *Runtime) ID() string { return r.id }

// Network returns the name of the run's Docker network.
func (r *Runtime) Network() string { return r.network }

// Client returns the Docker client the runtime uses.
func (r *Runtime) Client() *client.Client { return r.cli.Client }

func (r *Runtime) logf(format string, args ...any) {
	if r.log == nil {
		return
	}
	fmt.Fprintf(r.log, "docker: "+format+"\n", args...)
}

// Close removes every container, the network and every volume of the run,
// draining each container's output first. It runs on a fresh context (ctx
// only supplies values), so it works after cancellation, and a second call
// does nothing.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	nodes := append([]*node(nil), r.order...)
	r.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	start := time.Now()
	var errs []error
	var wg sync.WaitGroup
	var emu sync.Mutex
	for _, n := range nodes {
		wg.Go(func() {
			if err := n.remove(ctx); err != nil {
				emu.Lock()
				errs = append(errs, err)
				emu.Unlock()
			}
		})
	}
	wg.Wait()
	// Then whatever else carries the run's label: the network, and
	// anything a failed Start left behind.
	n, err := removeLabelled(ctx, r.cli.Client, client.Filters{}.Add("label", runtime.LabelRun+"="+r.id), func(map[string]string) bool { return true })
	if err != nil {
		errs = append(errs, err)
	}
	r.logf("run %s: closed in %v (%d containers, then %d more labelled resources)", r.id, time.Since(start).Round(time.Millisecond), len(nodes), n)
	return errors.Join(errs...)
}

// Sweep removes the containers, networks and volumes labelled hatest.run
// whose hatest.pid process no longer runs on this host: what a hatest
// process that died without cleaning up left behind. New calls it.
func Sweep(ctx context.Context) (removed int, err error) {
	host, err := ping(ctx, 3*time.Second)
	if err != nil {
		return 0, err
	}
	setEnv(host)
	cli, err := newClient(ctx)
	if err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	return sweep(ctx, cli)
}

func sweep(ctx context.Context, cli *testcontainers.DockerClient) (int, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	host, _ := os.Hostname()
	dead := func(labels map[string]string) bool {
		if h, ok := labels[LabelHost]; ok && h != host {
			return false // another host's process: not ours to judge
		}
		pid, err := strconv.Atoi(labels[runtime.LabelPID])
		if err != nil || pid <= 0 {
			return false
		}
		return !alive(pid)
	}
	return removeLabelled(ctx, cli.Client, client.Filters{}.Add("label", runtime.LabelRun), dead)
}

// alive reports whether a process with pid runs on this host. A zombie
// (dead, not yet reaped: a killed suite whose parent was killed too waits
// for an init that may reap late) does not: its resources are left over.
func alive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	if zombie(pid) {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// zombie reports whether /proc says pid has exited and waits to be reaped.
// Where there is no /proc it says no.
func zombie(pid int) bool {
	st, err := proc.Read(pid)
	return err == nil && st.Dead()
}

// removeLabelled removes the containers (forcibly, with their anonymous
// volumes), then the networks, then the volumes that match filter and pick.
// It returns how many it removed.
func removeLabelled(ctx context.Context, cli *client.Client, filter client.Filters, pick func(map[string]string) bool) (int, error) {
	var errs []error
	n := 0
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		return 0, fmt.Errorf("list containers: %w", err)
	}
	// Sandboxes last: a program's container may be in one's namespace.
	items := slices.Clone(cs.Items)
	slices.SortStableFunc(items, func(a, b container.Summary) int {
		return cmp.Compare(a.Labels[labelSandbox], b.Labels[labelSandbox])
	})
	for _, c := range items {
		if !pick(c.Labels) {
			continue
		}
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !goneOrGoing(err) {
			errs = append(errs, fmt.Errorf("remove container %s: %w", strings.Join(c.Names, ","), err))
			continue
		}
		n++
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: filter})
	if err != nil {
		errs = append(errs, fmt.Errorf("list networks: %w", err))
	} else {
		for _, nw := range ns.Items {
			if !pick(nw.Labels) {
				continue
			}
			if _, err := cli.NetworkRemove(ctx, nw.ID, client.NetworkRemoveOptions{}); err != nil && !goneOrGoing(err) {
				errs = append(errs, fmt.Errorf("remove network %s: %w", nw.Name, err))
				continue
			}
			n++
		}
	}
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: filter})
	if err != nil {
		errs = append(errs, fmt.Errorf("list volumes: %w", err))
	} else {
		for _, v := range vs.Items {
			if !pick(v.Labels) {
				continue
			}
			if _, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil && !goneOrGoing(err) {
				errs = append(errs, fmt.Errorf("remove volume %s: %w", v.Name, err))
				continue
			}
			n++
		}
	}
	return n, errors.Join(errs...)
}

// goneOrGoing reports whether a removal failed only because the resource
// is gone already, or another sweeper (a second hatest run starting at the
// same moment) is removing it now.
func goneOrGoing(err error) bool {
	return cerrdefs.IsNotFound(err) || cerrdefs.IsConflict(err) && strings.Contains(err.Error(), "already in progress")
}

// ping asks the engine named by the environment (DOCKER_HOST or the
// default socket) for a ping and returns its address.
func ping(ctx context.Context, timeout time.Duration) (string, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return "", fmt.Errorf("%w: %v; start dockerd or use --runtime process", runtime.ErrNoEngine, oneLine(err))
	}
	defer cli.Close()
	host := cli.DaemonHost()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return host, fmt.Errorf("%w at %s: %v; start dockerd or use --runtime process", runtime.ErrNoEngine, host, oneLine(err))
	}
	return host, nil
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

var envOnce sync.Once

// setEnv sets what testcontainers-go must see before it first reads its
// configuration (it reads it once per process).
func setEnv(host string) {
	envOnce.Do(func() {
		// Ryuk is an image; images cannot be pulled here. "1" would
		// re-enable it: the value must be exactly "true".
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
		if _, ok := os.LookupEnv("DOCKER_AUTH_CONFIG"); !ok {
			os.Setenv("DOCKER_AUTH_CONFIG", "{}")
		}
		// With /.dockerenv present testcontainers-go dials the network
		// gateway instead of the published ports on this host.
		if _, ok := os.LookupEnv("TESTCONTAINERS_HOST_OVERRIDE"); !ok && local(host) {
			os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "localhost")
		}
	})
}

func local(host string) bool {
	return host == "" || strings.HasPrefix(host, "unix://") || strings.HasPrefix(host, "npipe://")
}

var clientMu sync.Mutex

// newClient returns testcontainers-go's Docker client. Its first call in a
// process prints a banner through testcontainers-go's global logger to
// stderr; it is silenced.
func newClient(ctx context.Context) (*testcontainers.DockerClient, error) {
	clientMu.Lock()
	defer clientMu.Unlock()
	old := tclog.Default()
	tclog.SetDefault(tclog.NewNoopLogger())
	defer tclog.SetDefault(old)
	return testcontainers.NewDockerClientWithOpts(ctx)
}

// tcLogger sends testcontainers-go's chatter to w, or nowhere.
func tcLogger(w io.Writer) tclog.Logger {
	if w == nil {
		return tclog.NewNoopLogger()
	}
	return loggerFunc(func(format string, args ...any) {
		fmt.Fprintf(w, "testcontainers: %s\n", strings.TrimRight(fmt.Sprintf(format, args...), "\n"))
	})
}

type loggerFunc func(format string, args ...any)

func (f loggerFunc) Printf(format string, args ...any) { f(format, args...) }

func randomID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// proxyServer is the run's toxiproxy container.
type proxyServer struct {
	node *node
	api  *toxi.Server
	next int
}
