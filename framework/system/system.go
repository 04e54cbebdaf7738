package system

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/hatest/hatest/framework/runtime"
)

// System is the running system under test of one scenario.
type System struct {
	Runtime runtime.Runtime
	Log     io.Writer // progress lines for the person running the scenario
	Events  Recorder

	mu       sync.Mutex
	services map[string]Service // every kind, by name (service.go)
	order    []string           // their names, in start order
	clients  []*Client
	clusters map[string][]string // member names by cluster name
	nodes    []runtime.Node
	rounds   int // read-back rounds asked for (readback.go)
	exits    int // unexpected exits seen (exits.go)

	// watching ends the watch on the nodes' exits (StopWatching).
	watching     context.Context
	stopWatching context.CancelFunc
}

// New returns an empty system on rt. Progress lines go to log.
func New(rt runtime.Runtime, log io.Writer) *System {
	if log == nil {
		log = io.Discard
	}
	ctx, stop := context.WithCancel(context.Background())
	return &System{Runtime: rt, Log: log, services: map[string]Service{}, watching: ctx, stopWatching: stop}
}

// Overlord returns the overlord service named name, or nil.
func (s *System) Overlord(name string) *Overlord {
	o, _ := s.Service(name).(*Overlord)
	return o
}

// Clients returns every client started so far.
func (s *System) Clients() []*Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Client(nil), s.clients...)
}

// Nodes returns every node started so far, in start order.
func (s *System) Nodes() []runtime.Node {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]runtime.Node(nil), s.nodes...)
}

// start starts a node and remembers it even when it failed to become
// ready, so its logs can be kept. A node of the system under test is
// watched for exits nothing asked for (exits.go); a client is not.
func (s *System) start(ctx context.Context, spec runtime.NodeSpec, watch bool) (runtime.Node, error) {
	n, err := s.Runtime.Start(ctx, spec)
	if n != nil && err == nil && watch {
		n = s.watch(n)
	}
	if n != nil {
		s.mu.Lock()
		s.nodes = append(s.nodes, n)
		s.mu.Unlock()
	}
	// Both runtimes' errors begin "start <name>: " already.
	return n, err
}

func (s *System) logf(format string, args ...any) {
	fmt.Fprintf(s.Log, format+"\n", args...)
}
