package probe

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestWrites(t *testing.T) {
	var w Writes
	if k, ok := w.Pick(); ok || k != "" {
		t.Fatalf("Pick before any acknowledgement: %q, %v", k, ok)
	}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("c1-%06d", i)
			if i%4 == 0 {
				w.Failed(key)
				return
			}
			w.Acked(key)
		}()
	}
	wg.Wait()
	keys := w.ToReadBack()
	if len(keys) != 100 || w.AckedCount() != 75 {
		t.Fatalf("%d keys to read back, %d acknowledged; want 100 and 75", len(keys), w.AckedCount())
	}
	for _, k := range keys[:75] {
		var i int
		fmt.Sscanf(k, "c1-%06d", &i)
		if i%4 == 0 {
			t.Fatalf("failed write %s among the acknowledged ones", k)
		}
	}
	k, ok := w.Pick()
	if !ok || !slices.Contains(keys[:75], k) {
		t.Fatalf("Pick = %q, %v: want an acknowledged key", k, ok)
	}
}
