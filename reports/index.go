package reports

import (
	"fmt"
	"io"
	"math"
	"net/url"
	"sort"

	"github.com/hatest/hatest/framework/result"
)

// IndexHTML renders a run's index.html: every scenario, failures first,
// each linking to <slug>/report.html next to the index.
func IndexHTML(w io.Writer, r *result.Run) error {
	if r == nil {
		return fmt.Errorf("render index: %w", errNil)
	}
	return execute(w, "index", buildIndex(r))
}

type indexView struct {
	R                     *result.Run
	Started, Duration     string
	Total, Passed, Failed int
	Rows                  []indexRow
	Schema                int
}

type indexRow struct {
	S                               *result.Scenario
	Href                            string
	MaxOutage, TotalOutage, Windows string
	Unexpected                      int
	Ops, ErrRate, Duration          string
	Startup, StartupNote            string
	Spark                           sparkView
}

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
		if s.Passed {
			v.Passed++
		} else {
			v.Failed++
		}
		longest = math.Max(longest, s.DurationMS)
		startup, startupNote := startupText(s.Startup)
		row := indexRow{
			S:           s,
			Href:        "./" + url.PathEscape(s.Slug) + "/report.html",
			MaxOutage:   fmtDur(s.Summary.MaxWindowMS),
			TotalOutage: fmtDur(s.Summary.TotalWindowMS),
			Windows:     fmtCount(len(s.Windows)),
			Ops:         fmtCount(s.Summary.Ops),
			ErrRate:     fmtRate(s.Summary.ErrorRate),
			Duration:    fmtDur(s.DurationMS),
			Startup:     startup,
			StartupNote: startupNote,
			Spark:       buildSpark(s),
		}
		for _, w := range s.Windows {
			if !w.Expected {
				row.Unexpected++
			}
		}
		v.Rows = append(v.Rows, row)
	}
	sort.SliceStable(v.Rows, func(i, j int) bool { return !v.Rows[i].S.Passed && v.Rows[j].S.Passed })
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
	for _, expected := range []bool{true, false} {
		var spans [][2]float64
		for _, w := range s.Windows {
			if w.Expected == expected {
				spans = append(spans, [2]float64{x(w.StartMS), math.Max(x(w.EndMS), x(w.StartMS)+1)})
			}
		}
		sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
		cls := "unexp"
		if expected {
			cls = "exp"
		}
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
	sv.Tip = fmt.Sprintf("%s windows over %s; longest %s", fmtCount(len(s.Windows)), fmtDur(s.DurationMS), fmtDur(s.Summary.MaxWindowMS))
	return sv
}
