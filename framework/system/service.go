package system

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/timeline"
)

// Service is one service of the topology, whatever runs it: the
// reference overlord and its drivers (*Overlord), a program or a cluster
// member of your own (*Program), a bare driver (*Driver). The System keeps
// every service in one map, by name; steps, faults and the runner ask it
// through this interface, so that a new kind of service is one new type.
type Service interface {
	// Name is the service's name: its node's and its client proxy's.
	Name() string
	// Addrs is where its clients send, as their network sees them: its
	// proxies' addresses.
	Addrs() []string
	// Links are the proxies and links in front of it, which network
	// faults reach by name.
	Links() []runtime.Proxy
	// Path is what a client of the service depends on: the names steps
	// and faults must touch to cause its windows (timeline.Config.Paths).
	Path() []string
	// Nodes are the nodes it runs in, whose logs are kept.
	Nodes() []runtime.Node
	// Upgrade moves it to version the way this kind of service is
	// upgraded (how applies to services hatest replaces itself) and
	// returns what it puts on the timeline.
	Upgrade(ctx context.Context, version string, how Replacement) ([]timeline.Event, error)
}

// Service returns the service named name, of whatever kind, or nil.
func (s *System) Service(name string) Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services[name]
}

// Services returns every service started so far, in start order.
func (s *System) Services() []Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Service, len(s.order))
	for i, n := range s.order {
		out[i] = s.services[n]
	}
	return out
}

// Proxy returns the proxy or link named name (a service's name, a standby
// pair's name+"-secondary" or name+"-replication"), or nil.
func (s *System) Proxy(name string) runtime.Proxy {
	for _, v := range s.Services() {
		for _, p := range v.Links() {
			if p.Name() == name {
				return p
			}
		}
	}
	return nil
}

// add registers a started service under its name: the one place that
// refuses a second service of one name.
func (s *System) add(v Service) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.services == nil {
		s.services = map[string]Service{}
	}
	if _, ok := s.services[v.Name()]; ok {
		return fmt.Errorf("start service %s: the topology already has a service of that name", v.Name())
	}
	s.services[v.Name()] = v
	s.order = append(s.order, v.Name())
	return nil
}
