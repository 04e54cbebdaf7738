package reports

import (
	"strings"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// unnamedGroup is how the report shows the group of the clients the
// scenario put in no named group (result.GroupFigures.Name "").
const unnamedGroup = "(unnamed)"

// groupLabel is a group's name as the report shows it.
func groupLabel(name string) string {
	if name == "" {
		return unnamedGroup
	}
	return name
}

// groupView is one row of the "Client groups" table: a group's headline
// figures, or (All) the run's, over every client.
type groupView struct {
	Name, Clients, ClientNames            string
	Unnamed, All                          bool
	Ops, Failed, Windows, Max, P99, Total string
	Worst                                 string
	Checked                               bool
	Lost, Unchecked, Applied              string
	LostN, UncheckedN                     int
}

// buildGroups is the "Client groups" table: a row per group, and the
// run's own figures, labelled as every client's. Nil with fewer than two
// groups: the summary's figures are then the one group's.
func buildGroups(s *result.Scenario) (rows []groupView, all *groupView) {
	if len(s.Groups) < 2 {
		return nil, nil
	}
	for _, g := range s.Groups {
		gi := g.Integrity
		rows = append(rows, groupView{
			Name: groupLabel(g.Name), Unnamed: g.Name == "",
			Clients: format.Count(len(g.Clients)), ClientNames: strings.Join(g.Clients, ", "),
			Ops: format.Count(g.Ops), Failed: format.Count(g.FailedOps), Windows: format.Count(g.Windows),
			Max: format.Duration(g.MaxWindowMS), P99: format.Duration(g.P99WindowMS), Total: format.Duration(g.TotalOutageMS),
			Worst: g.WorstClient, Checked: gi.Checked,
			Lost: format.Count(gi.Lost), Unchecked: format.Count(gi.Unchecked), Applied: format.Count(gi.AppliedFailed),
			LostN: gi.Lost, UncheckedN: gi.Unchecked,
		})
	}
	sm, in := s.Summary, s.Integrity
	all = &groupView{
		Name: "all clients", All: true, Clients: format.Count(sm.Clients),
		Ops: format.Count(sm.Ops), Failed: format.Count(sm.FailedOps), Windows: format.Count(sm.Windows),
		Max: format.Duration(sm.MaxWindowMS), P99: format.Duration(sm.P99WindowMS), Total: format.Duration(sm.TotalOutageMS),
		Worst: worstClient(s), Checked: in.Checked,
		Lost: format.Count(len(in.Lost)), Unchecked: format.Count(in.Unchecked), Applied: format.Count(in.AppliedFailed),
		LostN: len(in.Lost), UncheckedN: in.Unchecked,
	}
	return rows, all
}

// worstClient is the worst client of the groups' worst clients: the one
// whose total outage is the run's.
func worstClient(s *result.Scenario) string {
	worst, most := "", -1.0
	for _, g := range s.Groups {
		if g.WorstClient != "" && g.TotalOutageMS > most {
			worst, most = g.WorstClient, g.TotalOutageMS
		}
	}
	return worst
}

// restartView is one row of the "Member restarts" table.
type restartView struct {
	Member, Step, StepDesc, From, To, At string
	Phases                               []phaseView // stop→exited, exited→started, started→healthy
	Total                                phaseView   // stop→healthy
	Outage                               []restartOutage
}

// restartOutage is what one client group (or every client) saw of a
// restart: the longest and the p99 of the windows its step caused.
type restartOutage struct {
	Max, P99, Windows string
	Unknown, None     bool
}

// restartTable is the "Member restarts" table: Columns name the outage
// columns, one per client group, or one for every client.
type restartTable struct {
	Rows    []restartView
	Columns []string
	Unknown bool // some phase or outage was not measured
}

// The titles of what a restart's row could not measure.
const (
	phaseNotReported = "not measured: no event for one end of this phase was on the timeline"
	noStep           = "not measured: no plan step was found to have made this restart, so no window can be put down to it"
)

func buildRestarts(s *result.Scenario, desc map[string]string) restartTable {
	var t restartTable
	perGroup := len(s.Groups) > 1
	if perGroup {
		for _, g := range s.Groups {
			t.Columns = append(t.Columns, groupLabel(g.Name))
		}
	} else {
		t.Columns = []string{"all clients"}
	}
	show := func(ms float64) phaseView {
		p := phase(ms)
		if p.Unknown {
			p.Title = phaseNotReported
			t.Unknown = true
		}
		return p
	}
	outage := func(n int, max, p99 float64) restartOutage {
		if max < 0 || p99 < 0 {
			t.Unknown = true
			return restartOutage{Unknown: true}
		}
		return restartOutage{Max: format.Duration(max), P99: format.Duration(p99), Windows: format.Count(n), None: n == 0}
	}
	for _, r := range s.Restarts {
		rv := restartView{
			Member: r.Member, Step: r.Step, StepDesc: truncate(desc[r.Step], 80), From: r.From, To: r.To,
			At:     format.Millis(r.AtMS, 1),
			Phases: []phaseView{show(r.StopToExitedMS), show(r.ExitedToStartedMS), show(r.StartedToHealthyMS)},
			Total:  show(r.StopToHealthyMS),
		}
		if perGroup {
			for _, g := range s.Groups {
				o := restartOutage{Unknown: true}
				for _, rg := range r.Groups {
					if rg.Group == g.Name {
						o = outage(rg.Windows, rg.MaxWindowMS, rg.P99WindowMS)
						break
					}
				}
				t.Unknown = t.Unknown || o.Unknown
				rv.Outage = append(rv.Outage, o)
			}
		} else {
			rv.Outage = []restartOutage{outage(r.Windows, r.MaxWindowMS, r.P99WindowMS)}
		}
		t.Rows = append(t.Rows, rv)
	}
	return t
}

// plural is one or many, as n says.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
