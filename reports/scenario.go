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
	S                  *result.Scenario
	Status             string
	Started, Duration  string
	Schema             int
	Figures            []figure
	Assertions         []result.Assertion
	AssertionsFailed   int
	Failovers          []failoverView
	FailoverUnknown    bool // some phase was not measured
	Integrity          integrityView
	Clients            []clientView
	ClientMismatches   int
	Timeline           *timelineView
	Table              windowTable
	Unexpected, Opened int
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
	return phaseView{Text: fmtMS(ms)}
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
		return fmtDur(ms)
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
	LostN, LostMore, SplitMore           int
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
	Causes                                          []causeView
	MoreCauses                                      int
	Expected, Open                                  bool
}

type causeView struct{ ID, Desc string }

func buildScenario(s *result.Scenario) *scenarioView {
	v := &scenarioView{
		S: s, Status: "FAIL", Started: fmtTime(s.StartedAt), Duration: fmtDur(s.DurationMS),
		Schema: result.Schema,
	}
	if s.Passed {
		v.Status = "PASS"
	}
	desc := map[string]string{}
	for _, st := range s.Steps {
		desc[st.ID] = st.Desc
	}
	for _, w := range s.Windows {
		if !w.Expected {
			v.Unexpected++
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
		{Label: "Max outage", Value: fmtDur(sm.MaxWindowMS), Note: "longest window", Class: outageClass},
		{Label: "Total outage", Value: fmtDur(sm.TotalWindowMS),
			Note: fmt.Sprintf("%s windows, %s unexpected", fmtCount(sm.Windows), fmtCount(v.Unexpected)), Class: outageClass},
		{Label: "p99 window", Value: fmtDur(sm.P99WindowMS), Note: "p50 " + fmtDur(sm.P50WindowMS)},
		{Label: "Any / all clients down", Value: fmtDur(sm.AnyDownMS), Note: "all down " + fmtDur(sm.AllDownMS)},
		{Label: "Ops", Value: fmtCount(sm.Ops), Note: fmt.Sprintf("%s failed, %s clients", fmtCount(sm.FailedOps), fmtCount(sm.Clients))},
		{Label: "Error rate", Value: fmtRate(sm.ErrorRate), Note: "failed ops / ops"},
		{Label: "Latency p99", Value: fmtDur(sm.P99LatencyMS),
			Note: fmt.Sprintf("p50 %s, max %s", fmtDur(sm.P50LatencyMS), fmtDur(sm.MaxLatencyMS))},
		{Label: "Start-up", Value: startup, Note: startupNote},
	}
	if v.Opened > 0 {
		v.Figures[1].Note += fmt.Sprintf(", %d still open", v.Opened)
	}

	v.Assertions = append([]result.Assertion(nil), s.Assertions...)
	sort.SliceStable(v.Assertions, func(i, j int) bool { return !v.Assertions[i].Passed && v.Assertions[j].Passed })
	for _, a := range v.Assertions {
		if !a.Passed {
			v.AssertionsFailed++
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
		Checked: in.Checked, Acked: fmtCount(in.AckedWrites), ReadBack: fmtCount(in.ReadBack),
		Lost: fmtCount(len(in.Lost)), LostN: len(in.Lost), Indeterminate: fmtCount(in.Indeterminate),
		Clean: len(in.Lost) == 0 && len(in.SplitBrain) == 0,
	}
	for i, l := range in.Lost {
		if i == MaxListed {
			v.Integrity.LostMore = len(in.Lost) - MaxListed
			break
		}
		v.Integrity.LostShown = append(v.Integrity.LostShown, lostView{
			Client: l.Client, Key: l.Key, Seq: fmt.Sprint(l.Seq), Ack: fmtMS(l.AckMS), Found: l.Found,
		})
	}
	v.Integrity.SplitBrain = in.SplitBrain
	if len(in.SplitBrain) > MaxListed {
		v.Integrity.SplitBrain = in.SplitBrain[:MaxListed]
		v.Integrity.SplitMore = len(in.SplitBrain) - MaxListed
	}

	for _, c := range s.Clients {
		cv := clientView{
			Name: c.Name, Version: c.Version, LastVersion: c.LastVersion,
			Ops: fmtCount(c.Ops), Failed: fmtCount(c.Failed), Reported: fmtCount(c.Reported),
			LastOK: fmtMS(c.LastOKMS), BadN: len(c.BadLines), BadLines: fmtCount(len(c.BadLines)),
		}
		if len(c.BadLines) > 0 {
			cv.BadFirst = truncate(c.BadLines[0], 300)
			if n := len(c.BadLines) - 1; n > 0 {
				cv.BadFirst += fmt.Sprintf("\n… and %s more in report.json", fmtCount(n))
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
	}

	v.Timeline = buildTimeline(s, desc)
	v.Table = buildTable(s.Windows, desc)
	return v
}

// buildTable lists windows by start. Past MaxTableWindows it keeps the
// ones that matter most: unexpected before expected, open before closed,
// longer before shorter.
func buildTable(ws []result.Window, desc map[string]string) windowTable {
	t := windowTable{Total: len(ws), TotalS: fmtCount(len(ws))}
	idx := make([]int, len(ws))
	for i := range idx {
		idx[i] = i
	}
	if len(ws) > MaxTableWindows {
		sort.SliceStable(idx, func(a, b int) bool {
			wa, wb := ws[idx[a]], ws[idx[b]]
			if wa.Expected != wb.Expected {
				return !wa.Expected
			}
			if wa.Open != wb.Open {
				return wa.Open
			}
			return wa.EndMS-wa.StartMS > wb.EndMS-wb.StartMS
		})
		idx = idx[:MaxTableWindows]
		t.Note = fmt.Sprintf("Showing %s of %s windows: unexpected first, then the longest. report.json has every window.",
			fmtCount(len(idx)), fmtCount(len(ws)))
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
			Client: w.Client, Class: w.Class, Start: fmtMS(w.StartMS), StartV: num(w.StartMS, 3),
			Len: fmtMS(d), LenV: num(d, 3), Failed: fmtCount(w.Failed),
			Reasons: truncate(strings.Join(w.Reasons, "; "), 160), Expected: w.Expected, Open: w.Open,
		}
		for i, c := range w.Causes {
			if i == 4 {
				row.MoreCauses = len(w.Causes) - 4
				break
			}
			row.Causes = append(row.Causes, causeView{ID: c, Desc: truncate(desc[c], 80)})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
