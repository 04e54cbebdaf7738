package timeline

import (
	"slices"
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

// Failovers decomposes the outage of every step or fault that is the
// primary cause (Causes[0]) of at least one window, in event order. A
// recovery-tail window (Window.Tail) does not count: it began after E had
// ended and the member had recovered, so it is a later outage of its own,
// not part of E's failover. For such an event E, with R the latest End of
// the windows it caused:
//
//   - detect D: the first PhaseDetect event starting in [E.Start, R]; for a
//     step (planned: the system did it itself) with none, D = E.Start.
//   - ready Y: the first PhaseReady event starting in [D, R+DefaultTolerance]
//     (from E.Start when D is unknown); a Y after R is taken as R (the
//     system's own report of readiness can lag the clients' first answer).
//   - Detect = D-E.Start, Restart = Y-D, Recover = R-Y, Total = R-E.Start.
//
// A phase event P counts for E only when it is E's: they share a target
// (an event without Targets shares every one), and no other fault or
// outage-expecting step on P's targets began after E and no later than P.
// Another replica's overlord reporting its own restart is not E's, nor is
// the kill of an upgrade that began while E, a fault on the same service,
// was held. A phase whose ends are missing is Unknown; when a window E
// caused is Open, Recover and Total are Unknown and the search for D and Y
// extends to the last event.
func Failovers(events []Event, ws []Window) []Failover {
	tol := int64(DefaultTolerance)
	var out []Failover
	for _, e := range events {
		// Only a fault, or a step that declared its outage (an upgrade, a
		// switchover), has a failover to decompose; a warm-up that was
		// running when the upgrade began does not.
		if !decomposable(e) {
			continue
		}
		caused, open := false, false
		var r int64
		for _, w := range ws {
			// A window counts for its primary cause only (Causes[0], the
			// most recent deliberate act when it began).
			if w.Tail || len(w.Causes) == 0 || w.Causes[0] != e.ID {
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
		d, dok := firstPhase(events, e, PhaseDetect, e.Start, hi)
		if !dok && e.Kind == KindStep {
			d, dok = e.Start, true
		}
		from := e.Start
		if dok {
			f.Detect = time.Duration(d - e.Start)
			from = d
		}
		y, yok := firstPhase(events, e, PhaseReady, from, readyHi)
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

// decomposable says whether e can have a failover: a fault, or a step
// that declared its outage.
func decomposable(e Event) bool {
	return e.Kind == KindFault || (e.Kind == KindStep && e.ExpectOutage)
}

// firstPhase is the earliest Start in [lo, hi] of an event with phase
// that is cause's (see owns).
func firstPhase(events []Event, cause Event, phase string, lo, hi int64) (int64, bool) {
	var t int64
	found := false
	for _, p := range events {
		if p.Phase == phase && p.Start >= lo && p.Start <= hi && (!found || p.Start < t) && owns(events, cause, p) {
			t, found = p.Start, true
		}
	}
	return t, found
}

// owns says whether phase event p is cause's: they share a target, and no
// other decomposable event sharing a target with p began after cause and
// no later than p.
func owns(events []Event, cause, p Event) bool {
	if !shareTarget(p, cause) {
		return false
	}
	for _, f := range events {
		if f.ID != cause.ID && decomposable(f) && f.Start > cause.Start && f.Start <= p.Start && shareTarget(p, f) {
			return false
		}
	}
	return true
}

// shareTarget says whether a and b act on a common part, counting an
// event without Targets as acting on everything.
func shareTarget(a, b Event) bool {
	if len(a.Targets) == 0 || len(b.Targets) == 0 {
		return true
	}
	for _, t := range a.Targets {
		if slices.Contains(b.Targets, t) {
			return true
		}
	}
	return false
}
