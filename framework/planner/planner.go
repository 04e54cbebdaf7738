package planner

import (
	"fmt"
	"math/rand/v2"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

// Config describes the topology and what the plan may do.
type Config struct {
	Service string // the overlord service to upgrade (not in cluster mode)
	// Versions are the compatible releases in order, oldest first. A
	// drawn plan starts at Versions[0]; a plan of the matrix (Kind)
	// starts where its kind says, N-1 or N-2 (Start). A hop may skip
	// versions (v1 -> v3) when SkipHops is set.
	Versions []string
	SkipHops bool
	// Standby: the service is a standby pair, upgraded by switchover.
	Standby bool
	// Cluster: cluster mode. The cluster of your own called Cluster, with
	// Members in their declared order (the scenario's Cluster.Names()),
	// is upgraded by a rolling upgrade of its members at each hop, and
	// its faults are below the proxy, between its members, never more
	// than its quorum survives (see Unreachable). Service and Standby are
	// not used with it.
	Cluster string
	Members []string
	// MaxFaults caps the faults inserted (default 2; below 0, none).
	MaxFaults int
	// Rehearse allows a downgrade and re-upgrade detour (v2 -> v1 -> v2)
	// in a drawn plan.
	Rehearse bool
	// Kind is the version path: Drawn (the default) draws it from the
	// seed with SkipHops and Rehearse; the others are the entries of the
	// version matrix (see Matrix), N-1 -> N, N-2 -> N, the downgrade
	// rehearsal and the rollback, and ignore SkipHops and Rehearse.
	Kind Kind
	// RollbackAt is the share of the members, in percent, that a
	// Rollback plan upgrades before it rolls them back (default 50; from
	// 1 to 100).
	RollbackAt int
	// MaxSteps bounds the plan's length, counted as its leaf steps, the
	// numbered lines `hatest plan` prints without children (default
	// DefaultMaxSteps). A plan over it loses its faults, the last first;
	// one still over it panics (see DefaultMaxSteps and "The bound" in
	// the package doc).
	MaxSteps int
}

// Plan draws a plan from r: an upgrade path from Versions[0] to the last
// version (or the path of c.Kind), faults where the rules allow them,
// waits between steps, cut to c.MaxSteps (see "The bound" in the
// package doc). It returns the steps and the version the service ends
// at. It is Draw's plan, as steps.
//
// A Config that names a cluster without members, or is both a cluster
// and a standby pair, or whose Versions its Kind cannot use (N-2 -> N
// with two versions), panics in one line: it is a mistake in the
// scenario's declaration. So does a plan over MaxSteps with no fault
// left to drop.
func Plan(r *rand.Rand, c Config) ([]step.Step, string) {
	c = settle(c)
	d := Draw(r, c)
	steps, final, err := d.steps(c, nil)
	if err != nil {
		panic("planner: " + err.Error()) // a drawn plan always builds
	}
	return steps, final
}

// Draw draws the plan Plan does, as data: the items it is made of, each
// with the parameters r gave it. Data.Build builds the steps again from
// it, and a plan file holds it (`hatest plan --json`).
func Draw(r *rand.Rand, c Config) Data {
	c = settle(c)
	moves := route(r, c)
	d := Data{Schema: Schema, Topology: topologyOf(c), Start: moves[0].from}
	nfaults := 0
	pick := func(when When) *Item {
		if nfaults >= c.MaxFaults || r.IntN(2) == 0 {
			return nil
		}
		var ok []rule
		for _, f := range faults {
			if f.when == when && f.valid(c) {
				ok = append(ok, f)
			}
		}
		if len(ok) == 0 {
			return nil
		}
		nfaults++
		it := ok[r.IntN(len(ok))].draw(r, c)
		return &it
	}
	add := func(it Item) int {
		it.ID = len(d.Items) + 1
		d.Items = append(d.Items, it)
		return it.ID
	}
	for _, m := range moves {
		if m.from == m.to {
			continue
		}
		up := Item{Kind: KindUpgrade, From: m.from, To: m.to, Move: m.name()}
		during := pick(During)
		if during != nil {
			during.LeadMS = ms(r, 200, 800).Milliseconds()
		}
		if prep, _ := c.build(m); prep != nil {
			up.PrepareMS = ms(r, 300, 800).Milliseconds()
		}
		up.AfterMS = ms(r, 300, 1000).Milliseconds()
		between := pick(Between)
		if between != nil {
			between.AfterMS = ms(r, 300, 800).Milliseconds()
		}
		id := add(up)
		if during != nil {
			during.During = id
			add(*during)
		}
		if between != nil {
			add(*between)
		}
	}
	return bound(c, d)
}

// settle checks c and fills in its defaults.
func settle(c Config) Config {
	if c.Cluster != "" && len(c.Members) == 0 {
		panic(fmt.Sprintf("planner: cluster %s has no members: give Members, e.g. the cluster's Names()", c.Cluster))
	}
	if c.Cluster != "" && c.Standby {
		panic(fmt.Sprintf("planner: %s is a cluster and a standby pair at once: set Cluster or Standby", c.Cluster))
	}
	if need := c.Kind.versions(); len(c.Versions) < need {
		panic(fmt.Sprintf("planner: a %s plan needs %d versions, Versions has %d (%v): leave the entry out (Matrix does)", c.Kind, need, len(c.Versions), c.Versions))
	}
	if c.MaxFaults == 0 {
		c.MaxFaults = 2
	}
	if c.RollbackAt == 0 {
		c.RollbackAt = 50
	}
	if c.RollbackAt < 0 || c.RollbackAt > 100 {
		panic(fmt.Sprintf("planner: RollbackAt is %d %%: give a share of the members from 1 to 100", c.RollbackAt))
	}
	if c.MaxSteps == 0 {
		c.MaxSteps = DefaultMaxSteps
	}
	if c.MaxSteps < 0 {
		panic(fmt.Sprintf("planner: MaxSteps is %d: give a bound above 0, or leave it 0 for %d", c.MaxSteps, DefaultMaxSteps))
	}
	return c
}

// A move is one hop of the plan: the topology goes from one version to
// another, all of it or (a rollback's) only some of its members.
type move struct {
	from, to string
	down     bool // to is older than from
	// partial and back are the two halves of a rollback (Rollback): the
	// upgrade of its first members, and their roll-back.
	partial, back bool
}

// name is how an item of the plan's data says which move it is.
func (m move) name() string {
	switch {
	case m.partial:
		return MovePartial
	case m.back:
		return MoveBack
	case m.down:
		return MoveDown
	}
	return MoveUp
}

// route is the plan's moves: the hops of Path, or a rollback's partial
// upgrade, its roll-back and the upgrade of all.
func route(r *rand.Rand, c Config) []move {
	if c.Kind == Rollback {
		n, n1 := last(c.Versions, 0), last(c.Versions, 1)
		return []move{{from: n1, to: n, partial: true}, {from: n, to: n1, down: true, back: true}, {from: n1, to: n}}
	}
	path := Path(r, c)
	if len(path) == 1 { // a single version: nothing to upgrade
		return []move{{from: path[0], to: path[0]}}
	}
	var out []move
	for i := 1; i < len(path); i++ {
		out = append(out, move{from: path[i-1], to: path[i], down: indexOf(c.Versions, path[i]) < indexOf(c.Versions, path[i-1])})
	}
	return out
}

// build is the step that makes move m on c's topology, and the step
// that prepares it (a standby pair's secondary), if any.
func (c Config) build(m move) (prep, up step.Step) {
	switch {
	case m.partial:
		up, _ := RollbackAt(c, m.from, m.to, c.RollbackAt)
		return nil, up
	case m.back:
		_, back := RollbackAt(c, m.to, m.from, c.RollbackAt)
		return nil, back
	case c.Cluster != "":
		// One member at a time, in declared order: the budget of a
		// fault drawn during it counts the one member it has down.
		roll := upgrade.Rolling(c.Members, m.from, m.to)
		if m.down {
			roll = roll.As("downgrade")
		}
		return nil, roll
	case c.Standby:
		// The secondary is prepared at the new version first, so the
		// switchover hands the clients to it.
		sw := step.Step(upgrade.Switchover(c.Service, m.to))
		if m.down {
			sw = switchover(c.Service, "downgrade", m.to)
		}
		return upgrade.PrepareSecondary(c.Service, m.to), sw
	case m.down:
		return nil, upgrade.Downgrade(c.Service, m.from, m.to)
	default:
		return nil, upgrade.ViaOverlord(c.Service, m.from, m.to)
	}
}

// Path draws the sequence of versions: from the first to the last of
// c.Versions, upward, with skip hops when allowed, and optionally one
// downgrade-and-re-upgrade detour. A plan of the matrix (c.Kind other
// than Drawn) has its path set and draws nothing: N-1 -> N, N-2 -> N,
// N-1 -> N -> N-1 -> N for the rehearsal, and the same for a rollback,
// whose middle N only its first members reach.
func Path(r *rand.Rand, c Config) []string {
	vs := c.Versions
	switch c.Kind {
	case Upgrade:
		return []string{last(vs, 1), last(vs, 0)}
	case SkipVersion:
		return []string{last(vs, 2), last(vs, 0)}
	case Rehearsal, Rollback:
		return []string{last(vs, 1), last(vs, 0), last(vs, 1), last(vs, 0)}
	}
	path := []string{vs[0]}
	for i := 0; i < len(vs)-1; {
		next := i + 1
		if c.SkipHops && len(vs)-1-i > 1 {
			next = i + 1 + r.IntN(len(vs)-1-i)
		}
		path = append(path, vs[next])
		if c.Rehearse && !c.Standby && r.IntN(3) == 0 {
			path = append(path, vs[i], vs[next])
			c.Rehearse = false
		}
		i = next
	}
	return path
}

// last is the version k before the last of vs: N (0), N-1 (1), N-2 (2).
func last(vs []string, k int) string { return vs[len(vs)-1-k] }

func indexOf(vs []string, v string) int {
	for i, x := range vs {
		if x == v {
			return i
		}
	}
	return -1
}
