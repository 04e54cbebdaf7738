package check

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

// What ReadBack keeps of the wrong reads, so that a rule with a lag can
// excuse the young ones exactly while the result stays small.
const (
	// AgeHorizon is how young a wrong read must be for its age to be kept
	// (result.Tally.YoungMS): the longest lag EveryMemberHolds and
	// ReplyParity accept.
	AgeHorizon = 10 * time.Second
	// MaxYoung is how many ages of young wrong reads a Tally keeps, the
	// youngest. A lag beyond the oldest of them, when there were more,
	// gives a count that is a lower bound ("at least").
	MaxYoung = 100
	// maxFirst and maxOldest are the examples a Tally keeps: the first
	// wrong reads, and the oldest.
	maxFirst, maxOldest = 3, 3
	// maxProblems is how many problems a Round lists.
	maxProblems = 5
)

// ReadBack summarises the read-back rounds of a run: for each round, which
// clients took part, and what their reads found of the acknowledged
// writes, through each client's own route, through each member, and
// between members of different versions. start is the scenario's start
// (Unix ns): every *MS of the result is relative to it. events are the
// timeline's events; those with ID timeline.RoundEventID(n) label round n. It is
// pure.
//
//   - An acknowledged write is an op line of class "write" or "incr", ok,
//     with a key; per client and key, the one the server applied last (the
//     highest seq; of equal seqs the one that ended last), as Integrity
//     picks it. It is checked in each read of its key, by its client,
//     that began after it was acknowledged: readback lines of the round
//     (Round; 0 for the read-back on stop) through the route (Via "") and
//     through each member (Via, the member's address).
//   - A read is wrong when it found nothing, an older seq, a newer seq
//     when the client wrote the key only once, or another value. Values
//     are compared only where they show the write: when the read's seq
//     equals the acknowledged one, or, without seqs, when the key was
//     written once; and only when both lines say a value (Value). Other
//     reads that found the key are Unjudged.
//   - Unread counts the acknowledged writes of class "write" that have no
//     line of the round through that way, or one with an error, although
//     the client had them when its round began: for round 0, all; for a
//     round during the run, those acknowledged before its event began;
//     without an event, before the latest acknowledged write the client
//     read in the round (or, for a client that read nothing, before the
//     round's first read). Clients need not read back incr counters.
//   - Parity compares, per client and key, the answers of each two members
//     whose answering versions (Version) differ: found, seq (when both
//     say one) and value (when both say one). A pair is skipped when a
//     write of the key ended after the earlier read began or was in
//     flight by the later one; its age is how long before the earlier read
//     the last write of the key ended.
//   - Problems of a round name the clients that took part and wrote an
//     error on their round line, or wrote no round line (rounds from 1),
//     and the clients with acknowledged writes from before the round that
//     wrote nothing of it.
//
// Rounds come in the order they were taken: 1, 2, ..., then 0. Round 0 is
// there whenever anything of a read-back is (a line or an event); the
// result is zero when nothing is and no line says a value.
func ReadBack(records []probe.Record, start int64, events []timeline.Event) result.ReadBack {
	rb := result.ReadBack{}
	idx := newRBIndex(records)
	rb.Values = idx.values
	labels := roundEvents(events)
	ns := map[int]bool{}
	for n := range idx.lines {
		ns[n] = true
	}
	for n := range idx.ends {
		ns[n] = true
	}
	for n := range labels {
		ns[n] = true
	}
	if len(ns) == 0 {
		if rb.Values > 0 {
			rb.Rounds = []result.Round{}
		}
		return rb
	}
	ns[0] = true
	order := make([]int, 0, len(ns))
	for n := range ns {
		order = append(order, n)
	}
	slices.SortFunc(order, func(a, b int) int {
		// 1, 2, ..., then 0: the read-back on stop is the last.
		if (a == 0) != (b == 0) {
			if a == 0 {
				return 1
			}
			return -1
		}
		return cmp.Compare(a, b)
	})
	rb.Rounds = make([]result.Round, 0, len(order))
	for _, n := range order {
		rb.Rounds = append(rb.Rounds, idx.round(n, labels[n], start))
	}
	return rb
}

// rbKey is one key of one client.
type rbKey struct{ client, key string }

// rbIndex is what ReadBack reads from the records, indexed.
type rbIndex struct {
	clients []string                  // in the order they first appear
	keys    map[string][]string       // each client's acknowledged keys, sorted
	acked   map[rbKey]*probe.Record   // the acknowledged write each key is checked against
	writes  map[rbKey][][2]int64      // every write line of each key (acked or failed): start, end
	vias    map[string][]string       // each client's member addresses, sorted
	lines   map[int][]*probe.Record   // each round's readback lines
	ends    map[int]map[string]string // each round's round lines: client -> err
	values  int
}

func newRBIndex(records []probe.Record) *rbIndex {
	x := &rbIndex{
		keys: map[string][]string{}, acked: map[rbKey]*probe.Record{}, writes: map[rbKey][][2]int64{},
		vias: map[string][]string{}, lines: map[int][]*probe.Record{}, ends: map[int]map[string]string{},
	}
	seen := map[string]bool{}
	for i := range records {
		r := &records[i]
		if r.Client != "" && !seen[r.Client] {
			seen[r.Client] = true
			x.clients = append(x.clients, r.Client)
		}
		switch {
		case r.Type == probe.TypeReadback:
			x.lines[r.Round] = append(x.lines[r.Round], r)
			if r.Value != nil {
				x.values++
			}
			if r.Via != "" && !slices.Contains(x.vias[r.Client], r.Via) {
				x.vias[r.Client] = append(x.vias[r.Client], r.Via)
			}
		case r.Type == probe.TypeRound:
			if x.ends[r.Round] == nil {
				x.ends[r.Round] = map[string]string{}
			}
			x.ends[r.Round][r.Client] = r.Err
		case r.IsOp() && (r.Class == "write" || r.Class == "incr") && r.Key != "":
			if r.Value != nil {
				x.values++
			}
			k := rbKey{r.Client, r.Key}
			x.writes[k] = append(x.writes[k], [2]int64{r.Start, r.End})
			if !r.OK {
				continue
			}
			a, ok := x.acked[k]
			if !ok {
				x.keys[r.Client] = append(x.keys[r.Client], r.Key)
			}
			if !ok || r.Seq > a.Seq || (r.Seq == a.Seq && r.End > a.End) {
				x.acked[k] = r
			}
		}
	}
	for _, ks := range x.keys {
		slices.Sort(ks)
	}
	for _, vs := range x.vias {
		slices.Sort(vs)
	}
	return x
}

// roundEvent is what the timeline says of one round.
type roundEvent struct {
	label string
	at    int64
}

// roundEvents are the rounds' events by number: the first event with ID
// timeline.RoundEventID(n) for each n ≥ 0.
func roundEvents(events []timeline.Event) map[int]roundEvent {
	out := map[int]roundEvent{}
	for _, e := range events {
		rest, ok := strings.CutPrefix(e.ID, timeline.RoundEventPrefix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 || strconv.Itoa(n) != rest {
			continue
		}
		if _, dup := out[n]; dup {
			continue
		}
		label := e.Desc
		if _, after, ok := strings.Cut(label, ": "); ok && strings.HasPrefix(label, "read-back round ") {
			label = after
		}
		out[n] = roundEvent{label, e.Start}
	}
	return out
}

// round analyses round n.
func (x *rbIndex) round(n int, ev roundEvent, start int64) result.Round {
	ms := func(t int64) float64 { return float64(t-start) / 1e6 }
	rd := result.Round{N: n, Label: ev.label, Clients: []string{}, Problems: []string{}}
	if n == 0 && rd.Label == "" {
		rd.Label = "on stop"
	}
	// Each client's lines of the round, by way (via) and key; the last
	// line of a key wins.
	type way = map[string]*probe.Record
	route := map[string]way{}
	member := map[string]map[string]way{}
	first := map[string]int64{}
	versions := map[string]bool{}                  // of every member
	routeVersions := map[string]bool{}             // of the routes
	memberVersions := map[string]map[string]bool{} // of each member
	for _, r := range x.lines[n] {
		if f, ok := first[r.Client]; !ok || r.Start < f {
			first[r.Client] = r.Start
		}
		if r.Via == "" {
			if route[r.Client] == nil {
				route[r.Client] = way{}
			}
			route[r.Client][r.Key] = r
			if r.Err == "" && r.Version != "" {
				routeVersions[r.Version] = true
			}
			continue
		}
		if member[r.Client] == nil {
			member[r.Client] = map[string]way{}
		}
		if member[r.Client][r.Via] == nil {
			member[r.Client][r.Via] = way{}
		}
		member[r.Client][r.Via][r.Key] = r
		if r.Err == "" && r.Version != "" {
			versions[r.Version] = true
			if memberVersions[r.Via] == nil {
				memberVersions[r.Via] = map[string]bool{}
			}
			memberVersions[r.Via][r.Version] = true
		}
	}
	at, known := ev.at, ev.at != 0
	if !known && len(first) > 0 {
		for _, f := range first {
			if !known || f < at {
				at, known = f, true
			}
		}
	}
	if known {
		rd.AtMS = ms(at)
	}

	var (
		routeT  = &tally{}
		members = map[string]*tally{}
		parity  = &tally{}
		probs   []string
	)
	for _, c := range x.clients {
		_, took := first[c]
		endErr, ended := x.ends[n][c]
		took = took || ended
		// The cutoff: every acknowledged write of before it must have been
		// read. The read-back on stop follows every write. A round during
		// the run reads the keys written before the client got its
		// signal, which is after the round's event began; without an
		// event, at least those acknowledged before the latest one it read
		// (not its first read: a write acknowledged between the client's
		// list of keys and its first read is in neither), and for a client
		// that read nothing, those acknowledged before the round's first
		// read.
		var begun int64
		judgeUnread := true
		switch _, read := first[c]; {
		case n == 0:
			begun = math.MaxInt64
		case ev.at != 0:
			begun = ev.at
		case read:
			begun = x.latestRead(c, route[c], member[c]) + 1
		case known:
			begun = at
		default:
			judgeUnread = false
		}
		if took {
			rd.Clients = append(rd.Clients, c)
		}
		switch {
		case ended && endErr != "":
			probs = append(probs, c+": "+endErr)
		case took && !ended && n > 0:
			probs = append(probs, c+": no round line: its round was cut short")
		case !took && judgeUnread && x.ackedBefore(c, begun):
			if n == 0 {
				probs = append(probs, c+": no read-back on stop")
			} else {
				probs = append(probs, c+": did not read back in this round")
			}
		}
		for _, key := range x.keys[c] {
			k := rbKey{c, key}
			a := x.acked[k]
			written := len(x.writes[k])
			routeT.check(a, written, route[c][key], begun, judgeUnread, ms)
			for _, via := range x.vias[c] {
				t := members[via]
				if t == nil {
					t = &tally{}
					members[via] = t
				}
				t.check(a, written, member[c][via][key], begun, judgeUnread, ms)
			}
		}
		// Parity: per key, the answers of members of different versions.
		var keys []string
		for _, w := range member[c] {
			for key := range w {
				keys = append(keys, key)
			}
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		for _, key := range keys {
			var as []*probe.Record
			for _, via := range x.vias[c] {
				if r, ok := member[c][via][key]; ok && r.Err == "" && r.Version != "" {
					as = append(as, r)
				}
			}
			for i := range as {
				for j := i + 1; j < len(as); j++ {
					if as[i].Version != as[j].Version {
						parity.compare(as[i], as[j], x.writes[rbKey{c, key}], start, ms)
					}
				}
			}
		}
	}
	if len(probs) > maxProblems {
		probs = append(probs[:maxProblems], fmt.Sprintf("and %d more", len(probs)-maxProblems))
	}
	rd.Problems = append(rd.Problems, probs...)
	rd.Tallies = append(rd.Tallies, routeT.result(result.WayRoute, "", routeVersions))
	for _, via := range sortedKeys(members) {
		rd.Tallies = append(rd.Tallies, members[via].result(result.WayMember, via, memberVersions[via]))
	}
	rd.Tallies = append(rd.Tallies, parity.result(result.WayParity, "", versions))
	return rd
}

// latestRead is when the latest acknowledged write of client c that it
// read in a round (through its route or a member: lines route and member)
// was acknowledged; 0 when it read none.
func (x *rbIndex) latestRead(c string, route map[string]*probe.Record, member map[string]map[string]*probe.Record) int64 {
	var latest int64
	for _, key := range x.keys[c] {
		_, read := route[key]
		for _, w := range member {
			if _, ok := w[key]; ok {
				read = true
			}
		}
		if a := x.acked[rbKey{c, key}]; read && a.End > latest {
			latest = a.End
		}
	}
	return latest
}

// ackedBefore says whether client c has an acknowledged write of class
// "write" acknowledged before t.
func (x *rbIndex) ackedBefore(c string, t int64) bool {
	for _, key := range x.keys[c] {
		if a := x.acked[rbKey{c, key}]; a.Class == "write" && a.End < t {
			return true
		}
	}
	return false
}

// tally builds a result.Tally.
type tally struct {
	keys, unread, unjudged int
	wrong                  []finding
}

// finding is a wrong read, with when it was read, for the order.
type finding struct {
	f  result.Finding
	at int64
}

// check judges read r (nil: none) of acknowledged write a,
// of a key with written write lines; a write acknowledged before begun
// and not read is unread.
func (t *tally) check(a *probe.Record, written int, r *probe.Record, begun int64, judgeUnread bool, ms func(int64) float64) {
	if r == nil || r.Err != "" {
		if judgeUnread && a.Class == "write" && a.End < begun {
			t.unread++
		}
		return
	}
	if a.End >= r.Start {
		return // acknowledged after the read began: not this read's to find
	}
	t.keys++
	switch readVerdict(a, written > 1, r) {
	case readOK:
		return
	case readUnjudged:
		t.unjudged++
		return
	}
	t.wrong = append(t.wrong, finding{result.Finding{
		Client: a.Client, Key: a.Key, AgeMS: float64(r.Start-a.End) / 1e6,
		Written: a.Value, Seq: a.Seq, WrittenBy: a.Version, AckMS: ms(a.End),
		Got: answer(r, ms),
	}, r.Start})
}

type verdict int

const (
	readOK verdict = iota
	readUnjudged
	readWrong
)

// readVerdict judges read r of acknowledged write a; other says the key
// had other writes.
func readVerdict(a *probe.Record, other bool, r *probe.Record) verdict {
	if !r.Found {
		return readWrong
	}
	if a.Seq != 0 && r.Seq != 0 {
		switch {
		case r.Seq < a.Seq:
			return readWrong
		case r.Seq > a.Seq && other:
			return readUnjudged // another write of the key was applied after it
		case r.Seq > a.Seq:
			return readWrong
		}
	} else if other {
		return readUnjudged
	}
	if a.Value == nil || r.Value == nil {
		return readUnjudged
	}
	if *a.Value != *r.Value {
		return readWrong
	}
	return readOK
}

// compare compares two members' answers to the same read of a key whose
// write lines are writes.
func (t *tally) compare(p, q *probe.Record, writes [][2]int64, start int64, ms func(int64) float64) {
	early, late := min(p.Start, q.Start), max(p.Start, q.Start)
	last := int64(math.MinInt64)
	for _, w := range writes {
		if w[0] < late && w[1] > last {
			last = w[1]
		}
	}
	if last == math.MinInt64 {
		last = start // never written: as old as the run
	}
	if last >= early {
		return // a write ended between the reads, or was in flight
	}
	t.keys++
	differ := p.Found != q.Found
	if p.Found && q.Found {
		if p.Seq != 0 && q.Seq != 0 && p.Seq != q.Seq {
			differ = true
		}
		switch {
		case p.Value != nil && q.Value != nil:
			if *p.Value != *q.Value {
				differ = true
			}
		case !differ:
			t.unjudged++
		}
	}
	if !differ {
		return
	}
	other := answer(q, ms)
	t.wrong = append(t.wrong, finding{result.Finding{
		Client: p.Client, Key: p.Key, AgeMS: float64(early-last) / 1e6, AckMS: ms(last),
		Got: answer(p, ms), Other: &other,
	}, early})
}

func answer(r *probe.Record, ms func(int64) float64) result.Answer {
	a := result.Answer{Via: r.Via, Version: r.Version, Found: r.Found, Seq: r.Seq, AtMS: ms(r.Start)}
	if r.Found {
		a.Value = r.Value
	}
	return a
}

// result is the bounded summary of one way of reading (versions: those
// that answered): counts, the young ages, and the first and the oldest
// examples.
func (t *tally) result(way, via string, versions map[string]bool) result.Tally {
	out := result.Tally{Way: way, Via: via, Versions: sortedKeys(versions), Keys: t.keys, Unread: t.unread, Unjudged: t.unjudged, Wrong: len(t.wrong), YoungMS: []float64{}, Examples: []result.Finding{}}
	ws := t.wrong
	slices.SortFunc(ws, func(a, b finding) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.f.Client, b.f.Client), cmp.Compare(a.f.Key, b.f.Key),
			cmp.Compare(a.f.Got.Via, b.f.Got.Via), cmp.Compare(otherVia(a.f), otherVia(b.f)))
	})
	horizon := float64(AgeHorizon) / 1e6
	for _, w := range ws {
		if w.f.AgeMS < horizon {
			out.Young++
			out.YoungMS = append(out.YoungMS, w.f.AgeMS)
		}
	}
	slices.Sort(out.YoungMS)
	out.YoungMS = out.YoungMS[:min(len(out.YoungMS), MaxYoung)]
	pick := map[int]bool{}
	for i := range min(len(ws), maxFirst) {
		pick[i] = true
	}
	byAge := make([]int, len(ws))
	for i := range byAge {
		byAge[i] = i
	}
	slices.SortStableFunc(byAge, func(i, j int) int { return cmp.Compare(ws[j].f.AgeMS, ws[i].f.AgeMS) })
	for _, i := range byAge[:min(len(byAge), maxOldest)] {
		pick[i] = true
	}
	for i, w := range ws {
		if pick[i] {
			out.Examples = append(out.Examples, w.f)
		}
	}
	return out
}

func otherVia(f result.Finding) string {
	if f.Other == nil {
		return ""
	}
	return f.Other.Via
}

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
