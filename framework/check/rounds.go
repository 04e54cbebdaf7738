package check

import (
	"fmt"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// RoundTrip passes when every acknowledged write was read back through its
// client's own route, found and with the value written, in every read-back
// round that began after it was acknowledged and in the read-back on stop
// (result.ReadBack, Route). It fails naming, per round, how many reads
// were wrong and the first ones: what was written, under which version and
// when, and what was read instead (missing, or another value or seq) and
// from which version. Reads whose value cannot show the write (see
// ReadBack) are not judged, and the message says how many.
//
// It is INVALID when the clients do not report values (no write or
// read-back line says one), when no client read back in a round during the
// run (rounds are taken on SIGUSR1), when no write was read after its
// acknowledgement or no value could be compared at all, or, when nothing
// failed, when acknowledged writes were not read back in a round
// (Unread): unchecked is not a pass.
func RoundTrip() Rule {
	return Rule{Name: "every acknowledged write reads back as written", Judge: measured(func(s *result.Scenario) (Outcome, string) {
		rb := s.ReadBack
		if msg := unreported(rb, true); msg != "" {
			return Invalid, msg
		}
		var fails, unread, names []string
		keys, unjudged := 0, 0
		for _, rd := range rb.Rounds {
			t := rd.Route()
			names = append(names, roundName(rd))
			keys += t.Keys
			unjudged += t.Unjudged
			if t.Wrong > 0 {
				f := fmt.Sprintf("%s: %d of %d %s read back wrong", roundName(rd), t.Wrong, t.Keys, plural(t.Keys, "key", "keys"))
				if len(fails) == 0 {
					f += ": " + examples(t.Examples, 0, writeRead)
				}
				fails = append(fails, f)
			}
			if t.Unread > 0 {
				unread = append(unread, fmt.Sprintf("%s: %d acknowledged %s not read back through the client's route%s",
					roundName(rd), t.Unread, plural(t.Unread, "write", "writes"), problems(rd)))
			}
		}
		note := notJudged(unjudged, keys)
		if out, msg, done := judgeReads(fails, unread, note, keys, unjudged, "back through a route"); done {
			return out, msg
		}
		return Pass, fmt.Sprintf("all %d %s of acknowledged writes through the route found the value written, in %s%s",
			keys, plural(keys, "read", "reads"), strings.Join(names, ", "), note)
	})}
}

// EveryMemberHolds passes when, through every member the clients read
// (readback lines with a via), every acknowledged write acknowledged more
// than lag before the read began was found with the value written, in
// every round. Wrong reads of writes younger than that are excused: a
// member may not have them yet. It fails naming, per round and member
// (its address and the versions that answered through it), how many
// acknowledged writes it held wrong or not at all, of how many it was
// asked for, and the first ones.
//
// It is INVALID when no client read through the members (give the clients
// more than one member address), when the clients do not report values,
// when lag is over AgeHorizon, when no write was read through a member
// after its acknowledgement or no value could be compared, or, when
// nothing failed, when acknowledged writes were not read through a member
// in a round (Unread): a member that was down when a round was taken
// makes it INVALID, since what it holds is not known.
func EveryMemberHolds(lag time.Duration) Rule {
	return Rule{Name: "every member holds every acknowledged write (lag " + budget(lag) + ")", Judge: measured(func(s *result.Scenario) (Outcome, string) {
		rb := s.ReadBack
		if msg := memberPrecondition(rb, lag); msg != "" {
			return Invalid, msg
		}
		var fails, unread []string
		keys, unjudged, excused, members := 0, 0, 0, map[string]bool{}
		for _, rd := range rb.Rounds {
			for _, t := range rd.Members() {
				members[t.Via] = true
				keys += t.Keys
				unjudged += t.Unjudged
				n, exact := wrongOver(t, lag)
				if exact {
					excused += t.Wrong - n
				}
				if n > 0 {
					f := fmt.Sprintf("%s: member %s holds %s%d of %d acknowledged %s wrong or not at all",
						roundName(rd), member(t.Via, t.Versions), atLeast(exact), n, t.Keys, plural(t.Keys, "write", "writes"))
					if len(fails) == 0 {
						f += ": " + examples(t.Examples, lag, writeRead)
					}
					fails = append(fails, f)
				}
				if t.Unread > 0 {
					unread = append(unread, fmt.Sprintf("%s: %d acknowledged %s not read through member %s%s",
						roundName(rd), t.Unread, plural(t.Unread, "write", "writes"), t.Via, problems(rd)))
				}
			}
		}
		note := notJudged(unjudged, keys)
		if excused > 0 {
			note += fmt.Sprintf(" (%d wrong %s of writes acknowledged within %s of the read excused)", excused, plural(excused, "read", "reads"), budget(lag))
		}
		if out, msg, done := judgeReads(fails, unread, note, keys, unjudged, "through a member"); done {
			return out, msg
		}
		return Pass, fmt.Sprintf("%d %s held every acknowledged write in %d %s through them%s",
			len(members), plural(len(members), "member", "members"), keys, plural(keys, "read", "reads"), note)
	})}
}

// ReplyParity passes when, in every round, members running different
// versions gave the same answer to the same read: for each client and
// key, the answers through each two members whose answering versions
// differ agree on whether the key was found, on its seq and on its value
// (result.ReadBack, Parity). A pair whose key was written less than lag
// before the earlier read (or between the reads, or during one) is
// skipped. It fails naming the first disagreement, with both answers, and
// how many more there were.
//
// It is INVALID when no client read through the members, when the clients
// do not report values or the versions that answered, when lag is over
// AgeHorizon, and when no round saw members of two versions: a scenario
// that asks for parity must take a read-back round while the members run
// different versions.
func ReplyParity(lag time.Duration) Rule {
	return Rule{Name: "members of different versions answer alike (lag " + budget(lag) + ")", Judge: measured(func(s *result.Scenario) (Outcome, string) {
		rb := s.ReadBack
		if msg := memberPrecondition(rb, lag); msg != "" {
			return Invalid, msg
		}
		var (
			first       string
			total       int
			lower       bool
			pairs       int
			unjudged    int
			excused     int
			skew, named []string
		)
		for _, rd := range rb.Rounds {
			t := rd.Parity()
			if len(t.Versions) > 1 {
				skew = append(skew, fmt.Sprintf("round %d", rd.N))
				named = append(named, roundName(rd))
			}
			pairs += t.Keys
			unjudged += t.Unjudged
			n, exact := wrongOver(t, lag)
			if exact {
				excused += t.Wrong - n
			} else if n > 0 {
				lower = true
			}
			total += n
			if fs := over(t.Examples, lag); n > 0 && first == "" && len(fs) > 0 && fs[0].Other != nil {
				first = fmt.Sprintf("%s, key %s: %s; %s", roundName(rd), keyOf(fs[0]),
					answered(fs[0].Got), answered(*fs[0].Other))
			}
		}
		switch {
		case len(skew) == 0 && pairs == 0 && !anyVersion(rb):
			return Invalid, "the clients do not say which version answered a read through a member: parity not judged"
		case len(skew) == 0:
			return Invalid, "no round saw members of two versions: parity not judged; take a read-back round while the members run different versions"
		case pairs == 0:
			return Invalid, fmt.Sprintf("%s saw members of two versions, but no pair of answers could be compared (every key was written during or just before its reads)", strings.Join(skew, ", "))
		}
		note := ""
		if unjudged > 0 {
			note = fmt.Sprintf(" (%d %s compared without values: a line did not say one)", unjudged, plural(unjudged, "pair", "pairs"))
		}
		if excused > 0 {
			note += fmt.Sprintf(" (%d %s of keys written within %s of the reads excused)", excused, plural(excused, "disagreement", "disagreements"), budget(lag))
		}
		if total > 0 {
			if first == "" {
				first = "members of different versions disagree"
			}
			if total > 1 {
				first += fmt.Sprintf(" (and %s%d more %s)", atLeast(!lower), total-1, plural(total-1, "disagreement", "disagreements"))
			}
			return Fail, first + note
		}
		return Pass, fmt.Sprintf("%d %s of answers from members of different versions compared in %s: no disagreement%s",
			pairs, plural(pairs, "pair", "pairs"), strings.Join(named, ", "), note)
	})}
}

// NoUnexpectedExit passes when no program exited without a step or fault
// asking it to (result.Step.Unexpected): a member that crashed, seen by the
// runtime or reported by the system under test. It fails naming each
// exit: when, and its description (the program, its exit code, its last
// log lines). It judges the timeline, not the ops: a crash fails it even on
// a run that measured nothing.
func NoUnexpectedExit() Rule {
	return Rule{Name: "no unexpected exit", Judge: func(s *result.Scenario) (Outcome, string) {
		var bad []string
		for _, st := range s.Steps {
			if st.Unexpected {
				bad = append(bad, fmt.Sprintf("at %s %s", format.MS(st.StartMS), st.Desc))
			}
		}
		if len(bad) == 0 {
			return Pass, fmt.Sprintf("no program exited unexpectedly (%d timeline %s)", len(s.Steps), plural(len(s.Steps), "event", "events"))
		}
		// The first in full, the others without their last log lines: a
		// crash loop repeats the first one's again and again.
		msg := fmt.Sprintf("%d unexpected %s: %s", len(bad), plural(len(bad), "exit", "exits"), bad[0])
		for i, b := range bad[1:] {
			if i == 5 {
				msg += fmt.Sprintf("; and %d more", len(bad)-1-i)
				break
			}
			b, _, _ = strings.Cut(b, "; last log:")
			msg += "; " + b
		}
		return Fail, msg
	}}
}

// unreported is why the read-back rounds cannot be judged at all: the
// clients say no value, or (rounds) read back in no round during the
// run; "" when they can.
func unreported(rb result.ReadBack, rounds bool) string {
	took := false
	for _, rd := range rb.Rounds {
		if rd.N > 0 && len(rd.Clients) > 0 {
			took = true
		}
	}
	switch {
	case rb.Values == 0 && rounds && !took:
		return "the clients do not report values or read-back rounds: no write or read-back line says a value, and no client read back in a round during the run (on SIGUSR1)"
	case rb.Values == 0:
		return "the clients do not report values: no write or read-back line says a value"
	case rounds && !took:
		return "no client read back in a round during the run: the clients do not report read-back rounds (on SIGUSR1), or the scenario took none"
	}
	return ""
}

// memberPrecondition is why the reads through members cannot be judged
// with lag; "" when they can.
func memberPrecondition(rb result.ReadBack, lag time.Duration) string {
	if lag < 0 || lag > AgeHorizon {
		return fmt.Sprintf("lag %s is outside 0 to %s, the ages the analysis keeps", budget(lag), budget(AgeHorizon))
	}
	if msg := unreported(rb, false); msg != "" {
		return msg
	}
	for _, rd := range rb.Rounds {
		if len(rd.Members()) > 0 {
			return ""
		}
	}
	return "no client read through the members: give the clients more than one member address"
}

func anyVersion(rb result.ReadBack) bool {
	for _, rd := range rb.Rounds {
		if len(rd.Parity().Versions) > 0 {
			return true
		}
	}
	return false
}

// wrongOver is how many of t's wrong reads are of writes more than lag
// old, and whether that is exact: when more young ones were wrong than
// MaxYoung and lag is beyond the oldest age kept, it is a lower bound.
func wrongOver(t result.Tally, lag time.Duration) (int, bool) {
	if t.Wrong == 0 {
		return 0, true
	}
	l := ms(lag)
	within := 0
	for _, a := range t.YoungMS {
		if a <= l {
			within++
		}
	}
	if kept := len(t.YoungMS); kept >= t.Young || kept > 0 && l < t.YoungMS[kept-1] {
		return t.Wrong - within, true
	}
	// The young ones not kept are between the oldest kept and
	// AgeHorizon: some may be within lag. Those past the horizon are
	// not, and neither are the examples older than lag.
	return max(t.Wrong-t.Young, len(over(t.Examples, lag))), false
}

// over are the findings more than lag old, in order.
func over(fs []result.Finding, lag time.Duration) []result.Finding {
	var out []result.Finding
	for _, f := range fs {
		if f.AgeMS > ms(lag) {
			out = append(out, f)
		}
	}
	return out
}

// examples are the first three findings more than lag old, each as
// describe gives it, joined by "; ", with "; ..." when more were kept.
func examples(fs []result.Finding, lag time.Duration, describe func(result.Finding) string) string {
	fs = over(fs, lag)
	var parts []string
	for _, f := range fs[:min(len(fs), maxFirst)] {
		parts = append(parts, describe(f))
	}
	return strings.Join(parts, "; ")
}

// writeRead is one wrong read: `c1-000014 written "" under v1 at
// 1204.5ms, missing under v2`.
func writeRead(f result.Finding) string {
	g := f.Got
	seqs := f.Seq != g.Seq && f.Seq != 0 && g.Seq != 0
	var b strings.Builder
	b.WriteString(keyOf(f) + " written")
	if f.Written != nil {
		fmt.Fprintf(&b, " %q", *f.Written)
	}
	if f.Seq != 0 && (seqs || f.Written == nil) {
		fmt.Fprintf(&b, " seq %d", f.Seq)
	}
	if f.WrittenBy != "" {
		b.WriteString(" under " + f.WrittenBy)
	}
	b.WriteString(" at " + format.MS(f.AckMS))
	if !g.Found {
		b.WriteString(", missing")
	} else {
		b.WriteString(", read")
		if g.Value != nil {
			fmt.Fprintf(&b, " %q", *g.Value)
		}
		if g.Seq != 0 && (seqs || g.Value == nil) {
			fmt.Fprintf(&b, " seq %d", g.Seq)
		}
	}
	if g.Version != "" {
		b.WriteString(" under " + g.Version)
	}
	return b.String()
}

// answered is one member's answer: `member m1 (v1) answered "x" seq 12`.
func answered(a result.Answer) string {
	var b strings.Builder
	b.WriteString("member " + member(a.Via, []string{a.Version}) + " answered")
	if !a.Found {
		b.WriteString(" not found")
		return b.String()
	}
	if a.Value != nil {
		fmt.Fprintf(&b, " %q", *a.Value)
	}
	if a.Seq != 0 {
		fmt.Fprintf(&b, " seq %d", a.Seq)
	}
	return b.String()
}

// member is a member's address with the versions that answered through
// it: "toxiproxy:8001 (v2-wire)".
func member(via string, versions []string) string {
	var vs []string
	for _, v := range versions {
		if v != "" {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return via
	}
	return via + " (" + strings.Join(vs, ", ") + ")"
}

// keyOf is a finding's key, with its client when the key does not start
// with the client's name.
func keyOf(f result.Finding) string {
	if strings.HasPrefix(f.Key, f.Client) {
		return f.Key
	}
	return f.Key + " (client " + f.Client + ")"
}

// roundName is "round 2 (after roll back to v1)", "round 0 (on stop)".
func roundName(rd result.Round) string {
	if rd.Label == "" {
		return fmt.Sprintf("round %d", rd.N)
	}
	return fmt.Sprintf("round %d (%s)", rd.N, rd.Label)
}

// problems is ": c2: no primary; ..." for a round with problems, or "".
func problems(rd result.Round) string {
	if len(rd.Problems) == 0 {
		return ""
	}
	return " (" + strings.Join(rd.Problems, "; ") + ")"
}

// notJudged says how many found reads had no value to compare.
func notJudged(unjudged, keys int) string {
	if unjudged == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d of %d %s not judged by value: a line did not say it, or another write of the key may have replaced it)",
		unjudged, keys, plural(keys, "read", "reads"))
}

// noValue says that none of keys reads could be judged by value.
func noValue(keys int) string {
	return fmt.Sprintf("no value could be compared in %d %s: the lines do not say the values, or every key was written more than once without seqs", keys, plural(keys, "read", "reads"))
}

// alsoUnread is what a failure adds about the writes not read: "; and
// unchecked, not lost: round 0 (on stop): 2 acknowledged writes ...".
func alsoUnread(unread []string) string {
	if len(unread) == 0 {
		return ""
	}
	return "; and unchecked, not lost: " + strings.Join(unread, "; ")
}

func atLeast(exact bool) string {
	if exact {
		return ""
	}
	return "at least "
}

// judgeReads is the verdict RoundTrip and EveryMemberHolds share when
// the reads do not simply pass: a wrong read fails; unread writes, no
// write read after its acknowledgement (through says which way), or no
// value to compare make it INVALID. done is false when the reads pass.
func judgeReads(fails, unread []string, note string, keys, unjudged int, through string) (out Outcome, msg string, done bool) {
	switch {
	case len(fails) > 0:
		return Fail, firstThenCounts(fails) + note + alsoUnread(unread), true
	case len(unread) > 0:
		return Invalid, strings.Join(unread, "; ") + " (unchecked, not lost)", true
	case keys == 0:
		return Invalid, fmt.Sprintf("no acknowledged write was read %s after it was acknowledged: nothing to judge", through), true
	case unjudged == keys:
		return Invalid, noValue(keys), true
	}
	return Pass, "", false
}

// firstThenCounts joins failures, the first with its examples, the rest
// with their counts only: "round 1: ...: c1-1 written ...; also round 2:
// 4 of 6 keys read back wrong".
func firstThenCounts(fails []string) string {
	if len(fails) == 1 {
		return fails[0]
	}
	return fails[0] + "; also " + strings.Join(fails[1:], "; ")
}
