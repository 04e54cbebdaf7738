package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/hatest/hatest/framework/format"
	"github.com/hatest/hatest/framework/result"
)

// Shrink is what `hatest shrink` found, for its report page.
type Shrink struct {
	Scenario string
	Package  string
	Original *result.Scenario // one failing run of the original plan (its report.json)
	Minimal  *result.Scenario // one failing run of the minimal plan; nil when shrinking found nothing smaller or no run of it failed
	Reason   string           // the failure being kept: "FAIL: NoLostWrites"

	OriginalRate, MinimalRate   string // "3 of 3", "2 of 3 (1 invalid)"
	OriginalSteps, MinimalSteps int    // leaf steps of each plan

	Kept    []string // the minimal plan's items, one line each ("6: upgrade v2 -> v2-lazy")
	Removed []string // the items it dropped
	Lowered []string // knob changes: "fault 9 hold: 740ms -> 100ms"

	Runs, Candidates, Skipped int
	Wall                      time.Duration
	Stopped                   string           // "" or why it stopped early ("budget of 40 runs spent")
	Replay                    string           // the command that runs the minimal plan
	Explain                   []Counterfactual // may be empty
	Others                    []string         // other failures seen while shrinking, one line each
	Tried                     []TriedRow       // every candidate tried, in order
}

// Counterfactual is one rerun with a blamed item removed: how the outage
// changed without it. A rerun that was invalid has no figures of its own
// (its Without fields are zero and its Verdict says INVALID): the page
// shows them as unknown, never as zero.
type Counterfactual struct {
	Item           string  `json:"item"`             // the item removed ("9: SIGKILL of the primary driver")
	Windows        int     `json:"windows"`          // windows blamed on it, over the minimal plan's failing runs
	WithMaxMS      float64 `json:"with_max_ms"`      // max outage with it (the mean over those runs)
	WithoutMaxMS   float64 `json:"without_max_ms"`   // and without it (the mean over the reruns)
	WithTotalMS    float64 `json:"with_total_ms"`    // total outage, the same way
	WithoutTotalMS float64 `json:"without_total_ms"` //
	Verdict        string  `json:"verdict"`          // the verdict without it: "PASS", "FAIL: no lost writes", or why it was not run
	Rate           string  `json:"rate"`             // reruns without it that failed the same way: "0 of 3"
}

// TriedRow is one candidate plan tried while shrinking.
type TriedRow struct {
	Phase      string `json:"phase"`      // "items" or "knobs"
	Change     string `json:"change"`     // what the candidate changes
	Size       int    `json:"size"`       // items the candidate keeps
	Rate       string `json:"rate"`       // runs of it that failed for the same reason: "2 of 3"
	Reproduced bool   `json:"reproduced"` // it failed for the same reason often enough to be kept
	Unfinished bool   `json:"unfinished"` // its runs were cut short (budget, interrupt) before that was known
}

// ShrinkHTML writes shrink.html: the original failing run's timeline and
// the minimal plan's, one above the other on one time axis, with what was
// kept, removed and lowered, the counterfactual reruns and every candidate
// tried. Like report.html it is one self-contained page (inline CSS, SVG
// and script) and every string in it is escaped. When the two timelines
// together would make the page larger than about 2 MB, the titles of
// their outage marks are shortened (each run's own report.html keeps
// them whole).
func ShrinkHTML(w io.Writer, s *Shrink) error {
	if s == nil {
		return fmt.Errorf("render shrink: %w", errNil)
	}
	v := buildShrink(s)
	var buf bytes.Buffer
	for cut := 0; ; cut++ {
		buf.Reset()
		if err := execute(&buf, "shrink", v); err != nil {
			return err
		}
		if buf.Len() <= maxShrinkBytes || !v.shorten(cut) {
			break
		}
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("render shrink: %w", err)
	}
	return nil
}

// Limits of the shrink page. Each timeline is capped by the timeline's own
// limits (MaxMarks, MaxMarkBytes); two of them can still pass 2 MB, so the
// page shortens the marks' titles past maxShrinkBytes.
const (
	maxShrinkBytes  = 1_900_000
	maxShrinkListed = 500  // items shown in each of kept, removed, lowered and other failures
	maxShrinkTried  = 1000 // rows of the candidates table
)

// unknownFigure is how the page shows a number it does not have.
const unknownFigure = "—"

type shrinkView struct {
	S                              *Shrink
	Schema                         int
	Headline, Wall                 string
	Shrunk                         bool
	NotShrunk                      string // why there is no minimal run, in words
	Figures                        []figure
	Kept, Removed, Lowered, Others listView
	Explain                        []counterView
	Timelines                      []*shrinkTimeline
	AxisNote                       string
	TitlesNote                     string // set when mark titles were shortened to keep the page small
	Tried                          []triedView
	TriedMore                      string // candidates not shown, "" for none
}

// listView is a list of lines, at most maxShrinkListed shown.
type listView struct {
	Items []string
	N     int    // how many in all
	More  string // how many not shown, "" for none
}

// counterView is one counterfactual row. A figure the rerun did not
// measure is unknownFigure, and Unknown says why.
type counterView struct {
	Item, Windows                string
	WithMax, WithoutMax          string
	WithTotal, WithoutTotal      string
	Verdict, VerdictClass, Rate  string
	Unknown                      string // title of the unknown figures, "" when known
	WithUnknown                  string // the same for the minimal run's own figures
	Gone                         bool   // without the item there was no outage at all
	MaxClass, TotalClass, RowCls string
}

type triedView struct {
	N                         int
	Phase, Change, Size, Rate string
	SizeV                     int
	Reproduced, Unfinished    bool
}

// shrinkTimeline is one run's timeline on the page: its header and the
// "timeline" template's block, whose ids are prefixed with its svg's id
// so that they differ between the two timelines of one page.
type shrinkTimeline struct {
	Name, Head, Meta, Word, Class string
	Block                         timelineBlock
}

func buildShrink(s *Shrink) *shrinkView {
	v := &shrinkView{S: s, Schema: result.Schema, Shrunk: s.Minimal != nil, Wall: unknownFigure}
	if s.Wall > 0 {
		v.Wall = format.Duration(float64(s.Wall) / float64(time.Millisecond))
	}
	runs := fmt.Sprintf("%s %s (%s %s)", format.Count(s.Runs), plural(s.Runs, "run", "runs"),
		format.Count(s.Candidates), plural(s.Candidates, "candidate", "candidates"))
	switch {
	case !v.Shrunk:
		v.Headline = fmt.Sprintf("no smaller failing plan: %s, %s, %s", steps(s.OriginalSteps), runs, v.Wall)
		v.NotShrunk = "No minimal run to show: shrinking found no smaller plan that fails for the same reason, or no run of it failed. Only the original run is shown."
	case s.MinimalSteps >= s.OriginalSteps:
		v.Headline = fmt.Sprintf("kept all %s, lowered %s %s, in %s, %s", steps(s.OriginalSteps),
			format.Count(len(s.Lowered)), plural(len(s.Lowered), "knob", "knobs"), runs, v.Wall)
	default:
		v.Headline = fmt.Sprintf("shrank %s to %s in %s, %s", steps(s.OriginalSteps), format.Count(s.MinimalSteps), runs, v.Wall)
	}

	stepsFig := figure{Label: "Plan steps", Value: format.Count(s.OriginalSteps), Note: "leaf steps; nothing smaller failed"}
	if s.MinimalSteps > 0 {
		stepsFig.Value = format.Count(s.OriginalSteps) + " → " + format.Count(s.MinimalSteps)
		stepsFig.Note = "leaf steps, original → minimal"
	}
	skipped := ""
	if s.Skipped > 0 {
		skipped = fmt.Sprintf(", %s skipped", format.Count(s.Skipped))
	}
	v.Figures = []figure{
		stepsFig,
		{Label: "Original plan fails", Value: orUnknown(s.OriginalRate), Note: "runs failing for this reason"},
		{Label: "Minimal plan fails", Value: orUnknown(s.MinimalRate), Note: "runs failing for this reason"},
		{Label: "Runs", Value: format.Count(s.Runs), Note: fmt.Sprintf("%s %s tried%s", format.Count(s.Candidates), plural(s.Candidates, "candidate", "candidates"), skipped)},
		{Label: "Wall time", Value: v.Wall, Note: "the whole shrink"},
	}
	if !v.Shrunk {
		v.Figures[2].Value, v.Figures[2].Note = unknownFigure, "no failing run of a smaller plan"
	}
	v.Kept, v.Removed, v.Lowered, v.Others = listOf(s.Kept), listOf(s.Removed), listOf(s.Lowered), listOf(s.Others)
	for _, c := range s.Explain {
		v.Explain = append(v.Explain, buildCounter(c))
	}
	for i, t := range s.Tried {
		if i == maxShrinkTried {
			v.TriedMore = format.Count(len(s.Tried) - maxShrinkTried)
			break
		}
		v.Tried = append(v.Tried, triedView{N: i + 1, Phase: t.Phase, Change: t.Change, Size: format.Count(t.Size), SizeV: t.Size,
			Rate: orUnknown(t.Rate), Reproduced: t.Reproduced, Unfinished: t.Unfinished})
	}
	v.Timelines, v.AxisNote = shrinkTimelines(s)
	return v
}

// steps is "1 step", "18 steps".
func steps(n int) string { return format.Count(n) + " " + plural(n, "step", "steps") }

func orUnknown(s string) string {
	if s == "" {
		return unknownFigure
	}
	return s
}

func listOf(xs []string) listView {
	l := listView{Items: xs, N: len(xs)}
	if len(xs) > maxShrinkListed {
		l.Items, l.More = xs[:maxShrinkListed], format.Count(len(xs)-maxShrinkListed)
	}
	return l
}

// invalidVerdict reports whether a verdict says the rerun was invalid:
// its numbers cannot be vouched for.
func invalidVerdict(v string) bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(v)), "INVALID")
}

// verdictClass is the tag class of a verdict string: pass, fail, invalid,
// or none for a word hatest does not know.
func verdictClass(v string) string {
	word, _, _ := strings.Cut(strings.TrimSpace(v), ":")
	switch strings.ToUpper(strings.TrimSpace(word)) {
	case "PASS", "PASSED":
		return "pass"
	case "FAIL", "FAILED":
		return "fail"
	case "INVALID":
		return "invalid"
	}
	return ""
}

// outageMS shows an outage figure, or unknownFigure when it is not a
// measurement (negative, NaN or infinite).
func outageMS(ms float64) (string, bool) {
	if ms < 0 || math.IsNaN(ms) || math.IsInf(ms, 0) {
		return unknownFigure, false
	}
	return format.Duration(ms), true
}

func buildCounter(c Counterfactual) counterView {
	cv := counterView{Item: c.Item, Windows: format.Count(c.Windows), Verdict: orUnknown(c.Verdict),
		VerdictClass: verdictClass(c.Verdict), Rate: orUnknown(c.Rate)}
	var okMax, okTotal bool
	cv.WithMax, okMax = outageMS(c.WithMaxMS)
	cv.WithTotal, okTotal = outageMS(c.WithTotalMS)
	if !okMax || !okTotal {
		cv.WithUnknown = "not measured in the minimal run"
	}
	switch {
	case c.Verdict == "":
		cv.Unknown = "not measured: the rerun without it has no verdict"
	case invalidVerdict(c.Verdict):
		cv.Unknown = "not measured: the rerun without it was invalid, so its numbers cannot be vouched for"
		cv.RowCls = "invalid"
	}
	if cv.Unknown != "" {
		cv.WithoutMax, cv.WithoutTotal = unknownFigure, unknownFigure
		return cv
	}
	cv.WithoutMax, okMax = outageMS(c.WithoutMaxMS)
	cv.WithoutTotal, okTotal = outageMS(c.WithoutTotalMS)
	if !okMax || !okTotal {
		cv.Unknown = "not measured in the rerun without it"
	}
	cv.Gone = okMax && okTotal && c.WithoutMaxMS == 0 && c.WithoutTotalMS == 0
	if okMax && c.WithoutMaxMS < c.WithMaxMS {
		cv.MaxClass = "ok"
	}
	if okTotal && c.WithoutTotalMS < c.WithTotalMS {
		cv.TotalClass = "ok"
	}
	return cv
}

// shrinkTimelines lays out the original run's timeline and the minimal
// run's. When there are two they share one time axis, from the earlier
// start to the later end, and the minimal run's versions take the colours
// they have in the original's, so that the two read alike.
func shrinkTimelines(s *Shrink) ([]*shrinkTimeline, string) {
	orig, mini := s.Original, s.Minimal
	shared := orig != nil && mini != nil
	var t0, t1 float64
	note := ""
	if shared {
		t0 = math.Min(scenarioStart(orig), scenarioStart(mini))
		t1 = math.Max(scenarioEnd(orig), scenarioEnd(mini))
		note = "Both timelines share one time axis, " + format.Duration(t0) + " to " + format.Duration(t1) +
			", 0 being each run's scenario start: marks one above the other happened equally far into their runs."
	}
	var out []*shrinkTimeline
	var colours map[string]string // the original's, for the minimal run
	for _, r := range []struct {
		id, name string
		n        int
		run      *result.Scenario
	}{
		{"timeline-original", "original plan", s.OriginalSteps, orig},
		{"timeline-minimal", "minimal plan", s.MinimalSteps, mini},
	} {
		if r.run == nil {
			continue
		}
		if !shared {
			t0, t1 = scenarioStart(r.run), scenarioEnd(r.run)
		}
		tl := runTimeline(r.id, r.name, r.n, r.run, t0, t1, colours)
		colours = tl.Block.T.colours()
		out = append(out, tl)
	}
	return out, note
}

// runTimeline is one run's timeline on the axis [t0, t1], its versions in
// colours (nil: in their order), with a header.
func runTimeline(id, name string, n int, run *result.Scenario, t0, t1 float64, colours map[string]string) *shrinkTimeline {
	desc := map[string]string{}
	for _, st := range run.Steps {
		desc[st.ID] = st.Desc
	}
	status := Status(run)
	head := steps(n) + ", "
	switch status {
	case result.StatusPassed:
		head += "passed"
	case result.StatusInvalid:
		head += "INVALID: " + InvalidWhy(run)
	default:
		first, _, _ := strings.Cut(run.Failure, "\n")
		if first == "" {
			head += "failed"
		} else {
			head += "failed: " + first
		}
	}
	meta := fmt.Sprintf("seed %d · %s", run.Seed, format.Duration(run.DurationMS))
	if run.Runtime != "" {
		meta += " · " + run.Runtime
	}
	if run.Slug != "" {
		meta += " · " + run.Slug
	}
	return &shrinkTimeline{
		Name: name, Head: truncate(head, 300), Meta: meta,
		Word: StatusWord(status), Class: statusClass(status),
		Block: timelineBlock{T: layTimeline(run, desc, t0, t1, colours), ID: id, Prefix: id + "-"},
	}
}

// shorten makes the page smaller for another try, the cut-th: first each
// outage mark's title keeps only its first two lines (who, what and when),
// then marks lose their titles. It reports false when there is nothing
// left to cut.
func (v *shrinkView) shorten(cut int) bool {
	if cut > 1 {
		return false
	}
	for _, t := range v.Timelines {
		for _, cl := range t.Block.T.Clients {
			for i := range cl.Marks {
				m := &cl.Marks[i]
				if cut == 0 {
					m.Tip = firstLines(m.Tip, 2)
				} else {
					m.Tip = ""
				}
			}
		}
	}
	v.TitlesNote = "To keep this page under 2 MB, the outage marks' titles give only who, what and when; each run's report.html has them whole."
	if cut == 1 {
		v.TitlesNote = "To keep this page under 2 MB, the outage marks have no titles; each run's report.html has them."
	}
	return true
}

// firstLines is the first n lines of s.
func firstLines(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for ; n > 0; n-- {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return s
		}
		i += j + 1
	}
	return s[:i-1]
}
