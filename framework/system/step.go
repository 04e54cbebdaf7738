package system

import (
	"context"
	"fmt"
	"time"
)

// Step is one line of a scenario's plan: an upgrade, a fault held for a
// while, a wait. It may also implement
//
//	ExpectsOutage() bool  // windows it causes are planned
//	Kind() string         // "fault" puts it on the timeline as a fault
//	Children() []Step     // it is made of steps, each its own event
//	Sequential() bool     // those children run one after another
//	Idle() bool           // it only lets time pass: it causes no window
//	Targets() []string    // the parts of the topology it acts on
//
// Targets are names as the scenario gave them: a service ("web-1", which
// is also its node's and its proxy's name), a standby pair's secondary
// proxy ("web-1-secondary") or replication link (ReplicationLink), a
// program ("kv"), a node. Only the windows of clients with one of them on
// their path are put down to the step (timeline.Config.Paths). A step
// without the method, or whose Targets are nil, may act on anything: every
// client's windows may be put down to it.
//
// Package scenario runs steps; packages upgrade and fault make them.
type Step interface {
	Description() string
	Run(ctx context.Context, sys *System) error
}

// Sleep waits for d, or until ctx ends (then it returns ctx's error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait is a step that lets the clients run for d.
func Wait(d time.Duration) Step { return wait{d} }

type wait struct{ d time.Duration }

func (w wait) Description() string                      { return fmt.Sprintf("wait %s", w.d) }
func (w wait) Idle() bool                               { return true }
func (w wait) Run(ctx context.Context, _ *System) error { return Sleep(ctx, w.d) }
