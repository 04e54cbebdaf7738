package system

import (
	"context"
	"fmt"

	"github.com/hatest/hatest/framework/runtime"
	"github.com/hatest/hatest/framework/timeline"
)

// Driver is a bare driver node without an overlord, behind one proxy:
// what calibration and single-node fault scenarios use.
type Driver struct {
	name  string
	Node  runtime.Node
	Proxy runtime.Proxy
}

// Name is the driver's name: its node's and its proxy's.
func (d *Driver) Name() string { return d.name }

// Addrs is the proxy's address.
func (d *Driver) Addrs() []string { return []string{d.Proxy.Endpoint().Internal} }

// Links is the proxy in front of the driver.
func (d *Driver) Links() []runtime.Proxy { return []runtime.Proxy{d.Proxy} }

// Path is the driver alone.
func (d *Driver) Path() []string { return []string{d.name} }

// Nodes is the driver's node.
func (d *Driver) Nodes() []runtime.Node { return []runtime.Node{d.Node} }

// Upgrade restarts the driver at version on its data (the runtime's
// Restart: SIGTERM, then the new program); a bare driver has no one to
// take its clients meanwhile.
func (d *Driver) Upgrade(ctx context.Context, version string, _ Replacement) ([]timeline.Event, error) {
	if err := d.Node.Restart(ctx, version); err != nil {
		return nil, fmt.Errorf("upgrade %s to %s: %w", d.name, version, err)
	}
	return nil, nil
}

// StartDriver starts a driver of sw (reference.DriverSoftware) at version
// and a proxy of the same name in front of it.
func (s *System) StartDriver(ctx context.Context, name, version string, sw runtime.Software) (*Driver, error) {
	node, err := s.start(ctx, runtime.NodeSpec{
		Name: name, Version: version, Software: sw,
		Args:  []string{"-listen", "${LISTEN:7000}", "-data", "${DATA}", "-name", name},
		Ports: []string{"7000"}, Ready: "7000", DataDir: true,
	}, true)
	if err != nil {
		return nil, err
	}
	px, err := s.Runtime.Proxy(ctx, name, node.Endpoint("7000"))
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", name, err)
	}
	d := &Driver{name: name, Node: node, Proxy: px}
	if err := s.add(d); err != nil {
		return nil, err
	}
	return d, nil
}
