package reports

import (
	"fmt"
	"io"
	"math"
	"net/url"
	"sort"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// IndexHTML renders a run's index.html: every scenario, failed first, then
// invalid, then passed (each in run order), each linking to
// <slug>/report.html next to the index.
func IndexHTML(w io.Writer, r *result.Run) error {
	if r == nil {
		return fmt.Errorf("render index: %w", errNil)
	}
	return execute(w, "index", buildIndex(r))
}

type indexView struct {
	R                              *result.Run
	Started, Duration              string
	Total, Passed, Failed, Invalid int
	// Verdict is the run's: FAIL when a scenario failed, else INVALID
	// when one is invalid, else PASS; Counts says how many of each.
	Verdict, VerdictClass, Counts string
	Rows                          []indexRow
	Schema                        int
}

type indexRow struct {
	S                               *result.Scenario
	Status, StatusWord, StatusClass string
	Sub, SubClass                   string // the failure, or INVALID and why, under the name
	Href                            string
	MaxOutage, TotalOutage, Windows string
	Unexpected, Lag                 int
	Ops, ErrRate, Duration          string
	Startup, StartupNote            string
	Spark                           sparkView
	// Groups are the outage figures per client group, when there are two
	// or more: the row's max and total outage are every client's.
	Groups []indexGroup
}

// indexGroup is one client group's outage in an index row.
type indexGroup struct{ Name, Max, Total string }

type sparkView struct {
	Bands, Marks []sparkRect
	Tip          string
}

type sparkRect struct{ Class, X, W string }

const sparkW, sparkH = 180.0, 18.0

func buildIndex(r *result.Run) *indexView {
	v := &indexView{R: r, Started: fmtTime(r.StartedAt), Total: len(r.Scenarios), Schema: result.Schema}
	longest := 0.0
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		status := Status(s)
		switch status {
		case result.StatusPassed:
			v.Passed++
		case result.StatusInvalid:
			v.Invalid++
		default:
			v.Failed++
		}
		longest = math.Max(longest, s.DurationMS)
		startup, startupNote := startupText(s.Startup)
		row := indexRow{
			S: s, Status: status, StatusWord: StatusWord(status), StatusClass: statusClass(status),
			Sub: s.Failure, SubClass: "sub",
			Href:        "./" + url.PathEscape(s.Slug) + "/report.html",
			MaxOutage:   format.Duration(s.Summary.MaxWindowMS),
			TotalOutage: format.Duration(s.Summary.TotalOutageMS),
			Windows:     format.Count(len(s.Windows)),
			Ops:         format.Count(s.Summary.Ops),
			ErrRate:     format.Rate(s.Summary.ErrorRate),
			Duration:    format.Duration(s.DurationMS),
			Startup:     startup,
			StartupNote: startupNote,
			Spark:       buildSpark(s),
		}
		if status == result.StatusInvalid {
			row.Sub, row.SubClass = "INVALID: "+InvalidWhy(s), "sub invalid"
		}
		if len(s.Groups) > 1 {
			for _, g := range s.Groups {
				row.Groups = append(row.Groups, indexGroup{Name: truncate(groupLabel(g.Name), 24), Max: format.Duration(g.MaxWindowMS), Total: format.Duration(g.TotalOutageMS)})
			}
		}
		for _, w := range s.Windows {
			switch windowKind(w) {
			case winUnexpected:
				row.Unexpected++
			case winLag:
				row.Lag++
			}
		}
		v.Rows = append(v.Rows, row)
	}
	sort.SliceStable(v.Rows, func(i, j int) bool { return statusRank(v.Rows[i].Status) < statusRank(v.Rows[j].Status) })
	run := result.StatusPassed
	switch {
	case v.Failed > 0:
		run = result.StatusFailed
	case v.Invalid > 0:
		run = result.StatusInvalid
	}
	v.Verdict, v.VerdictClass = StatusWord(run), statusClass(run)
	v.Counts = fmt.Sprintf("%d passed, %d failed, %d invalid", v.Passed, v.Failed, v.Invalid)
	return v
}

// buildSpark draws a scenario's windows over its duration, every client in
// one strip, merged to whole units of x; faults are shaded behind.
func buildSpark(s *result.Scenario) sparkView {
	end := scenarioEnd(s)
	x := func(t float64) float64 { return math.Max(0, math.Min(sparkW, t/end*sparkW)) }
	var sv sparkView
	for _, st := range s.Steps {
		if st.Kind == "fault" {
			x0, x1 := x(st.StartMS), x(st.EndMS)
			sv.Bands = append(sv.Bands, sparkRect{Class: "band", X: px(x0), W: px(math.Max(1, x1-x0))})
		}
	}
	for _, k := range []struct{ kind, cls string }{{winExpected, "exp"}, {winLag, "lag"}, {winUnexpected, "unexp"}} {
		var spans [][2]float64
		for _, w := range s.Windows {
			if windowKind(w) == k.kind {
				spans = append(spans, [2]float64{x(w.StartMS), math.Max(x(w.EndMS), x(w.StartMS)+1)})
			}
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
		cls := k.cls
		var cur [2]float64
		open := false
		for _, sp := range spans {
			if open && sp[0] <= cur[1]+0.5 {
				cur[1] = math.Max(cur[1], sp[1])
				continue
			}
			if open {
				sv.Marks = append(sv.Marks, sparkRect{Class: cls, X: px(cur[0]), W: px(cur[1] - cur[0])})
			}
			cur, open = sp, true
		}
		if open {
			sv.Marks = append(sv.Marks, sparkRect{Class: cls, X: px(cur[0]), W: px(cur[1] - cur[0])})
		}
	}
	sv.Tip = fmt.Sprintf("%s windows over %s; longest %s", format.Count(len(s.Windows)), format.Duration(s.DurationMS), format.Duration(s.Summary.MaxWindowMS))
	return sv
}
