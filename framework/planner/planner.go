package planner

import (
	"math/rand/v2"

	"github.com/hatest/hatest/framework/step"
	"github.com/hatest/hatest/framework/upgrade"
)

// Config describes the topology and what the plan may do.
type Config struct {
	Service string // the overlord service to upgrade
	// Versions are the compatible releases in order, oldest first; the
	// service starts at Versions[0]. A hop may skip versions (v1 -> v3)
	// when SkipHops is set.
	Versions []string
	SkipHops bool
	// Standby: the service is a standby pair, upgraded by switchover.
	Standby bool
	// MaxFaults caps the faults inserted (default 2).
	MaxFaults int
	// Rehearse allows a downgrade and re-upgrade detour (v2 -> v1 -> v2).
	Rehearse bool
}

// Plan draws a plan from r: an upgrade path from Versions[0] to the last
// version, faults where the rules allow them, waits between steps. It
// returns the steps and the version the service ends at.
func Plan(r *rand.Rand, c Config) ([]step.Step, string) {
	if c.MaxFaults == 0 {
		c.MaxFaults = 2
	}
	path := Path(r, c)
	var steps []step.Step
	nfaults := 0
	pick := func(when When) step.Step {
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
		return ok[r.IntN(len(ok))].make(r, c)
	}
	for i := 1; i < len(path); i++ {
		from, to := path[i-1], path[i]
		var up, prep step.Step
		switch {
		case c.Standby:
			// The secondary is prepared at the new version first, so the
			// switchover hands the clients to it.
			prep = upgrade.PrepareSecondary(c.Service, to)
			up = upgrade.Switchover(c.Service, to)
		case indexOf(c.Versions, to) < indexOf(c.Versions, from):
			up = upgrade.Downgrade(c.Service, from, to)
		default:
			up = upgrade.ViaOverlord(c.Service, from, to)
		}
		if f := pick(During); f != nil {
			up = step.Concurrently(f, step.Sequence(step.Wait(ms(r, 200, 800)), up))
		}
		if prep != nil {
			steps = append(steps, prep, step.Wait(ms(r, 300, 800)))
		}
		steps = append(steps, up, step.Wait(ms(r, 300, 1000)))
		if f := pick(Between); f != nil {
			steps = append(steps, f, step.Wait(ms(r, 300, 800)))
		}
	}
	return steps, path[len(path)-1]
}

// Path draws the sequence of versions: from the first to the last of
// c.Versions, upward, with skip hops when allowed, and optionally one
// downgrade-and-re-upgrade detour.
func Path(r *rand.Rand, c Config) []string {
	vs := c.Versions
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

func indexOf(vs []string, v string) int {
	for i, x := range vs {
		if x == v {
			return i
		}
	}
	return -1
}
