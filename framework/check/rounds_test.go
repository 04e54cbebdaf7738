package check

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

// judged is a scenario whose read-back rounds are those of recs.
func judged(recs []probe.Record, events ...timeline.Event) *result.Scenario {
	return &result.Scenario{Summary: result.Summary{Ops: 100}, ReadBack: ReadBack(recs, t0, events)}
}

// onStop copies the readback lines of round 1 into round 0, read at ms.
func onStop(recs []probe.Record, ms float64) []probe.Record {
	out := append([]probe.Record(nil), recs...)
	for _, r := range recs {
		if r.Type == probe.TypeReadback && r.Round == 1 {
			r.Round, r.Start, r.End = 0, at(ms), at(ms+0.1)
			out = append(out, r)
		}
	}
	return out
}

type ruleCase struct {
	name string
	rule Rule
	s    *result.Scenario
	want Outcome
	msg  string
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if o, msg := c.rule.Verdict(c.s); o != c.want || msg != c.msg {
				t.Errorf("%s:\n got %v %q\nwant %v %q", c.rule, o, msg, c.want, c.msg)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	good := []probe.Record{
		put("c1", "c1-1", 1, 10, sp("a"), "v1"), put("c1", "c1-2", 2, 20, sp("b"), "v1"),
		rb("c1", "c1-1", 1, "", 200, 1, sp("a"), "v2"), rb("c1", "c1-2", 1, "", 200, 2, sp("b"), "v2"), ended("c1", 1, ""),
		rb("c1", "c1-1", 0, "", 900, 1, sp("a"), "v2"), rb("c1", "c1-2", 0, "", 900, 2, sp("b"), "v2"),
	}
	during := roundAt(1, "read-back round 1: during the upgrade", 190)

	wrong := []probe.Record{
		put("c1", "c1-000014", 14, 1203.5, sp(""), "v1"),
		put("c1", "c1-000201", 201, 3999, sp("é-201-☃"), "v2-newlog"),
		put("c1", "c1-000300", 300, 4100, sp("x"), "v2-newlog"),
		put("c1", "c1-000301", 301, 4200, sp("y"), "v2-newlog"),
		put("c1", "c1-000302", 302, 4300, nil, "v2-newlog"), // value not said
		put("c1", "c1-000303", 303, 4400, sp("z"), "v2-newlog"),
		rb("c1", "c1-000014", 2, "", 5000, 0, nil, "v2-strictlog"),
		rb("c1", "c1-000201", 2, "", 5001, 201, sp("w6k..."), "v1"),
		rb("c1", "c1-000300", 2, "", 5002, 299, sp("x"), "v1"),
		rb("c1", "c1-000301", 2, "", 5003, 301, sp("Y"), "v1"),
		rb("c1", "c1-000302", 2, "", 5004, 302, sp("q"), "v1"),
		rb("c1", "c1-000303", 2, "", 5005, 303, sp("z"), "v1"),
		ended("c1", 2, ""),
	}
	// On stop every key reads back as written, but the one whose value
	// was not said.
	for _, r := range wrong {
		if r.IsOp() {
			wrong = append(wrong, rb("c1", r.Key, 0, "", 9000, r.Seq, r.Value, "v2-newlog"))
		}
	}
	wrong[len(wrong)-2].Value = sp("q") // c1-000302

	legacy := []probe.Record{
		put("c1", "c1-1", 1, 10, nil, "v1"),
		rb("c1", "c1-1", 1, "", 200, 1, nil, "v1"), ended("c1", 1, ""),
		rb("c1", "c1-1", 0, "", 900, 1, nil, "v1"),
	}
	noRounds := []probe.Record{put("c1", "c1-1", 1, 10, sp("a"), "v1"), rb("c1", "c1-1", 0, "", 900, 1, sp("a"), "v1")}
	blind := []probe.Record{ // values written, none read
		put("c1", "c1-1", 1, 10, sp("a"), "v1"),
		rb("c1", "c1-1", 1, "", 200, 1, nil, "v1"), ended("c1", 1, ""),
		rb("c1", "c1-1", 0, "", 900, 1, nil, "v1"),
	}
	cut := append(append([]probe.Record(nil), good...), put("c2", "c2-1", 1, 10, sp("a"), "v1"),
		rb("c2", "c2-1", 0, "", 900, 1, sp("a"), "v1"))

	runRuleCases(t, []ruleCase{
		{"every read found the value written", RoundTrip(), judged(good, during), Pass,
			"all 4 reads of acknowledged writes through the route found the value written, in round 1 (during the upgrade), round 0 (on stop)"},
		{"a missing key and other values, the first three named", RoundTrip(), judged(wrong, roundAt(2, "read-back round 2: after roll back to v1", 4990)), Fail,
			`round 2 (after roll back to v1): 4 of 6 keys read back wrong: ` +
				`c1-000014 written "" under v1 at 1204.5ms, missing under v2-strictlog; ` +
				`c1-000201 written "é-201-☃" under v2-newlog at 4000.0ms, read "w6k..." under v1; ` +
				`c1-000300 written "x" seq 300 under v2-newlog at 4101.0ms, read "x" seq 299 under v1` +
				` (2 of 12 reads not judged by value: a line did not say it, or another write of the key may have replaced it)`},
		{"clients that do not say values", RoundTrip(), judged(legacy), Invalid,
			"the clients do not report values: no write or read-back line says a value"},
		{"no round during the run", RoundTrip(), judged(noRounds), Invalid,
			"no client read back in a round during the run: the clients do not report read-back rounds (on SIGUSR1), or the scenario took none"},
		{"neither", RoundTrip(), judged([]probe.Record{put("c1", "c1-1", 1, 10, nil, "v1"), rb("c1", "c1-1", 0, "", 900, 1, nil, "v1")}), Invalid,
			"the clients do not report values or read-back rounds: no write or read-back line says a value, and no client read back in a round during the run (on SIGUSR1)"},
		{"no value read back at all", RoundTrip(), judged(blind), Invalid,
			"no value could be compared in 2 reads: the lines do not say the values, or every key was written more than once without seqs"},
		{"a client that took no part in a round: unchecked, not a pass", RoundTrip(), judged(cut, during), Invalid,
			"round 1 (during the upgrade): 1 acknowledged write not read back through the client's route (c2: did not read back in this round) (unchecked, not lost)"},
		// Round 2 has no event: c1's cutoff is the latest write it read
		// (c1-1), so c1-2 is not unread; c2 read nothing.
		{"a failure says what was not read too", RoundTrip(), judged(append(append([]probe.Record(nil), cut...), rb("c1", "c1-1", 2, "", 300, 1, sp("A"), "v1"), ended("c1", 2, "")), during), Fail,
			`round 2: 1 of 1 key read back wrong: c1-1 written "a" under v1 at 11.0ms, read "A" under v1` +
				"; and unchecked, not lost: round 1 (during the upgrade): 1 acknowledged write not read back through the client's route (c2: did not read back in this round)" +
				"; round 2: 1 acknowledged write not read back through the client's route (c2: did not read back in this round)"},
		{"no write to judge", RoundTrip(), judged([]probe.Record{put("c1", "c1-1", 1, 900, sp("a"), "v1"), rb("c1", "c1-1", 1, "", 200, 0, nil, "v1"), ended("c1", 1, ""), rb("c1", "c1-1", 0, "", 900, 1, sp("a"), "v1")}), Invalid,
			"no acknowledged write was read back through a route after it was acknowledged: nothing to judge"},
		{"nothing measured", RoundTrip(), &result.Scenario{ReadBack: ReadBack(good, t0, nil)}, Invalid, "no ops recorded: nothing was measured"},
	})
}

func TestEveryMemberHolds(t *testing.T) {
	full := onStop(members(), 900)
	routeOnly := []probe.Record{
		put("c1", "c1-1", 1, 10, sp("a"), "v1"),
		rb("c1", "c1-1", 1, "", 200, 1, sp("a"), "v1"), ended("c1", 1, ""),
	}
	// m2 could not be read on stop.
	down := onStop(members(), 900)
	for i := range down {
		if down[i].Round == 0 && down[i].Via == "m2" {
			down[i].Err = "dial tcp: connection refused"
		}
	}
	inexact := &result.Scenario{Summary: result.Summary{Ops: 1}, ReadBack: result.ReadBack{Values: 10, Rounds: []result.Round{{
		N: 0, Label: "on stop", Tallies: []result.Tally{{Way: result.WayMember, Via: "m3", Versions: []string{"v2"},
			Keys: 400, Wrong: 150, Young: 140, YoungMS: []float64{1, 2, 3},
			Examples: []result.Finding{{Client: "c1", Key: "c1-9", AgeMS: 12000, Written: sp("v"), WrittenBy: "v1", AckMS: 10,
				Got: result.Answer{Via: "m3", Version: "v2", AtMS: 12010}}},
		}},
	}}}}

	runRuleCases(t, []ruleCase{
		{"a member without a write acknowledged long before, another with a wrong value", EveryMemberHolds(time.Millisecond), judged(full), Fail,
			`round 1: member m3 (v2-wire) holds 2 of 3 acknowledged writes wrong or not at all: ` +
				`c1-k2 written "two" under v1 at 21.0ms, read "tw" under v2-wire; ` +
				`c1-k3 written "three" under v1 at 195.0ms, missing under v2-wire; ` +
				`also round 0 (on stop): member m3 (v2-wire) holds 2 of 3 acknowledged writes wrong or not at all`},
		{"a write the member may not have had yet is excused", EveryMemberHolds(10 * time.Millisecond), judged(full), Fail,
			`round 1: member m3 (v2-wire) holds 1 of 3 acknowledged writes wrong or not at all: ` +
				`c1-k2 written "two" under v1 at 21.0ms, read "tw" under v2-wire; ` +
				`also round 0 (on stop): member m3 (v2-wire) holds 2 of 3 acknowledged writes wrong or not at all` +
				` (1 wrong read of writes acknowledged within 10ms of the read excused)`},
		{"every wrong read within the lag", EveryMemberHolds(time.Second), judged(full), Pass,
			"3 members held every acknowledged write in 18 reads through them (4 wrong reads of writes acknowledged within 1000ms of the read excused)"},
		{"a member not read: unchecked, not a pass", EveryMemberHolds(time.Second), judged(down), Invalid,
			"round 0 (on stop): 3 acknowledged writes not read through member m2 (unchecked, not lost)"},
		{"no member read", EveryMemberHolds(time.Second), judged(routeOnly), Invalid,
			"no client read through the members: give the clients more than one member address"},
		{"lag beyond the ages kept", EveryMemberHolds(11 * time.Second), judged(full), Invalid,
			"lag 11000ms is outside 0 to 10000ms, the ages the analysis keeps"},
		{"too many young wrong reads to count exactly", EveryMemberHolds(5 * time.Second), inexact, Fail,
			`round 0 (on stop): member m3 (v2) holds at least 10 of 400 acknowledged writes wrong or not at all: c1-9 written "v" under v1 at 10.0ms, missing under v2`},
		{"no value through a member", EveryMemberHolds(time.Second), judged([]probe.Record{put("c1", "c1-1", 1, 10, sp("a"), "v1"), rb("c1", "c1-1", 0, "m1", 900, 1, nil, "v1")}), Invalid,
			"no value could be compared in 1 read: the lines do not say the values, or every key was written more than once without seqs"},
		{"no write through a member to judge", EveryMemberHolds(time.Second), judged([]probe.Record{put("c1", "c1-1", 1, 950, sp("a"), "v1"), rb("c1", "c1-1", 0, "m1", 900, 0, nil, "v1"), rb("c1", "c1-1", 0, "", 990, 1, sp("a"), "v1")}), Invalid,
			"no acknowledged write was read through a member after it was acknowledged: nothing to judge"},
		{"values not said", EveryMemberHolds(time.Second), judged([]probe.Record{put("c1", "c1-1", 1, 10, nil, "v1"), rb("c1", "c1-1", 0, "m1", 900, 1, nil, "v1")}), Invalid,
			"the clients do not report values: no write or read-back line says a value"},
	})
}

func TestReplyParity(t *testing.T) {
	same := members()
	for i := range same {
		if same[i].Version == "v2-wire" {
			same[i].Version = "v1"
		}
	}
	silent := members()
	for i := range silent {
		if silent[i].Type == probe.TypeReadback {
			silent[i].Version = ""
		}
	}
	busy := []probe.Record{
		put("c1", "c1-k1", 1, 10, sp("a"), "v1"), failed("c1", "c1-k1", 202),
		rb("c1", "c1-k1", 1, "m1", 200, 1, sp("a"), "v1"), rb("c1", "c1-k1", 1, "m2", 210, 2, sp("c"), "v2"),
	}
	runRuleCases(t, []ruleCase{
		{"the first disagreement with both answers", ReplyParity(10 * time.Millisecond), judged(members(), roundAt(1, "read-back round 1: half rolled", 195)), Fail,
			`round 1 (half rolled), key c1-k2: member m1 (v1) answered "two" seq 2; member m3 (v2-wire) answered "tw" seq 2 (and 1 more disagreement)` +
				` (2 disagreements of keys written within 10ms of the reads excused)`},
		{"only young keys disagree", ReplyParity(time.Second), judged(members()), Pass,
			"6 pairs of answers from members of different versions compared in round 1: no disagreement (4 disagreements of keys written within 1000ms of the reads excused)"},
		{"no round during skew", ReplyParity(time.Second), judged(same), Invalid,
			"no round saw members of two versions: parity not judged; take a read-back round while the members run different versions"},
		{"versions not said", ReplyParity(time.Second), judged(silent), Invalid,
			"the clients do not say which version answered a read through a member: parity not judged"},
		{"every key written while read", ReplyParity(time.Second), judged(busy), Invalid,
			"round 1 saw members of two versions, but no pair of answers could be compared (every key was written during or just before its reads)"},
		{"no member read", ReplyParity(time.Second), judged([]probe.Record{put("c1", "c1-1", 1, 10, sp("a"), "v1"), rb("c1", "c1-1", 0, "", 900, 1, sp("a"), "v1")}), Invalid,
			"no client read through the members: give the clients more than one member address"},
	})
}

func TestNoUnexpectedExit(t *testing.T) {
	steps := []result.Step{
		{ID: "step-1", Desc: "upgrade secondary", Kind: "step", StartMS: 1000},
		{ID: "system-1", Desc: "secondary driver v1 died: exit status 4; last log: replication: unknown entry op \"incr\" from primary v2-enum", Kind: "system", StartMS: 3200, Unexpected: true},
		{ID: "system-2", Desc: "kv exited: signal: segmentation fault", Kind: "system", StartMS: 4100.25, Unexpected: true},
	}
	runRuleCases(t, []ruleCase{
		{"two crashes", NoUnexpectedExit(), &result.Scenario{Steps: steps}, Fail,
			`2 unexpected exits: at 3200.0ms secondary driver v1 died: exit status 4; last log: replication: unknown entry op "incr" from primary v2-enum; ` +
				`at 4100.2ms kv exited: signal: segmentation fault`},
		{"a crash loop: the first exit's log lines, the others' times and codes", NoUnexpectedExit(), &result.Scenario{Steps: []result.Step{
			{Desc: "e2 (v1) exited with code 4, which no step asked for; last log: a | b", StartMS: 10, Unexpected: true},
			{Desc: "e2 (v1) exited with code 4, which no step asked for; last log: a | b", StartMS: 20, Unexpected: true},
			{Desc: "e2 (v1) exited with code 4, which no step asked for; last log: a | b", StartMS: 30, Unexpected: true},
		}}, Fail,
			`3 unexpected exits: at 10.0ms e2 (v1) exited with code 4, which no step asked for; last log: a | b; ` +
				`at 20.0ms e2 (v1) exited with code 4, which no step asked for; at 30.0ms e2 (v1) exited with code 4, which no step asked for`},
		{"none", NoUnexpectedExit(), &result.Scenario{Steps: steps[:1]}, Pass, "no program exited unexpectedly (1 timeline event)"},
	})
}

// TestWrongOverProperty checks the counts a rule with a lag takes from a
// bounded Tally against the count over every wrong read: exact when
// wrongOver says so, a lower bound otherwise, and never a count without an
// example to show.
func TestWrongOverProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 15))
	horizon := float64(AgeHorizon) / 1e6
	for trial := range 2000 {
		var tl tally
		n := r.IntN(3 * MaxYoung)
		ages := make([]float64, n)
		for i := range ages {
			// mostly young, some past the horizon; whole and fractional ms
			ages[i] = r.Float64() * horizon * 1.3
			if r.IntN(4) == 0 {
				ages[i] = float64(r.IntN(50))
			}
			tl.wrong = append(tl.wrong, finding{result.Finding{Client: "c1", Key: "k", AgeMS: ages[i]}, int64(r.IntN(1000))})
		}
		tl.keys = n
		res := tl.result(result.WayMember, "m1", nil)
		for _, lagMS := range []float64{0, 1, 10, 49, 500, 2500, r.Float64() * horizon, horizon} {
			lag := time.Duration(lagMS * 1e6)
			want := 0
			for _, a := range ages {
				if a > ms(lag) {
					want++
				}
			}
			got, exact := wrongOver(res, lag)
			if exact && got != want || !exact && got > want {
				t.Fatalf("trial %d, %d wrong, lag %v: got %d (exact %v), want %d", trial, n, lag, got, exact, want)
			}
			if got > 0 && len(over(res.Examples, lag)) == 0 {
				t.Fatalf("trial %d, lag %v: %d wrong and no example older than the lag", trial, lag, got)
			}
			if want > 0 && got == 0 {
				t.Fatalf("trial %d, lag %v: %d wrong reported as none", trial, lag, want)
			}
		}
	}
}
