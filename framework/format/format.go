package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// None stands for a value that was not measured.
const None = "–"

// Num formats v with at most prec decimals and no trailing zeros: "2.5",
// "300", "0" (never "-0"). NaN and ±Inf are None.
func Num(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return None
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

// Grouped puts thousands separators into the integer part of a formatted
// number: "12345.6" is "12,345.6".
func Grouped(s string) string {
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

// Count is a whole number with thousands separators: "12,345".
func Count[T ~int | ~int64 | ~uint64](n T) string {
	if uint64(n) > math.MaxInt64 && n > 0 {
		return Grouped(strconv.FormatUint(uint64(n), 10))
	}
	return Grouped(strconv.FormatInt(int64(n), 10))
}

// MS is a measured length in milliseconds inside a sentence, always to a
// tenth of a millisecond, as Go writes units: "410.1ms", "2100.0ms". The
// tenth tells a measured value from a configured one (ExactMS).
func MS(ms float64) string {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return None
	}
	return strconv.FormatFloat(ms, 'f', 1, 64) + "ms"
}

// ExactMS is a configured length in milliseconds inside a sentence (a
// budget, an interval), exactly as configured: "2000ms", "2.5ms",
// "0.125ms".
func ExactMS(ms float64) string {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return None
	}
	return strconv.FormatFloat(ms, 'f', -1, 64) + "ms"
}

// Millis is a length in milliseconds in a table or on a page, to at most
// prec decimals, grouped: "12,345.6 ms" (prec 1), "12,345.678 ms" (prec
// 3), "5 ms".
func Millis(ms float64, prec int) string { return unit(Grouped(Num(ms, prec)), " ms") }

// Duration is a length of time, given in milliseconds, in the unit a
// person reads best: "0.45 ms", "54.5 ms", "12.35 s", "3 m 12.4 s",
// "1 h 02 m".
func Duration(ms float64) string {
	switch {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return None
	case math.Abs(ms) < 10:
		return Num(ms, 2) + " ms"
	case math.Abs(ms) < 1000:
		return Num(ms, 1) + " ms"
	case math.Abs(ms) < 60_000:
		return Num(ms/1000, 2) + " s"
	case math.Abs(ms) < 3_600_000:
		m := math.Floor(ms / 60_000)
		return fmt.Sprintf("%d m %s s", int64(m), Num((ms-m*60_000)/1000, 1))
	default:
		h := math.Floor(ms / 3_600_000)
		m := math.Floor((ms - h*3_600_000) / 60_000)
		return fmt.Sprintf("%d h %02d m", int64(h), int64(m))
	}
}

// Rate is a measured fraction as a percentage, with enough digits to be
// non-zero when it is: "0%", "<0.001%", "0.012%", "1.2%", "25%".
func Rate(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return None
	case r == 0:
		return "0%"
	case r < 0.00001:
		return "<0.001%"
	case r < 0.01:
		return Num(r*100, 3) + "%"
	default:
		return Num(r*100, 2) + "%"
	}
}

// Percent is a configured fraction (a budget) as a percentage, to four
// significant digits: 0.01 is "1%", 0.07 is "7%" (not
// "7.000000000000001%"), 0.0025 is "0.25%".
func Percent(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return None
	}
	return strconv.FormatFloat(f*100, 'g', 4, 64) + "%"
}

// OpsRate is a rate of operations per second: "1,000 ops/s", "499.2
// ops/s", "2.25 ops/s".
func OpsRate(v float64) string {
	if math.Abs(v) < 10 {
		return unit(Num(v, 2), " ops/s")
	}
	return unit(Grouped(Num(v, 1)), " ops/s")
}

// unit appends u to a formatted number, unless it is None.
func unit(num, u string) string {
	if num == None {
		return None
	}
	return num + u
}
