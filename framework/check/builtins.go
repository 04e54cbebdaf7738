package check

import (
	"fmt"
	"strings"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// Builtins are the rules every scenario gets, before its own: the op log
// is whole, and the probe kept its schedule. Either makes a run INVALID,
// never FAILED: they judge the measurement, not the system.
func Builtins() []Rule { return []Rule{OpLogComplete(), ProbeKeptSchedule()} }

// OpLogComplete is INVALID when hatest recorded a different number of ops
// than a client says it sent, when a client never said, or when a line of
// its op log could not be parsed: a gap in the record is never silent,
// and numbers with a gap cannot be trusted.
func OpLogComplete() Rule {
	return Rule{Name: "op log complete: every client's ops recorded", Judge: func(s *result.Scenario) (Outcome, string) {
		var bad []string
		for _, c := range s.Clients {
			if len(c.BadLines) > 0 {
				bad = append(bad, fmt.Sprintf("client %s wrote %d op-log lines hatest could not read, first: %s", c.Name, len(c.BadLines), c.BadLines[0]))
			}
			switch {
			case c.Reported < 0:
				bad = append(bad, fmt.Sprintf("client %s never reported its totals (recorded %d ops)", c.Name, c.Ops))
			case c.Reported != c.Ops:
				bad = append(bad, fmt.Sprintf("client %s says it sent %d ops but %d were recorded", c.Name, c.Reported, c.Ops))
			}
		}
		if len(bad) > 0 {
			return Invalid, "op log incomplete: " + strings.Join(bad, "; ")
		}
		return Pass, fmt.Sprintf("all %d clients' op logs are complete", len(s.Clients))
	}}
}

// The schedule a probe must keep for its numbers to be trusted.
const (
	// MinScheduleRate is the least fraction of its nominal rate a client
	// must issue.
	MinScheduleRate = 0.99
)

// ProbeKeptSchedule is INVALID when a client did not keep its open-loop
// schedule, so that its windows may be its own lag rather than the
// system's:
//
//   - a client that reports its schedule (op lines with "sched",
//     Schedule.Known) issued under MinScheduleRate of its nominal rate, or
//     its schedule lag p99 is over one interval;
//   - a client that does not, but whose interval is known, issued under
//     MinScheduleRate of its nominal rate;
//   - a window is marked as the probe's own lag (Window.ProbeLag).
//
// Its message names the worst client: nominal and achieved rate, lag p99.
// A client whose interval is unknown is not judged.
func ProbeKeptSchedule() Rule {
	return Rule{Name: "probe kept its schedule", Judge: func(s *result.Scenario) (Outcome, string) {
		type judged struct {
			c     result.Client
			score float64 // > 1: behind; the larger, the worse
		}
		var worst *judged
		behind, known := 0, 0
		for _, c := range s.Clients {
			sc := c.Schedule
			if sc.IntervalMS <= 0 {
				continue
			}
			known++
			nominal := nominalRate(sc)
			// How far below the least rate, and how late, each in units of
			// its limit, to find the worst client: over 1 is behind.
			score := 0.0
			if nominal > 0 {
				score = (1 - sc.AchievedRate/nominal) / (1 - MinScheduleRate)
			}
			if sc.Known {
				score = max(score, sc.LagP99MS/sc.IntervalMS)
			}
			if sc.AchievedRate < MinScheduleRate*nominal || (sc.Known && sc.LagP99MS > sc.IntervalMS) {
				behind++
				score = max(score, 1+1e-9) // ranks above every client on time
			}
			if worst == nil || score > worst.score {
				worst = &judged{c, score}
			}
		}
		var lag []result.Window
		for _, w := range s.Windows {
			if w.ProbeLag {
				lag = append(lag, w)
			}
		}
		if worst == nil && len(lag) == 0 {
			return Pass, "no client reports its interval: schedule not judged"
		}
		var msg string
		if worst != nil {
			msg = fmt.Sprintf("worst client %s: %s", worst.c.Name, scheduleOf(worst.c.Schedule))
		}
		if behind == 0 && len(lag) == 0 {
			return Pass, fmt.Sprintf("%d of %d clients kept their schedule; %s", known, known, msg)
		}
		var parts []string
		if behind > 0 {
			parts = append(parts, fmt.Sprintf("%d of %d clients fell behind their schedule; %s", behind, known, msg))
		}
		if len(lag) > 0 {
			parts = append(parts, fmt.Sprintf("%d %s the probe's own lag, longest: %s",
				len(lag), plural(len(lag), "window is", "windows are"), describe(s, longest(lag))))
		}
		return Invalid, strings.Join(parts, "; ")
	}}
}

// nominalRate is the ops/s a schedule asks for: as reported, else one op
// per interval.
func nominalRate(sc result.Schedule) float64 {
	if sc.NominalRate > 0 {
		return sc.NominalRate
	}
	return 1000 / sc.IntervalMS
}

// scheduleOf is "nominal 1,000 ops/s, achieved 812.3 ops/s (81.23%), lag
// p99 12.5ms against an interval of 1ms".
func scheduleOf(sc result.Schedule) string {
	nominal := nominalRate(sc)
	share := 0.0
	if nominal > 0 {
		share = sc.AchievedRate / nominal
	}
	out := fmt.Sprintf("nominal %s, achieved %s (%s)", format.OpsRate(nominal), format.OpsRate(sc.AchievedRate), format.Rate(share))
	if sc.Known {
		out += fmt.Sprintf(", lag p99 %s against an interval of %s", format.MS(sc.LagP99MS), format.ExactMS(sc.IntervalMS))
	} else {
		out += fmt.Sprintf(", interval %s, lag unknown (no sched in its op lines)", format.ExactMS(sc.IntervalMS))
	}
	return out
}
