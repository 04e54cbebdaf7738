package docker

import (
	"slices"
	"testing"
	"time"
)

// resume must name, in log order, exactly the delivered entries that a
// read from its since returns: those stamped at or after it.
func TestCursorResume(t *testing.T) {
	const s = int64(time.Second)
	base := int64(1_800_000_000) * s
	tests := []struct {
		name string
		ts   []int64 // delivered, in log order, relative to base
	}{
		{"nothing delivered", nil},
		{"one entry", []int64{0}},
		{"in order, over many seconds", func() []int64 {
			var out []int64
			for i := range int64(10_000) {
				out = append(out, i*s/1000) // 1000 entries a second for 10 s
			}
			return out
		}()},
		{"stderr stamped a little before stdout, written after it", []int64{0, 5 * s, 5*s + 10, 5*s - 1e6, 6 * s, 6*s - 3e6, 7 * s}},
		{"equal stamps", []int64{s, s, s, 2 * s, 2 * s}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c cursor
			for _, ts := range tt.ts {
				c.add(base + ts)
			}
			since, seen := c.resume()
			if len(tt.ts) == 0 {
				if since != 0 || seen != nil {
					t.Fatalf("resume() = %d, %v; want the beginning", since, seen)
				}
				return
			}
			last := base + slices.Max(tt.ts)
			if since != last-int64(rereadSlack) {
				t.Fatalf("since = last - %v, want last - %v", time.Duration(last-since), rereadSlack)
			}
			var want []int64
			for _, ts := range tt.ts {
				if base+ts >= since {
					want = append(want, base+ts)
				}
			}
			if !slices.Equal(seen, want) {
				t.Fatalf("seen %d entries %v..., want %d", len(seen), seen[:min(len(seen), 5)], len(want))
			}
			if len(c.recent)-c.head > 2*len(want)+1 {
				t.Errorf("the cursor keeps %d timestamps for %d within the slack", len(c.recent)-c.head, len(want))
			}
		})
	}
}

func TestStamped(t *testing.T) {
	ts, line, ok := stamped([]byte("2026-12-07T07:39:19.967835198Z burst 1 of 2 ...\n"))
	if !ok || ts != time.Date(2026, 12, 7, 7, 39, 19, 967835198, time.UTC).UnixNano() || string(line) != "burst 1 of 2 ...\n" {
		t.Fatalf("stamped = %d, %q, %v", ts, line, ok)
	}
	for _, bad := range []string{"", "no timestamp here\n", "2026-12-07T07:39:19Z"} {
		if _, _, ok := stamped([]byte(bad)); ok {
			t.Errorf("stamped(%q) ok; want not", bad)
		}
	}
}
