package probe

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends r as one JSON object, without a newline, to b and
// returns the extended buffer. The bytes are exactly those json.Marshal
// gives for r (field order, omitted empty fields, string escaping), but it
// allocates nothing when b has room and costs a fraction of the time: a
// probe client writes one line per op, thousands a second, and its CPU is
// taken from the schedule it must keep.
func AppendJSON(b []byte, r *Record) []byte {
	b = append(b, '{')
	if r.Type != "" {
		b = appendKey(b, `"type":`)
		b = appendString(b, r.Type)
	}
	b = appendKey(b, `"client":`)
	b = appendString(b, r.Client)
	b = appendInt(b, `"n":`, r.N)
	b = appendInt(b, `"sched":`, r.Sched)
	b = appendStr(b, `"class":`, r.Class)
	b = appendStr(b, `"conn":`, r.Conn)
	b = appendInt(b, `"start":`, r.Start)
	b = appendInt(b, `"end":`, r.End)
	if r.OK {
		b = appendKey(b, `"ok":true`)
	}
	b = appendStr(b, `"err":`, r.Err)
	b = appendStr(b, `"version":`, r.Version)
	b = appendStr(b, `"role":`, r.Role)
	b = appendStr(b, `"server":`, r.Server)
	b = appendStr(b, `"key":`, r.Key)
	if r.Seq != 0 {
		b = appendKey(b, `"seq":`)
		b = strconv.AppendUint(b, r.Seq, 10)
	}
	b = appendInt(b, `"applied":`, r.Applied)
	b = appendInt(b, `"sent":`, r.Sent)
	b = appendInt(b, `"failed":`, r.Failed)
	b = appendInt(b, `"interval":`, r.Interval)
	b = appendInt(b, `"skipped":`, r.Skipped)
	if r.Found {
		b = appendKey(b, `"found":true`)
	}
	if r.Value != nil {
		b = appendString(appendKey(b, `"value":`), *r.Value)
	}
	b = appendStr(b, `"via":`, r.Via)
	b = appendInt(b, `"round":`, int64(r.Round))
	return append(b, '}')
}

// appendKey appends a key (and whatever follows it in k), after a comma
// unless it is the object's first.
func appendKey(b []byte, k string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	return append(b, k...)
}

func appendInt(b []byte, k string, v int64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(appendKey(b, k), v, 10)
}

func appendStr(b []byte, k, v string) []byte {
	if v == "" {
		return b
	}
	return appendString(appendKey(b, k), v)
}

const hex = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does:
// '"' and '\\' escaped, control characters as \b \f \n \r \t or \u00XX,
// '<' '>' '&' as \u003c \u003e \u0026, invalid UTF-8 as \ufffd, and
// U+2028 and U+2029 as \u2028 and \u2029.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
