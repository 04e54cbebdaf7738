package system

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/hatest/hatest/framework/timeline"
)

// DefaultRoundTimeout is how long ReadBack waits for every client to end
// its round: a round reads each key a client wrote through each member it
// knows, which for a minute of writes at 5 ms is some thousands of reads.
const DefaultRoundTimeout = 60 * time.Second

// ReadBack asks every running client for a read-back round (SIGUSR1: see
// the client contract in docs/your-own-system.md) and waits up to timeout
// for each to print the line that ends it. Each client reads every key it
// wrote so far, through its route and through each member it knows, and
// keeps running its schedule meanwhile. The round is an event on the
// timeline, "readback-N", described as "read-back round N: label".
//
// A client that does not end its round in time is an error naming it and
// what it printed: a client that ignores SIGUSR1 does not keep the
// contract, and its writes cannot be read back across versions.
func (s *System) ReadBack(ctx context.Context, label string, timeout time.Duration) (int, error) {
	if timeout <= 0 {
		timeout = DefaultRoundTimeout
	}
	clients := s.Clients()
	if len(clients) == 0 {
		return 0, fmt.Errorf("read back: no clients run")
	}
	s.mu.Lock()
	s.rounds++
	n := s.rounds
	s.mu.Unlock()
	desc := fmt.Sprintf("read-back round %d", n)
	if label != "" {
		desc += ": " + label
	}
	end := s.Events.BeginEvent(timeline.Event{ID: timeline.RoundEventID(n), Kind: timeline.KindSystem, Desc: desc, Idle: true})
	defer end()
	// A client that dies of the signal instead (it does not handle it)
	// is named at once: one Wait per client, for as long as this lasts.
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	var asked []*Client
	gone := map[*Client]chan int{}
	for _, c := range clients {
		if c.waited {
			continue // stopped already
		}
		if err := c.Node.Signal(ctx, syscall.SIGUSR1); err != nil {
			return n, fmt.Errorf("read back: %w", err)
		}
		asked = append(asked, c)
		ch := make(chan int, 1)
		gone[c] = ch
		go func() {
			if code, err := c.Node.Wait(wctx); err == nil {
				ch <- code
			}
		}()
	}
	deadline := time.Now().Add(timeout)
	var failed []string
	for _, c := range asked {
		for {
			got, why := c.Log.Round()
			if got >= n {
				if why != "" {
					failed = append(failed, fmt.Sprintf("%s: %s", c.Name, why))
				}
				break
			}
			select {
			case code := <-gone[c]:
				return n, fmt.Errorf("read back: client %s exited with code %d instead of reading back round %d: a client that does not handle SIGUSR1 dies of it; see the read-back rounds of docs/your-own-system.md", c.Name, code, n)
			default:
			}
			if time.Now().After(deadline) {
				return n, fmt.Errorf("read back: client %s did not end round %d within %s (its last round: %d); does it read back on SIGUSR1? (docs/your-own-system.md)", c.Name, n, timeout, got)
			}
			if err := Sleep(ctx, 20*time.Millisecond); err != nil {
				return n, fmt.Errorf("read back: %w", err)
			}
		}
	}
	s.logf("%s: %d clients read back", desc, len(clients))
	if len(failed) > 0 {
		s.logf("read-back round %d incomplete: %s", n, strings.Join(failed, "; "))
	}
	return n, nil
}
