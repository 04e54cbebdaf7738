package reports

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

func TestLabels(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{truncate("abcdef", 4), "abc…"},
		{truncate("→→→", 3), "→→→"},
		{tickLabel(500, 100, 1200), "500 ms"},
		{tickLabel(7800, 100, 8600), "7.8 s"},
		{tickLabel(8001, 1, 8010), "8.001 s"},
		{tickLabel(60000, 20000, 600000), "60 s"},
		{tickLabel(0.5, 0.5, 10), "0.5 ms"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for _, tc := range []struct{ span, want float64 }{
		{12000, 2000}, {600_000, 100_000}, {855, 100}, {1, 0.1}, {0, 1},
	} {
		if got := niceStep(tc.span, 10); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("niceStep(%v) = %v, want %v", tc.span, got, tc.want)
		}
	}
}

func TestMergeLane(t *testing.T) {
	w := func(start, end float64, expected, open bool) result.Window {
		return result.Window{Client: "c", Class: "read", StartMS: start, EndMS: end, Expected: expected, Open: open,
			Failed: 1, Reasons: []string{"EOF"}, Causes: []string{"fault-1"}}
	}
	lane := func(ws ...result.Window) *laneWindows {
		lw := &laneWindows{name: "c", classes: []string{"read"}, rows: map[string][]result.Window{"read": ws}}
		lw.sort()
		return lw
	}
	for _, tc := range []struct {
		name string
		ws   []result.Window
		res  float64
		want string // marks as start-end×n, expected ones first
	}{
		{"apart", []result.Window{w(0, 10, false, false), w(30, 40, false, false)}, 5, "0-10×1 30-40×1"},
		{"close", []result.Window{w(0, 10, false, false), w(12, 20, false, false), w(24, 30, false, false)}, 5, "0-30×3"},
		{"unsorted", []result.Window{w(24, 30, false, false), w(0, 10, false, false), w(12, 20, false, false)}, 5, "0-30×3"},
		{"narrow ones widen to res", []result.Window{w(0, 1, false, false), w(8, 9, false, false)}, 5, "0-9×2"},
		{"expected apart from unexpected", []result.Window{w(0, 10, true, false), w(11, 20, false, false), w(21, 30, true, false)}, 15, "0-30×2 11-20×1"},
		{"open never merges", []result.Window{w(0, 10, false, false), w(11, 100, false, true)}, 5, "0-10×1 11-100×1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := mergeLane(lane(tc.ws...), tc.res)
			var got []string
			for _, m := range rows[0] {
				got = append(got, format.Num(m.start, 1)+"-"+format.Num(m.end, 1)+"×"+format.Num(float64(m.n), 0))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("marks %v, want %s", got, tc.want)
			}
		})
	}
	rows := mergeLane(lane(w(0, 10, false, false), w(12, 20, false, false)), 5)
	if m := rows[0][0]; m.failed != 2 || m.outage != 18 || m.longest != 10 || len(m.reasons) != 1 {
		t.Errorf("merged mark %+v: want failed 2, outage 18, longest 10, one reason", m)
	}
}

func TestLatency(t *testing.T) {
	ts := timeScale{0, 2000}
	var bs []result.Bucket
	for i := 0; i < 2000; i++ {
		b := result.Bucket{StartMS: float64(i), EndMS: float64(i + 1), Ops: 10, P50MS: 1, P99MS: 2}
		if i == 1234 {
			b.P99MS = 900
		}
		if i >= 1000 && i < 1100 {
			b.Ops = 0
		}
		bs = append(bs, b)
	}
	lv := buildLatency(ts, bs)
	if lv == nil || !lv.Log {
		t.Fatalf("latency view %+v, want a log scale", lv)
	}
	if len(lv.P50) != 2 || len(lv.P99) != 2 {
		t.Errorf("%d p50 and %d p99 lines, want 2 each (broken where there were no ops)", len(lv.P50), len(lv.P99))
	}
	points := 0
	for _, l := range lv.P99 {
		points += len(strings.Fields(l))
	}
	if points > MaxLatencyPoints {
		t.Errorf("%d points, want ≤ %d", points, MaxLatencyPoints)
	}
	// the 900 ms spike survives combining: some p99 point is above the
	// 100 ms tick (smaller y is higher)
	tickY := map[string]float64{}
	for _, tk := range lv.YTicks {
		tickY[tk.Label], _ = strconv.ParseFloat(tk.Y, 64)
	}
	highest := math.Inf(1)
	for _, l := range lv.P99 {
		for _, p := range strings.Fields(l) {
			_, y, _ := strings.Cut(p, ",")
			v, _ := strconv.ParseFloat(y, 64)
			highest = math.Min(highest, v)
		}
	}
	if y100, ok := tickY["100 ms"]; !ok || highest >= y100 {
		t.Errorf("highest p99 point at y=%v, 100 ms tick at %v (ticks %v): the spike was lost", highest, y100, lv.YTicks)
	}
	if !strings.Contains(lv.Note, "combined 4 to a point") {
		t.Errorf("note %q", lv.Note)
	}
	if buildLatency(ts, nil) != nil || buildLatency(ts, []result.Bucket{{Ops: 0}}) != nil {
		t.Error("a plot without data")
	}
	lin := buildLatency(ts, []result.Bucket{{StartMS: 0, EndMS: 10, Ops: 1, P50MS: 2, P99MS: 3}})
	if lin == nil || lin.Log || lin.YTicks[0].Label != "0 ms" {
		t.Errorf("narrow range: %+v, want linear from 0", lin)
	}
}

func TestEventLane(t *testing.T) {
	ts := timeScale{0, 10_000}
	var evs []result.Step
	for i := 0; i < 40; i++ { // all at once: rows fill up, later bars lose their labels
		evs = append(evs, result.Step{ID: "s", Kind: "step", Desc: "a long description of a step", StartMS: 0, EndMS: 100})
	}
	lane, h := eventLane(ts, "plan steps", "lane lane-steps", evs)
	if h != barRows*barRowH {
		t.Errorf("height %v, want %d rows", h, barRows)
	}
	labelled := 0
	for _, b := range lane.Bars {
		if b.Label != nil {
			labelled++
		}
	}
	if labelled != labelRows {
		t.Errorf("%d labels, want %d", labelled, labelRows)
	}
	// a bar near the right edge gets its label on its left
	lane, _ = eventLane(ts, "faults", "lane lane-faults", []result.Step{{Kind: "fault", Desc: "kill driver-0", StartMS: 9900, EndMS: 9950}})
	if l := lane.Bars[0].Label; l == nil || !l.Left {
		t.Errorf("label %+v, want it left of the bar", l)
	}
}

// TestStartUp checks a scenario whose start-up came before time zero (the
// overlord's first driver starting, the first version span): the axis
// starts there, zero is marked, and every label is inside the plot.
func TestStartUp(t *testing.T) {
	s := &result.Scenario{DurationMS: 2000,
		Steps: []result.Step{
			{ID: "driver-1", Kind: "system", Desc: "overlord driver: primary driver v1 (pid 18435) is primary at 127.0.0.1:44315", StartMS: -935.2, EndMS: -935.2},
			{ID: "step-2", Kind: "step", Desc: "warm up for 1s", StartMS: 0, EndMS: 1000},
		},
		Versions: []result.Version{{Node: "driver/primary", Version: "v1", Role: "primary", StartMS: -935.2, EndMS: 2000}},
	}
	tv := buildTimeline(s, nil)
	if tv.T0 != "-935.2" || tv.T1 != "2000" {
		t.Errorf("axis %s to %s, want -935.2 to 2000", tv.T0, tv.T1)
	}
	if tv.Zero == nil {
		t.Fatal("no scenario start line")
	}
	ts := timeScale{-935.2, 2000}
	if tv.Zero.X != px(ts.x(0)) {
		t.Errorf("scenario start at x=%s, want %s", tv.Zero.X, px(ts.x(0)))
	}
	var ticks []string
	for _, tk := range tv.Ticks {
		ticks = append(ticks, tk.Label)
	}
	if got := strings.Join(ticks, " "); got != "-500 ms 0 ms 500 ms 1000 ms 1500 ms 2000 ms" {
		t.Errorf("ticks %s", got)
	}
	labels := 0
	for _, l := range tv.Lanes {
		for _, b := range l.Bars {
			if b.Label == nil {
				continue
			}
			labels++
			x, _ := strconv.ParseFloat(b.Label.X, 64)
			if x < gutter || x > gutter+plotW {
				t.Errorf("label %q at x=%v, outside the plot (%v to %v)", b.Label.Text, x, gutter, gutter+plotW)
			}
			// the script puts it at x(at)+dx on load: the same place
			at, _ := strconv.ParseFloat(b.Label.AtS, 64)
			dx, _ := strconv.ParseFloat(b.Label.DXS, 64)
			if !b.Label.Left && px(ts.x(at)+dx) != b.Label.X {
				t.Errorf("label %q at x=%s, the script would put it at %s", b.Label.Text, b.Label.X, px(ts.x(at)+dx))
			}
		}
	}
	if labels != 3 {
		t.Errorf("%d labels, want 3 (start-up event, warm-up, version)", labels)
	}
	// Without anything before zero the axis starts there, unmarked.
	s.Steps, s.Versions = s.Steps[1:], nil
	if tv := buildTimeline(s, nil); tv.T0 != "0" || tv.Zero != nil {
		t.Errorf("axis from %s, zero line %v: want 0 and none", tv.T0, tv.Zero)
	}
}

// TestLabelNeitherSide checks a label too long for its bar and for either
// side of it: it is shortened, with an ellipsis, to the larger room.
func TestLabelNeitherSide(t *testing.T) {
	ts := timeScale{0, 10_000}
	long := strings.Repeat("a long description ", 3) + "of a fault in the middle of the plot"
	// a bar of 30 % of the plot in its middle: about 350 px each side,
	// 300 px inside, and the label needs about 400
	lane, _ := eventLane(ts, "faults", "lane lane-faults", []result.Step{{Kind: "fault", Desc: long, StartMS: 3500, EndMS: 6500}})
	l := lane.Bars[0].Label
	if l == nil {
		t.Fatal("no label, want a shortened one")
	}
	n := len([]rune(l.Text))
	if !strings.HasSuffix(l.Text, "…") || n >= 64 || n < 40 {
		t.Fatalf("label %q (%d characters), want the description shortened with an ellipsis", l.Text, n)
	}
	x, _ := strconv.ParseFloat(l.X, 64)
	w := float64(n) * charW
	if l.Left {
		x -= w
	}
	if x < gutter || x+w > gutter+plotW {
		t.Errorf("label spans x=%v to %v, outside the plot (%v to %v)", x, x+w, gutter, gutter+plotW)
	}
}

// TestClientLabels checks that long client names and op classes are
// shortened, and that a client's name ends left of its widest class label.
func TestClientLabels(t *testing.T) {
	long := strings.Repeat("x", 300)
	s := &result.Scenario{DurationMS: 1000, Windows: []result.Window{
		{Client: "c1", Class: "read", StartMS: 10, EndMS: 20},
		{Client: long, Class: "write-with-a-very-long-class-name", StartMS: 10, EndMS: 20},
	}}
	lanes := clientLanes(timeScale{0, 1000}, s, nil).lanes
	if len(lanes) != 2 {
		t.Fatalf("%d lanes", len(lanes))
	}
	for _, cl := range lanes {
		labelX, _ := strconv.ParseFloat(cl.LabelX, 64)
		nameW := float64(len([]rune(cl.Short))) * boldCharW
		if labelX-nameW < labelMargin-0.01 {
			t.Errorf("client %.20q: its name %q starts at x=%v, want ≥ %v", cl.Name, cl.Short, labelX-nameW, labelMargin)
		}
		for _, r := range cl.Rows {
			if n := len([]rune(r.Short)); n > classChars {
				t.Errorf("class %q shown as %q: %d characters, want ≤ %d", r.Class, r.Short, n, classChars)
			}
			classX := gutter - 8 - float64(len([]rune(r.Short)))*rowCharW
			if labelX > classX-classGap+0.01 {
				t.Errorf("client %.20q ends at x=%v, its class label %q starts at %v: they overlap", cl.Name, labelX, r.Short, classX)
			}
		}
	}
	if lanes[0].Short != "c1" || lanes[0].LabelX != px(gutter-52) {
		t.Errorf("short names stay whole and line up: %q at %s", lanes[0].Short, lanes[0].LabelX)
	}
	if !strings.HasSuffix(lanes[1].Short, "…") || !strings.HasSuffix(lanes[1].Rows[0].Short, "…") {
		t.Errorf("long name %q and class %q are not shortened", lanes[1].Short, lanes[1].Rows[0].Short)
	}
}
