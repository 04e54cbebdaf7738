package reports

import (
	"math"
	"time"

	"github.com/hatest/hatest/framework/format"
)

// px formats an SVG coordinate.
func px(v float64) string { return format.Num(v, 1) }

// fmtTime is a timestamp in UTC, or "unknown" for the zero time.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000 UTC")
}

// truncate shortens s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}

// niceStep is a 1, 2 or 5 times a power of ten step that cuts span into
// about target pieces.
func niceStep(span float64, target int) float64 {
	if span <= 0 || target <= 0 {
		return 1
	}
	raw := span / float64(target)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// tickLabel labels a time tick at t ms for a given step and view end:
// milliseconds when the whole view is within the first 2 s, seconds with as
// many decimals as the step needs otherwise. The page's script uses the
// same rule when it zooms.
func tickLabel(t, step, end float64) string {
	if end <= 2000 {
		d := 0
		if step < 1 {
			d = int(math.Ceil(-math.Log10(step)))
		}
		return format.Num(t, d) + " ms"
	}
	d := 0
	if step < 1000 {
		d = int(math.Ceil(-math.Log10(step / 1000)))
	}
	return format.Num(t/1000, d) + " s"
}
