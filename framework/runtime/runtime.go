package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// Runtime starts nodes and proxies for one run and removes all of them on
// Close. Implementations: runtime/docker (containers) and runtime/process
// (local child processes with an embedded toxiproxy).
type Runtime interface {
	Name() string // "docker" or "process"
	// Start starts a node and waits until it is ready. It returns the node
	// even on error (when one was created) so that the caller can read its
	// logs; Close removes it either way.
	Start(ctx context.Context, spec NodeSpec) (Node, error)
	// Reserve fixes, before the node spec.Name starts, the address each
	// port of spec.Ports will have inside the run (Endpoint.Internal), so
	// that the arguments of other nodes, members of one cluster, can name
	// it (see ExpandMembers). Docker: "<name>:<port>", the node's alias on
	// the run network. Process: a free 127.0.0.1 port (or the one
	// spec.HostPorts pins), which Start and Restart of that node then
	// listen on. Reserving a name again returns the same addresses. On
	// the process runtime a host port that another node of the run has
	// reserved, pinned or holds is an error wrapping ErrPortInUse naming
	// both nodes; Docker checks pins only when it starts the node, and
	// names the port (a cluster's duplicate pins are refused before
	// either, by system.ClusterSpec.Validate). Close releases the
	// reservations.
	Reserve(spec NodeSpec) (map[string]string, error)
	// Proxy creates a toxiproxy proxy that forwards to upstream (an
	// Endpoint.Internal address). Clients connect to the proxy's endpoint.
	Proxy(ctx context.Context, name string, upstream Endpoint) (Proxy, error)
	// Close stops and removes every node, proxy, network and process this
	// runtime made. It is safe to call more than once.
	Close(ctx context.Context) error
}

// ProxyStarter is a Runtime whose proxies need a server of their own
// started first (Docker's toxiproxy container). The runner starts it
// beside the topology's first nodes, not after them; Proxy waits for it.
type ProxyStarter interface {
	StartProxies(ctx context.Context) error
}

// Endpoint is one listening port of a node as two parties see it.
type Endpoint struct {
	// Internal is host:port as other nodes of the run reach it: a network
	// alias on the test network in Docker, 127.0.0.1 for processes.
	Internal string
	// External is host:port as the framework on the host reaches it.
	External string
}

// Node is one running program: a driver, an overlord, a client.
type Node interface {
	Name() string
	Version() string
	// Endpoint returns the endpoint of a port named in NodeSpec.Ports.
	Endpoint(port string) Endpoint
	// Signal sends sig to the node's main process (its process group for
	// processes). SIGKILL, SIGTERM, SIGSTOP and SIGCONT are supported, and
	// SIGUSR1, which asks a probe client for a read-back round.
	Signal(ctx context.Context, sig syscall.Signal) error
	// Pause freezes every process of the node (Docker's freezer; SIGSTOP to
	// the process group for processes); Resume undoes it.
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
	// Stop sends SIGTERM, waits up to grace, then SIGKILL.
	Stop(ctx context.Context, grace time.Duration) error
	// Wait blocks until the node's main process exits and returns its exit
	// code.
	Wait(ctx context.Context) (int, error)
	// Restart replaces the node with the same identity (name, alias, data,
	// flags) at version, which may be the one it runs. The old program
	// gets SIGTERM and the runtime's restart grace (DefaultRestartGrace
	// unless set) to exit before SIGKILL. Its Endpoints, Internal and
	// External, stay the same.
	Restart(ctx context.Context, version string) error
	// Logs returns what the node wrote to stdout and stderr so far, unless
	// NodeSpec.Stdout or Stderr took them.
	Logs() io.Reader
}

// NodeSpec says what to start.
type NodeSpec struct {
	Name     string // unique within the run; also the node's network alias
	Version  string // shown in reports; picks Software.Versions[Version]
	Software Software
	// Args are the program's arguments. "${LISTEN:7000}" in an argument is
	// replaced by the address the program must listen on for port 7000, a
	// port of Ports (":7000" in a container, "127.0.0.1:<free port>" for a
	// process), "${PORT:7000}" by the port of that address and "${HOST}"
	// by its host ("0.0.0.0" in a container, "127.0.0.1" for a process),
	// "${DATA}" by the data directory (DataDir) and "${FILE:name}" by the
	// path of a file of Files; see ExpandArgs. The addresses of other nodes come in through
	// Reserve and ExpandMembers.
	Args []string
	Env  map[string]string
	// Ports are the ports the program listens on, by number ("7000").
	Ports []string
	// HostPorts pins ports of Ports to fixed host ports: {"7000": 17000}
	// makes Endpoint("7000").External 127.0.0.1:17000 (Docker publishes
	// the port there, a process listens there), for the node's whole life,
	// Restart included. A port not named here gets a free one. Start fails
	// with an error wrapping ErrPortInUse, naming the port, when a pinned
	// port is taken.
	HostPorts map[string]int
	// Ready is the port that accepts TCP connections once the node is
	// ready ("7000"); ReadyHTTP, if set, is a path on that port that must
	// answer 200. Empty Ready means ready once started.
	Ready        string
	ReadyHTTP    string
	ReadyTimeout time.Duration // zero means 30 s
	// Stdout and Stderr, if set, receive the node's output as it is
	// written. Otherwise the runtime keeps it for Logs.
	Stdout io.Writer
	Stderr io.Writer
	// DataDir, if set, is a directory path the node keeps across Restart
	// (a volume in Docker, a temporary directory for processes). The
	// program sees it at the same path in both runtimes: "${DATA}" in Args
	// is replaced by it, and needs it.
	DataDir bool
	// Files are small files the program reads, such as a configuration
	// file for a product that takes some settings only from a file: file
	// name -> content. Each is put, readable (mode 0644), where the program
	// can read it before it starts, and put again, the same, before every
	// Restart. "${FILE:<name>}" in Args is replaced by its path as the
	// program sees it: /hatest/files/<name> in a container, a directory
	// of the node's own in the runtime's temporary directory for a
	// process. A name is a plain file name: not empty, no '/', not "."
	// or "..".
	Files map[string]string
}

// Software is the program a node runs, in the forms a runtime can use.
// Versions maps a version name to its build.
type Software struct {
	Name     string           // "driver", "overlord", "client"; names images
	Versions map[string]Build // by version
}

// Build is one version of a program. Set one of Image, Package, Module or
// Dir.
type Build struct {
	// Image is a local image tag (Docker only). It is never pulled.
	Image string
	// Package is a Go package ("./fixtures/driver") built into a static
	// binary (CGO_ENABLED=0) with LDFlags, and for Docker put into an image
	// FROM scratch. Extra binaries are copied next to it (the overlord ships
	// every driver version it can load); they are found at the same
	// directory as the main binary.
	Package string
	LDFlags string
	Extra   map[string]Build // file name -> build; Package and Module builds only
	// Module, when set, makes this a build of a released Go program: the
	// main package Package (an import path inside Module; empty means
	// Module itself) of Module at ModuleVersion ("v2.14.10"), fetched
	// through the Go module proxy and built by build.Module in a module of
	// its own, statically. LDFlags does not apply. Docker puts it in an
	// image FROM scratch as for Package builds; the process runtime runs
	// it. Two releases of one product can so sit in one suite.
	Module        string
	ModuleVersion string
	// Dir is a directory with a Dockerfile (Docker only).
	Dir string
	// Binary is a path to an executable (process runtime only).
	Binary string
}

// Proxy is a toxiproxy proxy in front of one upstream.
type Proxy interface {
	Name() string
	Endpoint() Endpoint
	AddToxic(ctx context.Context, t Toxic) error
	RemoveToxic(ctx context.Context, name string) error
	// SetEnabled(false) closes every connection and refuses new ones: a
	// partition of the link. SetEnabled(true) heals it.
	SetEnabled(ctx context.Context, enabled bool) error
}

// Toxic is one toxiproxy toxic. Type is "latency", "bandwidth",
// "slow_close", "timeout", "reset_peer", "slicer" or "limit_data"; Stream is
// "upstream" or "downstream"; Toxicity 0 means 1.0 (always).
type Toxic struct {
	Name       string
	Type       string
	Stream     string
	Toxicity   float32
	Attributes map[string]any
}

// Errors a user will hit. Each wraps into a one-line message that names
// the thing that was wrong.
var (
	ErrNoEngine     = errors.New("no docker engine answers")
	ErrMissingImage = errors.New("image not found locally and cannot be built")
	ErrNotReady     = errors.New("node did not become ready")
	ErrPortInUse    = errors.New("port already in use")
	ErrNoBinary     = errors.New("binary not found")
)

// PortInUse is the error for a host port that is taken: it wraps
// ErrPortInUse and names port (as in NodeSpec.Ports) and the host port.
func PortInUse(port string, host int) error {
	return fmt.Errorf("port %s (127.0.0.1:%d): %w; free it or pin another host port", port, host, ErrPortInUse)
}

// DefaultRestartGrace is how long Restart, in both runtimes, lets the old
// program exit after SIGTERM before it sends SIGKILL, unless the runtime's
// WithRestartGrace option says otherwise.
const DefaultRestartGrace = 10 * time.Second

// Labels every Docker resource carries.
const (
	LabelRun = "hatest.run" // the run ID
	LabelPID = "hatest.pid" // the PID of the process that made it, for the sweep
)
