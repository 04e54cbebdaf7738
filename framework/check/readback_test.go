package check

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

func sp(s string) *string { return &s }

// at is a time ms after t0.
func at(ms float64) int64 { return t0 + int64(ms*1e6) }

// put is a write op line of key, sent at ms and acknowledged 1 ms later
// by version, of value (nil: not said).
func put(client, key string, seq uint64, ms float64, value *string, version string) probe.Record {
	return probe.Record{Client: client, Class: "write", Key: key, Seq: seq, Start: at(ms), End: at(ms + 1), OK: true, Value: value, Version: version}
}

// failed is a write op line that failed.
func failed(client, key string, ms float64) probe.Record {
	return probe.Record{Client: client, Class: "write", Key: key, Start: at(ms), End: at(ms + 1), Err: "timeout"}
}

// rb is a readback line of round n through via, begun at ms, that found
// seq and value (found when either is set), answered by version.
func rb(client, key string, n int, via string, ms float64, seq uint64, value *string, version string) probe.Record {
	return probe.Record{Type: probe.TypeReadback, Client: client, Key: key, Round: n, Via: via, Start: at(ms), End: at(ms + 0.1),
		Found: seq != 0 || value != nil, Seq: seq, Value: value, Version: version}
}

// ended is the round line of round n.
func ended(client string, n int, err string) probe.Record {
	return probe.Record{Type: probe.TypeRound, Client: client, Round: n, Err: err}
}

func roundAt(n int, desc string, ms float64) timeline.Event {
	return timeline.Event{ID: timeline.RoundEventID(n), Kind: timeline.KindStep, Desc: desc, Start: at(ms), End: at(ms + 5)}
}

// TestReadBack checks the summary of the rounds field by field, on small
// runs written by hand.
func TestReadBack(t *testing.T) {
	t.Run("nothing read back and no value: zero, omitted from the report", func(t *testing.T) {
		got := ReadBack([]probe.Record{put("c1", "k", 1, 10, nil, "v1")}, t0, nil)
		if !reflect.DeepEqual(got, result.ReadBack{}) {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("values but no read-back: no rounds, an empty list", func(t *testing.T) {
		got := ReadBack([]probe.Record{put("c1", "k", 1, 10, sp("a"), "v1")}, t0, nil)
		if got.Values != 1 || got.Rounds == nil || len(got.Rounds) != 0 {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("rounds in the order taken, labelled and timed by their events", func(t *testing.T) {
		recs := []probe.Record{
			put("c1", "c1-1", 1, 10, sp("a"), "v1"),
			rb("c1", "c1-1", 2, "", 300, 1, sp("a"), "v1"), ended("c1", 2, ""),
			rb("c1", "c1-1", 1, "", 200, 1, sp("a"), "v1"), ended("c1", 1, ""),
			rb("c1", "c1-1", 0, "", 900, 1, sp("a"), "v1"),
		}
		events := []timeline.Event{
			roundAt(1, "read-back round 1: during the upgrade", 190),
			{ID: "readback-x", Desc: "not a round"}, {ID: "readback-01", Desc: "not a round either"},
			roundAt(3, "after the roll back", 500), // no client answered round 3
		}
		got := ReadBack(recs, t0, events)
		if got.Values != 4 {
			t.Errorf("values %d, want 4", got.Values)
		}
		var ns, labels []any
		for _, rd := range got.Rounds {
			ns = append(ns, rd.N, rd.AtMS)
			labels = append(labels, rd.Label)
		}
		if want := []any{1, 190.0, 2, 300.0, 3, 500.0, 0, 900.0}; !reflect.DeepEqual(ns, want) {
			t.Errorf("rounds and times %v, want %v", ns, want)
		}
		if want := []any{"during the upgrade", "", "after the roll back", "on stop"}; !reflect.DeepEqual(labels, want) {
			t.Errorf("labels %q, want %q", labels, want)
		}
		r3 := got.Rounds[2]
		if r3.Route().Unread != 1 || len(r3.Clients) != 0 || !reflect.DeepEqual(r3.Problems, []string{"c1: did not read back in this round"}) {
			t.Errorf("round 3 nobody read: %+v", r3)
		}
		if r1 := got.Rounds[0]; r1.Route().Keys != 1 || r1.Route().Wrong != 0 || !reflect.DeepEqual(r1.Clients, []string{"c1"}) || len(r1.Problems) != 0 {
			t.Errorf("round 1: %+v", r1)
		}
	})

	// One client, round 1 through the route; each key shows one rule.
	recs := []probe.Record{
		put("c1", "c1-ok", 1, 10, sp("a"), "v1"),
		put("c1", "c1-gone", 2, 20, sp(""), "v1"),
		put("c1", "c1-other", 3, 30, sp("é-3-☃"), "v2"),
		put("c1", "c1-older", 5, 40, sp("x"), "v2"),
		put("c1", "c1-newer", 6, 50, sp("y"), "v2"),
		put("c1", "c1-late", 7, 500, sp("z"), "v2"),    // acknowledged after its read began
		put("c1", "c1-twice", 8, 60, sp("t"), "v2"),    // and a failed write of it after:
		failed("c1", "c1-twice", 70),                   // a newer seq is fine, value unjudged
		put("c1", "c1-twice2", 9, 60, sp("u"), "v2"),   // and a failed write, same seq found:
		failed("c1", "c1-twice2", 70),                  // value judged
		put("c1", "c1-quiet", 10, 80, nil, "v2"),       // value not said
		put("c1", "c1-unread", 11, 90, sp("w"), "v2"),  // never read in round 1
		put("c1", "c1-errored", 12, 95, sp("e"), "v2"), // read with an error
		rb("c1", "c1-ok", 1, "", 200, 1, sp("a"), "v1"),
		rb("c1", "c1-gone", 1, "", 201, 0, nil, "v2"),
		rb("c1", "c1-other", 1, "", 202, 3, sp("w6k"), "v1"),
		rb("c1", "c1-older", 1, "", 203, 4, sp("x"), "v1"),
		rb("c1", "c1-newer", 1, "", 204, 9, sp("y"), "v1"),
		rb("c1", "c1-late", 1, "", 205, 0, nil, "v1"),
		rb("c1", "c1-twice", 1, "", 206, 13, sp("t2"), "v1"),
		rb("c1", "c1-twice2", 1, "", 207, 9, sp("u2"), "v1"),
		rb("c1", "c1-quiet", 1, "", 208, 10, sp("q"), "v1"),
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-errored", Round: 1, Start: at(209), Err: "timeout"},
		ended("c1", 1, ""),
	}
	got := ReadBack(recs, t0, nil)
	if len(got.Rounds) != 2 || got.Rounds[0].N != 1 || got.Rounds[1].N != 0 {
		t.Fatalf("rounds %+v", got.Rounds)
	}
	route := got.Rounds[0].Route()
	// Checked: every key but c1-late (acknowledged after its read), the
	// unread and the errored one: 8. Unjudged: c1-twice (newer seq after
	// another write), c1-quiet (no value written). Wrong: gone, other,
	// older, newer (unexplained), twice2 (same seq, other value).
	if route.Keys != 8 || route.Unread != 2 || route.Unjudged != 2 || route.Wrong != 5 || route.Young != 5 {
		t.Errorf("route: keys %d unread %d unjudged %d wrong %d young %d; want 8 2 2 5 5", route.Keys, route.Unread, route.Unjudged, route.Wrong, route.Young)
	}
	wantEx := []result.Finding{
		{Client: "c1", Key: "c1-gone", AgeMS: 180, Written: sp(""), Seq: 2, WrittenBy: "v1", AckMS: 21,
			Got: result.Answer{Version: "v2", AtMS: 201}},
		{Client: "c1", Key: "c1-other", AgeMS: 171, Written: sp("é-3-☃"), Seq: 3, WrittenBy: "v2", AckMS: 31,
			Got: result.Answer{Version: "v1", Found: true, Seq: 3, Value: sp("w6k"), AtMS: 202}},
		{Client: "c1", Key: "c1-older", AgeMS: 162, Written: sp("x"), Seq: 5, WrittenBy: "v2", AckMS: 41,
			Got: result.Answer{Version: "v1", Found: true, Seq: 4, Value: sp("x"), AtMS: 203}},
		// the oldest three are the first three; the rest are not kept
	}
	if !reflect.DeepEqual(route.Examples, wantEx) {
		t.Errorf("examples:\n got %+v\nwant %+v", route.Examples, wantEx)
	}
	if want := []float64{146, 153, 162, 171, 180}; !reflect.DeepEqual(route.YoungMS, want) {
		t.Errorf("young ages %v, want %v", route.YoungMS, want)
	}
	// Round 0: c1 wrote nothing on stop; all its 11 writes unread.
	if r0 := got.Rounds[1]; r0.Route().Unread != 11 || r0.Route().Keys != 0 || !reflect.DeepEqual(r0.Problems, []string{"c1: no read-back on stop"}) {
		t.Errorf("round 0: %+v", r0)
	}
}

func TestReadBackNoSeqs(t *testing.T) {
	// Without seqs, a key written once is judged by value; one written
	// twice (a failed write that may have been applied) is not.
	recs := []probe.Record{
		put("c1", "c1-a", 0, 10, sp("a"), ""), put("c1", "c1-b", 0, 20, sp("b"), ""),
		put("c1", "c1-c", 0, 30, sp("c"), ""), failed("c1", "c1-c", 40),
		rb("c1", "c1-a", 0, "", 100, 0, sp("a"), ""),
		rb("c1", "c1-b", 0, "", 100, 0, sp("B"), ""),
		rb("c1", "c1-c", 0, "", 100, 0, sp("C"), ""),
	}
	r := ReadBack(recs, t0, nil).Rounds[0].Route()
	if r.Keys != 3 || r.Wrong != 1 || r.Unjudged != 1 || r.Examples[0].Key != "c1-b" {
		t.Errorf("got %+v", r)
	}
}

func TestReadBackProblems(t *testing.T) {
	var recs []probe.Record
	for _, c := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"} {
		recs = append(recs, put(c, c+"-1", 1, 10, sp("a"), "v1"))
	}
	recs = append(recs,
		rb("c1", "c1-1", 1, "", 200, 1, sp("a"), "v1"), ended("c1", 1, ""), // fine
		rb("c2", "c2-1", 1, "", 200, 1, sp("a"), "v1"), ended("c2", 1, "read through m2: dial tcp: connection refused"),
		rb("c3", "c3-1", 1, "", 200, 1, sp("a"), "v1"), // no round line
		ended("c4", 1, "no primary"),                   // read nothing
	) // c5..c8 did not take part
	rd := ReadBack(recs, t0, nil).Rounds[0]
	want := []string{
		"c2: read through m2: dial tcp: connection refused",
		"c3: no round line: its round was cut short",
		"c4: no primary",
		"c5: did not read back in this round",
		"c6: did not read back in this round",
		"and 2 more",
	}
	if !reflect.DeepEqual(rd.Problems, want) {
		t.Errorf("problems:\n got %q\nwant %q", rd.Problems, want)
	}
	if want := []string{"c1", "c2", "c3", "c4"}; !reflect.DeepEqual(rd.Clients, want) {
		t.Errorf("clients %q, want %q", rd.Clients, want)
	}
	if rd.Route().Keys != 3 || rd.Route().Unread != 5 {
		t.Errorf("route %+v", rd.Route())
	}
}

// members is a run of one client reading two keys through its route and
// three members in round 1: m1 and m2 run v1, m3 v2-wire, which garbles
// k2's value and has not got k3 yet (written 5 ms before the read).
func members() []probe.Record {
	return []probe.Record{
		put("c1", "c1-k1", 1, 10, sp("one"), "v1"),
		put("c1", "c1-k2", 2, 20, sp("two"), "v1"),
		put("c1", "c1-k3", 3, 194, sp("three"), "v1"),
		rb("c1", "c1-k1", 1, "", 200, 1, sp("one"), "v1"),
		rb("c1", "c1-k2", 1, "", 200, 2, sp("two"), "v1"),
		rb("c1", "c1-k3", 1, "", 200, 3, sp("three"), "v1"),
		rb("c1", "c1-k1", 1, "m1", 210, 1, sp("one"), "v1"),
		rb("c1", "c1-k2", 1, "m1", 210, 2, sp("two"), "v1"),
		rb("c1", "c1-k3", 1, "m1", 210, 3, sp("three"), "v1"),
		rb("c1", "c1-k1", 1, "m2", 220, 1, sp("one"), "v1"),
		rb("c1", "c1-k2", 1, "m2", 220, 2, sp("two"), "v1"),
		rb("c1", "c1-k3", 1, "m2", 220, 3, sp("three"), "v1"),
		rb("c1", "c1-k1", 1, "m3", 200, 1, sp("one"), "v2-wire"),
		rb("c1", "c1-k2", 1, "m3", 200, 2, sp("tw"), "v2-wire"),
		rb("c1", "c1-k3", 1, "m3", 200, 0, nil, "v2-wire"),
		ended("c1", 1, ""),
	}
}

func TestReadBackMembers(t *testing.T) {
	rd := ReadBack(members(), t0, nil).Rounds[0]
	if want := []string{"v1", "v2-wire"}; !reflect.DeepEqual(rd.Parity().Versions, want) {
		t.Errorf("versions %q, want %q", rd.Parity().Versions, want)
	}
	var ways []string
	for _, t := range rd.Tallies {
		ways = append(ways, t.Way+" "+t.Via)
	}
	if want := []string{"route ", "member m1", "member m2", "member m3", "parity "}; !reflect.DeepEqual(ways, want) {
		t.Errorf("tallies %q, want %q", ways, want)
	}
	if want := []string{"v1"}; !reflect.DeepEqual(rd.Route().Versions, want) {
		t.Errorf("route versions %q, want %q", rd.Route().Versions, want)
	}
	var vias []string
	for _, m := range rd.Members() {
		vias = append(vias, m.Via)
		if m.Via != "m3" && (m.Keys != 3 || m.Wrong != 0) {
			t.Errorf("%s: %+v", m.Via, m)
		}
	}
	if want := []string{"m1", "m2", "m3"}; !reflect.DeepEqual(vias, want) {
		t.Fatalf("vias %q, want %q", vias, want)
	}
	m3 := rd.Members()[2]
	if m3.Keys != 3 || m3.Wrong != 2 || !reflect.DeepEqual(m3.YoungMS, []float64{5, 179}) || !reflect.DeepEqual(m3.Versions, []string{"v2-wire"}) {
		t.Errorf("m3: %+v", m3)
	}
	// Parity: each key, m1 and m2 (both v1) are not compared; m1-m3 and
	// m2-m3 are: 6 pairs, k2 and k3 disagree in both. The age is from
	// the last write to the earlier read: k3 at 195, read first at 200.
	p := rd.Parity()
	if p.Keys != 6 || p.Wrong != 4 || p.Unjudged != 0 || !reflect.DeepEqual(p.YoungMS, []float64{5, 5, 179, 179}) {
		t.Errorf("parity: %+v", p)
	}
	first := result.Finding{Client: "c1", Key: "c1-k2", AgeMS: 179, AckMS: 21,
		Got:   result.Answer{Via: "m1", Version: "v1", Found: true, Seq: 2, Value: sp("two"), AtMS: 210},
		Other: &result.Answer{Via: "m3", Version: "v2-wire", Found: true, Seq: 2, Value: sp("tw"), AtMS: 200}}
	// The first three are also the oldest three.
	if len(p.Examples) != 3 || !reflect.DeepEqual(p.Examples[0], first) {
		t.Errorf("first disagreement:\n got %+v\nwant %+v", p.Examples, first)
	}
}

func TestReadBackParitySkipsWrites(t *testing.T) {
	// k1 was written (a failed write) between the two members' reads,
	// k2 was being written while they read: neither pair is compared.
	recs := []probe.Record{
		put("c1", "c1-k1", 1, 10, sp("a"), "v1"), failed("c1", "c1-k1", 202),
		put("c1", "c1-k2", 2, 20, sp("b"), "v1"),
		{Client: "c1", Class: "write", Key: "c1-k2", Start: at(199), End: at(400), Err: "timeout"},
		rb("c1", "c1-k1", 1, "m1", 200, 1, sp("a"), "v1"), rb("c1", "c1-k1", 1, "m2", 210, 2, sp("c"), "v2"),
		rb("c1", "c1-k2", 1, "m1", 200, 2, sp("b"), "v1"), rb("c1", "c1-k2", 1, "m2", 210, 3, sp("d"), "v2"),
	}
	if p := ReadBack(recs, t0, nil).Rounds[0].Parity(); p.Keys != 0 || p.Wrong != 0 {
		t.Errorf("parity compared a key being written: %+v", p)
	}
}

func TestReadBackYoungKept(t *testing.T) {
	// MaxYoung+20 wrong reads younger than the horizon, and 2 older: the
	// youngest MaxYoung ages are kept, with the count of every young one.
	var recs []probe.Record
	for i := range MaxYoung + 22 {
		key := "c1-" + string(rune('A'+i/26)) + string(rune('a'+i%26))
		sent := 19_999 - float64(i)*10 // acknowledged 1 ms, 11 ms, ... before the read
		if i >= MaxYoung+20 {
			sent = 1000 - float64(i) // over 10 s before it
		}
		recs = append(recs, put("c1", key, uint64(i+1), sent, sp("v"), "v1"),
			rb("c1", key, 0, "", 20_001, 0, nil, "v1"))
	}
	r := ReadBack(recs, t0, nil).Rounds[0].Route()
	if r.Wrong != MaxYoung+22 || r.Young != MaxYoung+20 || len(r.YoungMS) != MaxYoung || r.YoungMS[0] != 1 || r.YoungMS[MaxYoung-1] != 991 {
		t.Errorf("wrong %d young %d kept %d (%v...%v)", r.Wrong, r.Young, len(r.YoungMS), r.YoungMS[0], r.YoungMS[len(r.YoungMS)-1])
	}
	// Examples: the first three read (all at once: by key) and the
	// three oldest, in the order read.
	var keys []string
	for _, f := range r.Examples {
		keys = append(keys, f.Key)
	}
	if want := []string{"c1-Aa", "c1-Ab", "c1-Ac", "c1-Ep", "c1-Eq", "c1-Er"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("examples %q, want %q", keys, want)
	}
}

func TestReadBackParityDetails(t *testing.T) {
	recs := []probe.Record{
		put("c1", "c1-k1", 1, 10, nil, "v1"),
		put("c1", "c1-k2", 2, 20, sp("b"), "v1"),
		put("c1", "c1-k3", 3, 30, sp("c"), "v1"),
		{Client: "c1", Class: "incr", Key: "c1-counter", Seq: 4, Start: at(40), End: at(41), OK: true, Value: sp("1")},
		// k1: both found, seqs agree, no values: compared, value unjudged
		rb("c1", "c1-k1", 1, "m1", 200, 1, nil, "v1"), rb("c1", "c1-k1", 1, "m2", 200, 1, nil, "v2"),
		// k2: same value, other seqs: a disagreement
		rb("c1", "c1-k2", 1, "m1", 200, 2, sp("b"), "v1"), rb("c1", "c1-k2", 1, "m2", 200, 3, sp("b"), "v2"),
		// k3: m2's read failed; its version is no answer
		rb("c1", "c1-k3", 1, "m1", 200, 3, sp("c"), "v1"),
		{Type: probe.TypeReadback, Client: "c1", Key: "c1-k3", Round: 1, Via: "m2", Start: at(200), Err: "timeout", Version: "v3"},
		ended("c1", 1, ""),
	}
	rd := ReadBack(recs, t0, nil).Rounds[0]
	if p := rd.Parity(); p.Keys != 2 || p.Unjudged != 1 || p.Wrong != 1 || p.Examples[0].Key != "c1-k2" {
		t.Errorf("parity: %+v", p)
	}
	if want := []string{"v1", "v2"}; !reflect.DeepEqual(rd.Parity().Versions, want) {
		t.Errorf("versions %q, want %q (a failed read answered nothing)", rd.Parity().Versions, want)
	}
	// The counter (an incr) was not read back through the route: not
	// unread, since clients need not read back counters; the three
	// writes were not read through it either.
	if rd.Route().Unread != 3 {
		t.Errorf("route unread %d, want 3", rd.Route().Unread)
	}
	if m2 := rd.Members()[1]; m2.Via != "m2" || m2.Unread != 1 || m2.Keys != 2 || m2.Unjudged != 1 {
		t.Errorf("m2: %+v", m2)
	}
}

// A client lists the keys it wrote when it gets its signal, and reads
// them a little later: a write acknowledged in between is in neither the
// list nor the round, and is not unread.
func TestReadBackUnreadCutoff(t *testing.T) {
	recs := []probe.Record{
		put("c1", "c1-1", 1, 10, sp("a"), "v1"),
		put("c1", "c1-2", 2, 100, sp("b"), "v1"), // not read: unread
		put("c1", "c1-3", 3, 150, sp("c"), "v1"), // read
		put("c1", "c1-4", 4, 196, sp("d"), "v1"), // acknowledged after the signal (195), before the read
		rb("c1", "c1-1", 1, "", 200, 1, sp("a"), "v1"),
		rb("c1", "c1-3", 1, "", 200, 3, sp("c"), "v1"),
		ended("c1", 1, ""),
	}
	if r := ReadBack(recs, t0, []timeline.Event{roundAt(1, "", 195)}).Rounds[0].Route(); r.Unread != 1 || r.Keys != 2 {
		t.Errorf("with the round's event: %+v", r)
	}
	// Without the event, the latest write read (c1-3, at 151) is the cutoff.
	if r := ReadBack(recs, t0, nil).Rounds[0].Route(); r.Unread != 1 || r.Keys != 2 {
		t.Errorf("without it: %+v", r)
	}
	// Without it, c1-2 read and c1-3 not: c1-3 is after the cutoff.
	recs[5] = rb("c1", "c1-2", 1, "", 200, 2, sp("b"), "v1")
	if r := ReadBack(recs, t0, nil).Rounds[0].Route(); r.Unread != 0 || r.Keys != 2 {
		t.Errorf("without it, the latest unread: %+v", r)
	}
}

// BenchmarkReadBack summarises a large run: 16 clients of 6,000 writes
// each, read back in two rounds and on stop through the route and three
// members: 1.15 million read-back lines.
func BenchmarkReadBack(b *testing.B) {
	var recs []probe.Record
	for c := range 16 {
		client := "c" + strconv.Itoa(c+1)
		for i := range 6000 {
			key := client + "-" + strconv.Itoa(i)
			recs = append(recs, put(client, key, uint64(i+1), float64(i)*5, sp("v"+key), "v1"))
		}
		for _, n := range []int{1, 2, 0} {
			for _, via := range []string{"", "m1", "m2", "m3"} {
				for i := range 6000 {
					key := client + "-" + strconv.Itoa(i)
					recs = append(recs, rb(client, key, n, via, 40_000+float64(n)*1000, uint64(i+1), sp("v"+key), "v1"))
				}
			}
			if n > 0 {
				recs = append(recs, ended(client, n, ""))
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if rb := ReadBack(recs, t0, nil); len(rb.Rounds) != 3 || rb.Rounds[0].Route().Keys != 96_000 {
			b.Fatalf("rounds %d, keys %d", len(rb.Rounds), rb.Rounds[0].Route().Keys)
		}
	}
}

// FuzzReadBack checks, on runs made up from the fuzzer's numbers, what
// every summary must keep: counts that add up, bounded and sorted lists,
// and no panic.
func FuzzReadBack(f *testing.F) {
	for _, seed := range []uint64{1, 2, 15, 99} {
		f.Add(seed, uint8(3), uint8(2))
	}
	f.Fuzz(func(t *testing.T, seed uint64, nkeys, nvias uint8) {
		r := rand.New(rand.NewPCG(seed, 7))
		vias := []string{""}
		for v := range int(nvias % 4) {
			vias = append(vias, "m"+strconv.Itoa(v+1))
		}
		versions := []string{"v1", "v2", ""}
		values := []*string{nil, sp(""), sp("a"), sp("b")}
		var recs []probe.Record
		for _, c := range []string{"c1", "c2"} {
			for k := range int(nkeys % 40) {
				key := c + "-" + strconv.Itoa(k%7) // some keys written more than once
				ms := float64(r.IntN(1000))
				w := put(c, key, uint64(r.IntN(5)), ms, values[r.IntN(len(values))], versions[r.IntN(3)])
				if r.IntN(4) == 0 {
					w.OK, w.Err = false, "timeout"
				}
				if r.IntN(5) == 0 {
					w.Class = "incr"
				}
				recs = append(recs, w)
			}
			for _, n := range []int{0, 1, 2} {
				for _, via := range vias {
					for k := range 7 {
						if r.IntN(5) == 0 {
							continue
						}
						line := rb(c, c+"-"+strconv.Itoa(k), n, via, float64(r.IntN(1200)), uint64(r.IntN(5)), values[r.IntN(len(values))], versions[r.IntN(3)])
						if r.IntN(10) == 0 {
							line.Err = "timeout"
						}
						recs = append(recs, line)
					}
				}
				if n > 0 && r.IntN(3) > 0 {
					recs = append(recs, ended(c, n, []string{"", "m1: refused"}[r.IntN(2)]))
				}
			}
		}
		var events []timeline.Event
		if r.IntN(2) == 0 {
			events = append(events, roundAt(1, "read-back round 1: x", float64(r.IntN(1200))))
		}
		got := ReadBack(recs, t0, events)
		for _, rd := range got.Rounds {
			if len(rd.Problems) > maxProblems+1 || rd.Clients == nil || rd.Problems == nil {
				t.Fatalf("round %d: clients %q problems %q", rd.N, rd.Clients, rd.Problems)
			}
			if rd.Tallies[0].Way != result.WayRoute || rd.Tallies[len(rd.Tallies)-1].Way != result.WayParity {
				t.Fatalf("round %d: tallies %+v", rd.N, rd.Tallies)
			}
			for _, tl := range rd.Tallies {
				if tl.Wrong+tl.Unjudged > tl.Keys || tl.Young > tl.Wrong || len(tl.YoungMS) > min(tl.Young, MaxYoung) ||
					len(tl.Examples) > maxFirst+maxOldest || len(tl.Examples) > tl.Wrong || tl.Wrong > 0 && len(tl.Examples) == 0 ||
					tl.Way == result.WayParity && tl.Unread > 0 || tl.Versions == nil || tl.YoungMS == nil {
					t.Fatalf("round %d %s %s: %+v", rd.N, tl.Way, tl.Via, tl)
				}
				for i := 1; i < len(tl.YoungMS); i++ {
					if tl.YoungMS[i] < tl.YoungMS[i-1] {
						t.Fatalf("young ages not sorted: %v", tl.YoungMS)
					}
				}
				for _, e := range tl.Examples {
					if e.AgeMS <= 0 || (tl.Way == result.WayParity) != (e.Other != nil) {
						t.Fatalf("round %d %s: example %+v", rd.N, tl.Way, e)
					}
				}
			}
		}
	})
}
