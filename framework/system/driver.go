package system

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/runtime"
)

// Driver is a bare driver node without an overlord, behind one proxy:
// what calibration and single-node fault scenarios use.
type Driver struct {
	Name  string
	Node  runtime.Node
	Proxy runtime.Proxy
}

// StartDriver starts a driver of sw (reference.DriverSoftware) at version
// and a proxy of the same name in front of it.
func (s *System) StartDriver(ctx context.Context, name, version string, sw runtime.Software) (*Driver, error) {
	node, err := s.start(ctx, runtime.NodeSpec{
		Name: name, Version: version, Software: sw,
		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}", "-name", name},
		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
	})
	if err != nil {
		return nil, err
	}
	px, err := s.Runtime.Proxy(ctx, name, node.Endpoint("7000"))
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", name, err)
	}
	d := &Driver{Name: name, Node: node, Proxy: px}
	s.mu.Lock()
	s.drivers = append(s.drivers, d)
	s.mu.Unlock()
	return d, nil
}
