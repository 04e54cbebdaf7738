package probe

import (
	"strings"
	"testing"
)

// Writes cycle through the value shapes, one per write, from the first.
func TestValue(t *testing.T) {
	long := Value(4, 17)
	if len(long) != 300 || !strings.HasPrefix(long, "long-17-0123456789abcdefghijklmnopqrstuvwxyz0123") {
		t.Errorf("long value: %d bytes, %q", len(long), long)
	}
	for w, want := range []string{"plain-17", "", "café ☃ 17", long, "017.50", "line one\n\"two\" 17", "plain-17"} {
		if got := Value(int64(w+1), 17); got != want {
			t.Errorf("Value(%d, 17) = %q, want %q", w+1, got, want)
		}
	}
	if Value(4, 17) == Value(4, 18) {
		t.Error("two long values are the same")
	}
}

// The one-word shapes: none empty, none with a space or a newline.
func TestWordValue(t *testing.T) {
	for w, want := range []string{"plain-17", "café☃-17", longValue("17"), "017.50", `say"hi"-17`, "plain-17"} {
		got := WordValue(int64(w+1), 17)
		if got != want {
			t.Errorf("WordValue(%d, 17) = %q, want %q", w+1, got, want)
		}
		if got == "" || strings.ContainsAny(got, " \n") {
			t.Errorf("WordValue(%d, 17) = %q is not one word", w+1, got)
		}
	}
}
