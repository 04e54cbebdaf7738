package lockedbuf

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Writers and readers at once: every write lands whole, and a copy
// returned by Bytes does not change under later writes. Run with -race.
func TestConcurrent(t *testing.T) {
	var b Buffer
	const writers, lines = 8, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(&b, "w%d line %03d\n", w, i)
			}
		}()
		go func() {
			defer wg.Done()
			for range lines {
				if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
					t.Errorf("a read saw half a write: %q", s[max(0, len(s)-20):])
					return
				}
			}
		}()
	}
	wg.Wait()
	got := b.String()
	if n := strings.Count(got, "\n"); n != writers*lines {
		t.Fatalf("%d lines, want %d", n, writers*lines)
	}
	for w := range writers {
		if n := strings.Count(got, fmt.Sprintf("w%d line", w)); n != lines {
			t.Errorf("writer %d: %d lines, want %d", w, n, lines)
		}
	}
	snap := b.Bytes()
	b.Write([]byte("more"))
	if string(snap) != got {
		t.Errorf("Bytes changed under a later write")
	}
}
