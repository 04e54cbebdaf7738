package probe

import (
	"math"
	"strings"

	"github.com/hatest/hatest/framework/timeline"
)

// A Log keeps its records compactly, as a run of a million ops holds a
// million of them for as long as it lasts:
//
//	line ──▶ decoder ──▶ fields ──▶ entry (96 bytes, no pointers) ──▶ entries
//	                        │            str[k] = a string's number
//	                        └──▶ strtab: the strings, each kept once when it
//	                             repeats (client, class, conn, err, version,
//	                             role, server, via), the bytes of the others
//	                             (key, value) in shared blocks
//
// Records, Ops and All make Records and timeline.Ops from the entries on
// demand; nothing else is kept. An entry or a string, once stored, never
// changes, and the blocks holding them are never moved, so a reader that
// took the lengths under the lock reads them without it.

// entry is one record as a Log keeps it. The numbers of a summary line
// (a client writes one) and a round beyond int32 are in the Log's extras.
type entry struct {
	n, sched, start, end, applied int64
	seq                           uint64
	str                           [nStr]uint32 // strtab numbers; str[sValue] is 0 for no value
	round                         int32
	typ                           uint8 // index in typeNames
	flags                         uint8
}

// isOp says whether e is an op line (type "" or "op").
func (e *entry) isOp() bool { return e.typ <= 1 }

const (
	flagOK = 1 << iota
	flagFound
	flagExtra // its summary numbers and round are in extras
)

// extra is the rest of an entry that has flagExtra.
type extra struct {
	at                              int // the entry's index
	sent, failed, interval, skipped int64
	round                           int
}

// entries holds a Log's entries in blocks that are never moved: a block
// is made at its full length, and only filled.
type entries struct {
	blocks [][]entry
	n      int // entries in all
	inLast int // entries in the last block
}

const (
	firstBlock = 64
	maxBlock   = 8192 // entries: 768 KiB
)

func (s *entries) add(e *entry) {
	if len(s.blocks) == 0 || s.inLast == len(s.blocks[len(s.blocks)-1]) {
		size := firstBlock
		if len(s.blocks) > 0 {
			size = min(2*len(s.blocks[len(s.blocks)-1]), maxBlock)
		}
		s.blocks = append(s.blocks, make([]entry, size))
		s.inLast = 0
	}
	s.blocks[len(s.blocks)-1][s.inLast] = *e
	s.inLast++
	s.n++
}

// strtab holds the strings of a Log's entries, each by its number: 0 is
// "", 1 is the empty value (so that an entry's str[sValue] can be 0 for no
// value). Like entries, its blocks are never moved.
type strtab struct {
	blocks [][]string
	n      uint32
	// index finds a repeating string's number; it stops growing at
	// maxIndex strings (err lines that each name their own port).
	index map[string]uint32
	// last is each field's last number: most lines repeat the one before.
	last  [nStr]uint32
	arena strings.Builder // the bytes of the latest strings
}

const (
	tabBits  = 10 // strings per block: 1 << tabBits
	maxIndex = 4096
	arenaMin = 4 << 10
	arenaMax = 64 << 10
)

func (t *strtab) init() {
	t.index = map[string]uint32{}
	t.add("")
	t.add("")
}

// at is string number i.
func (t *strtab) at(i uint32) string { return t.blocks[i>>tabBits][i&(1<<tabBits-1)] }

func (t *strtab) add(s string) uint32 {
	if t.n == math.MaxUint32 {
		panic("probe: more than 2³² strings in one op log")
	}
	if t.n>>tabBits == uint32(len(t.blocks)) {
		t.blocks = append(t.blocks, make([]string, 1<<tabBits))
	}
	t.blocks[t.n>>tabBits][t.n&(1<<tabBits-1)] = s
	t.n++
	return t.n - 1
}

// ref gives the number of field k's string b, storing it when it is new.
// The repeating fields' strings are stored once each.
func (t *strtab) ref(k int, b []byte) uint32 {
	if len(b) == 0 {
		if k == sValue {
			return 1
		}
		return 0
	}
	if last := t.last[k]; last > 1 && t.at(last) == string(b) {
		return last
	}
	var i uint32
	if k == sKey || k == sValue {
		i = t.add(t.copy(b))
	} else if j, ok := t.index[string(b)]; ok {
		i = j
	} else {
		i = t.add(t.copy(b))
		if len(t.index) < maxIndex {
			t.index[t.at(i)] = i
		}
	}
	t.last[k] = i
	return i
}

// copy copies b into the arena: one allocation for many strings. The
// arena only grows, so the strings it gave stay as they are.
func (t *strtab) copy(b []byte) string {
	if len(b) > arenaMax/4 {
		return string(b)
	}
	if t.arena.Cap()-t.arena.Len() < len(b) {
		size := min(max(2*t.arena.Cap(), arenaMin), arenaMax)
		t.arena = strings.Builder{}
		t.arena.Grow(size)
	}
	from := t.arena.Len()
	t.arena.Write(b)
	return t.arena.String()[from:]
}

// view is what a Log held when it was taken: entries and strings stored
// later are not in it, and it is read without the Log's lock.
type view struct {
	blocks [][]entry
	n      int
	ops    int // op entries among the n
	strs   [][]string
	extras []extra
}

// entries calls f with every entry and its index, in order, until f
// returns false.
func (v view) entries(f func(i int, e *entry) bool) {
	i := 0
	for _, b := range v.blocks {
		for j := range b[:min(len(b), v.n-i)] {
			if !f(i, &b[j]) {
				return
			}
			i++
		}
	}
}

// each calls f with every record, in order, until f returns false.
func (v view) each(f func(r *Record) bool) {
	x := 0 // the next extra
	v.entries(func(i int, e *entry) bool {
		r := v.record(e)
		if e.flags&flagExtra != 0 {
			for v.extras[x].at != i {
				x++
			}
			ex := v.extras[x]
			r.Sent, r.Failed, r.Interval, r.Skipped, r.Round = ex.sent, ex.failed, ex.interval, ex.skipped, ex.round
		}
		return f(&r)
	})
}

func (v view) str(i uint32) string { return v.strs[i>>tabBits][i&(1<<tabBits-1)] }

// record is e as a Record, its extra aside. Its strings are the Log's;
// Value points at the Log's copy.
func (v view) record(e *entry) Record {
	r := Record{
		Type: typeNames[e.typ], Client: v.str(e.str[sClient]), N: e.n, Sched: e.sched,
		Class: v.str(e.str[sClass]), Conn: v.str(e.str[sConn]), Start: e.start, End: e.end,
		OK: e.flags&flagOK != 0, Err: v.str(e.str[sErr]), Version: v.str(e.str[sVersion]),
		Role: v.str(e.str[sRole]), Server: v.str(e.str[sServer]), Key: v.str(e.str[sKey]),
		Seq: e.seq, Applied: e.applied, Found: e.flags&flagFound != 0, Via: v.str(e.str[sVia]),
		Round: int(e.round),
	}
	if i := e.str[sValue]; i != 0 {
		r.Value = &v.strs[i>>tabBits][i&(1<<tabBits-1)]
	}
	return r
}

// op is e, an op line, as a timeline.Op.
func (v view) op(e *entry) timeline.Op {
	return timeline.Op{
		Client: v.str(e.str[sClient]), Class: v.str(e.str[sClass]), Conn: v.str(e.str[sConn]),
		Sched: e.sched, Start: e.start, End: e.end, OK: e.flags&flagOK != 0, Err: v.str(e.str[sErr]),
		Version: v.str(e.str[sVersion]), Role: v.str(e.str[sRole]), Server: v.str(e.str[sServer]),
	}
}

// entryOf makes f's entry (of type t), storing its strings in tab. Its
// extra, when it needs one, is the second result.
func entryOf(f *fields, t uint8, tab *strtab) (entry, bool) {
	e := entry{
		n: f.n, sched: f.sched, start: f.start, end: f.end, applied: f.applied, seq: f.seq,
		round: int32(f.round), typ: t,
	}
	for k := range nStr {
		if k != sValue || f.hasValue {
			e.str[k] = tab.ref(k, f.str[k])
		}
	}
	if f.ok {
		e.flags |= flagOK
	}
	if f.found {
		e.flags |= flagFound
	}
	needExtra := f.sent != 0 || f.failed != 0 || f.interval != 0 || f.skipped != 0 || int(e.round) != f.round
	if needExtra {
		e.flags |= flagExtra
	}
	return e, needExtra
}
