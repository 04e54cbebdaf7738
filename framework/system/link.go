package system

import (
	"context"
	"errors"

	"github.com/hatest/hatest/framework/runtime"
)

// link is one named link made of several proxies, which every fault on it
// reaches at once. A standby pair's replication link is one: a proxy in
// front of each driver, because after a switchover the secondary
// replicates from the other one, and a fault on "the replication link"
// must follow it.
type link struct {
	name    string
	proxies []runtime.Proxy
}

var _ runtime.Proxy = (*link)(nil)

func (l *link) Name() string { return l.name }

// Proxies are the link's proxies: a fault below toxiproxy
// (fault.Blackhole) needs every one's port.
func (l *link) Proxies() []runtime.Proxy { return append([]runtime.Proxy(nil), l.proxies...) }

// Endpoint is the first proxy's; a link has no single address.
func (l *link) Endpoint() runtime.Endpoint { return l.proxies[0].Endpoint() }

func (l *link) AddToxic(ctx context.Context, t runtime.Toxic) error {
	return l.each(func(p runtime.Proxy) error { return p.AddToxic(ctx, t) })
}

func (l *link) RemoveToxic(ctx context.Context, name string) error {
	return l.each(func(p runtime.Proxy) error { return p.RemoveToxic(ctx, name) })
}

func (l *link) SetEnabled(ctx context.Context, enabled bool) error {
	return l.each(func(p runtime.Proxy) error { return p.SetEnabled(ctx, enabled) })
}

// each applies fn to every proxy, even after one fails, so that a heal
// heals as much as it can.
func (l *link) each(fn func(runtime.Proxy) error) error {
	var errs []error
	for _, p := range l.proxies {
		errs = append(errs, fn(p))
	}
	return errors.Join(errs...)
}
