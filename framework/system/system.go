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

	mu        sync.Mutex
	overlords map[string]*Overlord
	drivers   []*Driver
	clients   []*Client
	services  []*Service
	clusters  map[string][]string // member names by cluster name
	nodes     []runtime.Node
}

// New returns an empty system on rt. Progress lines go to log.
func New(rt runtime.Runtime, log io.Writer) *System {
	if log == nil {
		log = io.Discard
	}
	return &System{Runtime: rt, Log: log, overlords: map[string]*Overlord{}}
}

// Overlord returns the overlord service named name, or nil.
func (s *System) Overlord(name string) *Overlord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.overlords[name]
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
// ready, so its logs can be kept.
func (s *System) start(ctx context.Context, spec runtime.NodeSpec) (runtime.Node, error) {
	n, err := s.Runtime.Start(ctx, spec)
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

// Proxy returns the proxy or link named name (an overlord service's name,
// name+"-secondary", or a standby pair's name+"-replication"), or nil.
func (s *System) Proxy(name string) runtime.Proxy {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.overlords {
		for _, p := range o.Proxies {
			if p.Name() == name {
				return p
			}
		}
		if o.Replication != nil && o.Replication.Name() == name {
			return o.Replication
		}
	}
	for _, d := range s.drivers {
		if d.Proxy.Name() == name {
			return d.Proxy
		}
	}
	for _, v := range s.services {
		if v.Spec.Name == name {
			return v.Proxy
		}
	}
	return nil
}
