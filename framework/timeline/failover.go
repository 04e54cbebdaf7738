package timeline

import (
	"time"
)

// Unknown marks a failover phase that could not be measured because the
// system under test reported no event for it, or the outage never ended.
// Known phases are never negative.
const Unknown = -time.Millisecond

// Failover splits the outage one step or fault caused into phases:
//
//	E.Start        detect         ready          recovered
//	   |-- Detect --|-- Restart ---|-- Recover ---|
//	   |------------------- Total ----------------|
//
// Detect + Restart + Recover = Total whenever all four are known.
type Failover struct {
	Cause   string        // the step or fault ID
	Detect  time.Duration // E.Start to the system noticing (0 for a step it was not told of)
	Restart time.Duration // noticing to a driver ready again
	Recover time.Duration // ready to the first good answer of the last client to recover
	Total   time.Duration // E.Start to the first good answer of the last client to recover
}

// Failovers decomposes the outage of every step or fault that caused at
// least one window (it is among the window's Causes), in event order. For
// such an event E, with R the latest End of the windows it caused:
//
//   - detect D: the first PhaseDetect event starting in [E.Start, R]; for a
//     step (planned: the system did it itself) with none, D = E.Start.
//   - ready Y: the first PhaseReady event starting in [D, R+DefaultTolerance]
//     (from E.Start when D is unknown); a Y after R is taken as R (the
//     system's own report of readiness can lag the clients' first answer).
//   - Detect = D-E.Start, Restart = Y-D, Recover = R-Y, Total = R-E.Start.
//
// A phase whose ends are missing is Unknown; when a window E caused is
// Open, Recover and Total are Unknown and the search for D and Y extends to
// the last event.
func Failovers(events []Event, ws []Window) []Failover {
	tol := int64(DefaultTolerance)
	var out []Failover
	for _, e := range events {
		// Only a fault, or a step that declared its outage (an upgrade, a
		// switchover), has a failover to decompose; a warm-up that was
		// running when the upgrade began does not.
		if e.Kind != KindFault && !(e.Kind == KindStep && e.ExpectOutage) {
			continue
		}
		caused, open := false, false
		var r int64
		for _, w := range ws {
			// A window counts for its primary cause only (Causes[0], the
			// most recent deliberate act when it began).
			if len(w.Causes) == 0 || w.Causes[0] != e.ID {
				continue
			}
			if !caused || w.End > r {
				r = w.End
			}
			caused = true
			open = open || w.Open
		}
		if !caused {
			continue
		}
		r = max(r, e.Start)
		hi, readyHi := r, r+tol
		if open {
			hi, readyHi = maxInt64, maxInt64
		}
		f := Failover{Cause: e.ID, Detect: Unknown, Restart: Unknown, Recover: Unknown, Total: Unknown}
		d, dok := firstPhase(events, PhaseDetect, e.Start, hi)
		if !dok && e.Kind == KindStep {
			d, dok = e.Start, true
		}
		from := e.Start
		if dok {
			f.Detect = time.Duration(d - e.Start)
			from = d
		}
		y, yok := firstPhase(events, PhaseReady, from, readyHi)
		if yok && !open {
			y = min(y, r)
		}
		if dok && yok {
			f.Restart = time.Duration(y - d)
		}
		if !open {
			f.Total = time.Duration(r - e.Start)
			if yok {
				f.Recover = time.Duration(r - y)
			}
		}
		out = append(out, f)
	}
	return out
}

const maxInt64 = int64(^uint64(0) >> 1)

// firstPhase is the earliest Start in [lo, hi] of an event with phase.
func firstPhase(events []Event, phase string, lo, hi int64) (int64, bool) {
	var t int64
	found := false
	for _, e := range events {
		if e.Phase == phase && e.Start >= lo && e.Start <= hi && (!found || e.Start < t) {
			t, found = e.Start, true
		}
	}
	return t, found
}
