package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// Display limits. The report draws windows and latency buckets, never ops;
// when windows crowd a lane they are merged for display (the windows table
// and report.json keep every one).
const (
	// MaxMarksPerLane caps the window marks drawn in one client lane.
	MaxMarksPerLane = 2000
	// MaxMarks caps the window marks drawn in all client lanes together,
	// which keeps a report under 2 MB whatever the run did.
	MaxMarks = 5000
	// MaxMarkBytes caps the bytes the window marks of all client lanes
	// take in the page (each mark carries a title with its details).
	MaxMarkBytes = 1_200_000
	// MaxBarsPerLane caps the bars of one step, fault or system lane.
	MaxBarsPerLane = 1000
	// MaxTableWindows caps the rows of the windows table; unexpected
	// windows, then the longest, are kept.
	MaxTableWindows = 500
	// MaxLatencyPoints caps the points of each latency line; finer buckets
	// are combined (p50 averaged by ops, p99 the maximum).
	MaxLatencyPoints = 500
	// MaxListed caps short lists in the summary (lost writes, split brain).
	MaxListed = 10
)

// Geometry of the timeline, in SVG user units (≈ CSS pixels).
const (
	svgW      = 1200.0
	gutter    = 176.0
	padRight  = 16.0
	plotW     = svgW - gutter - padRight
	axisH     = 28.0
	headH     = 22.0
	barRowH   = 20.0
	barH      = 14.0
	winRowH   = 16.0
	winH      = 12.0
	laneGap   = 4.0
	latencyH  = 140.0
	bottomH   = 30.0
	charW     = 6.1 // average glyph width of the 11px label font
	labelRows = 5   // step/fault rows that get labels; more rows are unlabelled
	barRows   = 8   // rows per bar lane before bars share rows
)

type timelineView struct {
	Width, Height, Left, PlotW, Right string
	LabelX, RowLabelX                 string
	NoOutageX, YLabelX, YTitleX       string
	BandW                             string
	T0, T1                            string
	PlotTop, PlotH                    string
	Zero                              *zeroView // marks time zero when the axis starts before it
	AxisTopY, AxisBottomY, GridBottom string
	Ticks                             []tickView
	Heads                             []headView
	Bands                             []barView
	Lanes                             []*laneView // steps, faults, system, versions
	Clients                           []*clientLane
	Latency                           *latencyView
	Marks, Windows                    int
	MergeNote                         string
	Lag                               bool // some window is probe lag
	Versions                          []versionKey
}

// timelineBlock is what the "timeline" template draws: a laid-out
// timeline and the ids of its elements, which must differ between the
// timelines of one page. report.html's are the names its script looks
// for: the svg "timeline", the others bare ("plot-clip", "grid").
type timelineBlock struct {
	T        *timelineView
	ID       string // the svg's id
	Prefix   string // put before its other ids: "" on report.html
	Zoom     bool   // with the zoom toolbar, which only report.html's script drives
	Patterns bool   // with the hatch patterns of the marks in its own defs; a page of several timelines defines them once
}

type tickView struct{ X, Label string }

// zeroView is the line at time zero, the scenario's start, drawn when the
// axis starts earlier (start-up events and versions come before it). The
// page's script moves it by X on zoom.
type zeroView struct{ X, Y1, Y2, LabelX, LabelY string }

// headView is a heading row of the timeline; Class is extra CSS classes
// (a client group's heading is "group-head").
type headView struct{ Y, Text, Note, Class string }

type barView struct {
	Class, X, W, Y, H, Start, End, Tip string
	Label                              *labelView
}

// labelView is a bar's label. On zoom the page's script puts it at
// x(At)+DX; Left labels end there instead of starting there. A label
// inside its bar has StickS, the bar's end: the script keeps it on the
// visible part of the bar (at the plot's left edge when the bar starts
// left of the view) and hides it when that part is too narrow for it.
type labelView struct {
	Text, X, Y, AtS, DXS, StickS string
	At, DX                       float64
	Left                         bool
}

type laneView struct {
	Class, Name, Data, Y, LabelY, Tip string
	Bars                              []barView
}

// Short is the lane's name shortened to fit the gutter left of the plot;
// the lane's title keeps the whole name.
func (l *laneView) Short() string { return truncate(l.Name, laneChars) }

// charsIn is how many characters of the bold lane-label font fit in w
// pixels. Its glyphs run wider than charW (and wider still in some
// fonts), so it counts boldCharW each.
func charsIn(w float64) int { return max(0, int(w/boldCharW)) }

const (
	boldCharW   = 7.0  // average glyph width of the bold 11px lane-label font, generously
	rowCharW    = 5.8  // average glyph width of the 10px row-label font
	labelMargin = 6.0  // from the SVG's left edge to the longest lane label
	classChars  = 14   // the most characters of an op class shown beside its row
	classGap    = 10.0 // between a client's name and its widest class label
	minClassW   = 34.0 // room kept for class labels, so that names line up
)

// How many characters of a lane's name fit left of the plot.
var laneChars = charsIn(gutter - 8 - labelMargin)

type clientLane struct {
	Name, Y, LabelY, Tip string
	Group                string // the client's group, "" for none or an unnamed one
	LabelX, Short        string // where the name ends, and the name as shown
	Band                 bool
	BandY, BandH         string
	Rows                 []rowView
	Marks                []markView
	Empty                bool
	EmptyY               string
}

// rowView is one op class's row of a client lane: Short is the class as
// shown beside it, Class the whole class (its title when shortened).
type rowView struct{ Class, Short, LabelY string }

type markView struct {
	Class, X, Y, W, Start, End, Count, Tip string
	Open                                   *labelView // "open" before an open window
}

type versionKey struct{ Version, Class string }

// colours maps each version of the timeline to its colour class, for
// layTimeline to draw another run's versions in the same colours.
func (tv *timelineView) colours() map[string]string {
	m := make(map[string]string, len(tv.Versions))
	for _, k := range tv.Versions {
		m[k.Version] = k.Class
	}
	return m
}

// timeScale maps scenario milliseconds to x.
type timeScale struct{ t0, t1 float64 }

func (ts timeScale) x(t float64) float64 {
	return gutter + (t-ts.t0)/(ts.t1-ts.t0)*plotW
}

// msPerPx is how many milliseconds one unit of x covers.
func (ts timeScale) msPerPx() float64 { return (ts.t1 - ts.t0) / plotW }

// span returns x and width of [start, end], at least minW wide and clamped
// to the plot so nothing is drawn far outside it.
func (ts timeScale) span(start, end, minW float64) (x, w float64) {
	x0 := math.Max(ts.x(start), gutter-2)
	x1 := math.Min(ts.x(end), gutter+plotW+2)
	if x1-x0 < minW {
		x1 = x0 + minW
	}
	return x0, x1 - x0
}

// inBar reports whether a label fits inside a bar w wide, with 4 units
// either side. It allows for glyphs 15 % wider than charW on average, as
// in some fonts: the page's script hides a label inside a bar that it
// measures wider than the bar.
func inBar(text string, w float64) bool {
	return float64(len([]rune(text)))*charW*1.15+8 <= w
}

// scenarioStart is the start of the time axis: zero, the scenario's
// start, or whatever came before it (the overlord's first driver starting,
// the first version span), so that start-up is on the page too.
func scenarioStart(s *result.Scenario) float64 {
	start := 0.0
	early := func(t float64) {
		if !math.IsNaN(t) && !math.IsInf(t, 0) {
			start = math.Min(start, t)
		}
	}
	for _, st := range s.Steps {
		early(st.StartMS)
	}
	for _, w := range s.Windows {
		early(w.StartMS)
	}
	for _, v := range s.Versions {
		early(v.StartMS)
	}
	for _, b := range s.Latency {
		early(b.StartMS)
	}
	return start
}

// scenarioEnd is the end of the time axis: the duration, or the last thing
// that happened if that is later.
func scenarioEnd(s *result.Scenario) float64 {
	end := s.DurationMS
	for _, st := range s.Steps {
		end = math.Max(end, st.EndMS)
	}
	for _, w := range s.Windows {
		end = math.Max(end, w.EndMS)
	}
	for _, v := range s.Versions {
		end = math.Max(end, v.EndMS)
	}
	for _, b := range s.Latency {
		end = math.Max(end, b.EndMS)
	}
	if !(end > 0) || math.IsInf(end, 0) {
		end = 1
	}
	return end
}

// buildTimeline lays out a scenario's timeline on its own time axis, from
// scenarioStart to scenarioEnd, its versions coloured in their order.
func buildTimeline(s *result.Scenario, desc map[string]string) *timelineView {
	return layTimeline(s, desc, scenarioStart(s), scenarioEnd(s), nil)
}

// layTimeline lays out a scenario's timeline on the time axis [t0, t1],
// which should hold scenarioStart and scenarioEnd (what falls outside is
// clipped). colours gives versions their colour class ("vc0" to "vc7");
// a version it lacks takes the first class it leaves free. The shrink
// page draws two runs with it, on one axis and in one set of colours.
func layTimeline(s *result.Scenario, desc map[string]string, t0, t1 float64, colours map[string]string) *timelineView {
	ts := timeScale{t0, t1}
	tv := &timelineView{
		Width: px(svgW), Left: px(gutter), PlotW: px(plotW), Right: px(gutter + plotW),
		T0: format.Num(ts.t0, 3), T1: format.Num(ts.t1, 3),
		AxisTopY: px(axisH - 10),
		LabelX:   px(gutter - 8), RowLabelX: px(gutter - 8),
		NoOutageX: px(gutter + 4), YLabelX: px(gutter - 6), YTitleX: "8", BandW: px(svgW - 8),
	}
	y := axisH

	// Events: plan steps, faults, and whatever the system reported.
	var steps, faults, system []result.Step
	for _, st := range s.Steps {
		switch st.Kind {
		case "step":
			steps = append(steps, st)
		case "fault":
			faults = append(faults, st)
		default:
			system = append(system, st)
		}
	}
	head := func(text, note string) {
		tv.Heads = append(tv.Heads, headView{Y: px(y + headH - 7), Text: text, Note: note})
		y += headH
	}
	if len(steps)+len(faults)+len(system) > 0 {
		head("Events", "")
	}
	for _, l := range []struct {
		name, class string
		evs         []result.Step
	}{
		{"plan steps", "lane lane-steps", steps},
		{"faults", "lane lane-faults", faults},
		{"system", "lane lane-system", system},
	} {
		if len(l.evs) == 0 {
			continue
		}
		lane, h := eventLane(ts, l.name, l.class, l.evs)
		lane.Y = px(y)
		tv.Lanes = append(tv.Lanes, lane)
		y += h + laneGap
	}
	bandsTop := axisH

	// Versions: one lane per node.
	if len(s.Versions) > 0 {
		head("Versions", "")
		lanes, keys := versionLanes(ts, s.Versions, colours)
		tv.Versions = keys
		for _, lane := range lanes {
			lane.Y = px(y)
			tv.Lanes = append(tv.Lanes, lane)
			y += barRowH
		}
		y += laneGap
	}

	// Clients: one lane per client, one row per op class; with client
	// groups, grouped under a heading per group.
	clients := clientLanes(ts, s, desc)
	if len(clients.lanes) > 0 {
		head("Clients · outage windows", clients.note)
		for i, cl := range clients.lanes {
			if clients.grouped && (i == 0 || cl.Group != clients.lanes[i-1].Group) {
				n := 0
				for _, o := range clients.lanes {
					if o.Group == cl.Group {
						n++
					}
				}
				head(fmt.Sprintf("group %s · %d %s", groupLabel(cl.Group), n, plural(n, "client", "clients")), "")
				tv.Heads[len(tv.Heads)-1].Class = "group-head"
			}
			cl.Y, cl.BandY = px(y), px(y-laneGap/2)
			h := float64(len(cl.Rows)) * winRowH
			y += h + laneGap
			tv.Clients = append(tv.Clients, cl)
		}
		tv.Marks, tv.Windows, tv.MergeNote, tv.Lag = clients.marks, clients.windows, clients.note, clients.lag
	}

	// Latency.
	if lat := buildLatency(ts, s.Latency); lat != nil {
		head("Latency · p50 and p99 per bucket", lat.Note)
		lat.Y = px(y)
		tv.Latency = lat
		y += latencyH
	}

	// Fault bands across every lane.
	for _, f := range faults {
		x, w := ts.span(f.StartMS, f.EndMS, 2)
		tv.Bands = append(tv.Bands, barView{
			Class: "fault-band", X: px(x), W: px(w), Y: px(bandsTop), H: px(y - bandsTop),
			Start: format.Num(f.StartMS, 3), End: format.Num(f.EndMS, 3), Tip: eventTip(f),
		})
	}

	tv.GridBottom = px(y)
	tv.AxisBottomY = px(y + 18)
	tv.PlotTop, tv.PlotH = px(axisH-6), px(y-axisH+6)
	tv.Height = px(y + bottomH)
	if ts.t0 < 0 {
		// The label goes in the first heading's row, which is empty across
		// the plot.
		x0 := ts.x(0)
		tv.Zero = &zeroView{X: px(x0), Y1: px(axisH - 6), Y2: px(y), LabelX: px(x0 + 4), LabelY: px(axisH + headH - 7)}
	}
	step := niceStep(ts.t1-ts.t0, 10)
	for t := math.Ceil(ts.t0/step) * step; t <= ts.t1+step*1e-9; t += step {
		tv.Ticks = append(tv.Ticks, tickView{X: px(ts.x(t)), Label: tickLabel(t, step, ts.t1)})
	}
	return tv
}

func eventTip(st result.Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s\n%s", st.ID, st.Kind, st.Desc)
	if st.EndMS > st.StartMS {
		fmt.Fprintf(&b, "\n%s – %s (%s)", format.Millis(st.StartMS, 3), format.Millis(st.EndMS, 3), format.Duration(st.EndMS-st.StartMS))
	} else {
		fmt.Fprintf(&b, "\nat %s", format.Millis(st.StartMS, 3))
	}
	if st.ExpectOutage {
		b.WriteString("\nexpects an outage")
	}
	return b.String()
}

// eventLane lays out bars in rows so that no two bars, nor their labels,
// overlap. A label sits inside its bar when it fits, else beside it (after
// it, or before it near the right edge), shortened with an ellipsis to the
// larger side when it fits neither. Only the first labelRows rows get
// labels; later bars go unlabelled (their title still says everything) and
// share rows once there are barRows of them.
func eventLane(ts timeScale, name, class string, evs []result.Step) (*laneView, float64) {
	evs = append([]result.Step(nil), evs...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].StartMS < evs[j].StartMS })
	lane := &laneView{Class: class, Name: name, LabelY: px(barRowH/2 + 4),
		Tip: fmt.Sprintf("%s: %d", name, len(evs))}
	if len(evs) > MaxBarsPerLane {
		lane.Tip += fmt.Sprintf(", the first %d drawn", MaxBarsPerLane)
		evs = evs[:MaxBarsPerLane]
	}
	var rowEnd []float64 // x where each row is free again
	right := gutter + plotW
	for _, ev := range evs {
		x, w := ts.span(ev.StartMS, ev.EndMS, 2)
		text := ev.Desc
		if text == "" {
			text = ev.ID
		}
		text = truncate(text, 64)
		tw := float64(len([]rune(text))) * charW
		// where the label goes, and the x range bar and label occupy
		lab := labelView{Text: text, At: ev.StartMS, DX: 4}
		occ0, occ1 := x, x+w
		roomR, roomL := right-(x+w+4), x-4-gutter
		switch {
		case inBar(text, w):
			lab.StickS = format.Num(ev.EndMS, 3)
		case tw <= roomR:
			lab.At, occ1 = ev.EndMS, x+w+4+tw
		case tw <= roomL:
			lab.DX, lab.Left, occ0 = -4, true, x-4-tw
		default:
			// It fits on neither side: shorten it to the larger room,
			// or leave the bar unlabelled (its title has everything).
			room := math.Max(roomR, roomL)
			n := int(room / charW)
			if n < 8 {
				lab.Text = ""
				break
			}
			lab.Text = truncate(text, n)
			tw = float64(len([]rune(lab.Text))) * charW
			if roomR >= roomL {
				lab.At, occ1 = ev.EndMS, x+w+4+tw
			} else {
				lab.DX, lab.Left, occ0 = -4, true, x-4-tw
			}
		}
		row := -1
		for r := 0; r < len(rowEnd) && r < labelRows && lab.Text != ""; r++ {
			if rowEnd[r] <= occ0 {
				row = r
				break
			}
		}
		if row < 0 && len(rowEnd) < labelRows && lab.Text != "" {
			row = len(rowEnd)
			rowEnd = append(rowEnd, 0)
		}
		if row < 0 { // unlabelled
			lab.Text, occ0, occ1 = "", x, x+w
			for r := range rowEnd {
				if rowEnd[r] <= occ0 {
					row = r
					break
				}
			}
			if row < 0 && len(rowEnd) < barRows {
				row = len(rowEnd)
				rowEnd = append(rowEnd, 0)
			}
			if row < 0 {
				row = labelRows
				for r := range rowEnd {
					if rowEnd[r] < rowEnd[row] {
						row = r
					}
				}
			}
		}
		rowEnd[row] = math.Max(rowEnd[row], occ1+6)
		by := float64(row)*barRowH + (barRowH-barH)/2
		cls := "step"
		switch ev.Kind {
		case "step":
		case "fault":
			cls = "fault"
		default:
			cls = "event"
		}
		if ev.ExpectOutage {
			cls += " expects-outage"
		}
		bar := barView{
			Class: cls, X: px(x), W: px(w), Y: px(by), H: px(barH),
			Start: format.Num(ev.StartMS, 3), End: format.Num(ev.EndMS, 3), Tip: eventTip(ev),
		}
		if lab.Text != "" {
			lab.X, lab.Y = px(math.Max(ts.x(lab.At), gutter)+lab.DX), px(by+barH-3.5)
			if lab.Left {
				lab.X = px(x + lab.DX)
			}
			lab.AtS, lab.DXS = format.Num(lab.At, 3), px(lab.DX)
			bar.Label = &lab
		}
		lane.Bars = append(lane.Bars, bar)
	}
	return lane, math.Max(1, float64(len(rowEnd))) * barRowH
}

// versionLanes draws one lane per node. A version in given has the colour
// it gives; the others are coloured in order of first appearance (usually
// old to new), each with the first colour given leaves free, and round
// again once all eight are taken.
func versionLanes(ts timeScale, vs []result.Version, given map[string]string) ([]*laneView, []versionKey) {
	vs = append([]result.Version(nil), vs...)
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].StartMS < vs[j].StartMS })
	colour, taken := map[string]string{}, map[string]bool{}
	for _, c := range given {
		taken[c] = true
	}
	next := 0 // the colours handed out in order
	var keys []versionKey
	var nodes []string
	byNode := map[string][]result.Version{}
	for _, v := range vs {
		if _, ok := colour[v.Version]; !ok {
			c, ok := given[v.Version]
			for !ok {
				c = fmt.Sprintf("vc%d", next%8)
				ok = next >= 8 || !taken[c] // past eight, colours repeat
				next++
			}
			colour[v.Version] = c
			keys = append(keys, versionKey{Version: v.Version, Class: c})
		}
		if _, ok := byNode[v.Node]; !ok {
			nodes = append(nodes, v.Node)
		}
		byNode[v.Node] = append(byNode[v.Node], v)
	}
	sort.Strings(nodes)
	var lanes []*laneView
	for _, n := range nodes {
		lane := &laneView{Class: "lane lane-version", Name: n, Data: n, LabelY: px(barRowH/2 + 4),
			Tip: fmt.Sprintf("%s: %d version spans", n, len(byNode[n]))}
		for _, v := range byNode[n] {
			x, w := ts.span(v.StartMS, v.EndMS, 1)
			label := v.Version
			if v.Role != "" {
				label += " · " + v.Role
			}
			tip := fmt.Sprintf("%s ran %s", v.Node, v.Version)
			if v.Role != "" {
				tip += " as " + v.Role
			}
			tip += fmt.Sprintf("\n%s – %s (%s)", format.Millis(v.StartMS, 3), format.Millis(v.EndMS, 3), format.Duration(v.EndMS-v.StartMS))
			bar := barView{
				Class: "version-span " + colour[v.Version], X: px(x), W: px(w),
				Y: px((barRowH - barH) / 2), H: px(barH),
				Start: format.Num(v.StartMS, 3), End: format.Num(v.EndMS, 3), Tip: tip,
			}
			if !inBar(label, w) {
				label = v.Version
				if !inBar(label, w) {
					label = ""
				}
			}
			if label != "" {
				// where the page's script puts it, too: see labelView
				bar.Label = &labelView{Text: label, X: px(math.Max(ts.x(v.StartMS), gutter) + 4),
					Y: px((barRowH-barH)/2 + barH - 3.5), AtS: format.Num(v.StartMS, 3), DXS: "4", StickS: format.Num(v.EndMS, 3)}
			}
			lane.Bars = append(lane.Bars, bar)
		}
		lanes = append(lanes, lane)
	}
	return lanes, keys
}

// mark is one or more windows of one client, class and kind drawn as one
// rect.
type mark struct {
	start, end float64
	n, failed  int
	outage     float64 // sum of the windows' lengths
	longest    float64
	kind       string // windowKind: expected, unexpected or lag
	open       bool
	tails      int // windows that are the recovery tail of their step
	unexpl     int // windows that no step or fault on the path explains
	reasons    []string
	causes     []string // steps and faults, never probe-lag
	class      string
	tip        string // its title, once tipLane ran
}

type clientLayout struct {
	lanes          []*clientLane
	marks, windows int
	note           string
	lag            bool // some window is probe lag
	grouped        bool // some client is in a named group: lanes come by group
}

// laneWindows is one client's windows split into rows by class.
type laneWindows struct {
	name    string
	classes []string
	rows    map[string][]result.Window
}

func clientLanes(ts timeScale, s *result.Scenario, desc map[string]string) clientLayout {
	var order []string
	byName := map[string]*laneWindows{}
	add := func(name string) *laneWindows {
		lw, ok := byName[name]
		if !ok {
			lw = &laneWindows{name: name, rows: map[string][]result.Window{}}
			byName[name] = lw
			order = append(order, name)
		}
		return lw
	}
	for _, c := range s.Clients {
		add(c.Name)
	}
	// Clients hatest only saw in windows come after the known ones, in the
	// order the windows name them.
	for _, w := range s.Windows {
		lw := add(w.Client)
		if _, ok := lw.rows[w.Class]; !ok {
			lw.classes = append(lw.classes, w.Class)
		}
		lw.rows[w.Class] = append(lw.rows[w.Class], w)
	}
	// With client groups, lanes come by group, the groups in the order of
	// their first client; clients only seen in windows are in none.
	groupOf, rank := map[string]string{}, map[string]int{}
	grouped := false
	for _, c := range s.Clients {
		groupOf[c.Name] = c.Group
		grouped = grouped || c.Group != ""
		if _, ok := rank[c.Group]; !ok {
			rank[c.Group] = len(rank)
		}
	}
	if grouped {
		if _, ok := rank[""]; !ok {
			rank[""] = len(rank)
		}
		sort.SliceStable(order, func(i, j int) bool { return rank[groupOf[order[i]]] < rank[groupOf[order[j]]] })
	}
	// Merge for display: start at one unit of x, coarsen a lane until it
	// fits MaxMarksPerLane, then coarsen all lanes until they fit MaxMarks.
	base := ts.msPerPx()
	res := make([]float64, len(order))
	merged := make([][][]mark, len(order))
	total := 0
	for i, name := range order {
		lw := byName[name]
		lw.sort()
		res[i] = base
		for {
			merged[i] = mergeLane(lw, res[i])
			if countMarks(merged[i]) <= MaxMarksPerLane {
				break
			}
			res[i] *= 2
		}
		total += countMarks(merged[i])
	}
	bytes := 0
	for i, name := range order {
		bytes += tipLane(name, merged[i], desc)
	}
	for global := base; total > MaxMarks || bytes > MaxMarkBytes; {
		global *= 2
		total, bytes = 0, 0
		for i, name := range order {
			if res[i] < global {
				res[i] = global
				merged[i] = mergeLane(byName[name], res[i])
			}
			total += countMarks(merged[i])
			bytes += tipLane(name, merged[i], desc)
		}
	}

	out := clientLayout{marks: total, windows: len(s.Windows), grouped: grouped}
	coarsest := 0.0
	for i, name := range order {
		lw := byName[name]
		cl := &clientLane{Name: name, Group: groupOf[name], LabelY: px(winRowH/2 + 4), Band: i%2 == 0}
		nw, unexpected, lag := 0, 0, 0
		classW := minClassW
		for r, class := range lw.classes {
			short := truncate(class, classChars)
			classW = math.Max(classW, float64(len([]rune(short)))*rowCharW)
			cl.Rows = append(cl.Rows, rowView{Class: class, Short: short, LabelY: px(float64(r)*winRowH + winRowH/2 + 4)})
			for _, w := range lw.rows[class] {
				nw++
				switch windowKind(w) {
				case winUnexpected:
					unexpected++
				case winLag:
					lag++
					out.lag = true
				}
			}
			for _, m := range merged[i][r] {
				x, w := ts.span(m.start, m.end, 1)
				cls := "window window-" + m.kind
				if m.open {
					cls += " window-open"
				}
				if m.tails == m.n {
					cls += " window-tail"
				}
				if m.unexpl == m.n {
					cls += " window-unexplained"
				}
				if m.n > 1 {
					cls += " window-merged"
				}
				mv := markView{
					Class: cls, X: px(x), W: px(w), Y: px(float64(r)*winRowH + (winRowH-winH)/2),
					Start: format.Num(m.start, 3), End: format.Num(m.end, 3), Tip: m.tip,
				}
				if m.n > 1 {
					mv.Count = fmt.Sprint(m.n)
				}
				if m.open {
					mv.Open = &labelView{Text: "open ▸", X: px(x - 3), Y: px(float64(r)*winRowH + winRowH/2 + 4),
						AtS: format.Num(m.start, 3), DXS: "-3"}
				}
				cl.Marks = append(cl.Marks, mv)
			}
		}
		if len(cl.Rows) == 0 {
			cl.Rows = []rowView{{LabelY: px(winRowH/2 + 4)}}
			cl.Empty, cl.EmptyY = true, px(winRowH/2+4)
		}
		// The name ends left of the widest class label, and is shortened
		// to the room left of that.
		labelX := gutter - 8 - classW - classGap
		cl.LabelX, cl.Short = px(labelX), truncate(name, charsIn(labelX-labelMargin))
		cl.BandH = px(float64(len(cl.Rows))*winRowH + laneGap)
		drawn := countMarks(merged[i])
		cl.Tip = fmt.Sprintf("%s: %s windows (%s unexpected", name, format.Count(nw), format.Count(unexpected))
		if grouped {
			cl.Tip = fmt.Sprintf("%s, group %s: %s windows (%s unexpected", name, groupLabel(cl.Group), format.Count(nw), format.Count(unexpected))
		}
		if lag > 0 {
			cl.Tip += fmt.Sprintf(", %s probe lag", format.Count(lag))
		}
		cl.Tip += ")"
		if drawn < nw {
			cl.Tip += fmt.Sprintf(", drawn as %s marks", format.Count(drawn))
			coarsest = math.Max(coarsest, res[i])
		}
		out.lanes = append(out.lanes, cl)
	}
	if total < len(s.Windows) {
		out.note = fmt.Sprintf("%s windows drawn as %s marks: windows less than %s apart are merged for display to keep the page small; the table and report.json have every window",
			format.Count(len(s.Windows)), format.Count(total), format.Duration(coarsest))
	}
	return out
}

// tipLane writes the titles of a lane's marks and returns about how many
// bytes the marks take in the page.
func tipLane(client string, rows [][]mark, desc map[string]string) int {
	const perMark = 160 // the rect and its attributes
	n := 0
	for _, r := range rows {
		for i := range r {
			r[i].tip = markTip(client, r[i], desc)
			n += perMark + len(r[i].tip)
		}
	}
	return n
}

// sort orders the classes by name and each row's windows by start, as
// mergeLane needs them.
func (lw *laneWindows) sort() {
	sort.Strings(lw.classes)
	for _, ws := range lw.rows {
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].StartMS < ws[j].StartMS })
	}
}

func countMarks(rows [][]mark) int {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	return n
}

// mergeLane merges the windows of each row whose gap is under res ms (and
// so could not be told apart on screen). Expected, unexpected and probe-lag
// windows merge separately; open windows never merge. Unexpected marks
// come last so that they are drawn on top. The rows must be sorted
// (laneWindows.sort).
func mergeLane(lw *laneWindows, res float64) [][]mark {
	out := make([][]mark, len(lw.classes))
	for r, class := range lw.classes {
		var exp, lag, unexp []mark
		for _, w := range lw.rows[class] { // sorted by start
			kind := windowKind(w)
			dst := &unexp
			switch kind {
			case winExpected:
				dst = &exp
			case winLag:
				dst = &lag
			}
			tail, unexpl := 0, 0
			if w.Tail && !w.ProbeLag {
				tail = 1
			}
			if unexplained(w) {
				unexpl = 1
			}
			d := math.Max(0, w.EndMS-w.StartMS)
			if k := len(*dst); k > 0 && !w.Open && !(*dst)[k-1].open &&
				w.StartMS-math.Max((*dst)[k-1].end, (*dst)[k-1].start+res) < res {
				m := &(*dst)[k-1]
				m.end = math.Max(m.end, w.EndMS)
				m.n++
				m.failed += w.Failed
				m.outage += d
				m.longest = math.Max(m.longest, d)
				m.tails += tail
				m.unexpl += unexpl
				m.reasons = union(m.reasons, w.Reasons)
				m.causes = union(m.causes, systemCauses(w))
				continue
			}
			*dst = append(*dst, mark{
				start: w.StartMS, end: w.EndMS, n: 1, failed: w.Failed, outage: d, longest: d,
				kind: kind, open: w.Open, class: class, tails: tail, unexpl: unexpl,
				reasons: union(nil, w.Reasons), causes: union(nil, systemCauses(w)),
			})
		}
		out[r] = append(append(exp, lag...), unexp...)
	}
	return out
}

// union appends the members of add not yet in dst, keeping at most 6.
func union(dst, add []string) []string {
	for _, a := range add {
		if len(dst) >= 6 {
			break
		}
		found := false
		for _, d := range dst {
			if d == a {
				found = true
				break
			}
		}
		if !found {
			dst = append(dst, a)
		}
	}
	return dst
}

// markTip is a mark's title: what kind of window it is, when, how long,
// why ops failed, and what caused it. A probe-lag window names no cause:
// the client fell behind its own schedule. The page escapes it (it goes
// into the template as text).
func markTip(client string, m mark, desc map[string]string) string {
	var b strings.Builder
	kind := m.kind
	if kind == winLag {
		kind = lagText
	}
	class := m.class
	if class == "" {
		class = "ops"
	}
	if m.n == 1 {
		fmt.Fprintf(&b, "%s · %s · %s", client, class, kind)
		if m.open {
			b.WriteString(" · open (no good answer before the run ended)")
		}
		fmt.Fprintf(&b, "\nstart %s · length %s · %s failed ops", format.Millis(m.start, 3), format.Millis(m.end-m.start, 3), format.Count(m.failed))
	} else {
		if m.kind == winLag {
			fmt.Fprintf(&b, "%s · %s · %d probe-lag windows merged for display (the client fell behind its schedule)", client, class, m.n)
		} else {
			fmt.Fprintf(&b, "%s · %s · %d %s windows merged for display", client, class, m.n, kind)
		}
		fmt.Fprintf(&b, "\n%s – %s · outage %s in all, longest %s · %s failed ops",
			format.Millis(m.start, 3), format.Millis(m.end, 3), format.Millis(m.outage, 3), format.Millis(m.longest, 3), format.Count(m.failed))
	}
	if len(m.reasons) > 0 {
		fmt.Fprintf(&b, "\nreasons: %s", listed(m.reasons, 3, func(r string) string { return truncate(r, 80) }))
	}
	if m.kind == winLag {
		return b.String()
	}
	causes := listed(m.causes, 3, func(c string) string {
		if d := desc[c]; d != "" {
			return c + " (" + truncate(d, 48) + ")"
		}
		return c
	})
	switch {
	case m.n == 1 && m.unexpl == 1:
		b.WriteString("\ncauses: " + unexplainedText)
	case m.n == 1 && m.tails == 1:
		b.WriteString("\nrecovery tail of " + causes)
	default:
		if len(m.causes) > 0 {
			b.WriteString("\ncauses: " + causes)
		}
		if m.tails > 0 {
			fmt.Fprintf(&b, "\n%d of them the recovery tail of their step", m.tails)
		}
		if m.unexpl > 0 {
			fmt.Fprintf(&b, "\n%d %s", m.unexpl, unexplainedText)
		}
	}
	return b.String()
}

// listed joins at most n of xs, each shortened by f, and says how many more
// there were.
func listed(xs []string, n int, f func(string) string) string {
	var b strings.Builder
	for i, x := range xs {
		if i == n {
			fmt.Fprintf(&b, " (+%d more)", len(xs)-n)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f(x))
	}
	return b.String()
}

type latencyView struct {
	Y, Note     string
	P50, P99    []string // polyline points, one per unbroken run of buckets
	YTicks      []yTick
	Log         bool
	Top, Bottom string
}

type yTick struct{ Y, Label string }

// buildLatency draws p50 and p99 per bucket on a log scale when they span
// more than a factor of 20, else linear. Buckets without ops break the lines.
func buildLatency(ts timeScale, bs []result.Bucket) *latencyView {
	if len(bs) == 0 {
		return nil
	}
	bs = append([]result.Bucket(nil), bs...)
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].StartMS < bs[j].StartMS })
	lv := &latencyView{}
	if len(bs) > MaxLatencyPoints {
		k := (len(bs) + MaxLatencyPoints - 1) / MaxLatencyPoints
		lv.Note = fmt.Sprintf("%s buckets combined %d to a point (p50 averaged by ops, p99 the maximum)", format.Count(len(bs)), k)
		bs = combineBuckets(bs, k)
	}
	lo, hi := math.Inf(1), 0.0
	for _, b := range bs {
		if b.Ops == 0 {
			continue
		}
		for _, v := range []float64{b.P50MS, b.P99MS} {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if hi == 0 {
		return nil
	}
	const top, bottom = 10.0, latencyH - 12
	var yOf func(float64) float64
	if hi/lo >= 20 {
		lv.Log = true
		d0, d1 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
		if d1 == d0 {
			d1++
		}
		yOf = func(v float64) float64 {
			if v <= 0 {
				v = math.Pow(10, d0)
			}
			return bottom - (math.Log10(v)-d0)/(d1-d0)*(bottom-top)
		}
		for d := d0; d <= d1; d++ {
			mults := []float64{1}
			if d1-d0 <= 2 && d < d1 {
				mults = []float64{1, 2, 5}
			}
			for _, m := range mults {
				v := m * math.Pow(10, d)
				lv.YTicks = append(lv.YTicks, yTick{Y: px(yOf(v)), Label: latLabel(v)})
			}
		}
	} else {
		step := niceStep(hi, 4)
		ceil := math.Ceil(hi/step) * step
		yOf = func(v float64) float64 { return bottom - v/ceil*(bottom-top) }
		for v := 0.0; v <= ceil+step*1e-9; v += step {
			lv.YTicks = append(lv.YTicks, yTick{Y: px(yOf(v)), Label: latLabel(v)})
		}
	}
	var p50, p99 []string
	flush := func() {
		if len(p50) > 0 {
			lv.P50 = append(lv.P50, strings.Join(p50, " "))
			lv.P99 = append(lv.P99, strings.Join(p99, " "))
		}
		p50, p99 = nil, nil
	}
	for _, b := range bs {
		if b.Ops == 0 {
			flush()
			continue
		}
		x := format.Num(ts.x((b.StartMS+b.EndMS)/2), 2)
		p50 = append(p50, x+","+px(yOf(b.P50MS)))
		p99 = append(p99, x+","+px(yOf(b.P99MS)))
	}
	flush()
	lv.Top, lv.Bottom = px(top), px(bottom)
	return lv
}

func latLabel(v float64) string {
	if v >= 1000 {
		return format.Num(v/1000, 2) + " s"
	}
	return format.Num(v, 3) + " ms"
}

func combineBuckets(bs []result.Bucket, k int) []result.Bucket {
	var out []result.Bucket
	for i := 0; i < len(bs); i += k {
		g := bs[i:min(i+k, len(bs))]
		c := result.Bucket{StartMS: g[0].StartMS, EndMS: g[len(g)-1].EndMS}
		var w float64
		for _, b := range g {
			c.Ops += b.Ops
			c.Failed += b.Failed
			c.P50MS += b.P50MS * float64(b.Ops)
			w += float64(b.Ops)
			c.P99MS = math.Max(c.P99MS, b.P99MS)
		}
		if w > 0 {
			c.P50MS /= w
		}
		out = append(out, c)
	}
	return out
}
