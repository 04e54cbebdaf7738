package reports

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").ParseFS(templateFS, "templates/*.tmpl"))

// ScenarioHTML renders one scenario's report.html: a single self-contained
// page (inline CSS, SVG and a little script) that reads fine offline and
// without JavaScript.
func ScenarioHTML(w io.Writer, s *result.Scenario) error {
	if s == nil {
		return fmt.Errorf("render scenario: %w", errNil)
	}
	return execute(w, "scenario", buildScenario(s))
}

func execute(w io.Writer, name string, data any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := templates.ExecuteTemplate(bw, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}

type scenarioView struct {
	S *result.Scenario
	// Status is PASS, FAIL or INVALID; StatusClass its CSS class and
	// Verdict the word in the summary (passed, failed, invalid).
	Status, StatusClass, Verdict, VerdictNote string
	Invalid                                   bool
	InvalidWhy                                string // why an invalid scenario's numbers cannot be vouched for
	Started, Duration                         string
	Schema                                    int
	Figures                                   []figure
	Assertions                                []assertionView
	Failovers                                 []failoverView
	FailoverUnknown                           bool // some phase was not measured
	Integrity                                 integrityView
	Groups                                    []groupView // the "Client groups" table; nil for one group
	GroupsAll                                 *groupView  // its last row: every client
	Grouped                                   bool        // some client is in a named group
	Restarts                                  restartTable
	Clients                                   []clientView
	ClientMismatches                          int
	Schedules                                 []scheduleView
	Timeline                                  timelineBlock
	Table                                     windowTable
	// windows: not expected and not probe lag; open; the client's own
	// lag; with no step or fault on the client's path
	Unexpected, Opened, Lag, Unexplained int
}

// assertionView is one assertion with its outcome: Status is passed,
// failed or invalid, Tag how the list shows it (PASS, FAIL, INVALID).
type assertionView struct {
	Name, Message, Status, Tag, Class string
}

type figure struct{ Label, Value, Note, Class string }

type failoverView struct {
	Cause, Desc                     string
	Detect, Restart, Recover, Total phaseView
	// the stacked bar, scaled to the longest failover: a segment per
	// measured phase, over a track as long as the total when it is known
	Segs   []segView
	TrackW string
}

// phaseView is one phase of a failover: its length, or Unknown when the
// analysis could not measure it (timeline.Unknown, -1 ms in report.json).
type phaseView struct {
	Text, Title string
	Unknown     bool
}

// segView is one segment of a failover's bar.
type segView struct{ Class, X, W string }

// The titles of an unknown phase: the analysis found no system event for
// it or, when the total is unknown too, a window it caused never closed.
const (
	notMeasured = "not measured: the system reported no event for this phase"
	neverEnded  = "not measured: the outage never ended (a window stayed open)"
)

// phase shows a failover phase; a negative one is unknown (the analysis
// writes -1 for it, and a measured phase is never negative).
func phase(ms float64) phaseView {
	if ms < 0 || math.IsNaN(ms) {
		return phaseView{Text: "—", Title: notMeasured, Unknown: true}
	}
	return phaseView{Text: format.Millis(ms, 1)}
}

// startupText shows a scenario's start-up overhead: the total, and a note
// with its two parts; "—" for a part whose end was never reached (-1 ms). A
// report written before hatest measured start-up has none (all zero).
func startupText(st result.Startup) (total, note string) {
	if st == (result.Startup{}) {
		return "—", "not measured"
	}
	show := func(ms float64) string {
		if ms < 0 || math.IsNaN(ms) {
			return "—"
		}
		return format.Duration(ms)
	}
	return show(st.TotalMS), fmt.Sprintf("topology %s, clients %s", show(st.TopologyMS), show(st.ClientsMS))
}

// known is ms, or 0 for an unknown phase.
func known(ms float64) float64 {
	if ms < 0 || math.IsNaN(ms) || math.IsInf(ms, 0) {
		return 0
	}
	return ms
}

type integrityView struct {
	Checked                              bool
	Acked, ReadBack, Lost, Indeterminate string
	AppliedFailed, Unchecked             string
	LostN, LostMore, SplitMore           int
	UncheckedN                           int
	LostShown                            []lostView
	SplitBrain                           []string
	Clean                                bool
}

type lostView struct{ Client, Key, Seq, Ack, Found string }

type clientView struct {
	Name, Version, LastVersion, Ops, Failed, Reported, LastOK, Delta string
	Mismatch, Unreported                                             bool
	// op-log lines hatest could not parse: how many, and the first
	BadLines, BadFirst string
	BadN               int
	Path               []string // what the client depends on; none: everything
	Group              string   // its client group as shown; "" when no client is in a named group
}

// scheduleView is how well one client kept its schedule; Known is false
// when the client did not report it (no "sched" on its op lines).
type scheduleView struct {
	Name                                       string
	Known                                      bool
	Interval, Nominal, Achieved, AchievedOfNom string
	P50, P99, Max, Skipped                     string
}

type windowTable struct {
	Rows   []windowRow
	Total  int
	TotalS string
	Note   string
}

type windowRow struct {
	Client, Class, Start, StartV, Len, LenV, Failed string
	Reasons                                         string
	Kind                                            string // windowKind: expected, unexpected or lag
	Causes                                          []causeView
	MoreCauses                                      int
	Expected, Open, Tail, Unexplained               bool
}

type causeView struct{ ID, Desc string }

func buildScenario(s *result.Scenario) *scenarioView {
	status := Status(s)
	v := &scenarioView{
		S: s, Status: StatusWord(status), StatusClass: statusClass(status), Verdict: status,
		Invalid: status == result.StatusInvalid,
		Started: fmtTime(s.StartedAt), Duration: format.Duration(s.DurationMS), Schema: result.Schema,
	}
	if v.Invalid {
		v.InvalidWhy = InvalidWhy(s)
	}
	desc := map[string]string{}
	for _, st := range s.Steps {
		desc[st.ID] = st.Desc
	}
	for _, w := range s.Windows {
		switch windowKind(w) {
		case winUnexpected:
			v.Unexpected++
		case winLag:
			v.Lag++
		}
		if unexplained(w) {
			v.Unexplained++
		}
		if w.Open {
			v.Opened++
		}
	}

	sm := s.Summary
	outageClass := ""
	if v.Unexpected > 0 {
		outageClass = "bad"
	}
	startup, startupNote := startupText(s.Startup)
	v.Figures = []figure{
		{Label: "Max outage", Value: format.Duration(sm.MaxWindowMS), Note: "longest window", Class: outageClass},
		{Label: "Total outage", Value: format.Duration(sm.TotalOutageMS),
			Note: fmt.Sprintf("worst client; %s windows, %s unexpected, %s summed over clients", format.Count(sm.Windows), format.Count(v.Unexpected), format.Duration(sm.TotalWindowMS)), Class: outageClass},
		{Label: "p99 window", Value: format.Duration(sm.P99WindowMS), Note: "p50 " + format.Duration(sm.P50WindowMS)},
		{Label: "Any / all clients down", Value: format.Duration(sm.AnyDownMS), Note: "all down " + format.Duration(sm.AllDownMS)},
		{Label: "Ops", Value: format.Count(sm.Ops), Note: fmt.Sprintf("%s failed, %s clients", format.Count(sm.FailedOps), format.Count(sm.Clients))},
		{Label: "Error rate", Value: format.Rate(sm.ErrorRate), Note: "failed ops / ops"},
		{Label: "Latency p99", Value: format.Duration(sm.P99LatencyMS),
			Note: fmt.Sprintf("p50 %s, max %s", format.Duration(sm.P50LatencyMS), format.Duration(sm.MaxLatencyMS))},
		{Label: "Start-up", Value: startup, Note: startupNote},
	}
	for _, n := range []struct {
		n    int
		what string
	}{{v.Lag, "probe lag"}, {v.Unexplained, "unexplained"}, {v.Opened, "still open"}} {
		if n.n > 0 {
			v.Figures[1].Note += fmt.Sprintf(", %s %s", format.Count(n.n), n.what)
		}
	}
	// With client groups the outage figures mix clients that saw
	// different things: they are labelled as every client's, and the
	// "Client groups" table gives each group's.
	if v.Groups, v.GroupsAll = buildGroups(s); v.Groups != nil {
		for i := range v.Figures[:3] {
			v.Figures[i].Label += " · all clients"
		}
		v.Figures[0].Note = fmt.Sprintf("longest window of any client; %d client groups below", len(s.Groups))
	}
	v.Restarts = buildRestarts(s, desc)

	// Assertions: failed, then invalid, then passed.
	failed, invalid := 0, 0
	for _, a := range s.Assertions {
		st := assertionStatus(a)
		av := assertionView{Name: a.Name, Message: a.Message, Status: st, Tag: StatusWord(st), Class: "assert-pass"}
		switch st {
		case result.StatusFailed:
			failed++
			av.Class = "assert-fail bad"
		case result.StatusInvalid:
			invalid++
			av.Class = "assert-invalid warn"
		}
		v.Assertions = append(v.Assertions, av)
	}
	sort.SliceStable(v.Assertions, func(i, j int) bool {
		return statusRank(v.Assertions[i].Status) < statusRank(v.Assertions[j].Status)
	})
	switch n := len(v.Assertions); {
	case n == 0:
		v.VerdictNote = "no assertions"
	case failed == 0 && invalid > 0:
		v.VerdictNote = fmt.Sprintf("%d of %d assertions invalid", invalid, n)
	default:
		v.VerdictNote = fmt.Sprintf("%d of %d assertions failed", failed, n)
		if invalid > 0 {
			v.VerdictNote += fmt.Sprintf(", %d invalid", invalid)
		}
	}

	// Unknown phases (-1) take no room in the bars; the track behind a
	// bar is the total when that is known.
	longest := 0.0
	for _, f := range s.Failovers {
		longest = math.Max(longest, math.Max(known(f.TotalMS), known(f.DetectMS)+known(f.RestartMS)+known(f.RecoverMS)))
	}
	for _, f := range s.Failovers {
		fv := failoverView{
			Cause: f.Cause, Desc: desc[f.Cause],
			Detect: phase(f.DetectMS), Restart: phase(f.RestartMS), Recover: phase(f.RecoverMS), Total: phase(f.TotalMS),
		}
		if fv.Total.Unknown {
			fv.Total.Title = neverEnded
			if fv.Recover.Unknown {
				fv.Recover.Title = neverEnded
			}
		}
		for _, p := range []phaseView{fv.Detect, fv.Restart, fv.Recover, fv.Total} {
			v.FailoverUnknown = v.FailoverUnknown || p.Unknown
		}
		if longest > 0 {
			const barW = 160.0
			if t := known(f.TotalMS); t > 0 {
				fv.TrackW = px(t / longest * barW)
			}
			x := 0.0
			for _, p := range []struct {
				class string
				ms    float64
			}{{"d", f.DetectMS}, {"r", f.RestartMS}, {"c", f.RecoverMS}} {
				if w := known(p.ms) / longest * barW; w > 0 {
					fv.Segs = append(fv.Segs, segView{Class: p.class, X: px(x), W: px(w)})
					x += w
				}
			}
		}
		v.Failovers = append(v.Failovers, fv)
	}

	in := s.Integrity
	v.Integrity = integrityView{
		Checked: in.Checked, Acked: format.Count(in.AckedWrites), ReadBack: format.Count(in.ReadBack),
		Lost: format.Count(len(in.Lost)), LostN: len(in.Lost), Indeterminate: format.Count(in.Indeterminate),
		AppliedFailed: format.Count(in.AppliedFailed), Unchecked: format.Count(in.Unchecked), UncheckedN: in.Unchecked,
		Clean: len(in.Lost) == 0 && len(in.SplitBrain) == 0,
	}
	for i, l := range in.Lost {
		if i == MaxListed {
			v.Integrity.LostMore = len(in.Lost) - MaxListed
			break
		}
		v.Integrity.LostShown = append(v.Integrity.LostShown, lostView{
			Client: l.Client, Key: l.Key, Seq: fmt.Sprint(l.Seq), Ack: format.Millis(l.AckMS, 1), Found: l.Found,
		})
	}
	v.Integrity.SplitBrain = in.SplitBrain
	if len(in.SplitBrain) > MaxListed {
		v.Integrity.SplitBrain = in.SplitBrain[:MaxListed]
		v.Integrity.SplitMore = len(in.SplitBrain) - MaxListed
	}

	for _, c := range s.Clients {
		v.Grouped = v.Grouped || c.Group != ""
	}
	for _, c := range s.Clients {
		cv := clientView{
			Name: c.Name, Version: c.Version, LastVersion: c.LastVersion,
			Ops: format.Count(c.Ops), Failed: format.Count(c.Failed), Reported: format.Count(c.Reported),
			LastOK: format.Millis(c.LastOKMS, 1), BadN: len(c.BadLines), BadLines: format.Count(len(c.BadLines)),
			Path: c.Path,
		}
		if v.Grouped {
			cv.Group = groupLabel(c.Group)
		}
		if len(c.BadLines) > 0 {
			cv.BadFirst = truncate(c.BadLines[0], 300)
			if n := len(c.BadLines) - 1; n > 0 {
				cv.BadFirst += fmt.Sprintf("\n… and %s more in report.json", format.Count(n))
			}
		}
		switch {
		case c.Reported < 0:
			cv.Unreported, cv.Reported = true, "not reported"
		case c.Reported != c.Ops:
			cv.Mismatch = true
			cv.Delta = fmt.Sprintf("%+d", c.Reported-c.Ops)
			v.ClientMismatches++
		}
		v.Clients = append(v.Clients, cv)
		v.Schedules = append(v.Schedules, buildSchedule(c))
	}

	v.Timeline = timelineBlock{T: buildTimeline(s, desc), ID: "timeline", Zoom: true, Patterns: true}
	v.Table = buildTable(s.Windows, desc)
	return v
}

// buildSchedule shows how well a client kept its schedule.
func buildSchedule(c result.Client) scheduleView {
	sc := c.Schedule
	sv := scheduleView{Name: c.Name, Known: sc.Known}
	if !sc.Known {
		return sv
	}
	sv.Interval, sv.Nominal, sv.Achieved = format.Duration(sc.IntervalMS), format.OpsRate(sc.NominalRate), format.OpsRate(sc.AchievedRate)
	if sc.NominalRate > 0 {
		sv.AchievedOfNom = format.Rate(sc.AchievedRate / sc.NominalRate)
	}
	sv.P50, sv.P99, sv.Max, sv.Skipped = format.Duration(sc.LagP50MS), format.Duration(sc.LagP99MS), format.Duration(sc.LagMaxMS), format.Count(sc.Skipped)
	return sv
}

// The kinds of window a report tells apart: expected and unexpected ones
// are the system's; a probe-lag window is the client's own (it fell behind
// its schedule) and is never blamed on the system.
const (
	winExpected   = "expected"
	winUnexpected = "unexpected"
	winLag        = "lag"
)

// causeProbeLag is the only cause of a probe-lag window
// (timeline.CauseProbeLag): not a step or fault.
const causeProbeLag = "probe-lag"

// What the report says of a probe-lag and of an unexplained window.
const (
	lagText         = "probe lag (the client fell behind its schedule)"
	unexplainedText = "unexplained: no step or fault on this client's path"
)

func windowKind(w result.Window) string {
	switch {
	case w.ProbeLag:
		return winLag
	case w.Expected:
		return winExpected
	}
	return winUnexpected
}

// systemCauses are the steps and faults a window is attributed to: none
// for a probe-lag window, whatever its causes say.
func systemCauses(w result.Window) []string {
	if w.ProbeLag {
		return nil
	}
	var out []string
	for _, c := range w.Causes {
		if c != causeProbeLag {
			out = append(out, c)
		}
	}
	return out
}

// unexplained reports whether no step or fault on the client's path
// explains a window (and its own lag does not either).
func unexplained(w result.Window) bool {
	return !w.ProbeLag && len(systemCauses(w)) == 0
}

// kindRank orders windows by how much they matter: unexpected, then probe
// lag, then expected.
func kindRank(w result.Window) int {
	switch windowKind(w) {
	case winUnexpected:
		return 0
	case winLag:
		return 1
	}
	return 2
}

// buildTable lists windows by start. Past MaxTableWindows it keeps the
// ones that matter most: unexpected, then probe lag, then expected; open
// before closed; longer before shorter.
func buildTable(ws []result.Window, desc map[string]string) windowTable {
	t := windowTable{Total: len(ws), TotalS: format.Count(len(ws))}
	idx := make([]int, len(ws))
	for i := range idx {
		idx[i] = i
	}
	if len(ws) > MaxTableWindows {
		sort.SliceStable(idx, func(a, b int) bool {
			wa, wb := ws[idx[a]], ws[idx[b]]
			if ra, rb := kindRank(wa), kindRank(wb); ra != rb {
				return ra < rb
			}
			if wa.Open != wb.Open {
				return wa.Open
			}
			return wa.EndMS-wa.StartMS > wb.EndMS-wb.StartMS
		})
		idx = idx[:MaxTableWindows]
		t.Note = fmt.Sprintf("Showing %s of %s windows: unexpected first, then probe lag, then the longest. report.json has every window.",
			format.Count(len(idx)), format.Count(len(ws)))
	}
	sort.SliceStable(idx, func(a, b int) bool {
		wa, wb := ws[idx[a]], ws[idx[b]]
		if wa.StartMS != wb.StartMS {
			return wa.StartMS < wb.StartMS
		}
		if wa.Client != wb.Client {
			return wa.Client < wb.Client
		}
		return wa.Class < wb.Class
	})
	for _, i := range idx {
		w := ws[i]
		d := w.EndMS - w.StartMS
		row := windowRow{
			Client: w.Client, Class: w.Class, Start: format.Millis(w.StartMS, 1), StartV: format.Num(w.StartMS, 3),
			Len: format.Millis(d, 1), LenV: format.Num(d, 3), Failed: format.Count(w.Failed),
			Reasons: truncate(strings.Join(w.Reasons, "; "), 160), Kind: windowKind(w),
			Expected: w.Expected, Open: w.Open, Tail: w.Tail && !w.ProbeLag, Unexplained: unexplained(w),
		}
		causes := systemCauses(w)
		for i, c := range causes {
			if i == 4 {
				row.MoreCauses = len(causes) - 4
				break
			}
			row.Causes = append(row.Causes, causeView{ID: c, Desc: truncate(desc[c], 80)})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
