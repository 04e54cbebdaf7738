package probe

import (
	"math/rand/v2"
	"sync"
)

// Writes is what a client keeps of its writes for reads and for the
// read-back on stop: every acknowledged key, and every key whose write
// failed (a timeout or a
// broken connection does not say whether it was applied). It is safe for
// concurrent use by the operations in flight.
type Writes struct {
	mu     sync.Mutex
	keys   []string // acknowledged, in order
	failed []string
}

// Acked records that the write of key was acknowledged. Each write has a
// key of its own: the op log carries the seq it was acknowledged with.
func (w *Writes) Acked(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.keys = append(w.keys, key)
}

// Failed records that the write of key failed.
func (w *Writes) Failed(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failed = append(w.failed, key)
}

// Pick is an acknowledged key at random, for a read, or none ("", false)
// before the first acknowledgement.
func (w *Writes) Pick() (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.keys) == 0 {
		return "", false
	}
	return w.keys[rand.IntN(len(w.keys))], true
}

// ToReadBack is every key the read-back must read: the acknowledged ones
// in the order they were acknowledged, then those of failed writes.
func (w *Writes) ToReadBack() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append(append([]string(nil), w.keys...), w.failed...)
}

// AckedCount is how many writes were acknowledged.
func (w *Writes) AckedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.keys)
}
