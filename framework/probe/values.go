package probe

import "strconv"

// Value is the value a Go client writes with its write w (from 1), op n:
// the shapes cycle, one per write, so that every shape is among any six
// writes in a row, the first six included, and a bug that mishandles one
// shape shows on the keys written with it:
//
//	plain-17            a plain value
//	""                  the empty value (a format that leaves it out)
//	café ☃ 17           unicode
//	long-17-0123…       300 bytes (a field cut short, a frame limit)
//	017.50              number-like (a layer that parses it makes it 17.5)
//	line one⏎"two" 17   a newline and quotes (a format that splits lines)
func Value(w, n int64) string {
	num := strconv.FormatInt(n, 10)
	switch (w - 1) % 6 {
	case 0:
		return "plain-" + num
	case 1:
		return ""
	case 2:
		return "café ☃ " + num
	case 3:
		return longValue(num)
	case 4:
		return "0" + num + ".50"
	default:
		return "line one\n\"two\" " + num
	}
}

// WordValue is Value for a store whose values are single words (no empty
// value, no space, no newline): five shapes, one per write.
//
//	plain-17, café☃-17, long-17-0123… (300 bytes), 017.50, say"hi"-17
func WordValue(w, n int64) string {
	num := strconv.FormatInt(n, 10)
	switch (w - 1) % 5 {
	case 0:
		return "plain-" + num
	case 1:
		return "café☃-" + num
	case 2:
		return longValue(num)
	case 3:
		return "0" + num + ".50"
	default:
		return `say"hi"-` + num
	}
}

// longValue is 300 bytes: "long-17-" and then the digits and letters over
// and over.
func longValue(num string) string {
	const fill = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 0, 300)
	b = append(append(append(b, "long-"...), num...), '-')
	for len(b) < cap(b) {
		b = append(b, fill[:min(len(fill), cap(b)-len(b))]...)
	}
	return string(b)
}
