package analysis

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

// The phases of one member's replacement, in the order they happen.
var phaseRank = map[string]int{
	timeline.PhaseStop: 0, timeline.PhaseExited: 1, timeline.PhaseStarted: 2, timeline.PhaseReady: 3,
}

const rankReady = 3

// replacement is one member's replacement as its phase events tell it.
type replacement struct {
	member, step string
	at           [4]int64 // Unix ns of each phase, by rank
	has          [4]bool
	last         int   // the rank of the latest phase so far
	first        int64 // the earliest phase seen
}

// restarts finds every replacement of a member on the timeline (see
// docs/measurement.md, "Member restarts"): the phase events stop,
// exited, started and ready (healthy) that name the member in their
// Targets, put together by the step that emitted them. events are sorted
// by start; ws are the run's windows, gs its client groups (cs names
// their clients).
func restarts(events []timeline.Event, life []Lifecycle, ws []timeline.Window, gs []group, cs []ClientRecord, tol time.Duration, ms func(int64) float64) []result.MemberRestart {
	type key struct{ member, step string }
	var (
		found []*replacement
		open  = map[key]*replacement{}
		steps = map[string]timeline.Event{}
	)
	type item struct {
		member, step string
		rank         int
		at           int64
	}
	var items []item
	for _, e := range events {
		if e.Kind == timeline.KindStep {
			steps[e.ID] = e
		}
		r, ok := phaseRank[e.Phase]
		if !ok {
			continue
		}
		for _, m := range e.Targets {
			step := ""
			if s := ownerStep(events, m, e.Start, int64(tol)); s != nil {
				step = s.ID
			}
			items = append(items, item{m, step, r, e.Start})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.rank, b.rank)) })
	for _, it := range items {
		k := key{it.member, it.step}
		cur := open[k]
		if cur == nil || it.rank <= cur.last {
			// A phase no later in the order than the last one begins
			// the next replacement; a ready alone is none (a program
			// reports ready when it first starts too).
			if it.rank == rankReady {
				continue
			}
			cur = &replacement{member: it.member, step: it.step, first: it.at}
			open[k] = cur
			found = append(found, cur)
		}
		cur.at[it.rank], cur.has[it.rank], cur.last = it.at, true, it.rank
	}
	slices.SortStableFunc(found, func(a, b *replacement) int {
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.member, b.member))
	})

	groupOf := map[string]int{} // client name -> index in gs
	for g, gr := range gs {
		for _, i := range gr.clients {
			groupOf[cs[i].Name] = g
		}
	}
	out := make([]result.MemberRestart, 0, len(found))
	for i, r := range found {
		next := maxTime
		for _, o := range found[i+1:] {
			if o.member == r.member {
				next = o.first
				break
			}
		}
		mr := result.MemberRestart{
			Member: r.member, Step: r.step, AtMS: ms(r.first),
			StopToExitedMS:     r.phase(0, 1),
			ExitedToStartedMS:  r.phase(1, 2),
			StartedToHealthyMS: r.phase(2, 3),
			StopToHealthyMS:    r.phase(0, 3),
			Groups:             []result.RestartGroup{},
		}
		mr.From, mr.To = versionsAround(life, r.member, r.first, next)
		if s, ok := steps[r.step]; ok && (mr.From == "" || mr.To == "") {
			from, to := arrow(s.Desc)
			mr.From, mr.To = cmp.Or(mr.From, from), cmp.Or(mr.To, to)
		}
		all := []int64{}
		per := make([][]int64, len(gs))
		if r.step != "" {
			for _, w := range ws {
				if w.ProbeLag || !slices.Contains(w.Causes, r.step) {
					continue
				}
				all = append(all, w.End-w.Start)
				if g, ok := groupOf[w.Client]; ok {
					per[g] = append(per[g], w.End-w.Start)
				}
			}
		}
		mr.Windows = len(all)
		mr.MaxWindowMS, mr.P99WindowMS = stepFigures(r.step, all)
		for g, gr := range gs {
			rg := result.RestartGroup{Group: gr.name, Windows: len(per[g])}
			rg.MaxWindowMS, rg.P99WindowMS = stepFigures(r.step, per[g])
			mr.Groups = append(mr.Groups, rg)
		}
		out = append(out, mr)
	}
	return out
}

const maxTime = int64(^uint64(0) >> 1)

// phase is the time from phase a to phase b in ms; -1 when either was not
// reported, or b came before a (which no measured phase does).
func (r *replacement) phase(a, b int) float64 {
	if !r.has[a] || !r.has[b] || r.at[b] < r.at[a] {
		return msd(timeline.Unknown)
	}
	return float64(r.at[b]-r.at[a]) / 1e6
}

// stepFigures are the longest and the p99 of the windows a step caused;
// -1 and -1 when the step is unknown (no window can be put down to it).
func stepFigures(step string, lens []int64) (float64, float64) {
	if step == "" {
		return msd(timeline.Unknown), msd(timeline.Unknown)
	}
	return maxP99(lens)
}

// ownerStep is the step that emitted a phase event of member at t: the
// innermost plan step (latest start, then shortest) that names member in
// its Targets and spans t, or, when none spans it exactly, one that does
// within tol. Nil when there is none.
func ownerStep(events []timeline.Event, member string, t, tol int64) *timeline.Event {
	pick := func(tol int64) *timeline.Event {
		var best *timeline.Event
		for i := range events {
			e := &events[i]
			if e.Kind != timeline.KindStep || e.Idle || !slices.Contains(e.Targets, member) || t < e.Start-tol || t > e.End+tol {
				continue
			}
			if best == nil || e.Start > best.Start || (e.Start == best.Start && e.End-e.Start < best.End-best.Start) {
				best = e
			}
		}
		return best
	}
	if e := pick(0); e != nil {
		return e
	}
	return pick(tol)
}

// versionsAround is the version member ran before a replacement that began
// at from (its last lifecycle version before from) and after it (the first
// at from or later, before the member's next replacement begins at next);
// "" for either when the lifecycle does not say.
func versionsAround(life []Lifecycle, member string, from, next int64) (before, after string) {
	var bt, at int64
	for _, e := range life {
		if e.Node != member || e.Version == "" || !versionKind(e.Kind) {
			continue
		}
		switch {
		case e.Time < from && (before == "" || e.Time >= bt):
			before, bt = e.Version, e.Time
		case e.Time >= from && e.Time < next && (after == "" || e.Time < at):
			after, at = e.Version, e.Time
		}
	}
	return before, after
}

// versionKind says whether a lifecycle event of this kind says what
// version a node runs (as the version lane reads them).
func versionKind(kind string) bool {
	switch kind {
	case "started", "restarted", "upgrade-done", "promoted", "demoted", "rolled-back", KindReady:
		return true
	}
	return false
}

var arrowRE = regexp.MustCompile(`(\S+)\s*(?:->|→)\s*(\S+)`)

// arrow is "v1" and "v2" of a step description such as "upgrade e1 v1 ->
// v2 ..." (or with →); "" and "" when it has no arrow.
func arrow(desc string) (from, to string) {
	m := arrowRE.FindStringSubmatch(desc)
	if m == nil {
		return "", ""
	}
	return m[1], strings.TrimRight(m[2], ",;:.)")
}
