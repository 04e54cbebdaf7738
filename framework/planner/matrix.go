package planner

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

// Kind is the version path of a plan: drawn from the seed, or one entry
// of the version matrix. N is the last of Config.Versions, N-1 the one
// before it, N-2 the one before that.
type Kind int

const (
	// Drawn draws the path from the seed: from Versions[0] to N, with
	// skip hops and a downgrade rehearsal when SkipHops and Rehearse
	// allow them. The default.
	Drawn Kind = iota
	// Upgrade is N-1 -> N: the upgrade every release ships.
	Upgrade
	// SkipVersion is N-2 -> N in one hop, skipping N-1: the operator who
	// missed a release. It needs three versions.
	SkipVersion
	// Rehearsal is N-1 -> N -> N-1 -> N: the upgrade, a downgrade of
	// everything back to N-1 (the state N wrote read by N-1), and the
	// upgrade again.
	Rehearsal
	// Rollback is the bad canary: N-1 -> N on the first ceil(RollbackAt
	// % of the members), those rolled back to N-1 in reverse order, then
	// N-1 -> N on all (see RollbackAt).
	Rollback
)

// String is the kind's name in the matrix: "N-1 -> N", "N-2 -> N",
// "downgrade rehearsal", "rollback" (an Entry's name adds its share).
func (k Kind) String() string {
	switch k {
	case Drawn:
		return "drawn"
	case Upgrade:
		return "N-1 -> N"
	case SkipVersion:
		return "N-2 -> N"
	case Rehearsal:
		return "downgrade rehearsal"
	case Rollback:
		return "rollback"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// versions is how many versions the kind needs.
func (k Kind) versions() int {
	switch k {
	case Drawn:
		return 1
	case SkipVersion:
		return 3
	}
	return 2
}

// Entry is one entry of the version matrix: a kind of path, named.
type Entry struct {
	// Name is stable, for a scenario's name: "N-1 -> N", "N-2 -> N",
	// "downgrade rehearsal", "rollback at 50%".
	Name string
	Kind Kind
	// Start is the version to declare the topology at (N-1, or N-2 for
	// N-2 -> N); Final the version the plan ends at, N.
	Start, Final string
	// Config is the matrix's Config with Kind set.
	Config Config
}

// Plan draws the entry's plan from r: Plan(r, e.Config).
func (e Entry) Plan(r *rand.Rand) ([]step.Step, string) { return Plan(r, e.Config) }

// For is the entry's plan in scenario s, as data too: For(s, e.Config).
func (e Entry) For(s Scenario) ([]step.Step, string) { return For(s, e.Config) }

// Matrix is the version matrix of c: one entry per kind that c's
// versions and topology can give, in the order N-1 -> N, N-2 -> N,
// downgrade rehearsal, rollback. An entry they cannot give is left out,
// not faked: N-2 -> N needs three versions, and a single overlord
// service has no rollback (one member upgraded, rolled back and upgraded
// again is the downgrade rehearsal under another name). Each entry's
// steps are drawn by its Plan, from the scenario's seed, with c's faults
// and bound.
func Matrix(c Config) []Entry {
	var out []Entry
	for _, k := range []Kind{Upgrade, SkipVersion, Rehearsal, Rollback} {
		if len(c.Versions) < k.versions() || (k == Rollback && c.Cluster == "" && !c.Standby) {
			continue
		}
		e := c
		e.Kind = k
		name := k.String()
		if k == Rollback {
			name = fmt.Sprintf("rollback at %d%%", orDefault(c.RollbackAt, 50))
		}
		out = append(out, Entry{Name: name, Kind: k, Start: Start(e), Final: last(c.Versions, 0), Config: e})
	}
	return out
}

// Start is the version c's plan starts at, the version to declare the
// topology at: Versions[0] for a drawn plan, N-2 for N-2 -> N, N-1 for
// the other kinds.
func Start(c Config) string {
	switch c.Kind {
	case Drawn:
		return c.Versions[0]
	case SkipVersion:
		return last(c.Versions, 2)
	}
	return last(c.Versions, 1)
}

// RollbackAt is a rollback at percent % of the upgrade from -> to of c's
// topology, in two steps: up, the upgrade of its first ceil(percent % of
// the members) in declared order, and back, their roll-back to from in
// reverse order, the last one upgraded first. After back every member
// runs from again. Put what you like between them (a Rollback plan puts
// a wait, and a fault if one is drawn).
//
// A cluster's members are c.Members, upgraded 1 s apart as by
// upgrade.Rolling. A standby pair's are its secondary, then its primary,
// in the order a switchover upgrade takes them: up to 50 % is the
// secondary alone (prepared at to, restarted at from: the clients,
// all on the primary, should see nothing), above it the whole switchover,
// rolled back by preparing the secondary at from and switching over
// again. A single overlord service has one member, so at any percent it
// is upgraded and rolled back.
func RollbackAt(c Config, from, to string, percent int) (up, back step.Step) {
	if percent < 1 || percent > 100 {
		panic(fmt.Sprintf("planner: a rollback at %d %%: give a share of the members from 1 to 100", percent))
	}
	share := func(n int) int { return (percent*n + 99) / 100 }
	switch {
	case c.Cluster != "":
		n := len(c.Members)
		first := slices.Clone(c.Members[:share(n)])
		rev := slices.Clone(first)
		slices.Reverse(rev)
		up = named{upgrade.Rolling(first, from, to), fmt.Sprintf("rolling upgrade %s -> %s of %s only (%d of %d members: rollback at %d%%)%s",
			from, to, strings.Join(first, ", "), len(first), n, percent, apart(len(first)))}
		back = named{upgrade.Rolling(rev, to, from).As("roll back"), fmt.Sprintf("roll back %s to %s%s", strings.Join(rev, ", "), from, apart(len(rev)))}
		return up, back
	case c.Standby:
		svc := c.Service
		prepare := func(verb, v string) step.Step {
			return named{upgrade.PrepareSecondary(svc, v), fmt.Sprintf("%s %s's secondary to %s: restart it at %s, replicating from the primary", verb, svc, v, v)}
		}
		if share(2) == 1 {
			up = named{upgrade.PrepareSecondary(svc, to), fmt.Sprintf("upgrade %s's secondary only (1 of 2: rollback at %d%%): restart it at %s, replicating from the primary", svc, percent, to)}
			return up, prepare("roll back", from)
		}
		pair := step.Meta{ExpectsOutage: true, Targets: []string{svc}}
		up = step.SequenceOf(fmt.Sprintf("upgrade %s's pair to %s (2 of 2: rollback at %d%%), the secondary first%s", svc, to, percent, apart(2)), pair,
			upgrade.PrepareSecondary(svc, to), step.Wait(pause), upgrade.Switchover(svc, to))
		back = step.SequenceOf(fmt.Sprintf("roll back %s's pair to %s, the secondary first%s", svc, from, apart(2)), pair,
			prepare("roll back", from), step.Wait(pause), switchover(svc, "roll back", from))
		return up, back
	default:
		return upgrade.ViaOverlord(c.Service, from, to), upgrade.ViaOverlord(c.Service, to, from).Rollback()
	}
}

// pause is the wait between members in a rollback's halves, a rolling
// upgrade's default.
const pause = time.Second

func apart(n int) string {
	if n < 2 {
		return ""
	}
	return fmt.Sprintf(", %s apart", pause)
}

// switchover is a standby pair's switchover to a secondary at v, named
// for what it does to the old primary: "downgrade", "roll back".
func switchover(svc, verb, v string) step.Step {
	return named{upgrade.Switchover(svc, v), fmt.Sprintf("switch %s over to its secondary, then %s the old primary to %s and rejoin it as secondary", svc, verb, v)}
}

// named is a step under a description of its own: a roll-back that is,
// underneath, a prepare, a switchover or a rolling upgrade. It runs and
// says what it is (Meta, children included) as its step does.
type named struct {
	step.Step
	desc string
}

func (n named) Description() string { return n.desc }

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
