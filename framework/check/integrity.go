package check

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
)

// Integrity joins the acknowledged writes of the op log with the read-back
// lines the clients wrote after the run, and looks for two primaries at
// once. start is the scenario's start (Unix ns); LostWrite.AckMS is
// relative to it. serviceOf names the service a client belongs to; nil
// puts every client in one group. It is pure.
//
//   - An acknowledged write is an op line of class "write" with ok set and
//     a key; per client and key, the one the server applied last (the
//     highest seq; of equal seqs the one that ended last) is checked. It is
//     lost when its client's read-back of the key found nothing
//     ("missing"), or an older seq ("seq 12"). A newer seq is fine when the
//     client sent another write of the key (one that failed may have been
//     applied).
//   - The read-back is the one on stop, through the client's own route:
//     readback lines of round 0 with no via. The rounds taken during the
//     run and the reads through each member are ReadBack's.
//   - It is unchecked (Unchecked), not lost, when the read-back never
//     reported on its key: the client wrote read-back lines for other keys
//     but not this one (its read-back was cut short, or the line says an
//     error), or none at all.
//   - Checked is false when some client has acknowledged writes but wrote
//     no read-back line at all: its writes were not checked, which is not a
//     pass. With no acknowledged writes at all there is nothing to check
//     and Checked is true.
//   - ReadBack counts the acknowledged writes the read-back found.
//   - Indeterminate counts every failed write: it may have been applied.
//     A failed write is never lost, and finding it is never an error.
//   - AppliedFailed counts the failed writes the read-back found anyway, a
//     part of Indeterminate: those whose seq is known and was found, and,
//     for failed writes of unknown seq (the usual case: no reply), at most
//     one per key whose read-back found a seq that no acknowledged write
//     of the key had. It is a lower bound.
//   - SplitBrain has one line per pair of servers, seen by clients of one
//     service, whose writes acknowledged as primary interleave (see
//     splitBrain).
func Integrity(records []probe.Record, start int64, serviceOf func(client string) string) result.Integrity {
	type ck struct{ client, key string }
	var (
		acked    = map[ck]probe.Record{}   // the acknowledged write of each key the server applied last (highest seq)
		failed   = map[ck][]probe.Record{} // the failed writes of each key
		writes   = map[ck]int{}            // how many writes of each key were sent
		readback = map[ck]probe.Record{}
		hasRB    = map[string]bool{}
		in       = result.Integrity{Lost: []result.LostWrite{}, SplitBrain: []string{}}
	)
	for _, r := range records {
		switch {
		case r.Type == probe.TypeReadback:
			// The read-back on stop through the client's own route; the
			// rounds taken during the run, and the reads through each
			// member, are ReadBack's. A line with an error read nothing.
			if r.Round == 0 && r.Via == "" {
				hasRB[r.Client] = true
				if r.Err == "" {
					readback[ck{r.Client, r.Key}] = r
				}
			}
		case r.IsOp() && r.Class == "write":
			if !r.OK {
				in.Indeterminate++
			}
			if r.Key == "" {
				continue
			}
			k := ck{r.Client, r.Key}
			writes[k]++
			if !r.OK {
				failed[k] = append(failed[k], r)
				continue
			}
			// Server order, not client order: of two writes in flight at
			// once, the one the server applied last holds the key.
			if a, seen := acked[k]; !seen || r.Seq > a.Seq || (r.Seq == a.Seq && r.End > a.End) {
				acked[k] = r
			}
		}
	}
	in.AckedWrites = len(acked)
	in.Checked = true
	for k, a := range acked {
		if !hasRB[k.client] {
			in.Checked = false
			in.Unchecked++
			continue
		}
		rb, ok := readback[k]
		found := ""
		switch {
		case !ok:
			in.Unchecked++
			continue
		case !rb.Found:
			found = "missing"
		case rb.Seq == a.Seq, rb.Seq > a.Seq && writes[k] > 1:
			// The last acknowledged write, or a later one of another
			// write of the key (one that failed, and was applied anyway).
			in.ReadBack++
			continue
		default:
			found = fmt.Sprintf("seq %d", rb.Seq)
		}
		in.Lost = append(in.Lost, result.LostWrite{
			Client: k.client, Key: k.key, Seq: a.Seq, AckMS: msSince(a.End, start), Found: found, Version: a.Version,
		})
	}
	// The seqs acknowledged for the keys that also have failed writes.
	ackedSeqs := map[ck][]uint64{}
	for i := 0; len(failed) > 0 && i < len(records); i++ {
		r := &records[i]
		if k := (ck{r.Client, r.Key}); r.IsOp() && r.Class == "write" && r.OK && failed[k] != nil {
			ackedSeqs[k] = append(ackedSeqs[k], r.Seq)
		}
	}
	for k, fs := range failed {
		rb, ok := readback[k]
		if !ok || !rb.Found {
			continue
		}
		unknown := false
		for _, f := range fs {
			switch {
			case f.Seq != 0:
				if f.Seq == rb.Seq {
					in.AppliedFailed++
				}
			case !unknown && !slices.Contains(ackedSeqs[k], rb.Seq):
				unknown = true
				in.AppliedFailed++
			}
		}
	}
	slices.SortFunc(in.Lost, func(a, b result.LostWrite) int {
		return cmp.Or(cmp.Compare(a.AckMS, b.AckMS), cmp.Compare(a.Client, b.Client), cmp.Compare(a.Key, b.Key))
	})
	in.SplitBrain = append(in.SplitBrain, splitBrain(records, start, serviceOf)...)
	return in
}

func msSince(t, start int64) float64 { return float64(t-start) / 1e6 }

// primaryWrite is one write a server acknowledged as primary.
type primaryWrite struct {
	server, client string
	applied        int64
	seq            uint64
}

// splitBrain finds pairs of servers that both acknowledged writes as
// primary (ok op lines of a class other than "read", with Role "primary",
// a Server and an Applied time) in interleaved order, to clients of one
// service: servers of different services are independent, each has its
// own primary. Sorted by Applied time and restricted to two servers A and
// B, the writes of one primary at a time form runs: A A A B B B for a
// switchover, A A B B A A for a switchover and back (a rollback). Two
// primaries at once give A B A B...: four runs or more is reported. Each
// line names the service (when serviceOf gives one), the pair, the number
// of alternations, the span in which they happened, and one example of
// each. Lines come in the order of services, then servers, by name.
func splitBrain(records []probe.Record, start int64, serviceOf func(string) string) []string {
	groups := map[string][]primaryWrite{}
	for _, r := range records {
		if r.IsOp() && r.OK && r.Class != "read" && r.Role == "primary" && r.Server != "" && r.Applied > 0 {
			svc := ""
			if serviceOf != nil {
				svc = serviceOf(r.Client)
			}
			groups[svc] = append(groups[svc], primaryWrite{r.Server, r.Client, r.Applied, r.Seq})
		}
	}
	var out []string
	for _, svc := range slices.Sorted(maps.Keys(groups)) {
		ws := groups[svc]
		servers := map[string]bool{}
		for _, w := range ws {
			servers[w.server] = true
		}
		if len(servers) < 2 {
			continue
		}
		slices.SortStableFunc(ws, func(a, b primaryWrite) int { return cmp.Compare(a.applied, b.applied) })
		where := ""
		if svc != "" {
			where = " in service " + svc
		}
		names := slices.Sorted(maps.Keys(servers))
		for i, a := range names {
			for _, b := range names[i+1:] {
				if line := interleave(ws, a, b, start, where); line != "" {
					out = append(out, line)
				}
			}
		}
	}
	return out
}

// interleave reports servers a and b if their primary writes form four or
// more runs; "" otherwise. where follows "split brain" in the line.
func interleave(ws []primaryWrite, a, b string, start int64, where string) string {
	var (
		runs          int
		last          string
		first, lastAt int64
		switches      int
		exA, exB      *primaryWrite
	)
	for i := range ws {
		w := &ws[i]
		if w.server != a && w.server != b {
			continue
		}
		if w.server != last {
			runs++
			if last != "" {
				switches++
				if switches == 1 {
					first = w.applied
				}
				lastAt = w.applied
				if switches == 3 {
					// The write that made the third switch and the one
					// before it by the other server: both primaries, close
					// together.
					for j := i - 1; j >= 0; j-- {
						if ws[j].server == a || ws[j].server == b {
							exA, exB = &ws[j], w
							break
						}
					}
				}
			}
			last = w.server
		}
	}
	if runs < 4 {
		return ""
	}
	var b2 strings.Builder
	fmt.Fprintf(&b2, "split brain%s: %s and %s both acknowledged writes as primary, alternating %d times between %s and %s",
		where, a, b, switches, format.MS(msSince(first, start)), format.MS(msSince(lastAt, start)))
	if exA != nil {
		fmt.Fprintf(&b2, " (e.g. %s seq %d at %s for %s, then %s seq %d at %s for %s)",
			exA.server, exA.seq, format.MS(msSince(exA.applied, start)), exA.client,
			exB.server, exB.seq, format.MS(msSince(exB.applied, start)), exB.client)
	}
	return b2.String()
}
