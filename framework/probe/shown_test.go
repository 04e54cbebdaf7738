package probe

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// The SHA-256 digits below were computed apart, with Python's hashlib.
func TestShown(t *testing.T) {
	for _, tc := range []struct {
		name, v, want string
	}{
		{"empty", "", ""},
		{"plain", "7", "7"},
		{"newline and quote", "a \"q\"\nb", "a \"q\"\nb"},
		{"unicode", "café ☃", "café ☃"},
		{"64 bytes", strings.Repeat("x", 64), strings.Repeat("x", 64)},
		{"65 bytes", strings.Repeat("x", 65), strings.Repeat("x", 32) + "… (65 bytes, sha256 9537c5fdf120482f)"},
		{"300 bytes", strings.Repeat("0123456789", 30), "01234567890123456789012345678901… (300 bytes, sha256 ba6ab297dbb2bcbc)"},
		// Byte 32 is the second byte of an é: the prefix stops before it.
		{"2-byte runes", "a" + strings.Repeat("é", 40), "a" + strings.Repeat("é", 15) + "… (81 bytes, sha256 4831141c37ad0795)"},
		{"3-byte runes", strings.Repeat("☃", 30), strings.Repeat("☃", 10) + "… (90 bytes, sha256 3a7765af27e3e107)"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb… (3 bytes, sha256 01ce0241d2a0e71a)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Shown(tc.v)
			if got == nil || *got != tc.want {
				t.Fatalf("Shown(%q) = %v, want %q", tc.v, got, tc.want)
			}
			if again := Shown(tc.v); *again != *got {
				t.Fatalf("Shown(%q) gave %q, then %q", tc.v, *got, *again)
			}
			if !utf8.ValidString(*got) {
				t.Fatalf("Shown(%q) = %q: not valid UTF-8", tc.v, *got)
			}
			// In a line, it reads back as it was shown.
			b := AppendJSON(nil, &Record{Type: TypeReadback, Client: "c1", Key: "k", Value: got})
			r, err := Parse(b)
			if err != nil || r.Value == nil || *r.Value != tc.want {
				t.Fatalf("line %s parsed as %v, %v", b, r.Value, err)
			}
		})
	}
}

// Different values show differently, a long one never as a short one, and
// a value that differs from another only past the prefix, or only in its
// length, still shows differently.
func TestShownDistinct(t *testing.T) {
	long := strings.Repeat("0123456789", 30)
	values := []string{"", " ", "0", "00", "1", strings.Repeat("x", 64), strings.Repeat("x", 65), strings.Repeat("x", 66),
		long, long[:299] + "X", long + "0", long[:298], "é", "e\u0301", "a\xff", "a\xfe"}
	seen := map[string]string{}
	for _, v := range values {
		s := *Shown(v)
		if other, dup := seen[s]; dup {
			t.Errorf("%q and %q both show as %q", other, v, s)
		}
		seen[s] = v
		if utf8.ValidString(v) && len(v) > MaxShown && len(s) <= MaxShown {
			t.Errorf("Shown(%d bytes) = %q: %d bytes, not longer than %d", len(v), s, len(s), MaxShown)
		}
	}
}

// A nil Value is not said; an empty one is "value":"".
func TestShownEmptyInLine(t *testing.T) {
	b := AppendJSON(nil, &Record{Client: "c1", Value: Shown("")})
	if !strings.Contains(string(b), `"value":""`) {
		t.Fatalf("empty value: %s", b)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil || r.Value == nil || *r.Value != "" {
		t.Fatalf("%s read back as %v, %v", b, r.Value, err)
	}
	if b := AppendJSON(nil, &Record{Client: "c1"}); strings.Contains(string(b), "value") {
		t.Fatalf("nil value written: %s", b)
	}
}
