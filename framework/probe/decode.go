package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// The string fields of a Record other than Type, as numbered in fields
// and in a Log's entries.
const (
	sClient = iota
	sClass
	sConn
	sErr
	sVersion
	sRole
	sServer
	sKey
	sValue
	sVia
	nStr
)

// fields is one op-log line decoded but not yet kept: its strings are
// still bytes of the line, or of the decoder's scratch buffer when they
// had escapes, valid until the next line is decoded.
type fields struct {
	typ      []byte
	str      [nStr][]byte
	hasValue bool // "value" was there: str[sValue] is the value, maybe empty

	n, sched, start, end, applied   int64
	sent, failed, interval, skipped int64
	seq                             uint64
	round                           int
	ok, found                       bool
}

// decoder decodes op-log lines in the one shape clients write them
// (AppendJSON's, which is json.Marshal's): an object whose keys are
// Record's JSON names, spelled exactly, each with a value of its field's
// type. It gives exactly the Record encoding/json would, without
// reflection and without allocating. For any other line (an unknown or
// differently spelled key, a null, a number with a fraction or too big,
// invalid UTF-8, an escaped surrogate, bad JSON) it says so, and the
// caller asks encoding/json: it is a fast path, never a second opinion.
type decoder struct {
	scratch []byte // unescaped strings of the current line
}

// decode decodes line into f. It reports false, with f in any state,
// when line is not in the shape it knows.
func (d *decoder) decode(f *fields, b []byte) bool {
	*f = fields{}
	d.scratch = d.scratch[:0]
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		if i == len(b) || b[i] != '"' {
			return false
		}
		j := i + 1 // keys are short: a loop beats IndexByte's call
		for j < len(b) && b[j] != '"' {
			j++
		}
		if j == len(b) {
			return false
		}
		key := b[i+1 : j]
		i = skipSpace(b, j+1)
		if i == len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		var ok bool
		switch string(key) {
		case "type":
			f.typ, i, ok = d.str(b, i)
		case "client":
			f.str[sClient], i, ok = d.str(b, i)
		case "n":
			f.n, i, ok = integer(b, i)
		case "sched":
			f.sched, i, ok = integer(b, i)
		case "class":
			f.str[sClass], i, ok = d.str(b, i)
		case "conn":
			f.str[sConn], i, ok = d.str(b, i)
		case "start":
			f.start, i, ok = integer(b, i)
		case "end":
			f.end, i, ok = integer(b, i)
		case "ok":
			f.ok, i, ok = boolean(b, i)
		case "err":
			f.str[sErr], i, ok = d.str(b, i)
		case "version":
			f.str[sVersion], i, ok = d.str(b, i)
		case "role":
			f.str[sRole], i, ok = d.str(b, i)
		case "server":
			f.str[sServer], i, ok = d.str(b, i)
		case "key":
			f.str[sKey], i, ok = d.str(b, i)
		case "seq":
			f.seq, i, ok = unsigned(b, i)
		case "applied":
			f.applied, i, ok = integer(b, i)
		case "sent":
			f.sent, i, ok = integer(b, i)
		case "failed":
			f.failed, i, ok = integer(b, i)
		case "interval":
			f.interval, i, ok = integer(b, i)
		case "skipped":
			f.skipped, i, ok = integer(b, i)
		case "found":
			f.found, i, ok = boolean(b, i)
		case "value":
			f.str[sValue], i, ok = d.str(b, i)
			f.hasValue = true
		case "via":
			f.str[sVia], i, ok = d.str(b, i)
		case "round":
			var r int64
			r, i, ok = integer(b, i)
			f.round = int(r)
			ok = ok && int64(f.round) == r
		}
		if !ok {
			return false // an unknown key too
		}
		i = skipSpace(b, i)
		if i == len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// plain marks the bytes a JSON string holds as they are: all but the
// quote, the backslash and control characters. Bytes from 0x80 are plain
// too; the string is checked for valid UTF-8 as a whole.
var plain = func() (p [256]bool) {
	for c := 0x20; c < 256; c++ {
		p[c] = c != '"' && c != '\\'
	}
	return p
}()

// str reads the JSON string at b[i].
func (d *decoder) str(b []byte, i int) ([]byte, int, bool) {
	if i == len(b) || b[i] != '"' {
		return nil, i, false
	}
	i++
	start, ascii := i, true
	for i < len(b) && plain[b[i]] {
		ascii = ascii && b[i] < utf8.RuneSelf
		i++
	}
	if i == len(b) {
		return nil, i, false
	}
	if b[i] == '"' {
		s := b[start:i]
		return s, i + 1, ascii || utf8.Valid(s)
	}
	if b[i] != '\\' {
		return nil, i, false // a control character
	}
	// Escapes: unescape into scratch. The strings of this line already
	// there stay as they are, even when scratch grows.
	from := len(d.scratch)
	d.scratch = append(d.scratch, b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s := d.scratch[from:]
			return s, i + 1, utf8.Valid(s) // escapes give valid UTF-8 only
		case c == '\\':
			if i+1 == len(b) {
				return nil, i, false
			}
			i++
			switch e := b[i]; e {
			case '"', '\\', '/':
				d.scratch = append(d.scratch, e)
			case 'b':
				d.scratch = append(d.scratch, '\b')
			case 'f':
				d.scratch = append(d.scratch, '\f')
			case 'n':
				d.scratch = append(d.scratch, '\n')
			case 'r':
				d.scratch = append(d.scratch, '\r')
			case 't':
				d.scratch = append(d.scratch, '\t')
			case 'u':
				r, ok := hex4(b, i+1)
				if !ok || utf16.IsSurrogate(r) {
					return nil, i, false // surrogate pairs are encoding/json's to read
				}
				d.scratch = utf8.AppendRune(d.scratch, r)
				i += 4
			default:
				return nil, i, false
			}
			i++
		case c < 0x20:
			return nil, i, false
		default:
			d.scratch = append(d.scratch, c)
			i++
		}
	}
	return nil, i, false
}

// hex4 reads the four hex digits of a \u escape at b[i].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// digits reads a JSON integer at b[i]: an optional minus, then 0 or
// digits without a leading zero, of a magnitude that fits in a uint64. A
// fraction or an exponent is not an integer here.
func digits(b []byte, i int) (mag uint64, neg bool, j int, ok bool) {
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	start := i
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		mag = mag*10 + uint64(b[i]-'0')
		i++
	}
	n := i - start
	if n == 0 || n > 1 && b[start] == '0' || n > len(maxUint64) || n == len(maxUint64) && string(b[start:i]) > maxUint64 {
		return 0, false, i, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, false, i, false
	}
	return mag, neg, i, true
}

const maxUint64 = "18446744073709551615"

func integer(b []byte, i int) (int64, int, bool) {
	mag, neg, i, ok := digits(b, i)
	switch {
	case !ok:
		return 0, i, false
	case !neg && mag <= math.MaxInt64:
		return int64(mag), i, true
	case neg && mag <= 1<<63:
		return int64(-mag), i, true // -(1<<63) wraps to itself
	}
	return 0, i, false
}

func unsigned(b []byte, i int) (uint64, int, bool) {
	mag, neg, i, ok := digits(b, i)
	return mag, i, ok && !neg // encoding/json takes no "-0" for a uint64
}

func boolean(b []byte, i int) (bool, int, bool) {
	switch {
	case bytes.HasPrefix(b[i:], []byte("true")):
		return true, i + 4, true
	case bytes.HasPrefix(b[i:], []byte("false")):
		return false, i + 5, true
	}
	return false, i, false
}

// decodeJSON decodes line with encoding/json into f: the way for a line
// the decoder does not know. Its strings are the Record's, copied.
func decodeJSON(f *fields, line []byte) error {
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	*f = fields{
		typ:      []byte(r.Type),
		hasValue: r.Value != nil,
		n:        r.N, sched: r.Sched, start: r.Start, end: r.End, applied: r.Applied,
		sent: r.Sent, failed: r.Failed, interval: r.Interval, skipped: r.Skipped,
		seq: r.Seq, round: r.Round, ok: r.OK, found: r.Found,
	}
	for k, s := range [nStr]string{r.Client, r.Class, r.Conn, r.Err, r.Version, r.Role, r.Server, r.Key, "", r.Via} {
		f.str[k] = []byte(s)
	}
	if r.Value != nil {
		f.str[sValue] = []byte(*r.Value)
	}
	return nil
}

// typeNames are the line types by their number in a Log's entries.
var typeNames = [...]string{"", TypeOp, TypeSummary, TypeReadback, TypeRound}

// check validates f as Record.Validate does and gives its type's number
// in typeNames.
func (f *fields) check() (uint8, error) {
	var t uint8
	switch string(f.typ) {
	case "":
	case TypeOp:
		t = 1
	case TypeSummary:
		t = 2
	case TypeReadback:
		t = 3
	case TypeRound:
		t = 4
	default:
		return 0, unknownType(string(f.typ))
	}
	return t, validate(typeNames[t], len(f.str[sClient]) > 0, len(f.str[sKey]) > 0, f.start, f.end, f.round)
}

// record is f, of type t, as a Record, its strings copied. With last,
// a string that repeats the last one of its field (a client's name, its
// class, the server that answered) is that string, not another copy.
func (f *fields) record(t uint8, last *[nStr]string) Record {
	str := func(k int) string {
		b := f.str[k]
		switch {
		case len(b) == 0:
			return ""
		case last == nil || k == sKey || k == sValue:
			return string(b)
		case last[k] != string(b):
			last[k] = string(b)
		}
		return last[k]
	}
	r := Record{
		Type: typeNames[t], Client: str(sClient), N: f.n, Sched: f.sched,
		Class: str(sClass), Conn: str(sConn), Start: f.start, End: f.end, OK: f.ok,
		Err: str(sErr), Version: str(sVersion), Role: str(sRole), Server: str(sServer),
		Key: str(sKey), Seq: f.seq, Applied: f.applied,
		Sent: f.sent, Failed: f.failed, Interval: f.interval, Skipped: f.skipped,
		Found: f.found, Via: str(sVia), Round: f.round,
	}
	if f.hasValue {
		v := string(f.str[sValue])
		r.Value = &v
	}
	return r
}
