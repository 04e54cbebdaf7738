package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/runtime"
)

// Exit codes besides 0 and 1.
const (
	exitUsage       = 2
	exitUnsupported = 3
)

// request is what apply takes.
type request struct {
	runtime.NetFault
	// Self is the node's address on the run network.
	Self string
}

// usageError is bad input: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = "usage: netfault wait | apply JSON | heal ID | probe KIND | dial ADDR [TIMEOUT]"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	err := command(args, stdout)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, err)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, runtime.ErrUnsupported): // what this kernel cannot do
		return exitUnsupported
	}
	return 1
}

func command(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	arity := map[string][2]int{"wait": {0, 0}, "apply": {1, 1}, "heal": {1, 1}, "probe": {1, 1}, "dial": {1, 2}}
	n, ok := arity[args[0]]
	if !ok || len(args)-1 < n[0] || len(args)-1 > n[1] {
		return usageError{usage}
	}
	switch args[0] {
	case "wait":
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
		<-ch
		return nil
	case "apply":
		id, at, err := apply(args[1])
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, id, at.Sent.UnixNano(), at.Acked.UnixNano())
		return nil
	case "heal":
		at, err := heal(args[1])
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, at.Sent.UnixNano(), at.Acked.UnixNano())
		return nil
	case "probe":
		kind := runtime.NetKind(args[1])
		if !kind.Netem() {
			return usageError{fmt.Sprintf("probe %q: only the netem kinds (delay, reorder, duplicate) need a probe", kind)}
		}
		return probeNetem()
	default:
		timeout := 2 * time.Second
		if len(args) == 3 {
			d, err := time.ParseDuration(args[2])
			if err != nil {
				return usageError{fmt.Sprintf("dial timeout %q: %v", args[2], err)}
			}
			timeout = d
		}
		line, err := dial(args[1], timeout)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, line)
		return nil
	}
}

// apply applies the fault that js describes and returns its ID and when
// the kernel took it: after Sent, by Acked.
func apply(js string) (string, runtime.Span, error) {
	var req request
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return "", runtime.Span{}, usageError{fmt.Sprintf("apply: bad fault: %v", err)}
	}
	if err := req.Validate(); err != nil {
		return "", runtime.Span{}, usageError{"apply: " + err.Error()}
	}
	switch req.Kind {
	case runtime.NetCut, runtime.NetLoss:
		peers := make([]netip.Addr, len(req.Peers))
		for i, p := range req.Peers {
			a, err := netip.ParseAddr(p)
			if err != nil {
				return "", runtime.Span{}, usageError{fmt.Sprintf("apply: peer %q is not an IP address", p)}
			}
			peers[i] = a
		}
		rules, err := buildRules(req.NetFault, peers)
		if err != nil {
			return "", runtime.Span{}, usageError{"apply: " + err.Error()}
		}
		id := newID()
		at, err := applyTable(id, rules)
		return id, at, err
	default:
		self, err := netip.ParseAddr(req.Self)
		if err != nil {
			return "", runtime.Span{}, usageError{fmt.Sprintf("apply: Self %q is not an IP address", req.Self)}
		}
		return applyQdisc(req.NetFault, self)
	}
}

// heal removes the fault id and returns when the kernel took that.
func heal(id string) (runtime.Span, error) {
	if dev, ok := strings.CutPrefix(id, qdiscPrefix); ok {
		return healQdisc(dev)
	}
	if _, err := hex.DecodeString(id); err != nil || id == "" {
		return runtime.Span{}, usageError{fmt.Sprintf("heal: %q is no fault ID", id)}
	}
	return healTable(id)
}

func newID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// dial connects to addr from this namespace, sends "ping" and returns
// the line that comes back: a diagnostic that makes traffic from inside a
// node, which the node's own program may not. The error says how long the
// attempt took.
func dial(addr string, timeout time.Duration) (string, error) {
	start := time.Now()
	fail := func(err error) (string, error) {
		ms := strconv.FormatInt(time.Since(start).Milliseconds(), 10)
		return "", fmt.Errorf("dial %s: %w (after %s ms)", addr, err, ms)
	}
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return fail(err)
	}
	defer c.Close()
	_ = c.SetDeadline(start.Add(timeout))
	if _, err := io.WriteString(c, "ping\n"); err != nil {
		return fail(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fail(err)
	}
	return strings.TrimSpace(line), nil
}
