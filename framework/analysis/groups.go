package analysis

import (
	"slices"

	"github.com/hatest/hatest/framework/check"
	"github.com/hatest/hatest/framework/probe"
	"github.com/hatest/hatest/framework/result"
	"github.com/hatest/hatest/framework/timeline"
)

// group is one client group of a run: its name ("" for the clients the
// scenario put in no named group) and the indexes of its clients in
// Recorded.Clients, in run order.
type group struct {
	name    string
	clients []int
}

// clientGroups are the client groups of a run, in the order of each
// group's first client. There are none when no client names a group: the
// one group would be every client, which the summary already is. When some
// clients name a group and others do not, the others form the group "".
func clientGroups(cs []ClientRecord) []group {
	named := slices.ContainsFunc(cs, func(c ClientRecord) bool { return c.Group != "" })
	if !named {
		return nil
	}
	var out []group
	at := map[string]int{}
	for i, c := range cs {
		g, ok := at[c.Group]
		if !ok {
			g = len(out)
			at[c.Group] = g
			out = append(out, group{name: c.Group})
		}
		out[g].clients = append(out[g].clients, i)
	}
	return out
}

// groupFigures are the headline figures of each group. res carries the
// clients and windows Analyze made (res.Clients[i] is in.Clients[i]); ws
// are the same windows in nanoseconds, for the percentiles; records are
// the records the integrity check reads, records[span[i][0]:span[i][1]]
// those of in.Clients[i].
func groupFigures(gs []group, res *result.Scenario, ws []timeline.Window, records []probe.Record, span [][2]int) []result.GroupFigures {
	out := make([]result.GroupFigures, 0, len(gs))
	for _, g := range gs {
		gf := result.GroupFigures{Name: g.name, Clients: []string{}}
		in := map[string]bool{}
		var recs []probe.Record
		for _, i := range g.clients {
			c := res.Clients[i]
			in[c.Name] = true
			gf.Clients = append(gf.Clients, c.Name)
			gf.Ops += c.Ops
			gf.FailedOps += c.Failed
			recs = append(recs, records[span[i][0]:span[i][1]]...)
		}
		var lens []int64
		for _, w := range ws {
			if in[w.Client] {
				lens = append(lens, w.End-w.Start)
			}
		}
		gf.Windows = len(lens)
		gf.MaxWindowMS, gf.P99WindowMS = maxP99(lens)
		gf.TotalOutageMS, gf.WorstClient = worstOf(res.Windows, in)
		// Integrity is kept per client and key, so the check over the
		// group's records alone gives the group's share of every count.
		gi := check.Integrity(recs, res.StartedAt.UnixNano(), nil)
		gf.Integrity = result.GroupIntegrity{
			Checked: gi.Checked, AckedWrites: gi.AckedWrites, Lost: len(gi.Lost), Unchecked: gi.Unchecked,
			Indeterminate: gi.Indeterminate, AppliedFailed: gi.AppliedFailed,
		}
		out = append(out, gf)
	}
	return out
}

// worstOf is the total outage of the clients in the set (check.TotalOutageMS
// over their windows) and the client whose it is: the one with the most
// time inside windows, the first by name of equals; 0 and "" when none saw
// a window.
func worstOf(ws []result.Window, in map[string]bool) (float64, string) {
	var mine []result.Window
	per := map[string][]result.Window{}
	for _, w := range ws {
		if in[w.Client] {
			mine = append(mine, w)
			per[w.Client] = append(per[w.Client], w)
		}
	}
	worst, most := "", 0.0
	for c, cw := range per {
		if t := check.TotalOutageMS(cw); worst == "" || t > most || (t == most && c < worst) {
			worst, most = c, t
		}
	}
	return check.TotalOutageMS(mine), worst
}

// maxP99 is the longest of window lengths (ns) and their nearest-rank 99th
// percentile (timeline.Percentile), in ms; 0 and 0 for none.
func maxP99(lens []int64) (float64, float64) {
	if len(lens) == 0 {
		return 0, 0
	}
	slices.Sort(lens)
	return float64(lens[len(lens)-1]) / 1e6, float64(timeline.Percentile(lens, 0.99)) / 1e6
}
