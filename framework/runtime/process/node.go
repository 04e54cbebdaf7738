//go:build unix

package process

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hatest/hatest/framework/runtime"
)

const (
	// defaultReadyTimeout applies when NodeSpec.ReadyTimeout is zero.
	defaultReadyTimeout = 30 * time.Second
	// drainWait bounds how long Wait waits, after the main process has
	// exited, for its output pipes to close. Only a descendant that left
	// the process group can hold them open that long.
	drainWait = 2 * time.Second
)

// Node is a node run as a child process in its own process group. It
// implements runtime.Node. The process group is the node: signals go to
// the whole group, and when the main process exits the rest of its group
// is killed, as a container's processes die with its PID 1.
type Node struct {
	rt    *Runtime
	name  string
	spec  runtime.NodeSpec
	out   *output
	ports map[string]int // NodeSpec port -> 127.0.0.1 port; fixed for life
	dir   string         // working directory
	data  string         // ${DATA}
	files string         // the directory of NodeSpec.Files, ${FILE:..}
	args  []string       // expanded
	env   []string

	life sync.Mutex // serialises Stop and Restart

	mu      sync.Mutex
	version string
	proc    *proc // the current process
	closed  bool  // the runtime is closing: launch no more
}

// proc is one run of a node's program.
type proc struct {
	cmd     *exec.Cmd
	pid     int // also the process group's id
	started time.Time
	done    chan struct{} // closed once reaped and its output drained
	code    int           // exit code, 128+signal if killed by a signal
	gone    bool          // guarded by Node.mu: exited; never signal its group again
}

var _ runtime.Node = (*Node)(nil)

// Name returns the node's name.
func (n *Node) Name() string { return n.name }

// Version returns the version the node runs (or last ran).
func (n *Node) Version() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.version
}

// Endpoint returns 127.0.0.1:<port> as both Internal and External for a
// port named in NodeSpec.Ports, and the zero Endpoint for any other. The
// address stays the same across Restart.
func (n *Node) Endpoint(port string) runtime.Endpoint {
	host, ok := n.ports[port]
	if !ok {
		return runtime.Endpoint{}
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(host))
	return runtime.Endpoint{Internal: addr, External: addr}
}

// PID returns the pid of the node's current main process, which is also
// its process group id, or 0 if none was started.
func (n *Node) PID() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.proc == nil {
		return 0
	}
	return n.proc.pid
}

// DataDir returns the directory that "${DATA}" stands for. It survives
// Restart and is removed by the runtime's Close.
func (n *Node) DataDir() string { return n.data }

// Logs returns what the node wrote to the streams that NodeSpec.Stdout and
// Stderr did not take, across restarts.
func (n *Node) Logs() io.Reader { return n.out.Logs() }

func (n *Node) current() *proc {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.proc
}

// Signal sends sig to the node's process group.
func (n *Node) Signal(ctx context.Context, sig syscall.Signal) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.proc
	if p == nil || p.gone {
		return fmt.Errorf("signal %s %s: %w", n.name, sigName(sig), ErrNotRunning)
	}
	if err := killGroup(p.pid, sig); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			err = ErrNotRunning
		}
		return fmt.Errorf("signal %s %s: %w", n.name, sigName(sig), err)
	}
	if sig == syscall.SIGSTOP {
		// kill(2) returns before the stop takes effect; wait until the
		// main process is stopped, so that "paused" means paused and an
		// injected stall begins when Signal returns.
		waitStopped(p.pid, time.Second)
	}
	return nil
}

// waitStopped polls /proc until pid is in the stopped state, up to limit.
func waitStopped(pid int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return // not Linux, or gone: nothing to wait for
		}
		// The state follows the command name, which is in parentheses.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && (b[i+2] == 'T' || b[i+2] == 't') {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// Pause stops every process of the node with SIGSTOP.
func (n *Node) Pause(ctx context.Context) error { return n.Signal(ctx, syscall.SIGSTOP) }

// Resume continues every process of the node with SIGCONT.
func (n *Node) Resume(ctx context.Context) error { return n.Signal(ctx, syscall.SIGCONT) }

// send signals p's group if p is still the node's running process.
func (n *Node) send(p *proc, sig syscall.Signal) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.proc == p && !p.gone {
		_ = killGroup(p.pid, sig)
	}
}

// Stop sends SIGTERM (and SIGCONT, so that a paused node gets it) to the
// node's process group, waits up to grace for the main process to exit,
// then sends SIGKILL. Stopping a node that is not running does nothing.
// If ctx ends during the grace period the node is killed at once.
func (n *Node) Stop(ctx context.Context, grace time.Duration) error {
	n.life.Lock()
	defer n.life.Unlock()
	if err := n.stop(ctx, grace); err != nil {
		return fmt.Errorf("stop %s: %w", n.name, err)
	}
	return nil
}

// stop is Stop with n.life held.
func (n *Node) stop(ctx context.Context, grace time.Duration) error {
	p := n.current()
	if p == nil {
		return nil
	}
	n.send(p, syscall.SIGTERM)
	n.send(p, syscall.SIGCONT)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return nil
	case <-t.C:
	case <-ctx.Done():
	}
	return n.kill(p)
}

// kill sends SIGCONT and SIGKILL to p's group and waits for p to be reaped.
func (n *Node) kill(p *proc) error {
	n.send(p, syscall.SIGCONT)
	n.send(p, syscall.SIGKILL)
	select {
	case <-p.done:
		return nil
	case <-time.After(killWait):
		return fmt.Errorf("pid %d did not exit %v after SIGKILL", p.pid, killWait)
	}
}

// Wait blocks until the node's current main process exits and returns its
// exit code: 128+n if signal n killed it (137 for SIGKILL), as Docker and
// shells report it. It returns once the process's output is written out.
func (n *Node) Wait(ctx context.Context) (int, error) {
	p := n.current()
	if p == nil {
		return -1, fmt.Errorf("wait %s: %w", n.name, ErrNotRunning)
	}
	select {
	case <-p.done:
		return p.code, nil
	case <-ctx.Done():
		return -1, fmt.Errorf("wait %s: %w", n.name, context.Cause(ctx))
	}
}

// Restart stops the node's process group as Stop does, with the runtime's
// restart grace (WithRestartGrace): SIGTERM, then SIGKILL if the main
// process has not exited by then, as the Docker runtime stops a container.
// Then it puts NodeSpec.Files again as they were first given, whatever the
// old program did to them, and starts the program at version with the
// same name, ports, data directory, files, arguments and environment, and
// waits until it is ready.
// Endpoints do not change. The new version's binary is resolved before
// anything is stopped.
func (n *Node) Restart(ctx context.Context, version string) error {
	n.life.Lock()
	defer n.life.Unlock()
	exe, err := n.rt.binary(ctx, n.spec.Software, version)
	if err != nil {
		return fmt.Errorf("restart %s at %s: %w", n.name, version, err)
	}
	began := time.Now()
	if err := n.stop(ctx, n.rt.cfg.restartGrace); err != nil {
		return fmt.Errorf("restart %s at %s: %w", n.name, version, err)
	}
	if err := waitPortsFree(ctx, n.ports); err != nil {
		return fmt.Errorf("restart %s at %s: %w", n.name, version, err)
	}
	if err := n.putFiles(); err != nil {
		return fmt.Errorf("restart %s at %s: %w", n.name, version, err)
	}
	p, err := n.launch(exe, version)
	if err != nil {
		return fmt.Errorf("restart %s at %s: %w", n.name, version, err)
	}
	if err := n.waitReady(ctx, p); err != nil {
		return fmt.Errorf("restart %s at %s: %w", n.name, version, err)
	}
	n.rt.logf("%s restarted at %s in %v (pid %d)", n.name, version, time.Since(began).Round(time.Millisecond), p.pid)
	return nil
}

// putFiles makes the node's files directory hold NodeSpec.Files and
// nothing else, each file with mode 0644, before the program starts. A
// node without Files has no such directory.
func (n *Node) putFiles() error {
	if err := os.RemoveAll(n.files); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if len(n.spec.Files) == 0 {
		return nil
	}
	if err := os.Mkdir(n.files, 0o755); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	for name, content := range n.spec.Files {
		p := filepath.Join(n.files, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return fmt.Errorf("file %s: %w", name, err)
		}
		if err := os.Chmod(p, 0o644); err != nil { // whatever the umask
			return fmt.Errorf("file %s: %w", name, err)
		}
	}
	return nil
}

// launch starts the program exe as the node's process.
func (n *Node) launch(exe, version string) (*proc, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, ErrClosed
	}
	n.out.resetTail()
	var cmd *exec.Cmd
	for attempt := 0; ; attempt++ {
		cmd = exec.Command(exe, n.args...)
		cmd.Dir = n.dir
		cmd.Env = n.env
		cmd.Stdout = stream{o: n.out, w: n.spec.Stdout}
		cmd.Stderr = stream{o: n.out, w: n.spec.Stderr}
		cmd.SysProcAttr = sysProcAttr()
		cmd.WaitDelay = drainWait
		err := cmd.Start()
		if err == nil {
			break
		}
		// A binary just copied may still be open for writing in a child
		// that another goroutine is forking; that passes.
		if errors.Is(err, syscall.ETXTBSY) && attempt < 50 {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		return nil, fmt.Errorf("exec %s: %w", exe, err)
	}
	p := &proc{cmd: cmd, pid: cmd.Process.Pid, started: time.Now(), done: make(chan struct{})}
	n.proc = p
	n.version = version
	go n.reap(p)
	return p, nil
}

// reap waits for p's main process. On Linux it first waits without
// reaping and kills what is left of the group while the pid, and so the
// group id, is still held by the zombie; then it reaps and drains output.
func (n *Node) reap(p *proc) {
	zombie := waitExited(p.pid)
	if zombie {
		n.mu.Lock()
		p.gone = true
		_ = killGroup(p.pid, syscall.SIGKILL)
		n.mu.Unlock()
	}
	err := p.cmd.Wait()
	if !zombie {
		n.mu.Lock()
		p.gone = true
		n.mu.Unlock()
	}
	p.code = exitCode(p.cmd.ProcessState)
	if err != nil && errors.Is(err, exec.ErrWaitDelay) {
		n.rt.logf("%s: output still open %v after exit; a descendant left the process group", n.name, drainWait)
	}
	n.rt.logf("%s (pid %d) exited with code %d", n.name, p.pid, p.code)
	close(p.done)
}

func exitCode(ps *os.ProcessState) int {
	if ps == nil {
		return -1
	}
	if c := ps.ExitCode(); c >= 0 {
		return c
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return -1
}

// shut marks the node closed and kills its group; the caller waits on the
// returned process.
func (n *Node) shut() *proc {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closed = true
	p := n.proc
	if p != nil && !p.gone {
		_ = killGroup(p.pid, syscall.SIGCONT)
		_ = killGroup(p.pid, syscall.SIGKILL)
	}
	return p
}

var readyClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}

// waitReady polls the node's Ready port (and ReadyHTTP path) until it
// answers, the process exits, or the ready timeout or ctx ends.
func (n *Node) waitReady(ctx context.Context, p *proc) error {
	if n.spec.Ready == "" {
		return nil
	}
	timeout := n.spec.ReadyTimeout
	if timeout <= 0 {
		timeout = defaultReadyTimeout
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := n.Endpoint(n.spec.Ready).Internal
	what := "tcp " + addr
	if n.spec.ReadyHTTP != "" {
		what = "http://" + addr + n.spec.ReadyHTTP
	}
	interval := 5 * time.Millisecond
	var last error
	for {
		select {
		case <-p.done:
			return n.notReady(fmt.Errorf("exited with code %d after %v", p.code, time.Since(p.started).Round(time.Millisecond)))
		default:
		}
		if last = n.probe(rctx, addr); last == nil {
			return nil
		}
		select {
		case <-p.done:
			return n.notReady(fmt.Errorf("exited with code %d after %v", p.code, time.Since(p.started).Round(time.Millisecond)))
		case <-rctx.Done():
			if err := ctx.Err(); err != nil {
				return n.notReady(fmt.Errorf("waiting for %s: %w", what, context.Cause(ctx)))
			}
			return n.notReady(fmt.Errorf("%s not ready after %v (last check: %v)", what, timeout, last))
		case <-time.After(interval):
			interval = min(interval*5/4, 25*time.Millisecond)
		}
	}
}

func (n *Node) probe(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	c.Close()
	if n.spec.ReadyHTTP == "" {
		return nil
	}
	hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(hctx, http.MethodGet, "http://"+addr+n.spec.ReadyHTTP, nil)
	if err != nil {
		return err
	}
	resp, err := readyClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", n.spec.ReadyHTTP, resp.Status)
	}
	return nil
}

// notReady wraps runtime.ErrNotReady with the reason and the node's last
// log lines.
func (n *Node) notReady(reason error) error {
	lines := n.out.Tail(tailLines)
	if len(lines) == 0 {
		return fmt.Errorf("%w: %w; no output", runtime.ErrNotReady, reason)
	}
	what := "last line"
	if len(lines) > 1 {
		what = fmt.Sprintf("last %d lines", len(lines))
	}
	return fmt.Errorf("%w: %w; %s of output:\n\t%s", runtime.ErrNotReady, reason, what, strings.Join(lines, "\n\t"))
}

func sigName(sig syscall.Signal) string {
	if s := unix.SignalName(sig); s != "" {
		return s
	}
	return "signal " + strconv.Itoa(int(sig))
}
