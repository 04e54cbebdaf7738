package probe

import (
	"crypto/sha256"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxShown is the longest value Shown gives as it is.
const MaxShown = 64

// shownPrefix is how many bytes of a long value its short form keeps.
const shownPrefix = 32

// Shown is how a value appears in an op log (Record.Value): the value
// itself when it is valid UTF-8 of at most MaxShown bytes, the empty value
// included (""); otherwise a short form: its first 32 bytes (fewer, not to
// split a character), "…", its length and the first 16 hex digits of its
// SHA-256. "0123456789" × 30 shows as
//
//	"01234567890123456789012345678901… (300 bytes, sha256 ba6ab297dbb2bcbc)"
//
// A write and a read of the same value show the same, and different
// values show differently, so that hatest can compare what was written
// with what was read by comparing lines (a value that spells out another
// value's short form aside). The short form of a long valid value is
// longer than MaxShown bytes, never taken for a value shown as it is.
// Invalid UTF-8 takes the short form too, whatever its length: JSON would
// turn its bad bytes into U+FFFD, and two different values into one.
func Shown(v string) *string {
	if len(v) <= MaxShown && utf8.ValidString(v) {
		return &v
	}
	// Cut before a rune's first byte, so that a character is not split.
	cut := min(len(v), shownPrefix)
	for i := cut; i > cut-utf8.UTFMax && i > 0 && i < len(v); i-- {
		if utf8.RuneStart(v[i]) {
			cut = i
			break
		}
	}
	p := v[:cut]
	p = strings.ToValidUTF8(p, "\uFFFD")
	sum := sha256.Sum256([]byte(v))
	b := make([]byte, 0, len(p)+64)
	b = append(b, p...)
	b = append(b, "… ("...)
	b = strconv.AppendInt(b, int64(len(v)), 10)
	b = append(b, " bytes, sha256 "...)
	for _, c := range sum[:8] {
		b = append(b, hex[c>>4], hex[c&0xF])
	}
	b = append(b, ')')
	s := string(b)
	return &s
}
