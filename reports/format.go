package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// num formats v with at most prec decimals and no trailing zeros.
func num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// px formats an SVG coordinate.
func px(v float64) string { return num(v, 1) }

// grouped puts thousands separators into the integer part of a formatted
// number.
func grouped(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) > 3 {
		var b strings.Builder
		lead := len(intPart) % 3
		if lead > 0 {
			b.WriteString(intPart[:lead])
		}
		for i := lead; i < len(intPart); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(intPart[i : i+3])
		}
		intPart = b.String()
	}
	if hasFrac {
		intPart += "." + frac
	}
	if neg {
		intPart = "-" + intPart
	}
	return intPart
}

// fmtMS is a millisecond value with one decimal: "12,345.6 ms".
func fmtMS(v float64) string { return grouped(num(v, 1)) + " ms" }

// fmtExact is a millisecond value to the microsecond: "12,345.678 ms".
func fmtExact(v float64) string { return grouped(num(v, 3)) + " ms" }

// fmtDur is a duration in milliseconds for humans: "0.45 ms", "54.5 ms", "12.35 s",
// "3 m 12.4 s", "1 h 02 m".
func fmtDur(ms float64) string {
	switch {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return "–"
	case math.Abs(ms) < 10:
		return num(ms, 2) + " ms"
	case math.Abs(ms) < 1000:
		return num(ms, 1) + " ms"
	case math.Abs(ms) < 60_000:
		return num(ms/1000, 2) + " s"
	case math.Abs(ms) < 3_600_000:
		m := math.Floor(ms / 60_000)
		return fmt.Sprintf("%d m %s s", int64(m), num((ms-m*60_000)/1000, 1))
	default:
		h := math.Floor(ms / 3_600_000)
		m := math.Floor((ms - h*3_600_000) / 60_000)
		return fmt.Sprintf("%d h %02d m", int64(h), int64(m))
	}
}

// fmtCount is an integer with thousands separators.
func fmtCount[T ~int | ~int64 | ~uint64](n T) string {
	return grouped(strconv.FormatInt(int64(n), 10))
}

// fmtRate is a fraction as a percentage with enough digits to be non-zero
// when it is.
func fmtRate(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "–"
	case r == 0:
		return "0 %"
	case r < 0.0001:
		return "< 0.01 %"
	case r < 0.01:
		return num(r*100, 3) + " %"
	default:
		return num(r*100, 2) + " %"
	}
}

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
		return num(t, d) + " ms"
	}
	d := 0
	if step < 1000 {
		d = int(math.Ceil(-math.Log10(step / 1000)))
	}
	return num(t/1000, d) + " s"
}

// fmtOpsRate is a rate of ops per second: "1,000 ops/s", "499.2 ops/s".
func fmtOpsRate(v float64) string {
	if v < 10 {
		return grouped(num(v, 2)) + " ops/s"
	}
	return grouped(num(v, 1)) + " ops/s"
}
